"""The SMS outbox: one row per message, created once per event (its `key`), sent once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sms(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed, will retry")
        GAVE_UP = "gave_up", _("failed")

    class Delivery(models.TextChoices):
        PENDING = "pending", _("no receipt yet")
        DELIVERED = "delivered", _("delivered")
        UNDELIVERED = "undelivered", _("not delivered")

    key = models.CharField(
        _("event key"),
        max_length=120,
        unique=True,
        help_text=_("What the message is about; sent once per key."),
    )
    template = models.CharField(_("template"), max_length=40)
    phone_encrypted = models.TextField(editable=False)
    phone_masked = models.CharField(_("to"), max_length=20)
    body = models.TextField(_("text"))
    # The registered template's parameters, in the text's order (providers send only
    # approved templates: notifications/texts.py, gateways.py).
    params = models.JSONField(_("template parameters"), default=dict, blank=True)
    # Quiet hours: not sent before this moment (None: at once).
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case", models.PROTECT, null=True, blank=True, related_name="sms"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    provider_id = models.CharField(_("provider's id"), max_length=100, blank=True)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True)
    # The claim of the worker sending it (services.deliver): who, since when, and its
    # last heartbeat; a claim not renewed within the lease is released (release_stuck).
    claimed_by = models.CharField(_("claimed by"), max_length=100, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    # The provider's delivery receipt (manage.py sms_receipts, every ten minutes).
    delivery = models.CharField(
        _("delivery"), max_length=12, choices=Delivery.choices, default=Delivery.PENDING
    )
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delivery_error = models.CharField(_("delivery error"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["status", "heartbeat_at"]),
            models.Index(fields=["status", "not_before"]),
            models.Index(fields=["delivery", "sent_at"]),
        ]

    def __str__(self):
        return f"{self.template} → {self.phone_masked}"

"""The audit trail: append-only and chained by HMAC under a key kept outside the
database, so a changed, missing or re-computed row shows (daiban/audit/seal.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditRecord(models.Model):
    # Each township (a county-level office, a county; "" for the system and the public)
    # keeps its own chain, so writers in different places never wait on one another.
    chain = models.CharField(_("chain"), max_length=16, blank=True, default="")
    seq = models.BigIntegerField(_("number"))
    at = models.DateTimeField(_("time"), db_index=True)
    user_id = models.BigIntegerField(_("user id"), null=True)
    username = models.CharField(_("user"), max_length=150, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=40, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, default="ok")
    address = models.CharField(pgettext_lazy("network", "address"), max_length=64, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)  # HMAC-SHA256 under the key `key_id`
    key_id = models.CharField(_("audit key"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_record_chain_seq")
        ]

    def __str__(self):
        return (
            f"{self.chain}#{self.seq} {self.action}" if self.chain else f"#{self.seq} {self.action}"
        )


class AuditHead(models.Model):
    """A chain's tip, and where it starts after old records were purged (the anchor)."""

    chain = models.CharField(max_length=16, unique=True, default="")
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    anchor_seq = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, default="0" * 64)
    # The purge mark's own HMAC, so a database writer cannot move it forward.
    anchor_key = models.CharField(max_length=16, blank=True)
    anchor_mac = models.CharField(max_length=64, blank=True)

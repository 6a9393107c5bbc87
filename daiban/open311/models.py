from django.db import models
from django.utils.translation import gettext_lazy as _

from daiban.api.models import hash_key
from daiban.cases.models import Inquiry
from daiban.core.access import RestrictedManager


class ApiKey(models.Model):
    """A connected system's key (a hotline, a provincial platform); only its hash is kept."""

    name = models.CharField(_("system"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self):
        return self.name

    @classmethod
    def matching(cls, key: str):
        return cls.objects.filter(key_hash=hash_key(key or ""), active=True).first()


class ServiceRequest(models.Model):
    """A request filed through Open311: an inquiry waiting for the village agent."""

    inquiry = models.OneToOneField(Inquiry, models.PROTECT, related_name="open311")
    api_key = models.ForeignKey(ApiKey, models.PROTECT, related_name="requests")
    # The id callers see. Random since requests became readable by anyone without a key, so
    # ids cannot be counted through; requests filed before keep their stored DB<n>.
    public_id = models.CharField(max_length=40, unique=True)
    token = models.CharField(max_length=40, unique=True)
    phone_encrypted = models.TextField(blank=True)
    address_string = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()

    @property
    def service_request_id(self) -> str:
        return self.public_id

"""What a county's rollout keeps beside the places and the staff (whose posts are
people.Post): the townships' launch, local names of catalog items, and uploaded workbooks awaiting approval."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from daiban.catalog.models import ServiceItem
from daiban.places.models import County, Township


class TownshipLaunch(models.Model):
    """A township's launch: when it goes live and what has been printed for it."""

    township = models.OneToOneField(Township, models.CASCADE, related_name="launch")
    launch_date = models.DateField(_("launch date"), null=True, blank=True)
    catalog_confirmed = models.BooleanField(_("service guide confirmed"), default=False)
    posters_printed = models.BooleanField(_("village posters printed"), default=False)
    booklets_printed = models.BooleanField(_("guide booklets printed"), default=False)
    live = models.BooleanField(_("live"), default=False)

    class Meta:
        verbose_name = _("township launch")
        verbose_name_plural = _("township launches")

    def __str__(self):
        return str(self.township)


class ItemAlias(models.Model):
    """The names a county's people call an item by (常用名), from the workbook."""

    county = models.ForeignKey(County, models.CASCADE, related_name="item_aliases")
    item = models.ForeignKey(ServiceItem, models.CASCADE, related_name="county_aliases")
    aliases = models.CharField(_("common names"), max_length=200)

    class Meta:
        verbose_name = _("common name of an item")
        verbose_name_plural = _("common names of items")
        constraints = [
            models.UniqueConstraint(fields=["county", "item"], name="one_alias_row_per_item")
        ]

    def __str__(self):
        return self.aliases


class Upload(models.Model):
    """A workbook uploaded for a preview, kept on the server until it is applied."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    file_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("uploaded workbook")
        verbose_name_plural = _("uploaded workbooks")

    def __str__(self):
        return self.file_name

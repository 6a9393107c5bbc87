"""宣传: announcements and good-example stories (典型案例) for the public site, the
village pages and the notice board (公开栏)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from daiban.people.models import User
from daiban.places.models import County, Township


class Notice(models.Model):
    """Written by a township's service center (`township` set: shown on its villages'
    pages) or by the county (`township` empty: shown on every village page of the county);
    public once published."""

    class Kind(models.TextChoices):
        ANNOUNCEMENT = "announcement", _("announcement")
        STORY = "story", _("good-example story")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    county = models.ForeignKey(County, models.PROTECT, related_name="+")
    township = models.ForeignKey(Township, models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=60)
    body = models.TextField(_("text"))
    written_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    written_at = models.DateTimeField(_("written at"))
    published_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-published_at", "-written_at"]
        indexes = [models.Index(fields=["status", "county", "township"])]

    def __str__(self):
        return self.title

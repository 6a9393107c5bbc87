"""The working-day calendar: weekends are off unless a day says otherwise.

Only the exceptions are stored — public holidays that fall on weekdays, and make-up
working days (调休) that fall on weekends — per year that has been published.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    class Source(models.TextChoices):
        PACKAGE = "package", _("chinesecalendar package")
        ADMIN = "admin", _("entered by an administrator")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


class SpecialDay(models.Model):
    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(
        _("working day"),
        help_text=_("Ticked: a weekend make-up working day. Unticked: a holiday on a weekday."),
    )
    name = models.CharField(_("name"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("special day")
        verbose_name_plural = _("special days")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"

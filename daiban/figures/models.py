"""Rollups, so that dashboards and reports never scan the cases.

Two monthly rollups, each as coarse as its readers allow, so their size follows the
county's shape (villages, items, months), not the number of cases:

- `VillageTally`: per township, village and agent — totals, months, villages,
  townships, savings and the agents' evaluation;
- `ItemTally`: per township and item — the items.

`CaseTally` keeps what each case last added, so a change to a case is applied as a
difference, and `rebuild_figures` can always recompute everything from the cases.
"""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from daiban.cases.models import Case
from daiban.catalog.models import ServiceItem
from daiban.core.access import RestrictedManager
from daiban.people.models import User
from daiban.places.models import Township, Village

# Counters kept per month; every one is a plain sum, so months add up to any period.
MEASURES = (
    "accepted",  # accepted in the month
    "refused",  # refused in the month
    "withdrawn",  # withdrawn in the month
    "supplements",  # supplement notices issued in the month
    "completed",  # result recorded (granted or denied) in the month
    "granted",
    "on_time",  # result recorded on or before the promised date
    "work_days",  # working days from acceptance to result, paused days left out
    "trips_saved",  # the item's trips without an agent minus with one, per completed case
    "county_trips",  # of those, trips that would have gone to the county seat
    "rated",  # the villager's ratings given in the month, not set aside on appeal (no agent's notes)
    "satisfied",  # of those, 满意 or 非常满意
    "rating_sum",
    "complaints",
    "rectifications",  # opened in the month, not set aside on appeal
)


class CaseTally(models.Model):
    case = models.OneToOneField(Case, models.CASCADE, primary_key=True, related_name="+")
    data = models.JSONField(default=dict)


class Counters(models.Model):
    month = models.DateField(_("month"))
    township = models.ForeignKey(Township, models.PROTECT, related_name="+")
    is_petition = models.BooleanField(default=False)

    accepted = models.IntegerField(default=0)
    refused = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    supplements = models.IntegerField(default=0)
    completed = models.IntegerField(default=0)
    granted = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    work_days = models.IntegerField(default=0)
    trips_saved = models.IntegerField(default=0)
    county_trips = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    rating_sum = models.IntegerField(default=0)
    complaints = models.IntegerField(default=0)
    rectifications = models.IntegerField(default=0)

    class Meta:
        abstract = True


class VillageTally(Counters):
    village = models.ForeignKey(Village, models.PROTECT, related_name="+")
    agent = models.ForeignKey(User, models.PROTECT, related_name="+")

    DIMS = ("month", "township_id", "village_id", "agent_id", "is_petition")

    class Meta:
        verbose_name = _("monthly tally by village")
        verbose_name_plural = _("monthly tallies by village")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "township", "village", "agent", "is_petition"],
                name="one_village_tally_per_key",
            )
        ]
        indexes = [models.Index(fields=["township", "month"]), models.Index(fields=["month"])]


class ItemTally(Counters):
    item = models.ForeignKey(ServiceItem, models.PROTECT, related_name="+")

    DIMS = ("month", "township_id", "item_id", "is_petition")

    class Meta:
        verbose_name = _("monthly tally by item")
        verbose_name_plural = _("monthly tallies by item")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "township", "item", "is_petition"],
                name="one_item_tally_per_key",
            )
        ]
        indexes = [models.Index(fields=["township", "month"]), models.Index(fields=["month"])]


ROLLUPS = (VillageTally, ItemTally)


class MonthlyReport(models.Model):
    """月报: a township's figures for a month, sent up to the county.

    Generated on the 2nd for the month before (a draft), reviewed and submitted by the
    center director, signed off by the township leader, received by the county
    supervisor. The figures are kept as they were when the report was last worked out,
    so that what the leader signed is what the county receives."""

    class Kind(models.TextChoices):
        # The same report and the same four steps for a month, a quarter or a year;
        # `month` is the first month of the period.
        MONTH = "month", _("monthly")
        QUARTER = "quarter", _("quarterly")
        YEAR = "year", _("yearly")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft, with the center director")
        SUBMITTED = "submitted", _("submitted, waiting for the township leader")
        SIGNED = "signed", _("signed off, sent to the county")
        RECEIVED = "received", _("received by the county")

    township = models.ForeignKey(Township, models.PROTECT, related_name="+")
    kind = models.CharField(_("period"), max_length=8, choices=Kind.choices, default=Kind.MONTH)
    month = models.DateField(_("month"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    figures = models.JSONField(_("figures"), default=dict)
    generated_at = models.DateTimeField(_("worked out at"))
    note = models.TextField(_("director's note"), blank=True)
    submitted_by = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True)
    signed_by = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")
    signed_at = models.DateTimeField(_("signed at"), null=True)
    received_by = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")
    received_at = models.DateTimeField(_("received at"), null=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month", "township"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "kind", "month"], name="one_report_per_period"
            )
        ]

    def __str__(self):
        return f"{self.township} {self.kind} {self.month:%Y-%m}"

    @property
    def last_month(self) -> datetime.date:
        """The last month of the period."""
        months = {"month": 0, "quarter": 2, "year": 11}[self.kind]
        index = self.month.year * 12 + self.month.month - 1 + months
        return datetime.date(index // 12, index % 12 + 1, 1)

    @property
    def reported(self) -> bool:
        """Sent to the county (signed off by the township leader)."""
        return self.status in (self.Status.SIGNED, self.Status.RECEIVED)

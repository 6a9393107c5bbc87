"""The county's scoring scheme (考核办法) and the monthly payment sheets it drives."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from daiban.core.access import RestrictedManager
from daiban.people.models import User
from daiban.places.models import County, Township, Village


class FundRule(models.TextChoices):
    BY_SCORE = "by_score", _("in proportion to the score, among agents who pass")
    EQUAL = "equal", _("in equal parts, among agents who pass")


# What the county sets, in the order its form shows them; a payment sheet copies these.
SCHEME_FIELDS = (
    "weight_on_time",
    "weight_satisfaction",
    "weight_volume",
    "weight_complete_papers",
    "cases_per_month",
    "min_completed",
    "min_response_rate",
    "pass_mark",
    "complaint_penalty",
    "rectification_penalty",
    "monthly_subsidy",
    "yearly_fund",
    "fund_rule",
    "fare_per_km",
    "km_per_hour",
)


class Scheme(models.Model):
    """One per county, set by the county. A payment sheet copies the values it used."""

    county = models.OneToOneField(County, models.PROTECT, related_name="scheme")
    weight_on_time = models.PositiveSmallIntegerField(_("points for finishing on time"), default=40)
    weight_satisfaction = models.PositiveSmallIntegerField(_("points for satisfaction"), default=30)
    weight_volume = models.PositiveSmallIntegerField(_("points for cases completed"), default=20)
    weight_complete_papers = models.PositiveSmallIntegerField(
        _("points for cases needing no supplement"), default=10
    )
    cases_per_month = models.DecimalField(
        _("completed cases a month for full volume points"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("4"),
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    min_completed = models.PositiveSmallIntegerField(
        _("completed cases needed to be scored"), default=1
    )
    min_response_rate = models.PositiveSmallIntegerField(
        _("share of completed cases the villagers must rate before satisfaction earns points (%)"),
        default=30,
        validators=[MaxValueValidator(100)],
    )
    pass_mark = models.DecimalField(
        _("pass mark for a share of the fund"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("60"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    complaint_penalty = models.DecimalField(
        _("points off per complaint"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("2"),
        validators=[MinValueValidator(0)],
    )
    rectification_penalty = models.DecimalField(
        _("points off per rectification"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("5"),
        validators=[MinValueValidator(0)],
    )
    monthly_subsidy = models.DecimalField(
        _("transport subsidy per agent a month (yuan)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("30.00"),
        validators=[MinValueValidator(0)],
    )
    yearly_fund = models.DecimalField(
        _("special fund per township a year (yuan)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("5000.00"),
        validators=[MinValueValidator(0)],
    )
    fund_rule = models.CharField(
        _("how the fund is shared"), max_length=10, choices=FundRule.choices, default="by_score"
    )
    fare_per_km = models.DecimalField(
        _("fare per km when a village has no fare set (yuan)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(0)],
    )
    km_per_hour = models.DecimalField(
        _("travel speed when a village has no hours set (km/h)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("25"),
        validators=[MinValueValidator(Decimal("1"))],
    )
    updated_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    weight_complete_papers=100
                    - F("weight_on_time")
                    - F("weight_satisfaction")
                    - F("weight_volume")
                ),
                name="scheme_weights_make_100",
                violation_error_message=_("The four weights must add up to 100 points."),
            )
        ]

    def __str__(self):
        return str(self.county)


def _yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}"


class Locked(Exception):
    """An approved payment sheet cannot change."""


class PaymentSheet(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        APPROVED = "approved", _("approved")

    township = models.ForeignKey(Township, models.PROTECT, related_name="payment_sheets")
    month = models.DateField(_("month"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    scheme = models.JSONField(_("scheme used"))
    # Money is kept in fen (0.01 yuan) as integers, so sums are exact on every database.
    fund_fen = models.PositiveBigIntegerField(_("fund for the month (fen)"))
    subsidy_total_fen = models.PositiveBigIntegerField(_("subsidies (fen)"))
    fund_paid_fen = models.PositiveBigIntegerField(_("fund paid out (fen)"))
    fund_kept_fen = models.PositiveBigIntegerField(_("fund not paid out (fen)"))
    total_fen = models.PositiveBigIntegerField(_("total (fen)"))
    prepared_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(_("prepared at"))
    approved_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    digest = models.CharField(_("fingerprint of the approved lines"), max_length=64, blank=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("payment sheet")
        verbose_name_plural = _("payment sheets")
        ordering = ["-month", "township"]
        constraints = [
            models.UniqueConstraint(fields=["township", "month"], name="one_sheet_per_month"),
            models.CheckConstraint(
                condition=Q(total_fen=F("subsidy_total_fen") + F("fund_paid_fen")),
                name="sheet_total_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(fund_fen=F("fund_paid_fen") + F("fund_kept_fen")),
                name="sheet_fund_adds_up",
            ),
        ]

    def __str__(self):
        return f"{self.township} {self.month:%Y-%m}"

    def save(self, *args, **kwargs):
        if (
            self.pk
            and PaymentSheet.objects.filter(pk=self.pk, status=self.Status.APPROVED).exists()
        ):
            raise Locked(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status == self.Status.APPROVED:
            raise Locked(self)
        return super().delete(*args, **kwargs)

    @property
    def fund_yuan(self):
        return _yuan(self.fund_fen)

    @property
    def fund_paid_yuan(self):
        return _yuan(self.fund_paid_fen)

    @property
    def fund_kept_yuan(self):
        return _yuan(self.fund_kept_fen)

    @property
    def subsidy_total_yuan(self):
        return _yuan(self.subsidy_total_fen)

    @property
    def total_yuan(self):
        return _yuan(self.total_fen)


class PaymentLine(models.Model):
    sheet = models.ForeignKey(PaymentSheet, models.CASCADE, related_name="lines")
    agent = models.ForeignKey(User, models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=30)
    village = models.ForeignKey(Village, models.PROTECT, related_name="+")
    completed = models.PositiveIntegerField(_("completed"), default=0)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True)
    formula = models.TextField(_("how the score was worked out"), blank=True)
    subsidy_fen = models.PositiveBigIntegerField(_("transport subsidy (fen)"))
    fund_share_fen = models.PositiveBigIntegerField(_("share of the fund (fen)"))
    amount_fen = models.PositiveBigIntegerField(_("amount (fen)"))

    objects = RestrictedManager()

    class Meta:
        ordering = ["sheet", "village__code", "-role"]  # the village agent, then the petition agent
        constraints = [
            models.UniqueConstraint(fields=["sheet", "agent"], name="one_line_per_agent"),
            models.CheckConstraint(
                condition=Q(amount_fen=F("subsidy_fen") + F("fund_share_fen")), name="line_adds_up"
            ),
        ]

    def save(self, *args, **kwargs):
        if self._locked():
            raise Locked(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._locked():
            raise Locked(self)
        return super().delete(*args, **kwargs)

    @property
    def subsidy_yuan(self):
        return _yuan(self.subsidy_fen)

    @property
    def fund_share_yuan(self):
        return _yuan(self.fund_share_fen)

    @property
    def amount_yuan(self):
        return _yuan(self.amount_fen)

    def _locked(self) -> bool:
        return PaymentSheet.objects.filter(
            pk=self.sheet_id, status=PaymentSheet.Status.APPROVED
        ).exists()


class Grade(models.TextChoices):
    """The yearly grade of an agent (年度考核等次)."""

    EXCELLENT = "excellent", _("excellent")
    COMPETENT = "competent", _("competent")
    BASIC = "basic", _("basically competent")
    INCOMPETENT = "incompetent", _("incompetent")


class Appraisal(models.Model):
    """An agent's annual appraisal (年度考核): the year's score and figures from the monthly
    tallies and the villagers' comments, kept as they were when the director proposed the
    grade, the director's comment, and the township leader's approval."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed by the director")
        APPROVED = "approved", _("approved by the township leader")

    agent = models.ForeignKey(User, models.PROTECT, related_name="appraisals")
    township = models.ForeignKey(Township, models.PROTECT, related_name="appraisals")
    village = models.ForeignKey(Village, models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    score = models.DecimalField(
        _("score of the year"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    figures = models.JSONField(_("figures of the year"), default=dict)
    villager_comments = models.JSONField(_("villagers' comments"), default=list)
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices)
    director_comment = models.TextField(_("director's comment"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("proposed at"))
    approved_by = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("annual appraisal")
        verbose_name_plural = _("annual appraisals")
        ordering = ["township", "year", "village__code", "agent_id"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "year"], name="one_appraisal_per_agent_year")
        ]


class Bulletin(models.Model):
    """通报: the county's monthly commendation and criticism, drafted from the rankings
    (the best agents and townships) and from supervision (agents with overdue cases or a
    不满意 rating not rectified in time), edited and published by the county supervisor.

    `entries` is the drafted list, each {"key", "side": "commended"|"criticised",
    "kind": "agent"|"township", "name", "place", "why"}; the supervisor may leave some
    out (`left_out`, by key). Only the commended names reach the public site."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    county = models.ForeignKey(County, models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"), blank=True)
    entries = models.JSONField(_("entries"), default=list)
    left_out = models.JSONField(_("entries left out"), default=list)
    drafted_at = models.DateTimeField(_("drafted at"))
    edited_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    published_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["county", "month"], name="one_bulletin_per_month")
        ]

    def __str__(self):
        return f"{self.county} {self.month:%Y-%m}"

    def kept(self, side: str) -> list[dict]:
        return [e for e in self.entries if e["side"] == side and e["key"] not in self.left_out]

"""The service guide (办事指南): what can be done by proxy, with what papers, how fast."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Group(models.TextChoices):
    HOMESTEAD = "homestead", _("homestead and building")
    HOUSEHOLD = "household", _("household registration")
    EDUCATION = "education", _("schooling")
    LABOUR = "labour", _("migrant work and employment")
    MARRIAGE_FUNERAL = "marriage_funeral", _("marriages and funerals")
    PETITION = "petition", _("petitions")
    AGRICULTURE = "agriculture", _("farm subsidies")
    BIRTH = "birth", _("birth registration")
    SOCIAL_ASSISTANCE = "social_assistance", _("social assistance")
    MEDICAL_INSURANCE = "medical_insurance", _("medical insurance")
    PENSION = "pension", _("pensions and the aged")
    FORESTRY = "forestry", _("forestry")
    JUDICIAL = "judicial", _("legal aid and mediation")
    DISABILITY = "disability", _("disability")
    OTHER = "other", _("other")


class Level(models.TextChoices):
    TOWNSHIP = "township", _("township")
    COUNTY = "county", _("county")


class ServiceItem(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_initials = models.CharField(_("pinyin initials"), max_length=100, editable=False)
    group = models.CharField(_("group"), max_length=30, choices=Group.choices)
    department_kind = models.CharField(
        _("responsible department"),
        max_length=40,
        help_text=_("The kind of township department that handles it, e.g. police."),
    )
    decided_by = models.CharField(_("decided by"), max_length=10, choices=Level.choices)
    county_department_kind = models.CharField(
        _("approving county bureau"), max_length=40, blank=True
    )
    proxy_allowed = models.BooleanField(_("can be done by an agent"), default=True)
    in_person_note = models.TextField(
        _("why the resident must come in person"),
        blank=True,
        help_text=_("What the agent can still do: pre-check papers, book a time, go along."),
    )
    conditions = models.TextField(_("conditions"))
    statutory_days = models.PositiveSmallIntegerField(_("statutory time limit (working days)"))
    promised_days = models.PositiveSmallIntegerField(_("promised time limit (working days)"))
    county_days = models.PositiveSmallIntegerField(
        _("of which at the county (working days)"), default=0
    )
    fee = models.CharField(_("fee"), max_length=200, default="不收费")
    legal_basis = models.TextField(_("legal basis"), blank=True)
    trips_without_agent = models.PositiveSmallIntegerField(_("trips without an agent"))
    trips_with_agent = models.PositiveSmallIntegerField(_("trips with an agent"))
    location = models.CharField(_("where"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("offered"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(promised_days__lte=models.F("statutory_days")),
                name="promised_within_statutory",
            ),
            models.CheckConstraint(
                condition=models.Q(county_days__lt=models.F("promised_days"))
                | models.Q(county_days=0),
                name="county_part_within_promise",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_petition(self) -> bool:
        return self.group == Group.PETITION

    @property
    def trips_saved(self) -> int:
        return max(self.trips_without_agent - self.trips_with_agent, 0)

    def clean(self):
        errors = {}
        if self.promised_days is not None and self.statutory_days is not None:
            if self.promised_days > self.statutory_days:
                errors["promised_days"] = _("The promised limit cannot exceed the statutory one.")
            if self.promised_days < 1:
                errors["promised_days"] = _("The promised limit is at least one working day.")
        if self.decided_by == Level.COUNTY:
            if not self.county_department_kind:
                errors["county_department_kind"] = _("Name the county bureau that approves it.")
            if not self.county_days or (
                self.promised_days and self.county_days >= self.promised_days
            ):
                errors["county_days"] = _(
                    "A county-approved item needs county working days, fewer than the promised limit."
                )
        elif self.county_days or self.county_department_kind:
            errors["county_days"] = _("A township-decided item has no county part.")
        if not self.proxy_allowed and not self.in_person_note:
            errors["in_person_note"] = _(
                "Say why the resident must come and what the agent can do."
            )
        if errors:
            raise ValidationError(errors)


class Material(models.Model):
    class Kind(models.TextChoices):
        ORIGINAL = "original", _("original")
        COPY = "copy", _("copy")

    item = models.ForeignKey(ServiceItem, models.CASCADE, related_name="materials")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("original or copy"), max_length=10, choices=Kind.choices)
    count = models.PositiveSmallIntegerField(_("how many"), default=1)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=True)
    returnable = models.BooleanField(
        _("original is given back"),
        default=False,
        help_text=_("Ticked: the original is tracked in custody and returned to the resident."),
    )

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["item", "position", "id"]

    def __str__(self):
        return self.name


class ServiceItemVersion(models.Model):
    """A frozen copy of an item's guide; a case keeps the one it was accepted under."""

    item = models.ForeignKey(ServiceItem, models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content_hash = models.CharField(max_length=64)
    snapshot = models.JSONField(_("guide as published"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service guide version")
        verbose_name_plural = _("service guide versions")
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="one_number_per_version"),
            models.UniqueConstraint(
                fields=["item", "content_hash"], name="one_version_per_content"
            ),
        ]

    def __str__(self):
        return f"{self.item} v{self.number}"

    @property
    def materials(self) -> list[dict]:
        return self.snapshot["materials"]

    def required_materials(self) -> list[dict]:
        return [m for m in self.materials if m["required"]]

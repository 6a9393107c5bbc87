"""The service guide (办事指南): what can be done by proxy, with what papers, how fast."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from daiban.places.models import County, Department


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


class CountyItem(models.Model):
    """A county's own settings of a shared template item (issue 17). No row means the
    county offers the item as the template says; a row may switch it off there, name the
    county's responsible department (a township department stands for its kind in every
    township of the county) and approving bureau, and give its own phone, fee and notes.
    Its common names are `rollout.ItemAlias`. Every change is recorded in the audit trail
    (`catalog.county_item`), which is its history."""

    county = models.ForeignKey(County, models.CASCADE, related_name="catalog_items")
    item = models.ForeignKey(ServiceItem, models.CASCADE, related_name="county_settings")
    enabled = models.BooleanField(_("offered in this county"), default=True)
    department = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": Department.Level.TOWNSHIP},
        verbose_name=_("responsible department"),
        help_text=_(
            "A township department of the county: its kind handles the item in every"
            " township. Empty: as the template says."
        ),
    )
    bureau = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": Department.Level.COUNTY},
        verbose_name=_("approving county bureau"),
        help_text=_("For an item the county decides. Empty: as the template says."),
    )
    phone = models.CharField(
        _("phone"), max_length=30, blank=True, help_text=_("Empty: the template's phone.")
    )
    fee = models.CharField(
        _("fee"), max_length=200, blank=True, help_text=_("Empty: the template's fee.")
    )
    local_notes = models.TextField(
        _("local notes"), blank=True, help_text=_("Shown in the county's service guide.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("county service item")
        verbose_name_plural = _("county service items")
        ordering = ["county", "item__code"]
        constraints = [
            models.UniqueConstraint(fields=["county", "item"], name="one_setting_per_county_item")
        ]

    def __str__(self):
        return f"{self.county} · {self.item}"

    def clean(self):
        errors = {}
        for name in ("department", "bureau"):
            chosen = getattr(self, name)
            if chosen is not None and self.county_id and chosen.county_id != self.county_id:
                errors[name] = _("Choose a department of this county.")
        if self.bureau_id and self.item_id and self.item.decided_by != Level.COUNTY:
            errors["bureau"] = _("This item is decided in the township; it has no county bureau.")
        if errors:
            raise ValidationError(errors)

    @property
    def department_label(self) -> str:
        """新化镇派出所 → 派出所: a township department stands for its kind, in whichever
        township the resident lives."""
        department = self.department
        if department is None:
            return ""
        prefix = department.township.name if department.township_id else ""
        return department.name.removeprefix(prefix) or department.name

    @property
    def phone_here(self) -> str:
        return self.phone or self.item.phone

    @property
    def fee_here(self) -> str:
        return self.fee or self.item.fee

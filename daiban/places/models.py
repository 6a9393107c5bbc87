"""County → Township → Village → Hamlet, the township's service center and departments.

Codes are the 12-digit statistical division codes (统计用区划代码): county codes end in
six zeros, township codes in three, village codes do not.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

division_code = RegexValidator(r"^\d{12}$", _("A division code has exactly 12 digits."))


class County(models.Model):
    code = models.CharField(
        _("division code"), max_length=12, unique=True, validators=[division_code]
    )
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Township(models.Model):
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="townships")
    code = models.CharField(
        _("division code"), max_length=12, unique=True, validators=[division_code]
    )
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("township")
        verbose_name_plural = _("townships")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Village(models.Model):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="villages")
    code = models.CharField(
        _("division code"), max_length=12, unique=True, validators=[division_code]
    )
    name = models.CharField(_("name"), max_length=60)
    station_address = models.CharField(_("service station address"), max_length=200, blank=True)
    station_hours = models.CharField(_("service station hours"), max_length=100, blank=True)
    station_phone = models.CharField(_("service station phone"), max_length=30, blank=True)
    station_equipment = models.CharField(
        _("service station equipment"),
        max_length=300,
        blank=True,
        help_text=_("What the station has for villagers: a desk, a computer, a printer …"),
    )
    station_allowance = models.DecimalField(
        _("yearly office allowance (yuan)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("What the township pays the station a year for its running costs."),
    )
    # Bumped by every edit of the station: a form posted from an older copy is refused.
    station_version = models.PositiveIntegerField(default=0, editable=False)
    km_to_township = models.DecimalField(
        _("distance to township (km)"), max_digits=6, decimal_places=1, default=0
    )
    km_to_county = models.DecimalField(
        _("distance to county seat (km)"), max_digits=6, decimal_places=1, default=0
    )
    # What one round trip costs a villager; empty means "estimate from the distance" with
    # the county's evaluation scheme (fare per km, speed), so a village can be filled later.
    fare_to_township = models.DecimalField(
        _("round-trip fare to township (yuan)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
    )
    fare_to_county = models.DecimalField(
        _("round-trip fare to county seat (yuan)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
    )
    hours_to_township = models.DecimalField(
        _("round-trip hours to township"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    hours_to_county = models.DecimalField(
        _("round-trip hours to county seat"), max_digits=5, decimal_places=1, null=True, blank=True
    )

    class Meta:
        verbose_name = _("village committee")
        verbose_name_plural = _("village committees")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Hamlet(models.Model):
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="hamlets")
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("hamlet")
        verbose_name_plural = _("hamlets")
        ordering = ["code"]

    def __str__(self):
        return self.name


class ServiceCenter(models.Model):
    township = models.OneToOneField(Township, on_delete=models.PROTECT, related_name="center")
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    hours = models.CharField(_("opening hours"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("service center")
        verbose_name_plural = _("service centers")

    def __str__(self):
        return self.name


class Department(models.Model):
    class Level(models.TextChoices):
        TOWNSHIP = "township", _("township station")
        COUNTY = "county", _("county bureau")

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="departments")
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        related_name="departments",
        null=True,
        blank=True,
        help_text=_("Empty for a county bureau."),
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    kind = models.CharField(
        _("kind"),
        max_length=40,
        help_text=_(
            "The same kind in every township, e.g. police or c_police; the catalog uses it."
        ),
    )
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["level", "township_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "kind"],
                name="department_kind_once_per_township",
                condition=models.Q(level="township"),
            ),
            models.UniqueConstraint(
                fields=["county", "kind"],
                name="bureau_kind_once_per_county",
                condition=models.Q(level="county"),
            ),
            models.CheckConstraint(
                condition=(models.Q(level="township", township__isnull=False))
                | models.Q(level="county", township__isnull=True),
                name="department_level_matches_township",
            ),
        ]

    def __str__(self):
        return self.name

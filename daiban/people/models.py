import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from daiban.core.access import RestrictedManager
from daiban.places.models import County, Department, Hamlet, Township, Village


class Role(models.TextChoices):
    VILLAGE_AGENT = "village_agent", _("village agent")
    PETITION_AGENT = "petition_agent", _("petition agent")
    TOWNSHIP_AGENT = "township_agent", _("township agent")
    DEPARTMENT_CLERK = "department_clerk", _("department clerk")
    CENTER_DIRECTOR = "center_director", _("service center director")
    TOWNSHIP_LEADER = "township_leader", _("township leader")
    COUNTY_SUPERVISOR = "county_supervisor", _("county supervisor")
    PETITION_BUREAU = "petition_bureau", _("county petition bureau")
    COUNTY_ADMINISTRATOR = "county_administrator", _("county administrator")
    ADMINISTRATOR = "administrator", _("administrator")


# Which place field each role must have; the others stay empty.
ROLE_PLACE = {
    Role.VILLAGE_AGENT: "village",
    Role.PETITION_AGENT: "village",
    Role.TOWNSHIP_AGENT: "department",
    Role.DEPARTMENT_CLERK: "department",
    Role.CENTER_DIRECTOR: "township",
    Role.TOWNSHIP_LEADER: "township",
    Role.COUNTY_SUPERVISOR: "county",
    Role.PETITION_BUREAU: "county",
    Role.COUNTY_ADMINISTRATOR: "county",
    Role.ADMINISTRATOR: None,
}
PLACE_FIELDS = ("village", "department", "township", "county")


def _role_place_constraint():
    condition = Q()
    for role, place in ROLE_PLACE.items():
        one = Q(role=role)
        for name in PLACE_FIELDS:
            one &= Q(**{f"{name}__isnull": name != place})
        condition |= one
    return models.CheckConstraint(condition=condition, name="staff_role_has_its_place")


class User(AbstractUser):
    """A staff account: the role says what the person does, the place where."""

    display_name = models.CharField(_("full name"), max_length=60)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    work_phone = models.CharField(
        _("work phone"),
        max_length=30,
        blank=True,
        help_text=_("Printed on receipts and posters, so villagers can call."),
    )
    village = models.ForeignKey(
        Village, models.PROTECT, null=True, blank=True, related_name="staff"
    )
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="staff"
    )
    township = models.ForeignKey(
        Township, models.PROTECT, null=True, blank=True, related_name="staff"
    )
    county = models.ForeignKey(County, models.PROTECT, null=True, blank=True, related_name="staff")
    must_change_password = models.BooleanField(
        _("must change the password"),
        default=False,
        help_text=_("Set for a one-time password: the next log-in goes to the password change."),
    )

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("staff account")
        verbose_name_plural = _("staff accounts")
        constraints = [_role_place_constraint()]

    def __str__(self):
        return self.display_name or self.username

    @property
    def work_phone_display(self) -> str:
        from daiban.people.phone import national

        return national(self.work_phone) if self.work_phone else ""

    @property
    def administered_county_id(self) -> int | None:
        """The county a county administrator runs in the admin; None for everyone else
        (the global administrator is a superuser and is not limited)."""
        if self.role == Role.COUNTY_ADMINISTRATOR and not self.is_superuser:
            return self.county_id
        return None

    @property
    def covered_township_id(self) -> int | None:
        """The township whose work this person does, if any."""
        if self.village_id:
            return self.village.township_id
        if self.department_id:
            return self.department.township_id
        return self.township_id


def mask_name(name: str) -> str:
    """胡建荣 → 胡*荣, 韦英 → 韦*."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


class Resident(models.Model):
    """A villager. The ID number and phone are stored encrypted; the masks and keyed
    hashes are what pages and look-ups use."""

    class Gender(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("full name"), max_length=60)
    name_initials = models.CharField(_("pinyin initials"), max_length=60, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    id_number_encrypted = models.TextField(editable=False)
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    phone_encrypted = models.TextField(editable=False)
    phone_hash = models.CharField(max_length=64, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, editable=False)
    # A keyed hash of the phone's last four digits, the part a villager remembers.
    phone_last4_hash = models.CharField(max_length=64, db_index=True, editable=False, default="")
    village = models.ForeignKey(Village, models.PROTECT, related_name="residents")
    hamlet = models.ForeignKey(
        Hamlet, models.PROTECT, null=True, blank=True, related_name="residents"
    )
    registered_by = models.ForeignKey(User, models.PROTECT, related_name="+", null=True)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        indexes = [models.Index(fields=["village", "name"])]

    def __str__(self):
        return f"{self.name} ({self.id_number_masked})"

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)


class ResidentNameKey(models.Model):
    """One thing a resident's name is found by as a prefix: the name, the given name, and
    the initials and full pinyin of every reading (覃德贵: qdg, qindegui, tdg, tandegui).
    Written with the resident by `people.services`; searched through an index."""

    resident = models.ForeignKey(Resident, models.CASCADE, related_name="name_keys")
    key = models.CharField(max_length=120)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resident", "key"], name="one_name_key_per_resident")
        ]
        # The key with its resident, so a prefix's residents are read from the index alone:
        # 韦 over a million villagers (50,145 keys) took 159 ms on SQLite with the key
        # alone, 2 ms with both.
        indexes = [models.Index(fields=["key", "resident"], name="name_key_resident_idx")]

    def __str__(self):
        return self.key


class Post(models.Model):
    """An agent's appointment (任命): the post held (职务), since when and for how long,
    which township appointed, and whether the person is in post, away or gone."""

    class Status(models.TextChoices):
        IN_POST = "in_post", _("in post")
        AWAY = "away", _("away, with a stand-in")
        LEFT = "left", _("left the post")

    user = models.OneToOneField(User, models.CASCADE, related_name="post")
    title = models.CharField(_("post"), max_length=60, blank=True)
    appointed_on = models.DateField(_("appointed on"), null=True, blank=True)
    term_ends_on = models.DateField(_("term ends on"), null=True, blank=True)
    appointed_by = models.ForeignKey(
        Township,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("appointed by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.IN_POST
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leaving_reason = models.TextField(_("reason for leaving"), blank=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")

    def __str__(self):
        return self.title


class Training(models.Model):
    """A training session an agent attended (培训)."""

    user = models.ForeignKey(User, models.CASCADE, related_name="trainings")
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=120)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["user", "held_on", "id"]

    def __str__(self):
        return self.topic


class Succession(models.Model):
    """Everything an agent holds handed on at once: to a successor for good (离任), or to
    a named stand-in for a period (暂停), after which it comes back."""

    class Kind(models.TextChoices):
        SUCCESSION = "succession", _("succession")
        STAND_IN = "stand_in", _("stand-in")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    from_user = models.ForeignKey(User, models.PROTECT, related_name="handed_on")
    to_user = models.ForeignKey(User, models.PROTECT, related_name="taken_on")
    ordered_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"))
    reason = models.TextField(_("reason"))
    until = models.DateField(_("until"), null=True, blank=True)
    returned_at = models.DateTimeField(_("files returned at"), null=True, blank=True)
    moved = models.JSONField(_("what moved"), default=dict, blank=True)

    class Meta:
        verbose_name = _("succession")
        verbose_name_plural = _("successions")
        constraints = [
            # An agent is succeeded once, and stands down for one period at a time.
            models.UniqueConstraint(
                fields=["from_user"],
                condition=Q(kind="succession"),
                name="one_succession_per_agent",
            ),
            models.UniqueConstraint(
                fields=["from_user"],
                condition=Q(kind="stand_in", returned_at__isnull=True),
                name="one_open_stand_in_per_agent",
            ),
        ]

    def __str__(self):
        return f"{self.from_user} → {self.to_user}"


# The agents who answer villagers: only these appear in the directory, posters, booklets.
AGENT_ROLES = (Role.VILLAGE_AGENT, Role.PETITION_AGENT, Role.TOWNSHIP_AGENT)


def in_post(users):
    """Active agents in post; an account without an appointment record counts as in post."""
    return users.filter(is_active=True).exclude(
        post__status__in=[Post.Status.AWAY, Post.Status.LEFT]
    )

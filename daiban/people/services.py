"""Writes for staff accounts and residents."""

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from daiban.core.pinyin import (
    initials,  # noqa: F401 (also imported from here)
    search_keys,
)
from daiban.people import crypto
from daiban.people.idnumber import parse_id_number
from daiban.people.models import PLACE_FIELDS, ROLE_PLACE, Resident, ResidentNameKey, Role, User
from daiban.people.phone import mask_phone, parse_phone
from daiban.places.models import Department, Hamlet, Village


def check_staff_place(role: str, **places) -> None:
    """Raise a ValidationError unless exactly the role's place is given."""
    wanted = ROLE_PLACE[Role(role)]
    errors = {}
    for name in PLACE_FIELDS:
        given = places.get(name) is not None
        if name == wanted and not given:
            errors[name] = _("A %(role)s needs a %(place)s.") % {
                "role": Role(role).label,
                "place": name,
            }
        elif name != wanted and given:
            errors[name] = _("A %(role)s has no %(place)s.") % {
                "role": Role(role).label,
                "place": name,
            }
    department = places.get("department")
    if (
        wanted == "department"
        and department is not None
        and department.level != Department.Level.TOWNSHIP
    ):
        errors["department"] = _("Choose a township department, not a county bureau.")
    if errors:
        raise ValidationError(errors)


def create_staff(
    *,
    username: str,
    display_name: str,
    role: str,
    password: str | None = None,
    password_hash: str | None = None,
    work_phone: str = "",
    must_change_password: bool = False,
    **places,
) -> User:
    """A staff account; `password_hash` lets a batch share one slow hashing.
    `must_change_password` sends the first log-in to the password change (one-time passwords)."""
    check_staff_place(role, **places)
    user = User(username=username, display_name=display_name, role=role, **places)
    user.must_change_password = must_change_password
    if work_phone:
        user.work_phone = parse_phone(work_phone)
    user.is_staff = role in (Role.ADMINISTRATOR, Role.COUNTY_ADMINISTRATOR)
    user.is_superuser = role == Role.ADMINISTRATOR
    if password_hash is not None:
        user.password = password_hash
    else:
        user.set_password(password)
    user.save()
    return user


@transaction.atomic
def register_resident(
    *,
    actor: User | None,
    name: str,
    id_number: str,
    phone: str,
    village: Village,
    hamlet: Hamlet | None = None,
    uid: uuid.UUID | None = None,
) -> Resident:
    """Validate and store a resident. With a uid, a retry returns the first result."""
    if uid is not None:
        existing = Resident.objects.filter(uid=uid).first()
        if existing is not None:
            return existing
    errors = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = [_("Enter the resident's name.")]
    try:
        parsed = parse_id_number(id_number)
    except ValidationError as exc:
        errors["id_number"] = exc.messages
        parsed = None
    try:
        phone_value = parse_phone(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
        phone_value = None
    if hamlet is not None and hamlet.village_id != village.id:
        errors["hamlet"] = [
            _("%(hamlet)s is not in %(village)s.") % {"hamlet": hamlet, "village": village}
        ]
    id_hash = crypto.keyed_hash("id", parsed.value) if parsed else None
    if id_hash:
        twin = Resident.objects.filter(id_number_hash=id_hash).select_related("village").first()
        if twin is not None:
            errors["id_number"] = [
                _("This ID number is already registered: %(name)s of %(village)s.")
                % {"name": twin.name, "village": twin.village}
            ]
    if errors:
        raise ValidationError(errors)
    resident = Resident(
        uid=uid or uuid.uuid4(),
        name=name,
        name_initials=initials(name),
        gender=parsed.gender,
        id_number_encrypted=crypto.encrypt(parsed.value),
        id_number_hash=id_hash,
        id_number_masked=parsed.masked,
        phone_encrypted=crypto.encrypt(phone_value),
        phone_hash=crypto.keyed_hash("phone", phone_value),
        phone_last4_hash=crypto.keyed_hash("phone4", phone_value[-4:]),
        phone_masked=mask_phone(phone_value),
        village=village,
        hamlet=hamlet,
        registered_by=actor,
    )
    try:
        with transaction.atomic():
            resident.save()
            index_name(resident)
    except IntegrityError:
        # Someone registered the same number between our check and our insert.
        raise ValidationError(
            {"id_number": [_("This ID number was registered a moment ago by someone else.")]}
        ) from None
    return resident


REVEALABLE = {"id_number": "id_number_encrypted", "phone": "phone_encrypted"}


def may_reveal(actor: User, resident: Resident) -> bool:
    """Those who serve the resident (the rule: `people/access.py`)."""
    return Resident.objects.restrict(actor, "reveal").filter(pk=resident.pk).exists()


def reveal(resident: Resident, *, actor: User, field: str, reason: str) -> str:
    """The full ID number or phone, once, for a stated reason, recorded in the audit trail."""
    from daiban.audit import trail

    reason = " ".join((reason or "").split())
    if field not in REVEALABLE:
        raise ValidationError({"field": [_("Choose the ID number or the phone.")]})
    if not may_reveal(actor, resident):
        trail.record(
            "personal_data.reveal",
            user=actor,
            obj=resident,
            outcome="denied",
            detail={"field": field},
        )
        raise PermissionError("not allowed")
    if len(reason) < 4:
        raise ValidationError({"reason": [_("Say why you need to see it (at least a few words).")]})
    value = crypto.decrypt(getattr(resident, REVEALABLE[field]))
    trail.record(
        "personal_data.reveal", user=actor, obj=resident, detail={"field": field, "reason": reason}
    )
    return value


def index_name(resident: Resident) -> None:
    """(Re)write what the resident's name is found by; call after the name changes."""
    ResidentNameKey.objects.filter(resident=resident).delete()
    ResidentNameKey.objects.bulk_create(
        ResidentNameKey(resident=resident, key=key) for key in search_keys(resident.name)
    )

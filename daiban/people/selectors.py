"""Reads of residents: exact look-up by keyed hash, never by decrypting rows."""

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet

from daiban.people import crypto
from daiban.people.idnumber import parse_id_number
from daiban.people.models import Resident, ResidentNameKey, Role, User, in_post
from daiban.people.phone import parse_phone
from daiban.places.models import Village


def is_number(text: str) -> bool:
    """A phone or ID number (or a good part of one): never to be put in an address, where
    access logs keep it."""
    return sum(c.isdigit() for c in text) >= 4


def residents_with_id_number(raw: str):
    try:
        value = parse_id_number(raw).value
    except ValidationError:
        return Resident.objects.none()
    return Resident.objects.filter(id_number_hash=crypto.keyed_hash("id", value))


def residents_with_phone(raw: str):
    try:
        value = parse_phone(raw)
    except ValidationError:
        return Resident.objects.none()
    return Resident.objects.filter(phone_hash=crypto.keyed_hash("phone", value))


def residents_with_phone_ending(digits: str):
    """The last four digits of a phone, through their keyed hash (an index, no decryption)."""
    return Resident.objects.filter(phone_last4_hash=crypto.keyed_hash("phone4", digits))


def residents_named(text: str):
    """Whose name, given name, pinyin initials or full pinyin (any reading of the surname)
    starts with the text: 胡建荣 is found by 胡建, 建荣, hjr, hu and hujianrong; 覃德贵 by
    qdg and tdg. One indexed prefix look-up of the name keys."""
    return Resident.objects.filter(pk__in=_name_keys(text).values("resident_id"))


def _name_keys(text: str):
    text = (text or "").strip().lower()
    if text.isascii():
        text = "".join(text.split())
    if not text:
        return ResidentNameKey.objects.none()
    if connection.vendor == "sqlite":
        # SQLite's LIKE ignores case and so cannot use the index; a range on the binary
        # ordering is the same prefix test and can.
        return ResidentNameKey.objects.filter(
            key__gte=text, key__lt=text[:-1] + chr(ord(text[-1]) + 1)
        )
    return ResidentNameKey.objects.filter(key__startswith=text)  # the index's pattern ops


def visible_residents(user: User) -> QuerySet[Resident]:
    """Residents of the places the person works for (the rule: `people/access.py`)."""
    return Resident.objects.restrict(user, "view")


def search_residents(residents, text: str):
    """By ID number or phone (exact, through the keyed hash), the phone's last four digits,
    or the name: its start, the given name, pinyin initials or full pinyin."""
    text = (text or "").strip()
    if not text:
        return residents.none()
    compact = text.replace(" ", "").replace("-", "")
    if len(compact) >= 15 and compact[:15].isdigit():
        return residents.filter(pk__in=residents_with_id_number(compact).values("pk"))
    if compact.lstrip("+").isdigit() and len(compact) >= 7:
        return residents.filter(pk__in=residents_with_phone(compact).values("pk"))
    if compact.isdigit() and len(compact) == 4:
        return residents.filter(pk__in=residents_with_phone_ending(compact).values("pk"))
    if any(ch.isdigit() for ch in compact):
        return residents.none()
    return residents.filter(pk__in=_name_keys(text).values("resident_id"))


def likely_duplicates(village_id: int, name: str, phone_hash: str | None):
    """Residents who are probably the person being registered again."""
    from django.db.models import Q

    condition = Q(village_id=village_id, name=name.strip())
    if phone_hash:
        condition |= Q(phone_hash=phone_hash, name=name.strip())
    return Resident.objects.filter(condition)


def villages_without_agent(township_id: int) -> list:
    """The township's villages with no village agent in post: away or left, nobody named."""
    covered = in_post(
        User.objects.filter(role=Role.VILLAGE_AGENT, village__township_id=township_id)
    )
    return list(
        Village.objects.filter(township_id=township_id)
        .exclude(pk__in=covered.values("village_id"))
        .order_by("code")
    )

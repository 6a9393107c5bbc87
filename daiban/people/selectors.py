"""Reads of residents: exact look-up by keyed hash, never by decrypting rows."""

from django.core.exceptions import ValidationError

from daiban.people import crypto
from daiban.people.idnumber import parse_id_number
from daiban.people.models import Resident
from daiban.people.phone import parse_phone


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


def visible_residents(user):
    """Residents of the places the person works for."""
    from daiban.people.models import Role

    residents = Resident.objects.all()
    if not user.is_authenticated:
        return residents.none()
    if user.role == Role.ADMINISTRATOR:
        return residents
    if user.village_id:
        return residents.filter(village_id=user.village_id)
    township_id = user.covered_township_id
    if township_id:
        return residents.filter(village__township_id=township_id)
    if user.county_id:
        return residents.filter(village__township__county_id=user.county_id)
    return residents.none()


def search_residents(residents, text: str):
    """By ID number or phone (exact, through the keyed hash), pinyin initials, or name."""
    text = (text or "").strip()
    if not text:
        return residents.none()
    compact = text.replace(" ", "").replace("-", "")
    if len(compact) >= 15 and compact[:15].isdigit():
        return residents.filter(pk__in=residents_with_id_number(compact).values("pk"))
    if compact.lstrip("+").isdigit() and len(compact) >= 7:
        return residents.filter(pk__in=residents_with_phone(compact).values("pk"))
    if text.isascii() and text.isalpha():
        return residents.filter(name_initials__startswith=text.lower())
    return residents.filter(name__contains=text)


def likely_duplicates(village_id: int, name: str, phone_hash: str | None):
    """Residents who are probably the person being registered again."""
    from django.db.models import Q

    condition = Q(village_id=village_id, name=name.strip())
    if phone_hash:
        condition |= Q(phone_hash=phone_hash, name=name.strip())
    return Resident.objects.filter(condition)

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

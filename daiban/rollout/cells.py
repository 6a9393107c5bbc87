"""Reading the workbook's cells: codes, numbers, dates, phones. A wrong value raises `Bad`
with a message for the county's staff."""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from daiban.people.phone import national, parse_phone


class Bad(Exception):
    """A cell's value is wrong; the message says how."""


def halfwidth(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "")


def read_code(text: str) -> str:
    code = halfwidth(text)
    if not re.fullmatch(r"\d{12}", code):
        raise Bad(_("A division code has exactly 12 digits: %(value)s.") % {"value": text})
    return code


def level_of(code: str) -> str:
    if code[6:] == "000000":
        if code[4:6] == "00":
            raise Bad(
                _("%(value)s is a province or prefecture code; the workbook is for one county.")
                % {"value": code}
            )
        return "county"
    if code[9:] == "000":
        return "township"
    return "village"


def read_decimal(text: str, places: int, maximum: Decimal) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(halfwidth(text))
    except InvalidOperation:
        raise Bad(_("Enter a number such as 12.5, not %(value)s.") % {"value": text}) from None
    if not value.is_finite() or value < 0:
        raise Bad(_("Enter a number such as 12.5, not %(value)s.") % {"value": text})
    value = value.quantize(Decimal(1).scaleb(-places))
    if value > maximum:
        raise Bad(_("%(value)s is too large (at most %(max)s).") % {"value": text, "max": maximum})
    return value


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def read_date(text: str) -> datetime.date | None:
    if not text:
        return None
    cleaned = halfwidth(text).split("T")[0].split(" ")[0]
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    raise Bad(_("Write the date as 2026-01-05, not %(value)s.") % {"value": text})


def read_phone(text: str) -> str:
    try:
        return parse_phone(halfwidth(text))
    except ValidationError as exc:
        raise Bad(" ".join(exc.messages)) from None


def read_text(text: str, limit: int) -> str:
    if len(text) > limit:
        raise Bad(_("At most %(limit)s characters.") % {"limit": limit})
    return text


KM_MAX = Decimal("99999.9")
FARE_MAX = Decimal("99999.99")


def number_or_none(text):
    try:
        return Decimal(halfwidth(text))
    except InvalidOperation:
        return None


def level_or_none(code: str) -> str | None:
    try:
        return level_of(code)
    except Bad:
        return None


def read_optional_phone(text: str) -> str:
    return national(read_phone(text)) if text else ""

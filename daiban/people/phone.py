"""Mainland phone numbers: mobiles and landlines with an area code, stored as E.164."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_ACCEPTED = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def parse_phone(raw: str) -> str:
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Enter a phone number."), code="required")
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("%(value)s is not a phone number.") % {"value": text}, code="format"
        ) from None
    if number.country_code != 86:
        raise ValidationError(_("Enter a mainland China number."), code="country")
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _(
                "%(value)s is not a valid number: a mobile has 11 digits starting with 1, "
                "a landline needs its area code (e.g. 0776-1234567)."
            )
            % {"value": text},
            code="invalid",
        )
    if phonenumbers.number_type(number) not in _ACCEPTED:
        raise ValidationError(
            _("Enter a mobile or landline number, not a service number."), code="type"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national(e164: str) -> str:
    return phonenumbers.format_number(
        phonenumbers.parse(e164, "CN"), phonenumbers.PhoneNumberFormat.NATIONAL
    ).replace(" ", "")


def mask_phone(e164: str) -> str:
    digits = national(e164)
    if len(digits) == 11 and digits.startswith("1"):
        return digits[:3] + "****" + digits[7:]
    return digits[:-4].rstrip("-")[:4] + "****" + digits[-4:]

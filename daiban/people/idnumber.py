"""Resident ID numbers (公民身份号码, GB 11643-1999): 6-digit birthplace, 8-digit birth
date, 3-digit sequence (odd for men), and an ISO 7064 MOD 11-2 check character.

Each kind of mistake gets its own message, because the person typing it needs to know
which digits to look at again.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

_FULL_WIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX")


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: datetime.date
    gender: str  # "M" or "F"
    warnings: list[str] = field(default_factory=list)

    @property
    def masked(self) -> str:
        return mask_id_number(self.value)


def normalize(raw: str) -> str:
    return "".join((raw or "").translate(_FULL_WIDTH).split()).upper()


def parse_id_number(raw: str, today: datetime.date | None = None) -> IdNumber:
    value = normalize(raw)
    if not value:
        raise ValidationError(_("Enter the ID number."), code="required")
    if len(value) == 15 and value.isdigit():
        raise ValidationError(
            _(
                "15-digit first-generation ID numbers are no longer valid; enter the 18-digit number."
            ),
            code="length",
        )
    if len(value) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; %(count)d were entered.") % {"count": len(value)},
            code="length",
        )
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValidationError(
            _("The first 17 characters must be digits and the last a digit or X."),
            code="format",
        )
    birth_digits = value[6:14]
    try:
        birth_date = datetime.datetime.strptime(birth_digits, "%Y%m%d").date()
    except ValueError:
        raise ValidationError(
            _("Digits 7 to 14 (%(digits)s) are not a real date of birth.")
            % {"digits": birth_digits},
            code="birth_date",
        ) from None
    today = today or datetime.date.today()
    if birth_date > today or birth_date.year < 1890:
        raise ValidationError(
            _("The date of birth %(date)s in digits 7 to 14 is impossible.")
            % {"date": birth_date.isoformat()},
            code="birth_date",
        )
    # stdnum weighs the first 17 of an 18-character string and ignores the last.
    expected = ric.calc_check_digit(value)
    if expected != value[17]:
        raise ValidationError(
            _(
                "The last character should be %(expected)s, not %(given)s: "
                "a digit was probably mistyped."
            )
            % {"expected": expected, "given": value[17]},
            code="checksum",
        )
    warnings = []
    try:
        ric.get_birth_place(value)
    except (StdnumError, KeyError):
        # The birthplace table is dated; real old or new codes are missing from it.
        warnings.append(
            _("The birthplace code %(code)s is not in the known table; please check it.")
            % {"code": value[:6]}
        )
    gender = "M" if int(value[16]) % 2 else "F"
    return IdNumber(value=value, birth_date=birth_date, gender=gender, warnings=warnings)


def mask_id_number(value: str) -> str:
    """Keep the birthplace and the last four; hide the birth date."""
    if len(value) != 18:
        return "*" * len(value)
    return value[:6] + "*" * 8 + value[14:]

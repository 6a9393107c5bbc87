import pytest
from django.core.exceptions import ValidationError

from daiban.people.phone import mask_phone, parse_phone


@pytest.mark.parametrize(
    "raw, e164",
    [
        ("13877160412", "+8613877160412"),
        ("138 7716 0412", "+8613877160412"),
        ("+86 138-7716-0412", "+8613877160412"),
        ("0776-6112345", "+867766112345"),
        ("(0776)6112345", "+867766112345"),
    ],
)
def test_mobiles_and_landlines(raw, e164):
    assert parse_phone(raw) == e164


@pytest.mark.parametrize(
    "raw, code",
    [
        ("", "required"),
        ("abc", "format"),
        ("1387716041", "invalid"),
        ("23877160412", "invalid"),
        ("+1 202 555 0143", "country"),
        ("6112345", "invalid"),
    ],
)
def test_bad_numbers_say_why(raw, code):
    with pytest.raises(ValidationError) as caught:
        parse_phone(raw)
    assert caught.value.code == code


def test_masks():
    assert mask_phone("+8613877160412") == "138****0412"
    assert mask_phone("+867766112345").endswith("2345")
    assert "611" not in mask_phone("+867766112345")

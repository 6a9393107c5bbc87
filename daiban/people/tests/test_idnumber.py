import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from daiban.people.idnumber import mask_id_number, parse_id_number

TODAY = datetime.date(2026, 11, 25)


@pytest.mark.parametrize(
    "raw, value, birth, gender",
    [
        ("11010519491231002X", "11010519491231002X", datetime.date(1949, 12, 31), "F"),
        ("360426199101010071", "360426199101010071", datetime.date(1991, 1, 1), "M"),
        ("11010519491231002x", "11010519491231002X", datetime.date(1949, 12, 31), "F"),
        (" 1101 0519 4912 3100 2X ", "11010519491231002X", datetime.date(1949, 12, 31), "F"),
        (
            "１１０１０５１９４９１２３１００２Ｘ",
            "11010519491231002X",
            datetime.date(1949, 12, 31),
            "F",
        ),
    ],
)
def test_valid_numbers_are_normalised(raw, value, birth, gender):
    parsed = parse_id_number(raw, today=TODAY)
    assert parsed.value == value
    assert parsed.birth_date == birth
    assert parsed.gender == gender
    assert parsed.warnings == []


@pytest.mark.parametrize(
    "raw, code, fragment",
    [
        ("", "required", "Enter the ID number"),
        ("11010519491231002", "length", "17 were entered"),
        ("11010519491231002X1", "length", "19 were entered"),
        ("110105491231002", "length", "15-digit"),
        ("1101051949123100AX", "format", "first 17 characters must be digits"),
        ("11010519491231002Y", "format", "last a digit or X"),
        ("110105199902300011", "birth_date", "19990230"),
        ("110105203001010014", "birth_date", "2030-01-01"),
        ("110105180001010011", "birth_date", "1800-01-01"),
        ("110105194912310021", "checksum", "should be X, not 1"),
        ("360426199101010072", "checksum", "should be 1, not 2"),
    ],
)
def test_each_kind_of_mistake_has_its_own_message(raw, code, fragment):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        parse_id_number(raw, today=TODAY)
    assert caught.value.code == code
    assert fragment in caught.value.messages[0]


def test_messages_are_chinese_by_default():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        parse_id_number("110105194912310021", today=TODAY)
    assert "校验" in caught.value.messages[0]


def test_unknown_birthplace_is_a_warning_not_an_error():
    # A valid checksum with a birthplace code no table knows (the demo county's).
    parsed = parse_id_number("459901198604120032", today=TODAY)
    assert parsed.value == "459901198604120032"
    assert len(parsed.warnings) == 1
    assert "459901" in parsed.warnings[0]


def test_mask_hides_the_birth_date():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert "19491231" not in mask_id_number("11010519491231002X")

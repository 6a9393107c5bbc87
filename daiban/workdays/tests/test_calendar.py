"""Against the State Council's published arrangements for 2025 and 2026."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from daiban.workdays.calendar import WorkCalendar
from daiban.workdays.models import CalendarYear, SpecialDay
from daiban.workdays.services import publish_year, seed_from_package

D = datetime.date


@pytest.fixture
def calendar(db):
    seed_from_package()  # a no-op unless a transactional test flushed the seeded years
    WorkCalendar.invalidate()
    return WorkCalendar.load()


@pytest.mark.parametrize(
    "day, working",
    [
        (D(2025, 1, 1), False),  # 元旦
        (D(2025, 1, 26), True),  # Sunday, made up for 春节
        (D(2025, 1, 28), False),  # 春节 eve
        (D(2025, 2, 4), False),  # last day of 春节
        (D(2025, 2, 8), True),  # Saturday, made up for 春节
        (D(2025, 4, 4), False),  # 清明
        (D(2025, 4, 27), True),  # Sunday, made up for 劳动节
        (D(2025, 5, 5), False),  # 劳动节
        (D(2025, 9, 28), True),  # Sunday, made up for 国庆
        (D(2025, 10, 8), False),  # 国庆 + 中秋
        (D(2025, 10, 11), True),  # Saturday, made up for 国庆
        (D(2025, 10, 13), True),  # an ordinary Monday
        (D(2025, 10, 12), False),  # an ordinary Sunday
        (D(2026, 1, 4), True),  # Sunday, made up for 元旦
        (D(2026, 2, 14), True),  # Saturday, made up for 春节
        (D(2026, 2, 16), False),  # 春节
        (D(2026, 2, 28), True),  # Saturday, made up for 春节
        (D(2026, 5, 9), True),  # Saturday, made up for 劳动节
        (D(2026, 9, 20), True),  # Sunday, made up for 国庆
        (D(2026, 10, 1), False),  # 国庆
        (D(2026, 10, 7), False),
        (D(2026, 10, 10), True),  # Saturday, made up for 国庆
    ],
)
def test_real_holidays_and_make_up_days(calendar, day, working):
    assert calendar.is_workday(day) is working


def test_counting_across_the_2025_spring_festival(calendar):
    # Friday 24 Jan 2025; Sunday 26th is a make-up day; 28 Jan – 4 Feb off.
    assert calendar.add(D(2025, 1, 24), 1) == D(2025, 1, 26)
    assert calendar.add(D(2025, 1, 24), 2) == D(2025, 1, 27)
    assert calendar.add(D(2025, 1, 24), 3) == D(2025, 2, 5)
    assert calendar.add(D(2025, 1, 24), 5) == D(2025, 2, 7)
    assert calendar.add(D(2025, 1, 24), 6) == D(2025, 2, 8)
    assert calendar.between(D(2025, 1, 24), D(2025, 2, 8)) == 6


def test_counting_across_national_day_2026(calendar):
    # Wednesday 30 Sep; 1–7 Oct off; Saturday 10 Oct worked.
    assert calendar.add(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert calendar.add(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert calendar.add(D(2026, 9, 30), 4) == D(2026, 10, 12)
    assert calendar.between(D(2026, 9, 30), D(2026, 10, 12)) == 4
    assert calendar.between(D(2026, 10, 12), D(2026, 9, 30)) == 0


def test_zero_days_rolls_forward_to_a_working_day(calendar):
    assert calendar.add(D(2026, 10, 3), 0) == D(2026, 10, 8)
    assert calendar.add(D(2026, 10, 9), 0) == D(2026, 10, 9)
    with pytest.raises(ValueError):
        calendar.add(D(2026, 10, 9), -1)


def test_years_the_package_knows_are_stored(calendar):
    assert {2004, 2025, 2026} <= calendar.known_years
    assert not calendar.is_provisional(D(2026, 12, 31))
    assert SpecialDay.objects.filter(date=D(2026, 2, 14), is_workday=True, name="春节调休").exists()
    assert seed_from_package() == 0  # a second run adds nothing


def test_an_unpublished_year_counts_weekends_only_and_says_so(calendar):
    assert calendar.is_provisional(D(2027, 1, 4))
    assert calendar.add(D(2027, 4, 30), 1) == D(2027, 5, 3)


def test_an_administrator_publishes_a_later_year(calendar):
    publish_year(
        2027,
        holidays=[(D(2027, 5, 3), "劳动节"), (D(2027, 5, 4), "劳动节")],
        workdays=[(D(2027, 5, 8), "劳动节调休")],
        note="国务院办公厅通知（示例）",
    )
    calendar = WorkCalendar.load()
    assert not calendar.is_provisional(D(2027, 5, 3))
    assert calendar.add(D(2027, 4, 30), 1) == D(2027, 5, 5)
    assert calendar.is_workday(D(2027, 5, 8))
    assert CalendarYear.objects.get(year=2027).source == "admin"


def test_publishing_checks_every_day(calendar):
    with pytest.raises(ValidationError) as caught:
        publish_year(
            2027,
            holidays=[(D(2027, 5, 1), "劳动节"), (D(2026, 5, 4), "劳动节")],
            workdays=[(D(2027, 5, 6), "调休")],
        )
    assert len(caught.value.messages) == 3
    with pytest.raises(ValidationError):
        publish_year(2026, holidays=[], workdays=[])
    assert not CalendarYear.objects.filter(year=2027).exists()

"""Writes to the calendar: seeding from the holiday package, adding later years."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from daiban.workdays.calendar import WorkCalendar
from daiban.workdays.models import CalendarYear, SpecialDay

# The package names holidays in English; the calendar is read in Chinese.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _forget_cached_calendar() -> None:
    """Now for this transaction's own reads, and again once others can see the change."""
    WorkCalendar.invalidate()
    transaction.on_commit(WorkCalendar.invalidate)


def package_years() -> range:
    import chinese_calendar

    first = min(chinese_calendar.holidays).year
    last = max(chinese_calendar.holidays).year
    return range(first, last + 1)


def package_exceptions(year: int) -> list[tuple[datetime.date, bool, str]]:
    """The exceptions to 'weekends off' the package knows for a year."""
    import chinese_calendar

    days = []
    for day, name in chinese_calendar.holidays.items():
        if day.year == year and day.weekday() < 5:
            days.append((day, False, HOLIDAY_NAMES.get(name, name)))
    for day, name in chinese_calendar.workdays.items():
        if day.year == year and day.weekday() >= 5:
            days.append((day, True, HOLIDAY_NAMES.get(name, name) + "调休"))
    return sorted(days)


@transaction.atomic
def seed_from_package(year_model=CalendarYear, day_model=SpecialDay) -> int:
    """Load every year the package knows that is not stored yet. Returns years added."""
    added = 0
    stored = set(year_model.objects.values_list("year", flat=True))
    for year in package_years():
        if year in stored:
            continue
        day_model.objects.bulk_create(
            [
                day_model(date=day, is_workday=is_workday, name=name)
                for day, is_workday, name in package_exceptions(year)
            ],
            ignore_conflicts=True,
        )
        year_model.objects.create(year=year, source="package")
        added += 1
    _forget_cached_calendar()
    return added


@transaction.atomic
def publish_year(
    year: int,
    holidays: list[tuple[datetime.date, str]],
    workdays: list[tuple[datetime.date, str]],
    note: str = "",
) -> CalendarYear:
    """An administrator enters a year's arrangement from the State Council notice."""
    errors = []
    for day, _name in holidays + workdays:
        if day.year != year:
            errors.append(_("%(day)s is not in %(year)d.") % {"day": day, "year": year})
    for day, _name in holidays:
        if day.weekday() >= 5:
            errors.append(
                _("%(day)s is a weekend day already; list weekday holidays only.") % {"day": day}
            )
    for day, _name in workdays:
        if day.weekday() < 5:
            errors.append(
                _("%(day)s is a weekday already; list weekend working days only.") % {"day": day}
            )
    if CalendarYear.objects.filter(year=year).exists():
        errors.append(_("%(year)d is already in the calendar.") % {"year": year})
    if errors:
        raise ValidationError(errors)
    SpecialDay.objects.bulk_create(
        [SpecialDay(date=d, is_workday=False, name=n) for d, n in holidays]
        + [SpecialDay(date=d, is_workday=True, name=n) for d, n in workdays]
    )
    year_row = CalendarYear.objects.create(year=year, source=CalendarYear.Source.ADMIN, note=note)
    _forget_cached_calendar()
    return year_row

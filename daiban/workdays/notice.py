"""Which year's working days are still provisional, for the pages that must say so."""

import datetime

from django.utils import timezone

from daiban.workdays.calendar import WorkCalendar

# From this day of the year on, next year's arrangement is due: the State Council
# publishes it in October–December, and deadlines reach into January from November.
WARN_FROM = (11, 1)
# Who is told: the people who can enter the notice or answer for the deadlines.
TOLD = {"center_director", "administrator"}


def provisional_year(today: datetime.date, calendar: WorkCalendar) -> int | None:
    """This year if it is not published; next year too from 1 November; else None."""
    if calendar.is_provisional(today):
        return today.year
    if (today.month, today.day) >= WARN_FROM and calendar.is_provisional(
        datetime.date(today.year + 1, 1, 1)
    ):
        return today.year + 1
    return None


def calendar_notice(request) -> dict:
    """Context processor: `calendar_provisional_year` for the directors and administrators."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and getattr(user, "role", "") in TOLD):
        return {}
    year = provisional_year(timezone.localdate(), WorkCalendar.load())
    return {"calendar_provisional_year": year} if year else {}

"""Months and periods of the figures, the evaluation and the payment sheets."""

import datetime

from django.contrib import messages
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

MAX_MONTHS = 120
FIRST_YEAR = 2000  # before the proxy system existed; also keeps dates far from overflow


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def month_list(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, day = [], start
    while day <= end:
        months.append(day)
        day = next_month(day)
    return months


def parse_month(text: str) -> datetime.date | None:
    """A "YYYY-MM" month between 2000 and next year, or None."""
    try:
        month = datetime.datetime.strptime(text.strip(), "%Y-%m").date()
    except (ValueError, AttributeError):
        return None
    if not FIRST_YEAR <= month.year <= timezone.localdate().year + 1:
        return None
    return month


def period(request: HttpRequest) -> tuple[datetime.date, datetime.date]:
    """The months asked for (from=YYYY-MM&to=YYYY-MM); the last 12 months by default."""
    this_month = first_of_month(timezone.localdate())
    end = this_month
    start = datetime.date(end.year - 1, end.month, 1)
    start = next_month(start)
    asked_from, asked_to = request.GET.get("from", ""), request.GET.get("to", "")
    if asked_from or asked_to:
        low, high = (
            parse_month(asked_from or start.strftime("%Y-%m")),
            parse_month(asked_to or end.strftime("%Y-%m")),
        )
        if low is None or high is None:
            messages.error(request, _("Give months as year-month, e.g. 2026-03."))
        elif low > high:
            messages.error(request, _("The first month comes after the last one."))
        elif len(month_list(low, high)) > MAX_MONTHS:
            messages.error(request, _("Choose at most %(n)s months.") % {"n": MAX_MONTHS})
        else:
            start, end = low, high
    return start, end

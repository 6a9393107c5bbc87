"""Working-day arithmetic on the Chinese calendar, the one place deadlines are counted.

A WorkCalendar loads the stored exceptions once; build one per request or sweep and
pass it along. Years nobody has published yet count weekends only, and say so
(`is_provisional`), so work never stops at New Year while the State Council's notice
is pending.
"""

import datetime
import threading
import time
from collections.abc import Iterable

from daiban.workdays.models import CalendarYear, SpecialDay

ONE_DAY = datetime.timedelta(days=1)
# Other processes see an administrator's change to the calendar within this many seconds.
CACHE_SECONDS = 60
_cache: dict[str, object] = {}
_lock = threading.Lock()


class WorkCalendar:
    def __init__(self, special: dict[datetime.date, bool], known_years: Iterable[int]):
        self._special = special
        self.known_years = frozenset(known_years)

    @classmethod
    def load(cls) -> "WorkCalendar":
        """The stored calendar, cached per process for CACHE_SECONDS."""
        with _lock:
            cached = _cache.get("calendar")
            if cached is not None and time.monotonic() - _cache["at"] < CACHE_SECONDS:
                return cached
        special = dict(SpecialDay.objects.values_list("date", "is_workday"))
        years = CalendarYear.objects.values_list("year", flat=True)
        calendar = cls(special, years)
        with _lock:
            _cache.update(calendar=calendar, at=time.monotonic())
        return calendar

    @staticmethod
    def invalidate() -> None:
        with _lock:
            _cache.clear()

    def is_provisional(self, day: datetime.date) -> bool:
        return day.year not in self.known_years

    def is_workday(self, day: datetime.date) -> bool:
        special = self._special.get(day)
        if special is not None:
            return special
        return day.weekday() < 5

    def add(self, start: datetime.date, days: int) -> datetime.date:
        """The date `days` working days after `start` (start itself not counted).

        With days == 0 the answer is start, or the next working day if start is not one.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        day = start
        if days == 0:
            while not self.is_workday(day):
                day += ONE_DAY
            return day
        while days:
            day += ONE_DAY
            if self.is_workday(day):
                days -= 1
        return day

    def between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end` (0 if end <= start)."""
        count = 0
        day = start
        while day < end:
            day += ONE_DAY
            if self.is_workday(day):
                count += 1
        return count

"""A page of a long list without counting it: the rows of page N and whether a next page
exists (one row more is read), never a COUNT over a county. At two million cases a count
of a township's rated cases cost 550 ms against 20 ms for the page; the list's total is
the figure the person clicked to get here. The register pages by key instead
(`register.selectors`)."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

COUNT_CAP = 10_000  # where a count is kept (the API's lists), it stops here
PAGE_SIZE = 50
LAST_PAGE = 200  # 10,000 rows by offset; filters narrow a longer list


@dataclass
class Window:
    rows: list[Any]
    number: int
    has_next: bool
    # Exact when the whole list is on the first page; otherwise not counted.
    total: int | None

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def window(queryset: QuerySet[Any, Any], page: str | None, size: int | None = None) -> Window:
    size = size or PAGE_SIZE
    try:
        number = min(max(int(page or 1), 1), LAST_PAGE)
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * size
    rows = list(queryset[start : start + size + 1])
    has_next = len(rows) > size and number < LAST_PAGE
    rows = rows[:size]
    total = len(rows) if number == 1 and not has_next else None
    return Window(rows, number, has_next, total)

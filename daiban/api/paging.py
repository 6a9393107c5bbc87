"""Pages cut in SQL: ninja's paginator slices what a list operation returns and counts it;
handing it this instead of a list means only the page's rows are read and turned into
dicts, and the count is one COUNT query that stops at `COUNT_CAP` rows: a county's
two million cases are not counted on every list request (`count_capped` says so)."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from daiban.core.paging import COUNT_CAP

# A name search counts its matches up to here: a common surname matches 50,000 of a
# county's million villagers, and counting them cost 290 ms against 1 ms for the page.
SEARCH_CAP = 1_000


class Mapped:
    def __init__(self, queryset: QuerySet, out: Callable, cap: int | None = None):
        self.queryset = queryset
        self.out = out
        self.cap = cap or COUNT_CAP

    def all(self) -> "Mapped":
        return self

    def count(self) -> int:
        """Up to the cap + 1: one more than the cap means "more than the cap"."""
        return self.queryset.order_by().values("pk")[: self.cap + 1].count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list:
        return [self.out(row) for row in self.queryset[page]]


class Pages(LimitOffsetPagination):
    """limit/offset with bounds the database can take: an offset past int64 is a 422,
    not a database error."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=100)
        offset: int = Field(0, ge=0, le=10**9)

    class Output(Schema):
        items: list[Any]
        count: int = Field(
            description=f"How many there are, exact up to {COUNT_CAP:,} ({SEARCH_CAP:,} for a "
            "search by name); beyond that the cap, with count_capped true."
        )
        count_capped: bool = Field(
            False, description="True when there are more than the cap: page on by offset."
        )

    def paginate_queryset(self, queryset, pagination, request, **params):
        offset, limit = pagination.offset, min(pagination.limit, self.max_limit)
        counted = self._items_count(queryset)
        cap = queryset.cap if isinstance(queryset, Mapped) else COUNT_CAP
        return {
            self.items_attribute: queryset[offset : offset + limit],
            "count": min(counted, cap),
            "count_capped": counted > cap,
        }

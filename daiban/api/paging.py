"""Pages cut in SQL: ninja's paginator slices what a list operation returns and counts it;
handing it this instead of a list means only the page's rows are read and turned into
dicts, and the count is one COUNT query."""

from collections.abc import Callable

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination


class Mapped:
    def __init__(self, queryset: QuerySet, out: Callable):
        self.queryset = queryset
        self.out = out

    def all(self) -> "Mapped":
        return self

    def count(self) -> int:
        return self.queryset.count()

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

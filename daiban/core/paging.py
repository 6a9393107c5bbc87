"""Page numbers without counting a whole county: the count stops at `COUNT_CAP` rows
("more than 10,000 cases"), so a page of a two-million-case county costs what its rows
and at most that many index entries cost. The register pages by key instead
(`register.selectors`); a drill-down keeps page numbers, and its total is the figure the
person clicked."""

from functools import cached_property

from django.core.paginator import Paginator

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    cap = COUNT_CAP

    @cached_property
    def _counted(self) -> int:
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap

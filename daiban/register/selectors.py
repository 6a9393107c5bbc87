"""The register (办件台账): every case a person may see, filtered, sorted and paged by key.

Paging is by key (the last row's sort value and id), never by offset, and nothing counts
more than `COUNT_CAP` rows: at two million cases a page costs what its rows cost.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from daiban.cases.definitions import completed_q, is_overdue, overdue_q, rated_q
from daiban.cases.models import Case, State
from daiban.cases.scoping import visible_cases
from daiban.core.paging import COUNT_CAP
from daiban.people.models import Resident, User
from daiban.people.selectors import search_residents

PAGE = 50

# Sort name → (field, descending). Cases without the field (not yet accepted, no result
# yet) are left out of a sort by it, which the page says.
SORTS = {
    "new": ("created_at", True),
    "old": ("created_at", False),
    "due": ("due_date", False),
    "decided": ("decided_at", True),
}
SORT_LABELS = {
    "new": _("newest first"),
    "old": _("oldest first"),
    "due": _("promised date, earliest first"),
    "decided": _("result, newest first"),
}
DATE_FIELDS = {"accepted": "accepted_at", "decided": "decided_at", "created": "created_at"}
DATE_LABELS = {
    "accepted": _("accepted"),
    "decided": _("result recorded"),
    "created": _("opened"),
}

CASE_NUMBER = re.compile(r"^\d{6,12}-\d{4}-\d{4,}$")
TRACKING_CODE = re.compile(r"^[2-9A-HJ-NP-Z]{10}$")


def looks_like_personal_number(text: str) -> bool:
    """A phone or ID number (or a good part of one): searched only from a posted form."""
    compact = text.replace(" ", "")
    code = TRACKING_CODE.match(compact.upper()) and any(c.isalpha() for c in compact)
    if CASE_NUMBER.match(compact) or code:
        return False
    return sum(c.isdigit() for c in compact) >= 4


def _int(value) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


@dataclass
class Filters:
    township: int | None = None
    village: int | None = None
    item: int | None = None
    agent: int | None = None
    state: str = ""
    on: str = "accepted"
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    overdue: bool = False
    rated: str = ""  # "yes", "no" (completed, no rating of the villager's) or ""
    sort: str = "new"
    q: str = ""
    errors: list = field(default_factory=list)

    @classmethod
    def parse(cls, data) -> "Filters":
        f = cls()
        for name in ("township", "village", "item", "agent"):
            setattr(f, name, _int(data.get(name)))
        state = data.get("state", "")
        f.state = state if state in State.values else ""
        on = data.get("on", "accepted")
        f.on = on if on in DATE_FIELDS else "accepted"
        for name, key in (("date_from", "from"), ("date_to", "to")):
            text = (data.get(key) or "").strip()
            if text:
                try:
                    value = parse_date(text)
                except ValueError:
                    value = None
                if value is None or not 2000 <= value.year <= 2100:
                    f.errors.append(_("Give dates as year-month-day, e.g. 2026-03-05."))
                else:
                    setattr(f, name, value)
        f.overdue = data.get("overdue") == "1"
        rated = data.get("rated", "")
        f.rated = rated if rated in ("yes", "no") else ""
        sort = data.get("sort", "new")
        f.sort = sort if sort in SORTS else "new"
        f.q = (data.get("q") or "").strip()[:60]
        return f

    def params(self, *, with_q: bool = True) -> dict:
        """The filters as they go into a link (never a phone or ID number)."""
        out = {
            "township": self.township,
            "village": self.village,
            "item": self.item,
            "agent": self.agent,
            "state": self.state,
            "on": self.on if (self.date_from or self.date_to) else "",
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "overdue": "1" if self.overdue else "",
            "rated": self.rated,
            "sort": self.sort if self.sort != "new" else "",
        }
        if with_q and self.q and not looks_like_personal_number(self.q):
            out["q"] = self.q
        return {k: v for k, v in out.items() if v not in (None, "")}


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_current_timezone())


def _find(cases: QuerySet[Case], text: str, *, posted: bool) -> QuerySet[Case]:
    """By case number, tracking code, or the villager: name or pinyin initials from a
    link; phone or ID number only from a posted form."""
    compact = text.replace(" ", "")
    if CASE_NUMBER.match(compact):
        return cases.filter(number=compact)
    if TRACKING_CODE.match(compact.upper()):
        return cases.filter(tracking_code=compact.upper())
    if looks_like_personal_number(text) and not posted:
        return cases.none()
    residents = search_residents(Resident.objects.all(), text)
    return cases.filter(resident_id__in=residents.values("pk"))


def matching(user: User, f: Filters, *, posted: bool = False) -> QuerySet[Case]:
    """The cases the filters select, within what the person may see; unordered."""
    today = timezone.localdate()
    cases = visible_cases(user)
    exact = {
        "township_id": f.township,
        "village_id": f.village,
        "item_id": f.item,
        "agent_id": f.agent,
    }
    cases = cases.filter(**{k: v for k, v in exact.items() if v is not None})
    if f.state:
        cases = cases.filter(state=f.state)
    column = DATE_FIELDS[f.on]
    if f.date_from:
        cases = cases.filter(**{f"{column}__gte": _day_start(f.date_from)})
    if f.date_to:
        cases = cases.filter(
            **{f"{column}__lt": _day_start(f.date_to + datetime.timedelta(days=1))}
        )
    if f.overdue:
        cases = cases.filter(overdue_q(today))
    if f.rated == "yes":
        cases = cases.filter(rated_q())
    elif f.rated == "no":
        cases = cases.filter(completed_q()).exclude(rated_q())
    if f.q:
        cases = _find(cases, f.q, posted=posted)
    return cases


def ordered(cases: QuerySet[Case], sort: str) -> QuerySet[Case]:
    column, descending = SORTS[sort]
    if column != "created_at":
        cases = cases.filter(**{f"{column}__isnull": False})
    sign = "-" if descending else ""
    return cases.order_by(f"{sign}{column}", f"{sign}pk")


def _cursor_value(sort: str, text: str):
    column = SORTS[sort][0]
    if column == "due_date":
        return parse_date(text)
    value = parse_datetime(text)
    return value if value is None or timezone.is_aware(value) else None


def after(cases: QuerySet[Case], sort: str, cursor: str) -> QuerySet[Case]:
    """The rows after the cursor "<sort value>~<id>" of the previous page's last row."""
    text, _sep, pk = (cursor or "").rpartition("~")
    pk = _int(pk)
    try:
        value = _cursor_value(sort, text) if text else None
    except ValueError:
        value = None
    if value is None or pk is None:
        return cases
    column, descending = SORTS[sort]
    op = "lt" if descending else "gt"
    return cases.filter(Q(**{f"{column}__{op}": value}) | Q(**{column: value, f"pk__{op}": pk}))


def cursor_of(case: Case, sort: str) -> str:
    value = getattr(case, SORTS[sort][0])
    return f"{value.isoformat()}~{case.pk}"


SHOWN = ("item", "village", "township", "agent", "resident", "rating")


@dataclass
class Page:
    rows: list
    next_cursor: str | None
    count: int
    capped: bool


def page(user: User, f: Filters, cursor: str = "", *, posted: bool = False) -> Page:
    """One page of rows (two queries: the page, then a capped count)."""
    found = ordered(matching(user, f, posted=posted), f.sort)
    rows = list(after(found, f.sort, cursor).select_related(*SHOWN)[: PAGE + 1])
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    today = timezone.localdate()
    for case in rows:
        case.overdue_now = is_overdue(case, today)
    # A first page that holds everything has counted itself.
    complete = not cursor and not more
    count = len(rows) if complete else found.order_by()[: COUNT_CAP + 1].count()
    return Page(
        rows=rows,
        next_cursor=cursor_of(rows[-1], f.sort) if more else None,
        count=min(count, COUNT_CAP),
        capped=count > COUNT_CAP,
    )

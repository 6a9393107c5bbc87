"""Reading the figures: totals, breakdowns and savings for a scope and a run of months,
all from the monthly tallies; and the cases behind any figure, through the same scoping
as every other page.

Petitions are never in these figures (信访保密): they are counted apart and shown only
to the people who handle them."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daiban.cases.definitions import completed_q, late_q, on_time_q, overdue_q, rated_q, satisfied_q
from daiban.cases.models import Case, State, SupplementNotice
from daiban.cases.scoping import visible_cases
from daiban.catalog.models import Level, ServiceItem
from daiban.core.periods import first_of_month, month_list, next_month  # noqa: F401 (selectors.first_of_month)
from daiban.evaluation.models import Scheme
from daiban.people.models import Role, User
from daiban.places.models import County, Township, Village
from daiban.supervision.models import Complaint, Rectification

from .models import MEASURES, ItemTally, VillageTally

LEADERS = (Role.CENTER_DIRECTOR, Role.TOWNSHIP_LEADER)
COUNTY_VIEWERS = (Role.COUNTY_SUPERVISOR, Role.ADMINISTRATOR)


@dataclass(frozen=True)
class Scope:
    county: County
    township: Township | None = None

    @property
    def name(self) -> str:
        return str(self.township or self.county)


def scope_for(user: User, township_id: int | None = None) -> Scope | None:
    """What a person may see figures for; None if nothing. A township's director and
    leader see their township; the county sees the county or any of its townships."""
    if not user.is_authenticated:
        return None
    if user.role in LEADERS:
        township = user.township
        return Scope(county=township.county, township=township)
    if user.role in COUNTY_VIEWERS:
        county = user.county or _administered_county(township_id)
        if county is None:
            return None
        township = None
        if township_id:
            township = county.townships.filter(pk=township_id).first()
        return Scope(county=county, township=township)
    return None


def _administered_county(township_id: int | None) -> County | None:
    """The administrator belongs to no county: the county of the township asked for, or
    the only county there is; never one picked for them among several."""
    if township_id:
        township = Township.objects.select_related("county").filter(pk=township_id).first()
        if township is not None:
            return township.county
    counties = list(County.objects.order_by("pk")[:2])
    return counties[0] if len(counties) == 1 else None


class Figures(dict):
    """Sums of the measures, with the rates worked out from them."""

    def _rate(self, num: str, den: str) -> Decimal | None:
        return Decimal(self[num]) / Decimal(self[den]) if self.get(den) else None

    @property
    def on_time_rate(self):
        return self._rate("on_time", "completed")

    @property
    def satisfaction_rate(self):
        return self._rate("satisfied", "rated")

    @property
    def average_days(self):
        return self._rate("work_days", "completed")

    @property
    def average_rating(self):
        return self._rate("rating_sum", "rated")

    @property
    def response_rate(self):
        """Share of completed cases the villagers rated (at most 1: a rating may fall in
        the month after the result)."""
        rate = self._rate("rated", "completed")
        return None if rate is None else min(rate, Decimal(1))


def _empty() -> Figures:
    return Figures(dict.fromkeys(MEASURES, 0))


def _tallies(scope: Scope, start, end, model=VillageTally) -> QuerySet:
    rows = model.objects.filter(month__gte=start, month__lte=end, is_petition=False)
    if scope.township is not None:
        return rows.filter(township=scope.township)
    return rows.filter(township_id__in=scope.county.townships.values("pk"))


def _sums(rows: QuerySet, *group: str) -> list[dict]:
    return list(rows.values(*group).annotate(**{m: Sum(m) for m in MEASURES}).order_by(*group))


def totals(scope: Scope, start, end) -> Figures:
    rows = _tallies(scope, start, end).aggregate(**{m: Sum(m) for m in MEASURES})
    return Figures({m: rows[m] or 0 for m in MEASURES})


def by_month(scope: Scope, start, end) -> list[tuple[datetime.date, Figures]]:
    found = {row.pop("month"): Figures(row) for row in _sums(_tallies(scope, start, end), "month")}
    return [(month, found.get(month, _empty())) for month in month_list(start, end)]


def by_item(scope: Scope, start, end) -> list[tuple[ServiceItem, Figures]]:
    rows = _sums(_tallies(scope, start, end, ItemTally), "item_id")
    items = ServiceItem.objects.in_bulk([r["item_id"] for r in rows])
    out = [(items[r.pop("item_id")], Figures(r)) for r in rows]
    return sorted(out, key=lambda pair: (-pair[1]["accepted"], pair[0].code))


def by_village(scope: Scope, start, end) -> list[tuple[Village, Figures]]:
    rows = _sums(_tallies(scope, start, end), "village_id")
    villages = Village.objects.select_related("township").in_bulk([r["village_id"] for r in rows])
    out = [(villages[r.pop("village_id")], Figures(r)) for r in rows]
    return sorted(out, key=lambda pair: pair[0].code)


def by_township(scope: Scope, start, end) -> list[tuple[Township, Figures]]:
    rows = _sums(_tallies(scope, start, end), "township_id")
    found = {r.pop("township_id"): Figures(r) for r in rows}
    townships = scope.county.townships.order_by("code")
    if scope.township is not None:
        townships = townships.filter(pk=scope.township.pk)
    return [(t, found.get(t.pk, _empty())) for t in townships]


# ─── What the villagers saved ─────────────────────────────────────────────────

TENTH = Decimal("0.1")
CENT = Decimal("0.01")


def trip_cost(village: Village, level: str, scheme: Scheme) -> tuple[Decimal, Decimal, Decimal]:
    """(km, fare, hours) of one round trip from the village to where the item is decided;
    a fare or time the village has not set is estimated from the distance."""
    if level == Level.COUNTY:
        km, fare, hours = village.km_to_county, village.fare_to_county, village.hours_to_county
    else:
        km, fare, hours = (
            village.km_to_township,
            village.fare_to_township,
            village.hours_to_township,
        )
    km2 = Decimal(km) * 2
    if fare is None:
        fare = (km2 * scheme.fare_per_km).quantize(CENT, ROUND_HALF_UP)
    if hours is None:
        hours = (km2 / scheme.km_per_hour).quantize(TENTH, ROUND_HALF_UP)
    return km2, Decimal(fare), Decimal(hours)


@dataclass
class Savings:
    trips: int = 0
    km: Decimal = Decimal(0)
    yuan: Decimal = Decimal(0)
    hours: Decimal = Decimal(0)


def savings(scope: Scope, start, end, scheme: Scheme) -> Savings:
    """Trips saved, and the distance, fares and hours those trips would have cost."""
    rows = list(
        _tallies(scope, start, end)
        .filter(trips_saved__gt=0)
        .values("village_id")
        .annotate(trips=Sum("trips_saved"), county=Sum("county_trips"))
    )
    villages = Village.objects.in_bulk([r["village_id"] for r in rows])
    out = Savings()
    for row in rows:
        village = villages[row["village_id"]]
        for level, trips in (
            (Level.TOWNSHIP, row["trips"] - row["county"]),
            (Level.COUNTY, row["county"]),
        ):
            km, fare, hours = trip_cost(village, level, scheme)
            out.trips += trips
            out.km += km * trips
            out.yuan += fare * trips
            out.hours += hours * trips
    return out


# ─── Now, and the cases behind a figure ───────────────────────────────────────


def _scoped_cases(user: User, scope: Scope) -> QuerySet[Case]:
    cases = visible_cases(user).filter(is_petition=False)
    if scope.township is not None:
        return cases.filter(township=scope.township)
    return cases.filter(township_id__in=scope.county.townships.values("pk"))


def overdue_now(user: User, scope: Scope, **filters) -> QuerySet[Case]:
    """Running past the promised date (`cases.definitions.overdue_q`): a result recorded
    but not yet back with the villager is overdue too."""
    return _scoped_cases(user, scope).filter(overdue_q(timezone.localdate()), **filters)


def _range(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    low = datetime.datetime.combine(start, datetime.time(), tzinfo=tz)
    high = datetime.datetime.combine(next_month(end), datetime.time(), tzinfo=tz)
    return low, high


def _between(field: str, low, high) -> Q:
    return Q(**{f"{field}__gte": low, f"{field}__lt": high})


def _has(model, field: str, low, high) -> Q:
    """The cases with a row of `model` (a case's notices, complaints) dated in the range."""
    return Q(pk__in=model.objects.filter(_between(field, low, high)).values("case_id"))


def cases_for(user: User, scope: Scope, measure: str, start, end, **filters) -> QuerySet[Case]:
    """The cases a figure counts (distinct), within what the person may see."""
    low, high = _range(start, end)
    cases = _scoped_cases(user, scope).filter(**filters)
    done = _between("decided_at", low, high) & completed_q()
    rated_between = _between("rating__rated_at", low, high)
    where = {
        "accepted": _between("accepted_at", low, high),
        "refused": Q(state=State.REFUSED) & _between("ended_at", low, high),
        "withdrawn": Q(state=State.WITHDRAWN) & _between("ended_at", low, high),
        # A case once however many notices or complaints it had: a semi-join, not a
        # DISTINCT over the join.
        "supplements": _has(SupplementNotice, "issued_at", low, high),
        "completed": done,
        "granted": done & Q(outcome="granted"),
        "on_time": done & on_time_q(),
        "late": done & late_q(),
        "rated": rated_between & rated_q(),
        "satisfied": rated_between & satisfied_q(),
        "complaints": _has(Complaint, "created_at", low, high),
        "rectifications": Q(
            pk__in=Rectification.objects.filter(opened_on__gte=start, opened_on__lt=next_month(end))
            .exclude(status=Rectification.Status.SET_ASIDE)
            .exclude(rating__void=True)
            .values("case_id")
        ),
    }
    if measure == "overdue":
        return overdue_now(user, scope, **filters).order_by("due_date", "pk")
    if measure not in where:
        return cases.none()
    found = cases.filter(where[measure])
    if measure not in NEWEST:
        return found.order_by("-pk")
    # Newest first along the measure's own date, which its index gives without sorting.
    return found.order_by(f"-{NEWEST[measure]}", "-pk")


NEWEST = {
    "accepted": "accepted_at",
    "completed": "decided_at",
    "granted": "decided_at",
    "on_time": "decided_at",
    "late": "decided_at",
    "refused": "ended_at",
    "withdrawn": "ended_at",
    "rated": "rating__rated_at",
    "satisfied": "rating__rated_at",
}


DRILLABLE = (
    "accepted",
    "completed",
    "granted",
    "on_time",
    "late",
    "refused",
    "withdrawn",
    "supplements",
    "rated",
    "satisfied",
    "complaints",
    "rectifications",
    "overdue",
)

MEASURE_LABELS = {
    "accepted": _("accepted"),
    "completed": _("completed (result recorded)"),
    "granted": _("granted"),
    "on_time": _("completed on time"),
    "late": _("completed late"),
    "refused": _("refused"),
    "withdrawn": _("withdrawn"),
    "supplements": _("with a supplement notice"),
    "rated": _("rated"),
    "satisfied": _("rated satisfied or very satisfied"),
    "complaints": _("with a complaint"),
    "rectifications": _("with a rectification"),
    "overdue": _("overdue now"),
}

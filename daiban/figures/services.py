"""Keeping the monthly tallies true: one difference per change of a case, or a rebuild."""

import datetime
from collections import defaultdict

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Prefetch
from django.utils import timezone

from daiban.cases import definitions
from daiban.cases.models import Case, State, SupplementNotice
from daiban.catalog.models import Level
from daiban.supervision.models import Complaint, Rectification
from daiban.workdays.calendar import WorkCalendar

from .models import MEASURES, ROLLUPS, CaseTally

DIMS = ("township_id", "village_id", "item_id", "agent_id", "is_petition")


def _month(value: datetime.datetime | datetime.date) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return f"{value.year:04d}-{value.month:02d}"


def _day(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value).date()


def contribution(case: Case, calendar: WorkCalendar) -> dict:
    """What one case adds to the tallies: {"dims": [...], "m": {"YYYY-MM": {measure: n}}}.

    Expects `case.item`, `case.rating` (or none), `case.supplement_notices`, `case.complaints`
    and `case.rectifications` to be loaded (see `_cases`)."""
    months: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def add(month: str, measure: str, n: int = 1) -> None:
        if n:
            months[month][measure] += n

    if case.accepted_at:
        add(_month(case.accepted_at), "accepted")
    if case.state == State.REFUSED and case.ended_at:
        add(_month(case.ended_at), "refused")
    if case.state == State.WITHDRAWN and case.ended_at:
        add(_month(case.ended_at), "withdrawn")
    for notice in case.supplement_notices.all():
        add(_month(notice.issued_at), "supplements")
    # Completed, on time, rated, satisfied and trips saved as `cases.definitions` says.
    if definitions.is_completed(case):
        month, decided = _month(case.decided_at), _day(case.decided_at)
        add(month, "completed")
        add(month, "granted", int(case.outcome == "granted"))
        add(month, "on_time", int(definitions.is_on_time(case)))
        elapsed = calendar.between(_day(case.accepted_at), decided) - case.paused_days
        add(month, "work_days", max(elapsed, 0))
        add(month, "trips_saved", definitions.trips_saved(case))
        if case.item.decided_by == Level.COUNTY:
            add(month, "county_trips", definitions.trips_saved(case))
    rating = getattr(case, "rating", None)
    # Only the villager's own answer counts: an agent's note waits to be replaced.
    if definitions.is_rated(rating):
        month = _month(rating.rated_at)
        add(month, "rated")
        add(month, "satisfied", int(definitions.is_satisfied(rating)))
        add(month, "rating_sum", rating.level)
    for complaint in case.complaints.all():
        add(_month(complaint.created_at), "complaints")
    for rectification in case.rectifications.all():
        # A rectification of a rating later set aside on appeal no longer counts, even
        # if it was already closed when the appeal was decided.
        of_void_rating = rectification.rating_id is not None and rating is not None and rating.void
        if rectification.status != Rectification.Status.SET_ASIDE and not of_void_rating:
            add(_month(rectification.opened_on), "rectifications")
    return {
        "dims": [getattr(case, name) for name in DIMS],
        "m": {month: dict(values) for month, values in sorted(months.items())},
    }


CASE_FIELDS = (
    "state",
    "accepted_at",
    "decided_at",
    "ended_at",
    "outcome",
    "due_date",
    "paused_days",
    "township_id",
    "village_id",
    "agent_id",
    "is_petition",
    "item",
    "item__trips_without_agent",
    "item__trips_with_agent",
    "item__decided_by",
    "rating__level",
    "rating__void",
    "rating__source",
    "rating__rated_at",
)


def _cases():
    # Only the columns a contribution reads: a rebuild reads every case.
    return (
        Case.objects.select_related("item", "rating")
        .only(*CASE_FIELDS)
        .prefetch_related(
            Prefetch(
                "supplement_notices",
                queryset=SupplementNotice.objects.only("id", "case_id", "issued_at"),
            ),
            Prefetch("complaints", queryset=Complaint.objects.only("id", "case_id", "created_at")),
            Prefetch(
                "rectifications",
                queryset=Rectification.objects.only(
                    "id", "case_id", "opened_on", "status", "rating_id"
                ),
            ),
        )
    )


def _differences(old: dict, new: dict) -> dict[tuple, dict[str, int]]:
    out: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for sign, part in ((-1, old), (1, new)):
        if not part:
            continue
        dims = tuple(part["dims"])
        for month, values in part["m"].items():
            for measure, n in values.items():
                out[(month, *dims)][measure] += sign * n
    return {
        key: {m: n for m, n in values.items() if n}
        for key, values in out.items()
        if any(values.values())
    }


def _fields(key: tuple) -> dict:
    """A fine key (month, township, village, item, agent, petition) as model fields."""
    month, township, village, item, agent, petition = key
    year, mon = month.split("-")
    return {
        "month": datetime.date(int(year), int(mon), 1),
        "township_id": township,
        "village_id": village,
        "item_id": item,
        "agent_id": agent,
        "is_petition": petition,
    }


def _rolled_up(fine: dict[tuple, dict[str, int]], model) -> dict[tuple, dict[str, int]]:
    """Fine differences summed to one rollup's coarser keys; zeros dropped."""
    out: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, deltas in fine.items():
        fields = _fields(key)
        coarse = tuple(fields[name] for name in model.DIMS)
        for measure, n in deltas.items():
            out[coarse][measure] += n
    return {
        key: {m: n for m, n in values.items() if n}
        for key, values in out.items()
        if any(values.values())
    }


def _apply(model, key: tuple, deltas: dict[str, int]) -> None:
    where = dict(zip(model.DIMS, key, strict=True))
    increments = {measure: F(measure) + n for measure, n in deltas.items()}
    if model.objects.filter(**where).update(**increments):
        return
    try:
        with transaction.atomic():
            model.objects.create(**where, **deltas)
    except IntegrityError:
        # Another transaction created the row first; it is there now.
        model.objects.filter(**where).update(**increments)


@transaction.atomic
def refresh(case_id: int) -> None:
    """Bring the tallies up to date with one case. Called by the lifecycle inside every
    step's transaction, after the case row is locked, so two steps never interleave."""
    case = _cases().get(pk=case_id)
    new = contribution(case, WorkCalendar.load())
    row = CaseTally.objects.select_for_update().filter(case_id=case_id).first()
    old = row.data if row else {}
    if old == new:
        return
    fine = _differences(old, new)
    # A fixed order of rows, so two transactions never wait on each other in a circle.
    for model in ROLLUPS:
        for key, deltas in sorted(_rolled_up(fine, model).items(), key=lambda kv: str(kv[0])):
            _apply(model, key, deltas)
    CaseTally.objects.update_or_create(case_id=case_id, defaults={"data": new})


def _lock_tables() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            tables = ", ".join(m._meta.db_table for m in (CaseTally, *ROLLUPS))
            cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")


@transaction.atomic
def rebuild(chunk: int = 2000) -> int:
    """Recompute every tally from the cases; returns the number of cases read.

    Cases are read in chunks and each chunk is folded into the rollups at once, so memory
    follows the rollups' size, not the number of cases."""
    _lock_tables()
    calendar = WorkCalendar.load()
    for model in ROLLUPS:
        model.objects.all().delete()
    CaseTally.objects.all().delete()
    rollups = {model: defaultdict(lambda: defaultdict(int)) for model in ROLLUPS}
    fine: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    batch: list[CaseTally] = []
    count = 0

    def flush() -> None:
        CaseTally.objects.bulk_create(batch)
        for model, totals in rollups.items():
            for key, deltas in _rolled_up(fine, model).items():
                for measure, n in deltas.items():
                    totals[key][measure] += n
        batch.clear()
        fine.clear()

    for case in _cases().order_by("pk").iterator(chunk):
        part = contribution(case, calendar)
        for key, deltas in _differences({}, part).items():
            for measure, n in deltas.items():
                fine[key][measure] += n
        batch.append(CaseTally(case_id=case.pk, data=part))
        count += 1
        if len(batch) >= chunk:
            flush()
    flush()
    for model, totals in rollups.items():
        model.objects.bulk_create(
            (
                model(**dict(zip(model.DIMS, key, strict=True)), **values)
                for key, values in totals.items()
            ),
            batch_size=chunk,
        )
    return count


__all__ = ["MEASURES", "contribution", "rebuild", "refresh"]

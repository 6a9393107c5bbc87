"""One definition per figure: overdue, completed, on time, rated, satisfied, trips saved.

Every surface reads these — the dashboards and the cases behind them, the supervision
board, the work lists on the homes, the report, the register and (through the tallies,
which `figures.services.contribution` fills with the same rules) the public figures.
They live here, beside the cases, so that supervision and the homes (below figures in
the map of the code) read them too. Each rule
is given twice, as a query (`*_q`) and for one loaded case (`is_*`), side by side, so
that the two cannot drift apart.
"""

import datetime

from django.db.models import F, Q
from django.utils import timezone

from daiban.cases.models import Case, Rating, State

# A case whose clock runs: accepted and not paused, its result not yet back with the
# villager. A result recorded but not delivered still runs: the promise is to the
# villager, so a decided case left at the center past its date is overdue.
RUNNING = (State.IN_PROGRESS, State.RESULT_READY)
SATISFIED_LEVEL = 4  # 满意 (4) or 非常满意 (5)


# ─── Overdue now (超期) ───────────────────────────────────────────────────────


def overdue_q(today: datetime.date) -> Q:
    """Running past its promised date. A case waiting for materials is paused (its
    date moves when it resumes); a replied or closed case is delivered."""
    return Q(state__among=RUNNING, due_date__lt=today)


def is_overdue(case: Case, today: datetime.date) -> bool:
    return case.state in RUNNING and case.due_date is not None and case.due_date < today


def days_overdue(case: Case, today: datetime.date) -> int:
    """Calendar days past the promised date; 0 if not overdue."""
    return (today - case.due_date).days if is_overdue(case, today) else 0  # type: ignore[operator]


# ─── Completed (办结) and on time (按时) ───────────────────────────────────────


def completed_q() -> Q:
    """An accepted case whose result (granted or denied) is recorded."""
    return Q(accepted_at__isnull=False, decided_at__isnull=False)


def is_completed(case: Case) -> bool:
    return case.accepted_at is not None and case.decided_at is not None


def on_time_q() -> Q:
    """Completed on or before the promised date (local day), paused days allowed for."""
    return completed_q() & Q(due_date__isnull=False, decided_at__date__lte=F("due_date"))


def is_on_time(case: Case) -> bool:
    return (
        is_completed(case)
        and case.due_date is not None
        and timezone.localdate(case.decided_at) <= case.due_date
    )


def late_q() -> Q:
    return completed_q() & ~on_time_q()


# ─── Rated (评价) and satisfied (满意) ────────────────────────────────────────


def rated_q(prefix: str = "rating__") -> Q:
    """The villager's own rating, not set aside on appeal (an agent's note waits)."""
    return Q(**{f"{prefix}void": False, f"{prefix}source__in": Rating.COUNTED})


def satisfied_q(prefix: str = "rating__") -> Q:
    return rated_q(prefix) & Q(**{f"{prefix}level__gte": SATISFIED_LEVEL})


def is_rated(rating: Rating | None) -> bool:
    return rating is not None and rating.source in Rating.COUNTED and not rating.void


def is_satisfied(rating: Rating | None) -> bool:
    return is_rated(rating) and rating.level >= SATISFIED_LEVEL  # type: ignore[union-attr]


# ─── Trips saved (节省跑动) ────────────────────────────────────────────────────


def trips_saved(case: Case) -> int:
    """A completed case saves its item's trips without an agent minus with one."""
    return case.item.trips_saved if is_completed(case) else 0

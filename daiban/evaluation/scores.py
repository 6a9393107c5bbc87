"""Agent evaluation (考核): figures per agent from the monthly tallies, and the score the
county's scheme gives them, with the working shown beside it."""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from daiban.core.periods import month_list
from daiban.figures.models import VillageTally
from daiban.figures.selectors import Figures
from daiban.people.models import Role, User
from daiban.places.models import County, Township

from .models import Scheme

CENT = Decimal("0.01")
COUNTED = (
    "accepted",
    "completed",
    "on_time",
    "work_days",
    "supplements",
    "refused",
    "withdrawn",
    "rated",
    "satisfied",
    "complaints",
    "rectifications",
)


def scheme_for(county: County | int) -> Scheme:
    """The county's scheme as a row, stored with the defaults the first time: for the
    scheme's form (whose `seen` is the row's `updated_at`) and the payment sheets."""
    county_id = county if isinstance(county, int) else county.pk
    scheme, _created = Scheme.objects.get_or_create(county_id=county_id)
    return scheme


def read_scheme(county: County | int) -> Scheme:
    """The county's scheme for pages that only read it: the defaults (unsaved) until the
    county's row exists, so opening a dashboard writes nothing."""
    county_id = county if isinstance(county, int) else county.pk
    return Scheme.objects.filter(county_id=county_id).first() or Scheme(county_id=county_id)


def _q(value) -> Decimal:
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def _ratio(num: int, den: int) -> Decimal:
    return Decimal(num) / Decimal(den)


@dataclass
class AgentRow:
    agent: User
    counts: Figures  # the sums, with on_time_rate, satisfaction_rate, average_days
    score: Decimal | None = None
    formula: str = ""
    rank_township: int | None = None
    rank_county: int | None = None
    parts: list[tuple[str, Decimal]] = field(default_factory=list)


def answered_enough(scheme: Scheme, counts: dict[str, int]) -> bool:
    """Whether the villagers rated enough of the completed cases for satisfaction to count:
    rated / completed at least the scheme's minimum response rate (and at least one)."""
    rated, completed = counts["rated"], counts["completed"]
    if not rated:
        return False
    if not completed:
        return True
    return Decimal(rated) * 100 >= Decimal(scheme.min_response_rate) * completed


def score(scheme: Scheme, counts: dict[str, int], months: int) -> tuple[Decimal, str, list]:
    """The score out of 100 and its working, e.g. `40×9/10=36.00 + … − 2×1 = 80.33`.

    Satisfaction is the share of rated cases that were satisfied, counting only the
    villagers' own answers (never an agent's note). It earns points only when the
    villagers rated at least the scheme's minimum share of the completed cases; below it
    the part earns nothing and says "too few answers", so silence is never worth more
    than an honest answer. Another share whose denominator is zero (nothing accepted)
    earns full points: an agent is not marked down for what did not happen."""
    completed, rated, accepted = counts["completed"], counts["rated"], counts["accepted"]
    target = scheme.cases_per_month * months
    parts = []
    w = Decimal(scheme.weight_on_time)
    parts.append(
        (f"{w}×{counts['on_time']}/{completed}", _q(w * _ratio(counts["on_time"], completed)))
    )
    w = Decimal(scheme.weight_satisfaction)
    if answered_enough(scheme, counts):
        parts.append(
            (f"{w}×{counts['satisfied']}/{rated}", _q(w * _ratio(counts["satisfied"], rated)))
        )
    else:
        too_few = _(
            "too few answers: %(rated)s rated of %(completed)s completed, under %(min)s%%"
        ) % {
            "rated": rated,
            "completed": completed,
            "min": scheme.min_response_rate,
        }
        parts.append((f"{w}×({too_few})", _q(0)))
    w = Decimal(scheme.weight_volume)
    volume = min(Decimal(completed) / target, Decimal(1))
    parts.append((f"{w}×min({completed}/{target.normalize()},1)", _q(w * volume)))
    w = Decimal(scheme.weight_complete_papers)
    if accepted:
        share = max(Decimal(1) - _ratio(counts["supplements"], accepted), Decimal(0))
        parts.append((f"{w}×(1−{counts['supplements']}/{accepted})", _q(w * share)))
    else:
        none_accepted = _("none accepted")
        parts.append((f"{w}×({none_accepted})", _q(w)))
    penalties = [
        (
            f"{scheme.complaint_penalty.normalize()}×{counts['complaints']}",
            _q(scheme.complaint_penalty * counts["complaints"]),
        ),
        (
            f"{scheme.rectification_penalty.normalize()}×{counts['rectifications']}",
            _q(scheme.rectification_penalty * counts["rectifications"]),
        ),
    ]
    gained = sum((points for _label, points in parts), Decimal(0))
    lost = sum((points for _label, points in penalties), Decimal(0))
    total = max(gained - lost, Decimal(0))
    text = " + ".join(f"{label}={points}" for label, points in parts)
    text += "".join(f" − {label}" for label, _points in penalties)
    text += f" = {total}"
    return total, text, parts + [(label, -points) for label, points in penalties]


def _competition_rank(rows: list[AgentRow], attr: str) -> None:
    ranked = sorted((r for r in rows if r.score is not None), key=lambda r: -r.score)
    for position, row in enumerate(ranked, start=1):
        previous = ranked[position - 2] if position > 1 else None
        same = previous is not None and previous.score == row.score
        setattr(row, attr, getattr(previous, attr) if same else position)


def evaluate(
    scheme: Scheme,
    start: datetime.date,
    end: datetime.date,
    *,
    township_id: int | None = None,
) -> list[AgentRow]:
    """Every village agent of the county (or one township) for the months start..end.

    Petition agents are not scored: their work is confidential (信访保密), so their figures
    are not put beside the others'."""
    agents = (
        User.objects.filter(
            role=Role.VILLAGE_AGENT,
            is_active=True,
            village__township__county_id=scheme.county_id,
        )
        .select_related("village", "village__township")
        .order_by("village__code", "pk")
    )
    sums = (
        VillageTally.objects.filter(
            month__gte=start,
            month__lte=end,
            is_petition=False,
            township_id__in=Township.objects.filter(county_id=scheme.county_id).values("pk"),
        )
        .values("agent_id")
        .annotate(**{m: Sum(m) for m in COUNTED})
    )
    by_agent = {row.pop("agent_id"): row for row in sums}
    months = len(month_list(start, end))
    rows = []
    for agent in agents:
        counts = Figures({m: by_agent.get(agent.pk, {}).get(m) or 0 for m in COUNTED})
        row = AgentRow(agent=agent, counts=counts)
        if counts["completed"] >= max(scheme.min_completed, 1):
            row.score, row.formula, row.parts = score(scheme, counts, months)
        else:
            row.formula = _("Not scored: fewer than %(n)s completed cases.") % {
                "n": max(scheme.min_completed, 1)
            }
        rows.append(row)
    _competition_rank(rows, "rank_county")
    by_township: dict[int, list[AgentRow]] = {}
    for row in rows:
        by_township.setdefault(row.agent.village.township_id, []).append(row)
    for group in by_township.values():
        _competition_rank(group, "rank_township")
    if township_id is not None:
        rows = [r for r in rows if r.agent.village.township_id == township_id]
    return sorted(rows, key=lambda r: (r.score is None, -(r.score or 0), r.agent.village.code))

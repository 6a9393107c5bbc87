"""The annual appraisal of village agents (年度考核, issue 18).

The center director proposes each agent's grade for a year (优秀 / 称职 / 基本称职 / 不称职)
with a comment, seeing the year's score and figures from the monthly tallies and what
villagers said in their ratings; those are kept on the appraisal as they were. The
township leader approves it (someone other than the proposer). Rewards and sanctions
follow (奖优罚劣): the approved 优秀 are the year's commendation list, and an agent graded
不称职 in two approved appraisals is flagged for replacement on the director's home.
"""

import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from daiban.audit import trail
from daiban.cases.models import Rating
from daiban.core.errors import Conflict, Forbidden, Invalid, NotAllowed
from daiban.people.models import Role, User

from .models import Appraisal, Grade
from .scores import evaluate, read_scheme

FIRST_YEAR = 2008  # the report's township started the system in December 2008
COMMENTS_KEPT = 10


def may_propose(actor: User, township_id: int | None) -> bool:
    return actor.role == Role.ADMINISTRATOR or (
        actor.role == Role.CENTER_DIRECTOR and actor.township_id == township_id
    )


def may_approve(actor: User, township_id: int | None) -> bool:
    return actor.role == Role.ADMINISTRATOR or (
        actor.role == Role.TOWNSHIP_LEADER and actor.township_id == township_id
    )


def parse_year(text, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    try:
        year = int(str(text).strip())
    except (TypeError, ValueError):
        year = 0
    if not FIRST_YEAR <= year <= today.year:
        raise Invalid(
            _("Give a year from %(first)s to %(last)s.")
            % {"first": FIRST_YEAR, "last": today.year},
            {"year": [_("Not a year that can be appraised.")]},
        )
    return year


def year_rows(township, year: int) -> dict[int, object]:
    """agent id → the year's evaluation row (score and figures) for the township."""
    scheme = read_scheme(township.county_id)
    rows = evaluate(
        scheme, datetime.date(year, 1, 1), datetime.date(year, 12, 1), township_id=township.pk
    )
    return {row.agent.pk: row for row in rows}


def villager_comments(agent: User, year: int) -> list[str]:
    """What villagers wrote in their own ratings of the agent's cases that year."""
    return list(
        Rating.objects.filter(
            case__agent=agent,
            rated_at__year=year,
            source__in=Rating.COUNTED,
            void=False,
        )
        .exclude(comment="")
        .order_by("rated_at", "pk")
        .values_list("comment", flat=True)[:COMMENTS_KEPT]
    )


def _figures(row) -> dict:
    if row is None:
        return {}
    counts = row.counts
    return {
        "completed": counts["completed"],
        "on_time": counts["on_time"],
        "rated": counts["rated"],
        "satisfied": counts["satisfied"],
        "complaints": counts["complaints"],
        "formula": row.formula,
    }


@transaction.atomic
def propose(
    *, actor: User, agent: User, year, grade: str, comment: str, at=None
) -> tuple[Appraisal, bool]:
    """The director's proposal (again, while not approved). Returns (appraisal, changed)."""
    at = at or timezone.now()
    agent = (
        User.objects.select_for_update(of=("self",))
        .select_related("village__township")
        .get(pk=agent.pk)
    )
    township_id = agent.village.township_id if agent.village_id else None
    if agent.role != Role.VILLAGE_AGENT or not may_propose(actor, township_id):
        raise Forbidden(_("The township's center director proposes its agents' yearly grades."))
    year = parse_year(year, timezone.localdate(at))
    if grade not in Grade.values:
        raise Invalid(_("Choose one of the four grades."), {"grade": [_("Choose a grade.")]})
    comment = (comment or "").strip()
    if not 2 <= len(comment) <= 1000:
        raise Invalid(
            _("Write the director's comment in a few words (at most 1000 characters)."),
            {"comment": [_("Write a comment.")]},
        )
    found = Appraisal.objects.select_for_update().filter(agent=agent, year=year).first()
    if found is not None and found.status == Appraisal.Status.APPROVED:
        raise NotAllowed(_("This appraisal was approved already; it no longer changes."))
    if found is not None and (found.grade, found.director_comment) == (grade, comment):
        return found, False
    row = year_rows(agent.village.township, year).get(agent.pk)
    values = {
        "township_id": township_id,
        "village_id": agent.village_id,
        "score": row.score if row is not None else None,
        "figures": _figures(row),
        "villager_comments": villager_comments(agent, year),
        "grade": grade,
        "director_comment": comment,
        "proposed_by": actor,
        "proposed_at": at,
    }
    if found is None:
        found = Appraisal.objects.create(agent=agent, year=year, **values)
    else:
        for name, value in values.items():
            setattr(found, name, value)
        found.version += 1
        found.save()
    trail.record(
        "appraisal.proposed",
        user=actor,
        obj=found,
        detail={"agent": agent.pk, "year": year, "grade": grade},
    )
    return found, True


@transaction.atomic
def approve(*, actor: User, appraisal: Appraisal | int, version: int | None = None, at=None):
    """The township leader approves the proposed grade; it is final then."""
    at = at or timezone.now()
    pk = appraisal.pk if isinstance(appraisal, Appraisal) else appraisal
    fresh = Appraisal.objects.select_for_update().get(pk=pk)
    if not may_approve(actor, fresh.township_id):
        raise Forbidden(_("The township leader approves the yearly grades."))
    if actor.pk == fresh.proposed_by_id:
        raise Forbidden(_("Someone other than the person who proposed the grade approves it."))
    if fresh.status == Appraisal.Status.APPROVED:
        raise NotAllowed(_("This appraisal was approved already."))
    if version is not None and version != fresh.version:
        raise Conflict(
            _("The director changed the proposal since you opened it. Check it, then approve.")
        )
    fresh.status, fresh.approved_by, fresh.approved_at = Appraisal.Status.APPROVED, actor, at
    fresh.save(update_fields=["status", "approved_by", "approved_at"])
    trail.record(
        "appraisal.approved",
        user=actor,
        obj=fresh,
        detail={"agent": fresh.agent_id, "year": fresh.year, "grade": fresh.grade},
    )
    return fresh


def commendations(township_id: int, year: int):
    """The year's commendation list: the approved 优秀."""
    return (
        Appraisal.objects.filter(
            township_id=township_id,
            year=year,
            status=Appraisal.Status.APPROVED,
            grade=Grade.EXCELLENT,
        )
        .select_related("agent", "village")
        .order_by("village__code")
    )


def to_replace(township_id: int):
    """Agents still in the township graded 不称职 in two approved appraisals or more."""
    return (
        User.objects.filter(
            role=Role.VILLAGE_AGENT, is_active=True, village__township_id=township_id
        )
        .annotate(
            failed=Count(
                "appraisals",
                filter=Q(
                    appraisals__status=Appraisal.Status.APPROVED,
                    appraisals__grade=Grade.INCOMPETENT,
                ),
            )
        )
        .filter(failed__gte=2)
        .select_related("village")
        .order_by("village__code")
    )


def director_home_list(user):
    if user.role != Role.CENTER_DIRECTOR or not user.township_id:
        return User.objects.none()
    return to_replace(user.township_id)

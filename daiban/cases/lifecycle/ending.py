"""The result, the reply, the follow-up, ratings, withdrawal and giving originals back."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from daiban.cases import rules
from daiban.cases.lifecycle.base import (
    _commit,
    _lock,
    _now,
    _reason,
    _require_holder,
)
from daiban.cases.models import (
    Case,
    Event,
    FollowUp,
    Hop,
    Outcome,
    Paper,
    PaperMove,
    Rating,
    State,
    SupplementNotice,
)
from daiban.cases.selectors import open_hop
from daiban.catalog.models import Level
from daiban.core.errors import Forbidden, Invalid, NotAllowed
from daiban.people.models import User
from daiban.places.models import Department


@transaction.atomic
def record_result(
    case: Case | int,
    *,
    actor: User,
    granted: bool,
    reason: str = "",
    document_no: str = "",
    at: datetime.datetime | None = None,
) -> Case:
    at = _now(at)
    case = _lock(case, "record_result")
    hop = _require_holder(actor, case, open_hop(case))
    if hop.holder_department_id is None:
        raise NotAllowed(_("The result is recorded by the department that holds the file."))
    if case.is_petition and not case.petition_decision:
        raise NotAllowed(_("Decide first whether the petition is accepted for handling."))
    if granted and case.item.decided_by == Level.COUNTY:
        approved = case.hops.filter(
            holder_department__level=Department.Level.COUNTY, received_at__isnull=False
        ).exists()
        if not approved:
            raise NotAllowed(
                _("%(item)s is decided by the county: hand the file to the county bureau first.")
                % {"item": case.item}
            )
    reason = (reason or "").strip()
    if not granted:
        reason = _reason(reason, "reason")
    _commit(
        case,
        actor=actor,
        action=Event.Action.RESULT_RECORDED,
        at=at,
        to=State.RESULT_READY,
        note=reason,
        outcome=Outcome.GRANTED if granted else Outcome.DENIED,
        outcome_reason=reason,
        outcome_document=(document_no or "").strip(),
        decided_at=at,
        data={"outcome": "granted" if granted else "denied", "by": str(hop.holder)},
    )
    return case


def _give_back(papers: list[Paper], *, to: str, actor: User, at, hop: Hop | None = None) -> None:
    """Originals go back to the resident, who signs; custody ends there."""
    PaperMove.objects.bulk_create(
        PaperMove(
            paper=paper,
            hop=hop,
            at=at,
            from_user_id=paper.holder_user_id,
            from_department_id=paper.holder_department_id,
            to_resident=to,
            recorded_by=actor,
        )
        for paper in papers
    )
    Paper.objects.filter(pk__in=[p.pk for p in papers]).update(
        holder_user=None, holder_department=None, returned_at=at, held_since=at
    )


@transaction.atomic
def reply(
    case: Case | int,
    *,
    actor: User,
    signed_by: str,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Case:
    """The result and every original go back to the resident, who signs for them."""
    at = _now(at)
    case = _lock(case, "reply")
    hop = _require_holder(actor, case, open_hop(case))
    if hop.holder_user_id is None:
        raise NotAllowed(_("The file must be back with the village agent before the reply."))
    signed_by = (signed_by or "").strip()
    if not signed_by:
        raise Invalid(_("Who signed for the result?"), {"signed_by": [_("Enter who signed.")]})
    outstanding = list(
        Paper.objects.filter(case=case, returned_at__isnull=True).select_related(
            "holder_department"
        )
    )
    elsewhere = [p for p in outstanding if p.holder_user_id != hop.holder_user_id]
    if elsewhere:
        raise NotAllowed(
            _("Originals still elsewhere: %(papers)s. Get them back first.")
            % {"papers": "、".join(f"{p.name}（{p.holder}）" for p in elsewhere)}
        )
    _give_back(outstanding, to=signed_by, actor=actor, at=at, hop=hop)
    Hop.objects.filter(pk=hop.pk).update(ended_at=at)
    _commit(
        case,
        actor=actor,
        action=Event.Action.REPLIED,
        at=at,
        to=State.REPLIED,
        note=(note or "").strip(),
        replied_at=at,
        reply_signed_by=signed_by,
        data={"papers_returned": [p.name for p in outstanding]},
    )
    return case


@transaction.atomic
def close(
    case: Case | int,
    *,
    actor: User,
    method: str,
    note: str = "",
    rating: int | None = None,
    at: datetime.datetime | None = None,
) -> Case:
    """Close after the follow-up call or visit (回访), with the rating given then, if any."""
    at = _now(at)
    case = _lock(case, "close")
    if not (actor.id == case.agent_id or rules.may_take(actor, case.village, case.item)):
        raise Forbidden(_("The case's agent or the center director does the follow-up."))
    if method not in FollowUp.Method.values:
        raise Invalid(
            _("Say how the follow-up was done."), {"method": [_("Choose call, visit or text.")]}
        )
    if rating is not None and rating not in Rating.Level.values:
        raise Invalid(_("A rating is 1 to 5."), {"rating": [_("A rating is 1 to 5.")]})
    if rating is not None and rules.rating_source(actor, case) is None:
        raise Forbidden(_may_not_rate())
    FollowUp.objects.create(case=case, method=method, by=actor, at=at, note=(note or "").strip())
    _commit(
        case,
        actor=actor,
        action=Event.Action.CLOSED,
        at=at,
        to=State.CLOSED,
        note=(note or "").strip(),
        closed_at=at,
        ended_at=at,
        data={"method": method},
    )
    if rating is not None and rules.may_rate(actor, case):
        channel = Rating.Channel.VISIT if method == FollowUp.Method.VISIT else Rating.Channel.PHONE
        source = rules.rating_source(actor, case)
        _rate(case, level=rating, channel=channel, source=source, comment="", actor=actor, at=at)
    return case


def _may_not_rate() -> str:
    return _(
        "A rating is the villager's: given through the link in the text message, or asked "
        "on the center's follow-up. The case's agent may only note what the villager said."
    )


def _rate(
    case: Case, *, level: int, channel: str, source: str, comment: str, actor: User | None, at
) -> Rating:
    """Record a rating, or put the villager's answer in place of one that does not count
    (an agent's note); the row keeps its id, the history keeps what it replaced."""
    fields = {
        "level": level,
        "channel": channel,
        "source": source,
        "comment": comment,
        "rated_at": at,
        "recorded_by": actor,
        "void": False,
    }
    data = {"level": level, "channel": channel, "source": source}
    previous = Rating.objects.filter(case=case).first()
    if previous is None:
        rating = Rating.objects.create(case=case, **fields)
    else:
        data["replaces"] = {"level": previous.level, "source": previous.source}
        Rating.objects.filter(pk=previous.pk).update(**fields)
        rating = Rating.objects.get(pk=previous.pk)
    _commit(
        case, actor=actor, action=Event.Action.RATED, at=at, to=case.state, note=comment, data=data
    )
    return rating


@transaction.atomic
def rate(
    case: Case | int,
    *,
    level: int,
    channel: str = Rating.Channel.LINK,
    comment: str = "",
    actor: User | None = None,
    at: datetime.datetime | None = None,
) -> Rating:
    """The villager rates the service once, after the reply (好差评): through the link in
    the text message (no actor), or asked on the center's follow-up call or visit, recorded
    by the one who asked. The case's agent may note what the villager said: the note does
    not count, and the villager's own answer later replaces it (`rules.rating_source`)."""
    at = _now(at)
    case = _lock(case, "rate")
    source = rules.rating_source(actor, case)
    if source is None:
        raise Forbidden(_may_not_rate())
    if level not in Rating.Level.values:
        raise Invalid(
            _("Choose one of the five levels."), {"level": [_("Choose one of the five levels.")]}
        )
    if source == Rating.Source.VILLAGER:
        channel = Rating.Channel.LINK
    elif channel not in (Rating.Channel.PHONE, Rating.Channel.VISIT):
        raise Invalid(
            _("Say whether the villager was asked on a call or at a visit."),
            {"channel": [_("Choose call or visit.")]},
        )
    if not rules.may_rate(actor, case):
        raise NotAllowed(_("This case has already been rated. Thank you."))
    return _rate(
        case,
        level=level,
        channel=channel,
        source=source,
        comment=(comment or "").strip()[:500],
        actor=actor,
        at=at,
    )


@transaction.atomic
def withdraw(
    case: Case | int, *, actor: User, reason: str, at: datetime.datetime | None = None
) -> Case:
    """The resident withdraws before the result; originals still out must be returned."""
    at = _now(at)
    case = _lock(case, "withdraw")
    hop = open_hop(case)
    may = rules.may_take(actor, case.village, case.item) or actor.id == case.agent_id
    if not may and not (hop is not None and rules.holds(actor, hop, case.township_id)):
        raise Forbidden(
            _("The case's agent, the file's holder or the center director records a withdrawal.")
        )
    reason = _reason(reason, "reason")
    if hop is not None:
        Hop.objects.filter(pk=hop.pk).update(ended_at=at)
    SupplementNotice.objects.filter(case=case, resolved_at__isnull=True).update(resolved_at=at)
    _commit(
        case,
        actor=actor,
        action=Event.Action.WITHDRAWN,
        at=at,
        to=State.WITHDRAWN,
        note=reason,
        withdrawal_reason=reason,
        ended_at=at,
    )
    return case


@transaction.atomic
def return_papers(
    case: Case | int,
    *,
    actor: User,
    paper_ids: list[int],
    signed_by: str,
    at: datetime.datetime | None = None,
) -> list[Paper]:
    """Give originals back early or after a withdrawal; the holder returns them."""
    at = _now(at)
    locked = _lock(case, "return_papers")
    signed_by = (signed_by or "").strip()
    if not signed_by:
        raise Invalid(_("Who signed for the papers?"), {"signed_by": [_("Enter who signed.")]})
    papers = list(
        Paper.objects.filter(
            case=locked, pk__in=paper_ids, returned_at__isnull=True
        ).select_related("holder_user", "holder_department")
    )
    if not papers or len(papers) != len(set(paper_ids)):
        raise Invalid(
            _("Choose originals of this case that are still out."),
            {"papers": [_("Unknown paper.")]},
        )
    for paper in papers:
        if not rules.holds(actor, paper, locked.township_id):
            raise Forbidden(
                _("%(paper)s is with %(holder)s; only they can return it.")
                % {"paper": paper, "holder": paper.holder}
            )
    _give_back(papers, to=signed_by, actor=actor, at=at)
    _commit(
        locked,
        actor=actor,
        action=Event.Action.PAPERS_RETURNED,
        at=at,
        to=locked.state,
        data={"papers": [p.name for p in papers], "signed_by": signed_by},
    )
    return papers

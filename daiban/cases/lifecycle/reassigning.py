"""An agent replaced: the case, the file in their hands and their originals go to another
agent of the same village (a successor, a stand-in, or back after the stand-in).

Called by people/succession.py for every case the old agent answers for or holds a
paper of; a case with nothing of theirs is left as it is, so a second call changes
nothing. The file in the old agent's hands goes to the new one as a handover (the new
agent confirms receipt, and the originals that travel with it change hands then, as
custody always does); an original the old agent keeps while the file is elsewhere
changes hands at once, recorded by the director who ordered it.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from daiban.audit import trail
from daiban.cases.lifecycle.base import _commit, _lock, _now
from daiban.cases.models import (
    FINAL_STATES,
    Case,
    Event,
    Hop,
    HopPaper,
    Inquiry,
    Paper,
    PaperMove,
)
from daiban.cases.selectors import open_hop
from daiban.core.errors import Forbidden, Invalid
from daiban.people.models import Role, User

AGENT_REASSIGNED = Event.Action.AGENT_REASSIGNED


def _check(actor: User, from_user: User, to_user: User, village_id: int) -> None:
    if not (
        actor.role == Role.ADMINISTRATOR
        or (
            actor.role == Role.CENTER_DIRECTOR
            and actor.township_id == from_user.covered_township_id
        )
    ):
        raise Forbidden(_("Only the township's center director may hand an agent's files on."))
    if (
        to_user.pk == from_user.pk
        or not to_user.is_active
        or to_user.role != from_user.role
        or to_user.village_id != village_id
    ):
        raise Invalid(
            _("Files go on only to another agent of the same village with the same post."),
            {"to": [_("Not an agent of this village.")]},
        )


@transaction.atomic
def reassign_agent(
    case: Case | int,
    *,
    actor: User,
    from_user: User,
    to_user: User,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Case:
    """Give the new agent what the old one has of this case: the case itself while it is
    open, the file if it is in (or on its way to) their hands, and their originals."""
    at = _now(at)
    case = _lock(case, "reassign_agent")
    _check(actor, from_user, to_user, case.village_id)
    hop = open_hop(case)
    takes_case = case.agent_id == from_user.pk and case.state not in FINAL_STATES
    takes_file = hop is not None and hop.holder_user_id == from_user.pk
    papers = list(Paper.objects.filter(case=case, holder_user=from_user, returned_at__isnull=True))
    if not (takes_case or takes_file or papers):
        return case
    data = {"from": str(from_user), "to": str(to_user), "papers": [p.name for p in papers]}
    if takes_file:
        travelling = list(papers)
        if hop.received_at is None:
            # On its way to the old agent: what was sent with it goes on to the new one.
            travelling += [
                link.paper
                for link in HopPaper.objects.filter(hop=hop).select_related("paper")
                if link.paper.returned_at is None and link.paper not in travelling
            ]
        Hop.objects.filter(pk=hop.pk).update(ended_at=at)
        new_hop = Hop.objects.create(
            case=case,
            seq=hop.seq + 1,
            holder_user=to_user,
            sent_by=actor,
            started_at=at,
            due_date=hop.due_date,
            note=(note or "").strip(),
        )
        HopPaper.objects.bulk_create(HopPaper(hop=new_hop, paper=p) for p in travelling)
        data["hop"] = new_hop.seq
    else:
        for paper in papers:
            PaperMove.objects.create(
                paper=paper,
                at=at,
                from_user=from_user,
                to_user=to_user,
                recorded_by=actor,
            )
            paper.holder_user, paper.held_since = to_user, at
            paper.save(update_fields=["holder_user", "held_since"])
    fields = {"agent": to_user} if takes_case else {}
    _commit(
        case,
        actor=actor,
        action=AGENT_REASSIGNED,
        at=at,
        to=case.state,
        note=(note or "").strip(),
        data=data,
        **fields,
    )
    return case


@transaction.atomic
def reassign_inquiries(
    *, actor: User, from_user: User, to_user: User, at: datetime.datetime | None = None
) -> int:
    """The questions still waiting for the old agent (asked in the village or through the
    hotline, Open311) are the new agent's to answer. Returns how many moved."""
    at = _now(at)
    _check(actor, from_user, to_user, from_user.village_id)
    waiting = Inquiry.objects.select_for_update(of=("self",)).filter(
        agent=from_user, case__isnull=True
    )
    ids = list(waiting.values_list("pk", flat=True))
    if ids:
        Inquiry.objects.filter(pk__in=ids).update(agent=to_user)
        trail.record(
            "inquiry.reassigned",
            user=actor,
            obj=to_user,
            detail={"from": from_user.pk, "to": to_user.pk, "inquiries": ids, "at": at.isoformat()},
        )
    return len(ids)

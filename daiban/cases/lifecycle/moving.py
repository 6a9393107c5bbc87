"""Moving the file between holders: hand-over, recall and confirmed receipt."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from daiban.cases import routing
from daiban.cases.lifecycle.base import (
    _commit,
    _date,
    _hop_days,
    _lock,
    _now,
    _require_holder,
)
from daiban.cases.models import (
    Case,
    Event,
    HandoverBatch,
    Hop,
    HopPaper,
    Paper,
    PaperMove,
)
from daiban.cases.selectors import open_hop
from daiban.core.errors import Invalid, NotAllowed
from daiban.people.models import User
from daiban.places.models import Department
from daiban.workdays.calendar import WorkCalendar


@transaction.atomic
def hand_over(
    case: Case | int,
    *,
    actor: User,
    to_user: User | None = None,
    to_department: Department | None = None,
    paper_ids: list[int] = (),
    note: str = "",
    batch: HandoverBatch | None = None,
    at: datetime.datetime | None = None,
) -> Hop:
    """Send the file (and named originals) to the next holder, who must confirm receipt."""
    at = _now(at)
    case = _lock(case, "hand_over")
    hop = _require_holder(actor, case, open_hop(case))
    routing.check(case, hop, to_user, to_department)
    papers = list(Paper.objects.filter(case=case, pk__in=paper_ids, returned_at__isnull=True))
    if len(papers) != len(set(paper_ids)):
        raise Invalid(
            _("A listed paper is not an outstanding original of this case."),
            {"papers": [_("Unknown paper.")]},
        )
    for paper in papers:
        if (
            paper.holder_user_id != hop.holder_user_id
            or paper.holder_department_id != hop.holder_department_id
        ):
            raise Invalid(
                _("%(paper)s is with %(holder)s, not with the sender.")
                % {"paper": paper, "holder": paper.holder},
                {"papers": [str(paper)]},
            )
    calendar = WorkCalendar.load()
    Hop.objects.filter(pk=hop.pk).update(ended_at=at)
    new_hop = Hop.objects.create(
        case=case,
        seq=hop.seq + 1,
        holder_user=to_user,
        holder_department=to_department,
        sent_by=actor,
        started_at=at,
        due_date=calendar.add(_date(at), _hop_days(case, to_user, to_department)),
        note=(note or "").strip(),
        batch=batch,
    )
    HopPaper.objects.bulk_create(HopPaper(hop=new_hop, paper=p) for p in papers)
    _commit(
        case,
        actor=actor,
        action=Event.Action.HANDED_OVER,
        at=at,
        to=case.state,
        note=new_hop.note,
        data={"hop": new_hop.seq, "to": str(new_hop.holder), "papers": [p.name for p in papers]},
    )
    return new_hop


@transaction.atomic
def confirm_receipt(case: Case | int, *, actor: User, at: datetime.datetime | None = None) -> Hop:
    """The receiver signs for the file; the papers that came with it are theirs now."""
    at = _now(at)
    case = _lock(case, "confirm_receipt")
    hop = open_hop(case)
    if hop is not None and hop.received_at is not None:
        raise NotAllowed(
            _("%(holder)s already confirmed receiving the file.") % {"holder": hop.holder}
        )
    _require_holder(actor, case, hop, received=False)
    hop.received_at, hop.received_by = at, actor
    hop.save(update_fields=["received_at", "received_by"])
    moved = []
    for link in HopPaper.objects.filter(hop=hop).select_related("paper"):
        paper = link.paper
        PaperMove.objects.create(
            paper=paper,
            hop=hop,
            at=at,
            from_user_id=paper.holder_user_id,
            from_department_id=paper.holder_department_id,
            to_user=hop.holder_user,
            to_department=hop.holder_department,
            recorded_by=actor,
        )
        paper.holder_user, paper.holder_department, paper.held_since = (
            hop.holder_user,
            hop.holder_department,
            at,
        )
        paper.save(update_fields=["holder_user", "holder_department", "held_since"])
        moved.append(paper.name)
    _commit(
        case,
        actor=actor,
        action=Event.Action.RECEIVED,
        at=at,
        to=case.state,
        data={"hop": hop.seq, "holder": str(hop.holder), "papers": moved},
    )
    return hop


@transaction.atomic
def recall(
    case: Case | int, *, actor: User, reason: str = "", at: datetime.datetime | None = None
) -> Hop:
    """The sender takes back a file the receiver has not yet signed for: the hop ends and
    the sender's own hop opens again, already received; the papers never changed hands
    (they move only on confirmation), so they stay with the sender."""
    at = _now(at)
    case = _lock(case, "recall")
    hop = open_hop(case)
    if hop is None or hop.seq < 2:
        raise NotAllowed(_("Nothing was handed over; there is nothing to recall."))
    if hop.received_at is not None:
        raise NotAllowed(
            _("%(holder)s already confirmed receiving the file; it can no longer be recalled.")
            % {"holder": hop.holder}
        )
    previous = Hop.objects.select_related("holder_user", "holder_department").get(
        case=case, seq=hop.seq - 1
    )
    _require_holder(actor, case, previous)
    Hop.objects.filter(pk=hop.pk).update(ended_at=at)
    back = Hop.objects.create(
        case=case,
        seq=hop.seq + 1,
        holder_user=previous.holder_user,
        holder_department=previous.holder_department,
        sent_by=actor,
        started_at=at,
        due_date=previous.due_date,
        received_at=at,
        received_by=actor,
        note=(reason or "").strip(),
    )
    _commit(
        case,
        actor=actor,
        action=Event.Action.RECALLED,
        at=at,
        to=case.state,
        note=back.note,
        data={"hop": back.seq, "from": str(hop.holder), "to": str(back.holder)},
    )
    return back

"""Moving the file between holders: hand-over and confirmed receipt."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

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
from daiban.people.models import Role, User
from daiban.places.models import Department
from daiban.workdays.calendar import WorkCalendar


def _check_target(case: Case, to_user: User | None, to_department: Department | None) -> None:
    if (to_user is None) == (to_department is None):
        raise Invalid(
            _("Hand the file to one person or one department."), {"to": [_("Choose one.")]}
        )
    if to_user is not None:
        if (
            to_user.role not in (Role.VILLAGE_AGENT, Role.PETITION_AGENT)
            or to_user.village_id != case.village_id
        ):
            raise Invalid(
                _("A file goes back only to an agent of %(village)s.") % {"village": case.village},
                {"to": [_("Not an agent of this village.")]},
            )
        return
    if (
        to_department.level == Department.Level.TOWNSHIP
        and to_department.township_id != case.township_id
    ):
        raise Invalid(
            _("%(department)s is not in %(township)s.")
            % {"department": to_department, "township": case.township},
            {"to": [_("Another township's department.")]},
        )
    if (
        to_department.level == Department.Level.COUNTY
        and to_department.county_id != case.township.county_id
    ):
        raise Invalid(_("That bureau belongs to another county."), {"to": [_("Another county.")]})


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
    _check_target(case, to_user, to_department)
    if (to_user and to_user.id == hop.holder_user_id) or (
        to_department and to_department.id == hop.holder_department_id
    ):
        raise Invalid(_("The file is already there."), {"to": [_("Same holder.")]})
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

"""A case transferred to another township (issue 18): the villager moved, or the matter
belongs to another township's center.

    pending | in_progress ──send_transfer──▶ transferring ──accept_transfer──▶ (as before)
                                                 └──────return_transfer──────▶ (as before)

The sending center's director names the receiving village (in another township of the
county) and the reason. Nothing else happens to the case while it waits. The receiving
director accepts it or returns it with a reason.

On acceptance the case keeps its number and tracking code (ids are stable: the villager's
receipt still works) and becomes the receiving township's: its village, its agent (the
one in post there), and, once accepted, a fresh promised date counted from that day on
the working-day calendar. The file, wherever it was, goes to the new agent as a
hand-over with every outstanding original travelling with it; the new agent confirms
receipt and the originals change hands then, with the custody record that always comes
with a receipt. Both centers keep seeing the case and its history (cases/scoping.py).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from daiban.cases.lifecycle.base import _commit, _date, _lock, _now, _reason
from daiban.cases.models import Case, Event, Hop, HopPaper, Paper, State, Transfer
from daiban.cases.rules import directs
from daiban.cases.selectors import open_hop
from daiban.core.errors import Forbidden, Invalid, NotAllowed
from daiban.people.models import Role, User, in_post
from daiban.places.models import Village
from daiban.workdays.calendar import WorkCalendar


def receiving_agent(village: Village, is_petition: bool) -> User | None:
    role = Role.PETITION_AGENT if is_petition else Role.VILLAGE_AGENT
    return in_post(User.objects.filter(village=village, role=role)).order_by("pk").first()


def pending_transfer(case: Case) -> Transfer | None:
    return (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("to_village__township", "from_township")
        .filter(case=case, status=Transfer.Status.PENDING)
        .first()
    )


@transaction.atomic
def send_transfer(
    case: Case | int,
    *,
    actor: User,
    to_village: Village,
    reason: str,
    at: datetime.datetime | None = None,
) -> Transfer:
    """The sending director sends the case to a village of another township."""
    at = _now(at)
    case = _lock(case, "send_transfer")
    if not directs(actor, case.township_id):
        raise Forbidden(_("Only the center director of the case's township may transfer it."))
    if case.is_petition:
        raise Invalid(
            _("Petitions are not transferred between townships."),
            {"to_village": [_("Petitions stay with their township.")]},
        )
    to_village = Village.objects.select_related("township").filter(pk=to_village.pk).first()
    if (
        to_village is None
        or to_village.township_id == case.township_id
        or to_village.township.county_id != case.township.county_id
    ):
        raise Invalid(
            _("A case is transferred to a village of another township of the same county."),
            {"to_village": [_("Choose a village of another township.")]},
        )
    reason = _reason(reason, "reason")
    transfer = Transfer.objects.create(
        case=case,
        from_township_id=case.township_id,
        from_village_id=case.village_id,
        to_township_id=to_village.township_id,
        to_village=to_village,
        from_state=case.state,
        reason=reason,
        sent_by=actor,
        sent_at=at,
    )
    _commit(
        case,
        actor=actor,
        action=Event.Action.TRANSFER_SENT,
        at=at,
        to=State.TRANSFERRING,
        note=reason,
        data={"transfer": transfer.pk, "to": f"{to_village.township.name} {to_village.name}"},
    )
    return transfer


def _decide(case, actor, step) -> Transfer:
    transfer = pending_transfer(case)
    if transfer is None:  # a transferring case always has one; never half-done
        raise NotAllowed(_("This case is not waiting for a transfer decision."))
    if not directs(actor, transfer.to_township_id):
        raise Forbidden(
            _("Only the receiving center's director may accept or return the transfer.")
        )
    return transfer


@transaction.atomic
def accept_transfer(
    case: Case | int, *, actor: User, note: str = "", at: datetime.datetime | None = None
) -> Case:
    """The receiving director takes the case: its village, agent and deadlines are theirs."""
    at = _now(at)
    case = _lock(case, "accept_transfer")
    transfer = _decide(case, actor, "accept_transfer")
    village = transfer.to_village
    agent = receiving_agent(village, case.is_petition)
    if agent is None:
        raise Invalid(
            _("%(village)s has no agent in post to take the case; appoint one first.")
            % {"village": village},
            {"to_village": [_("No agent in post.")]},
        )
    calendar = WorkCalendar.load()
    today = _date(at)
    fields = {"township": village.township, "village": village, "agent": agent}
    if case.accepted_at is not None:
        fields["due_date"] = calendar.add(today, case.item.promised_days)
    hop = open_hop(case)
    papers = list(Paper.objects.filter(case=case, returned_at__isnull=True))
    data = {"transfer": transfer.pk, "to": f"{village.township.name} {village.name}"}
    if hop is not None:
        Hop.objects.filter(pk=hop.pk).update(ended_at=at)
        new_hop = Hop.objects.create(
            case=case,
            seq=hop.seq + 1,
            holder_user=agent,
            sent_by=actor,
            started_at=at,
            due_date=calendar.add(today, settings.DAIBAN_AGENT_HANDOVER_DAYS),
            note=transfer.reason,
        )
        HopPaper.objects.bulk_create(HopPaper(hop=new_hop, paper=p) for p in papers)
        data.update(hop=new_hop.seq, papers=[p.name for p in papers])
    transfer.status, transfer.decided_by, transfer.decided_at = (
        Transfer.Status.ACCEPTED,
        actor,
        at,
    )
    transfer.decision_note = (note or "").strip()
    transfer.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    _commit(
        case,
        actor=actor,
        action=Event.Action.TRANSFER_ACCEPTED,
        at=at,
        to=transfer.from_state,
        note=transfer.decision_note,
        data=data,
        **fields,
    )
    return case


@transaction.atomic
def return_transfer(
    case: Case | int, *, actor: User, reason: str, at: datetime.datetime | None = None
) -> Case:
    """The receiving director sends it back with a reason; the case is as it was."""
    at = _now(at)
    case = _lock(case, "return_transfer")
    transfer = _decide(case, actor, "return_transfer")
    reason = _reason(reason, "reason")
    transfer.status, transfer.decided_by, transfer.decided_at, transfer.decision_note = (
        Transfer.Status.RETURNED,
        actor,
        at,
        reason,
    )
    transfer.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    _commit(
        case,
        actor=actor,
        action=Event.Action.TRANSFER_RETURNED,
        at=at,
        to=transfer.from_state,
        note=reason,
        data={"transfer": transfer.pk},
    )
    return case

"""A petition's decision (信访受理): accepted for handling, or not accepted with the
reason, in writing, within 15 days of receipt (cases/petitions.py has the clocks)."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from daiban.cases.lifecycle.base import _commit, _lock, _now, _reason, _require_holder
from daiban.cases.models import Case, Event, Outcome, PetitionDecision, State
from daiban.cases.selectors import open_hop
from daiban.core.errors import NotAllowed
from daiban.people.models import User


@transaction.atomic
def decide_petition(
    case: Case | int,
    *,
    actor: User,
    accept: bool,
    reason: str = "",
    at: datetime.datetime | None = None,
) -> Case:
    """Taken by whoever holds the file at the petition office. Accepted: the case goes on
    and its 60-day handling clock starts. Not accepted: the reason is the result, and the
    file goes back to the petitioner with the written notice, like any other result."""
    at = _now(at)
    case = _lock(case, "decide_petition")
    if not case.is_petition:
        raise NotAllowed(_("Only a petition is decided this way."))
    if case.petition_decision:
        raise NotAllowed(
            _("This petition was already decided: %(decision)s.")
            % {"decision": case.get_petition_decision_display()}
        )
    hop = _require_holder(actor, case, open_hop(case))
    if hop.holder_department_id is None:
        raise NotAllowed(_("The petition office that holds the file decides on the petition."))
    decision = PetitionDecision.ACCEPTED if accept else PetitionDecision.NOT_ACCEPTED
    fields = {"petition_decision": decision, "petition_decided_at": at}
    to = State.IN_PROGRESS
    reason = (reason or "").strip()
    if not accept:
        reason = _reason(reason, "reason")
        to = State.RESULT_READY
        fields.update(outcome=Outcome.DENIED, outcome_reason=reason, decided_at=at)
    _commit(
        case,
        actor=actor,
        action=Event.Action.PETITION_DECIDED,
        at=at,
        to=to,
        note=reason,
        data={"decision": decision.value, "by": str(hop.holder)},
        **fields,
    )
    return case

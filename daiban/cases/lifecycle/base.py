"""What every step does: lock and check the case, commit the change with its event,
announce it (cases/hooks.py); the actor checks shared by the steps."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daiban.audit import trail
from daiban.cases import hooks, rules
from daiban.cases.models import (
    Case,
    Event,
    Hop,
    State,
)
from daiban.cases.steps import REGISTRY
from daiban.catalog.models import ServiceItem
from daiban.core.errors import Conflict, Forbidden, Invalid, NotAllowed
from daiban.people.models import User
from daiban.places.models import Department, Village

# Steps and the states they start from (cases/steps.py); the messages name both.
STEPS = {
    name: (step.label, step.from_states) for name, step in REGISTRY.items() if step.from_states
}


def _now(at: datetime.datetime | None) -> datetime.datetime:
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise ValueError("lifecycle times must be timezone-aware")
    return at


def _lock(case: Case | int, step: str) -> Case:
    """Re-read the case under a row lock and check the step may start from its state."""
    pk = case.pk if isinstance(case, Case) else case
    # The lock is taken without joins: when another step changed the case's village,
    # township or agent meanwhile, PostgreSQL rechecks the locked row against the joined
    # rows it had already read and would find nothing. Read with them once it is held.
    Case.objects.select_for_update().filter(pk=pk).values_list("pk").get()
    fresh = Case.objects.select_related("item", "village", "township", "agent").get(pk=pk)
    if isinstance(case, Case) and case.version != fresh.version:
        raise Conflict(
            _(
                "Someone else changed this case a moment ago; it is now “%(state)s”. "
                "Reload it and try again."
            )
            % {"state": fresh.get_state_display()}
        )
    label, from_states = STEPS[step]
    if fresh.state not in from_states:
        raise NotAllowed(
            _(
                "The case is “%(state)s”, so it cannot %(step)s; that is only possible when %(allowed)s."
            )
            % {
                "state": fresh.get_state_display(),
                "step": label,
                "allowed": _(" or ").join(f"“{State(s).label}”" for s in from_states),
            }
        )
    return fresh


def _commit(case: Case, *, actor: User, action: str, at, to: str, note="", data=None, **fields):
    """Move the case to `to` (possibly its own state) and record the event."""
    before_state, before_version = case.state, case.version
    fields.update(state=to, version=before_version + 1)
    changed = Case.objects.filter(pk=case.pk, state=before_state, version=before_version).update(
        **fields
    )
    if changed != 1:
        raise Conflict(
            _("Someone else changed this case at the same moment. Reload it and try again.")
        )
    for name, value in fields.items():
        setattr(case, name, value)
    event = Event.objects.create(
        case=case,
        seq=case.version,
        action=action,
        actor=actor,
        at=at,
        from_state=before_state,
        to_state=to,
        note=note,
        data=data or {},
    )
    trail.record(
        f"case.{action}",
        user=actor,
        obj=case,
        detail={"from": before_state, "to": to, "event": event.seq},
    )
    # Figures' tallies follow inside the transaction, under the row lock; texts and
    # follow-ups are queued once it commits (cases/hooks.py).
    step = hooks.Step(case_id=case.pk, event_id=event.pk, action=event.action)
    hooks.in_step(step)
    hooks.on_commit(step)


@transaction.atomic
def note(
    case: Case | int,
    *,
    actor: User | None,
    action: str,
    text: str = "",
    data: dict | None = None,
    at: datetime.datetime | None = None,
    **fields,
) -> Case:
    """Put something that is not a change of state on the case's history — a warning, a
    supervision, an extension — optionally moving its due date (`due_date=`)."""
    at = _now(at)
    case = _lock(case, "note")
    allowed = {"due_date"}
    if set(fields) - allowed:
        raise ValueError(f"note() may change only {allowed}")
    _commit(case, actor=actor, action=action, at=at, to=case.state, note=text, data=data, **fields)
    return case


def _require_take(actor: User, case_or_village, item: ServiceItem) -> None:
    village = case_or_village if isinstance(case_or_village, Village) else case_or_village.village
    if not rules.may_take(actor, village, item):
        if item.is_petition:
            raise Forbidden(
                _("Only the village's petition agent or the center director handles petitions.")
            )
        raise Forbidden(
            _("Only the agent of %(village)s or its center director may do this.")
            % {"village": village}
        )


def _require_holder(actor: User, case: Case, hop: Hop | None, *, received=True) -> Hop:
    if hop is None:
        raise NotAllowed(_("Nobody holds the file of this case."))
    if received and hop.received_at is None:
        raise NotAllowed(
            _("%(holder)s has not yet confirmed receiving the file.") % {"holder": hop.holder}
        )
    if not rules.holds(actor, hop, case.township_id):
        raise Forbidden(
            _("The file is with %(holder)s; only they may do this.") % {"holder": hop.holder}
        )
    return hop


def _reason(text: str, field: str) -> str:
    text = (text or "").strip()
    if len(text) < 2:
        raise Invalid(_("Give the reason."), {field: [_("Give the reason in a few words.")]})
    return text


def _date(at: datetime.datetime) -> datetime.date:
    return timezone.localdate(at)


def department_days(item: ServiceItem) -> int:
    """What the promise leaves the township department once the agent's legs are taken out."""
    rest = (
        item.promised_days
        - item.county_days
        - settings.DAIBAN_AGENT_HANDOVER_DAYS
        - settings.DAIBAN_REPLY_DAYS
    )
    return max(rest, 1)


def _hop_days(case: Case, to_user: User | None, to_department: Department | None) -> int:
    if to_user is not None:
        return settings.DAIBAN_REPLY_DAYS
    if to_department.level == Department.Level.COUNTY:
        return case.item.county_days or settings.DAIBAN_DEPARTMENT_DAYS
    return department_days(case.item)

"""A petition's own two clocks, by the 《信访工作条例》 (2022):

- the office decides within 15 days of receiving a petition whether to accept it for
  handling, and tells the petitioner in writing (受理告知书 / 不予受理告知书);
- an accepted petition is handled (办结) within 60 days of its acceptance.

The regulation counts "日", calendar days — not the working days of the service catalog —
so a holiday does not stop these clocks. The petition is received when its agent
registers it (the case's acceptance)."""

import datetime

from django.utils import timezone

from daiban.cases.models import Case, PetitionDecision, State

DECISION_DAYS = 15
HANDLING_DAYS = 60


def decision_due(case: Case) -> datetime.date | None:
    """The last day to decide whether to accept it, or None while it is not received."""
    if not case.is_petition or case.accepted_at is None:
        return None
    return timezone.localdate(case.accepted_at) + datetime.timedelta(days=DECISION_DAYS)


def handling_due(case: Case) -> datetime.date | None:
    """The last day to finish handling it, or None unless it was accepted for handling."""
    if case.petition_decision != PetitionDecision.ACCEPTED or case.petition_decided_at is None:
        return None
    return timezone.localdate(case.petition_decided_at) + datetime.timedelta(days=HANDLING_DAYS)


def clocks(case: Case) -> dict | None:
    """Both deadlines of a received petition, for its page (None: not a petition)."""
    due = decision_due(case)
    if due is None:
        return None
    return {"decision_due": due, "handling_due": handling_due(case)}


def awaiting_decision(cases):
    """Petitions received and not yet decided, still running."""
    return cases.filter(
        is_petition=True,
        accepted_at__isnull=False,
        petition_decision="",
        state=State.IN_PROGRESS,
    )


def being_handled(cases):
    """Petitions accepted for handling whose result is not recorded yet."""
    return cases.filter(
        is_petition=True, petition_decision=PetitionDecision.ACCEPTED, state=State.IN_PROGRESS
    )

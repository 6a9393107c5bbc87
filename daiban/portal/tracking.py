"""What the tracking page adds to a case's progress for the resident who proved it is
theirs (tracking code and phone digits): the result, who to call, and the complaints
with their reference numbers and written answers."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from daiban.cases.models import Case, Outcome
from daiban.supervision.models import Complaint


@dataclass
class Result:
    granted: bool
    words: str
    document: str


def result_of(case: Case) -> Result | None:
    """准予/不予 and the document number, once the department has recorded the result."""
    if not case.outcome:
        return None
    granted = case.outcome == Outcome.GRANTED
    return Result(
        granted=granted,
        words=_("Granted") if granted else _("Not granted"),
        document=case.outcome_document,
    )


def agent_phone(case: Case) -> str:
    """The agent's work phone (staff data, posted on the village board anyway), never the
    resident's own phone; no staff name on a public page."""
    return case.agent.work_phone_display if case.agent_id else ""


def complaints_of(case: Case) -> list[Complaint]:
    return list(case.complaints.order_by("created_at", "pk"))


def track_context(case: Case) -> dict:
    return {
        "result": result_of(case),
        "agent_phone": agent_phone(case),
        "complaints": complaints_of(case),
    }

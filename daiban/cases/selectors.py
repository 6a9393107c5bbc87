"""Reads of cases: custody, queues and the materials a guide asks for."""

from django.db.models import Prefetch, QuerySet

from daiban.cases.inputs import Received
from daiban.cases.models import FINAL_STATES, Case, Hop, Paper, PaperMove
from daiban.catalog.models import ServiceItem
from daiban.catalog.services import ensure_current_version
from daiban.places.models import Department


def complete_checklist(item: ServiceItem) -> list[Received]:
    """Every required material of the item's current guide, exactly as asked for."""
    return [
        Received(
            m["id"],
            originals=m["count"] if m["kind"] == "original" else 0,
            copies=m["count"] if m["kind"] == "copy" else 0,
        )
        for m in ensure_current_version(item).required_materials()
    ]


def custody(case: Case) -> QuerySet[Paper]:
    """Who holds which original of the case, since when, with each paper's history."""
    return (
        Paper.objects.filter(case=case)
        .select_related("holder_user", "holder_department")
        .prefetch_related(
            Prefetch(
                "moves",
                queryset=PaperMove.objects.select_related(
                    "from_user", "from_department", "to_user", "to_department", "recorded_by"
                ),
            )
        )
    )


def papers_held_by_department(department: Department) -> QuerySet[Paper]:
    return Paper.objects.filter(
        holder_department=department, returned_at__isnull=True
    ).select_related("case")


def open_hop(case: Case) -> Hop | None:
    return (
        case.hops.filter(ended_at__isnull=True)
        .select_related("holder_user", "holder_department")
        .first()
    )


def department_queue(department: Department) -> QuerySet[Hop]:
    """Files addressed to the department and not passed on, oldest due first."""
    return (
        Hop.objects.filter(holder_department=department, ended_at__isnull=True)
        .exclude(case__state__in=FINAL_STATES)
        .select_related("case", "case__item", "case__resident", "case__village")
        .order_by("due_date", "case_id")
    )

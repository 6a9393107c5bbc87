from django.db.models import Count, Q
from django.utils import timezone

from daiban.cases.definitions import RUNNING, overdue_q
from daiban.cases.scoping import visible_cases
from daiban.supervision.models import Alert, Appeal, Extension, Rectification, Supervision


def alert_counts(user, today=None) -> list[dict]:
    """Overdue and warned cases still running, per township and village. Overdue is
    counted live by its one definition (`cases.definitions.overdue_q`), as on the
    dashboards: a result recorded but not yet delivered past its date is overdue, and
    a case whose date moved (an extension) is not."""
    overdue = overdue_q(today or timezone.localdate())
    warned = Q(pk__in=Alert.objects.filter(kind=Alert.Kind.WARNING).values("case_id"))
    rows = (
        visible_cases(user)
        .filter(state__among=RUNNING)
        .filter(overdue | warned)
        .values("township__name", "village__name")
        .annotate(overdue=Count("pk", filter=overdue), warnings=Count("pk", filter=warned))
        .order_by("-overdue", "-warnings", "township__name", "village__name")
    )
    return [
        {
            "case__township__name": row["township__name"],
            "case__village__name": row["village__name"],
            "overdue": row["overdue"],
            "warnings": row["warnings"],
        }
        for row in rows
    ]


def open_supervisions(user):
    return (
        Supervision.objects.restrict(user, "view")
        .filter(status__in=["open", "answered"])
        .select_related("case__item", "case__village", "assignee", "complaint")
        .order_by("-level", "answer_due", "pk")
    )


def my_supervisions(user):
    # Scoped like the rest: an item assigned before its case left the person's sight stays hidden.
    return (
        Supervision.objects.restrict(user, "view")
        .filter(assignee=user, status="open")
        .select_related("case__item", "case__village", "complaint")
    )


def pending_extensions(user):
    return (
        Extension.objects.restrict(user, "view")
        .filter(status="pending")
        .select_related("case__item", "requested_by")
    )


def pending_appeals(user):
    return (
        Appeal.objects.restrict(user, "view")
        .filter(status="pending")
        .select_related("rating__case__item", "filed_by")
    )


def rectifications(user):
    return (
        Rectification.objects.restrict(user, "view")
        .select_related("case__item", "case__village", "owner", "rating")
        .order_by("status", "due_date", "pk")
    )

from django.db.models import Count, Q

from daiban.cases.models import State
from daiban.cases.scoping import visible_cases
from daiban.supervision.models import Alert, Appeal, Extension, Rectification, Supervision

RUNNING = (State.IN_PROGRESS, State.RESULT_READY)


def alert_counts(user) -> list[dict]:
    """Warnings and overdue alerts on cases still running, per township and village."""
    return list(
        Alert.objects.filter(case__in=visible_cases(user).filter(state__in=RUNNING))
        .values("case__township__name", "case__village__name")
        .annotate(
            warnings=Count("case", filter=Q(kind=Alert.Kind.WARNING), distinct=True),
            overdue=Count("case", filter=Q(kind=Alert.Kind.OVERDUE), distinct=True),
        )
        .order_by("-overdue", "-warnings", "case__township__name", "case__village__name")
    )


def open_supervisions(user):
    return (
        Supervision.objects.filter(case__in=visible_cases(user), status__in=["open", "answered"])
        .select_related("case__item", "case__village", "assignee")
        .order_by("-level", "answer_due", "pk")
    )


def my_supervisions(user):
    # Scoped like the rest: an item assigned before its case left the person's sight stays hidden.
    return Supervision.objects.filter(
        assignee=user, status="open", case__in=visible_cases(user)
    ).select_related("case__item", "case__village")


def pending_extensions(user):
    return Extension.objects.filter(case__in=visible_cases(user), status="pending").select_related(
        "case__item", "requested_by"
    )


def pending_appeals(user):
    return Appeal.objects.filter(
        rating__case__in=visible_cases(user), status="pending"
    ).select_related("rating__case__item", "filed_by")


def rectifications(user):
    return (
        Rectification.objects.filter(case__in=visible_cases(user))
        .select_related("case__item", "case__village", "owner", "rating")
        .order_by("status", "due_date", "pk")
    )

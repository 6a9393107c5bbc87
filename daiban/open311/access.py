"""Who sees which Open311 requests among the staff: the responsible agent their own, the
center director the township's, administrators all. Callers reach their own request by
its key or token (`views.py`, said there)."""

from django.db.models import Q

from daiban.core import access
from daiban.people.models import Role


def request_rule(user, action: str) -> Q | None:
    if user.role == Role.ADMINISTRATOR:
        return Q()
    if user.role == Role.CENTER_DIRECTOR:
        return Q(inquiry__village__township_id=user.township_id)
    return Q(inquiry__agent=user)


def register() -> None:
    from daiban.open311.models import ServiceRequest

    access.register(ServiceRequest, request_rule)

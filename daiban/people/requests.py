"""The request of a page behind `login_required`, for type checking: its user is a staff
account, never the anonymous one."""

from django.http import HttpRequest

from daiban.people.models import User


class StaffRequest(HttpRequest):
    user: User  # type: ignore[assignment]

"""Who sees which monthly reports: the township's director and leader their township's,
the county supervisor the county's, administrators all."""

from django.db.models import Q

from daiban.core import access
from daiban.people.models import Role


def report_rule(user, action: str) -> Q | None:
    if user.role in (Role.CENTER_DIRECTOR, Role.TOWNSHIP_LEADER):
        return Q(township_id=user.township_id)
    if user.role == Role.COUNTY_SUPERVISOR:
        return Q(township__county_id=user.county_id)
    if user.role == Role.ADMINISTRATOR:
        return Q()
    return None


def register() -> None:
    from daiban.figures.models import MonthlyReport

    access.register(MonthlyReport, report_rule)

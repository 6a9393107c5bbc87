"""Who sees which payment sheets: the township's director and leader their township's,
the county supervisor the county's, administrators all; an agent sees the lines paid to
them."""

from django.db.models import Q

from daiban.core import access
from daiban.people.models import Role


def sheet_rule(user, action: str) -> Q | None:
    if user.role in (Role.CENTER_DIRECTOR, Role.TOWNSHIP_LEADER):
        return Q(township_id=user.township_id)
    if user.role == Role.COUNTY_SUPERVISOR:
        return Q(township__county_id=user.county_id)
    if user.role == Role.ADMINISTRATOR:
        return Q()
    return None


def line_rule(user, action: str) -> Q | None:
    own = Q(agent=user) if action == access.VIEW else None
    sheets = sheet_rule(user, action)
    if sheets is None:
        return own
    in_sheets = Q(sheet__in=access.restricted("evaluation.PaymentSheet", user, action))
    return in_sheets | own if own is not None else in_sheets


def register() -> None:
    from daiban.evaluation.models import PaymentLine, PaymentSheet

    access.register(PaymentSheet, sheet_rule)
    access.register(PaymentLine, line_rule)

"""Who sees which residents, and who may reveal a resident's full ID number or phone:
the rules `core.access` applies for every page and API operation."""

from django.db.models import Q

from daiban.core import access
from daiban.people.models import Role

REVEAL = "reveal"


def resident_rule(user, action: str) -> Q | None:
    if action == REVEAL:
        return _reveal(user)
    if user.role == Role.ADMINISTRATOR:
        return Q()
    if user.village_id:
        return Q(village_id=user.village_id)
    township_id = user.covered_township_id
    if township_id:
        return Q(village__township_id=township_id)
    if user.county_id:
        return Q(village__township__county_id=user.county_id)
    return None


def _reveal(user) -> Q | None:
    """Those who serve the resident: the village's agents, the township's director, a
    clerk holding one of the resident's files, administrators. Not leaders or supervisors."""
    if user.role == Role.ADMINISTRATOR:
        return Q()
    if user.role in (Role.VILLAGE_AGENT, Role.PETITION_AGENT):
        return Q(village_id=user.village_id)
    if user.role == Role.CENTER_DIRECTOR:
        return Q(village__township_id=user.township_id)
    if user.role in (Role.DEPARTMENT_CLERK, Role.TOWNSHIP_AGENT):
        return Q(pk__in=access.restricted("cases.Case", user).values("resident_id"))
    return None


def register() -> None:
    from daiban.people.models import Resident

    access.register(Resident, resident_rule, (access.VIEW, access.CHANGE, REVEAL))

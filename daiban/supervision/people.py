"""Who answers for a file at each level of the escalation chain.

Everyone named here passes the same scoping as the case page: nobody is assigned, texted
or shown a supervision of a case they may not open.
"""

from django.conf import settings

from daiban.cases.scoping import visible_cases
from daiban.people.models import Role, User
from daiban.places.models import Department

# Petitions are confidential (cases/scoping.py): only the petition agent, whoever holds the
# file at the township, the center director and the county's petition bureau (信访局) may
# open one; the township leader and the county supervisor may not. So a petition climbs
# the petition line only.
PETITION_CHAIN = ("holder", Role.CENTER_DIRECTOR, Role.PETITION_BUREAU)


def chain_for(case) -> tuple[str, ...]:
    return PETITION_CHAIN if case.is_petition else tuple(settings.DAIBAN_ESCALATION_CHAIN)


def may_open(user: User, case) -> bool:
    return visible_cases(user).filter(pk=case.pk).exists()


def _first_who_may_open(people, case) -> User | None:
    return next((p for p in people if may_open(p, case)), None)


def holder_person(case, hop) -> User | None:
    """The person who has the file: the agent, a clerk of the department, or for a county
    bureau the township agent who carries files there."""
    if hop is None:
        people = [case.agent]
    elif hop.holder_user_id:
        people = [hop.holder_user]
    elif hop.holder_department.level == Department.Level.COUNTY:
        people = User.objects.filter(
            role=Role.TOWNSHIP_AGENT, department__township_id=case.township_id, is_active=True
        ).order_by("id")
    else:
        people = User.objects.filter(department=hop.holder_department, is_active=True).order_by(
            "role", "id"
        )  # department_clerk before township_agent
    return _first_who_may_open(people, case)


def person_for(role: str, case, hop) -> User | None:
    if role == "holder":
        return holder_person(case, hop)
    if role == "agent":
        return _first_who_may_open([case.agent], case)
    place = {
        Role.CENTER_DIRECTOR: {"township_id": case.township_id},
        Role.TOWNSHIP_LEADER: {"township_id": case.township_id},
        Role.COUNTY_SUPERVISOR: {"county_id": case.township.county_id},
        Role.PETITION_BUREAU: {"county_id": case.township.county_id},
    }.get(role)
    if place is None:
        return None
    people = User.objects.filter(role=role, is_active=True, **place).order_by("id")
    return _first_who_may_open(people, case)

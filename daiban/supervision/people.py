"""Who answers for a file at each level of the escalation chain."""

from daiban.people.models import Role, User
from daiban.places.models import Department


def holder_person(case, hop) -> User | None:
    """The person who has the file: the agent, a clerk of the department, or for a county
    bureau the township agent who carries files there."""
    if hop is None:
        return case.agent
    if hop.holder_user_id:
        return hop.holder_user
    department = hop.holder_department
    if department.level == Department.Level.COUNTY:
        return (
            User.objects.filter(
                role=Role.TOWNSHIP_AGENT, department__township_id=case.township_id, is_active=True
            )
            .order_by("id")
            .first()
        )
    return (
        User.objects.filter(department=department, is_active=True)
        .order_by("role", "id")  # department_clerk before township_agent
        .first()
    )


def person_for(role: str, case, hop) -> User | None:
    if role == "holder":
        return holder_person(case, hop)
    if role == "agent":
        return case.agent
    place = {
        Role.CENTER_DIRECTOR: {"township_id": case.township_id},
        Role.TOWNSHIP_LEADER: {"township_id": case.township_id},
        Role.COUNTY_SUPERVISOR: {"county_id": case.township.county_id},
    }.get(role)
    if place is None:
        return None
    return User.objects.filter(role=role, is_active=True, **place).order_by("id").first()

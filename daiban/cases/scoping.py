"""What each person may see: one place, at the queryset, for pages, PDFs and exports.

A case outside a person's scope is treated exactly like a case that does not exist.
"""

from django.db.models import Q, QuerySet

from daiban.cases.models import Case, Hop, Transfer
from daiban.people.models import Role, User
from daiban.places.models import Department, Township


def visible_cases(user: User) -> QuerySet[Case]:
    cases = Case.objects.all()
    if not user.is_authenticated or not user.is_active:
        return cases.none()
    role = user.role
    if role == Role.ADMINISTRATOR:
        return cases
    if role == Role.VILLAGE_AGENT:
        return cases.filter(village_id=user.village_id, is_petition=False)
    if role == Role.PETITION_AGENT:
        return cases.filter(village_id=user.village_id, is_petition=True)
    if role == Role.DEPARTMENT_CLERK:
        return cases.filter(
            pk__in=Hop.objects.filter(holder_department_id=user.department_id).values("case_id")
        )
    if role == Role.TOWNSHIP_AGENT:
        # Files of the own department, and every file of the township that goes to the county.
        hops = Hop.objects.filter(
            Q(holder_department_id=user.department_id)
            | Q(
                holder_department__level=Department.Level.COUNTY,
                case__township_id=user.department.township_id,
            )
        )
        return cases.filter(pk__in=hops.values("case_id"))
    if role == Role.CENTER_DIRECTOR:
        return cases.filter(Q(township_id=user.township_id) | _transferred(user.township_id))
    if role == Role.TOWNSHIP_LEADER:
        return cases.filter(
            Q(township_id=user.township_id) | _transferred(user.township_id), is_petition=False
        )
    if role == Role.COUNTY_SUPERVISOR:
        return cases.filter(township_id__in=_townships_of(user), is_petition=False)
    if role == Role.PETITION_BUREAU:
        # The county's 信访局 answers for petitions only: the top of the petition line.
        return cases.filter(township_id__in=_townships_of(user), is_petition=True)
    return cases.none()


def _transferred(township_id: int) -> Q:
    """A case sent to or from the township: both centers see it and its history."""
    return Q(
        pk__in=Transfer.objects.filter(
            Q(from_township_id=township_id) | Q(to_township_id=township_id)
        ).values("case_id")
    )


def _townships_of(user: User):
    """The county's townships as a subquery: with a join to the townships instead, SQLite
    sorts every case of the county before it can page (measured 0.8 s against 20 ms on
    300,000 cases)."""
    return Township.objects.filter(county_id=user.county_id).values("pk")

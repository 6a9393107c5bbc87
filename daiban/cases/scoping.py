"""What each person may see of the cases: kept for the callers that import it; the rule
is in `cases/access.py`, applied by `core.access` like every other scoped model's."""

from django.db.models import QuerySet

from daiban.cases.models import Case
from daiban.people.models import User


def visible_cases(user: User) -> QuerySet[Case]:
    return Case.objects.restrict(user, "view")

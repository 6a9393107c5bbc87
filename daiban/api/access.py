"""Who sees which API tokens: a person their own; administrators every one."""

from django.db.models import Q

from daiban.core import access
from daiban.people.models import Role


def token_rule(user, action: str) -> Q | None:
    if user.role == Role.ADMINISTRATOR:
        return Q()
    return Q(user=user)


def register() -> None:
    from daiban.api.models import ApiToken

    access.register(ApiToken, token_rule)

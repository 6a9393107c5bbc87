"""Log-in lock-out (django-axes), per account and address, with an account-wide pause.

- Five wrong passwords for one account from one address lock that pair for 30 minutes
  (AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]). Someone who knows an
  agent's user name cannot lock the agent out of their own office from elsewhere.
- Guessing one account from many addresses is paused more slowly: once the account has
  DAIBAN_LOGIN_ACCOUNT_LIMIT failures within the cool-off (30 minutes), from all
  addresses together, it is locked everywhere until they age out.
- A center director can unlock an agent of the township (`unlock`), which clears both.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def _recent(username: str, request=None):
    return _recent_for([username], request)


def _recent_for(usernames: list[str], request=None):
    attempts = AccessAttempt.objects.filter(username__in=usernames)
    if settings.AXES_COOLOFF_TIME is not None:
        if request is None or getattr(request, "axes_attempt_time", None) is None:
            threshold = timezone.now() - get_cool_off()
        else:
            threshold = get_cool_off_threshold(request)
        attempts = attempts.filter(attempt_time__gte=threshold)
    return attempts


def account_failures(username: str, request=None) -> int:
    """Recent failures for this account from every address together."""
    if not username:
        return 0
    total = _recent(username, request).aggregate(n=Sum("failures_since_start"))["n"]
    return total or 0


def unlock(username: str) -> int:
    """Clear every recorded failure of this account; returns how many records went."""
    deleted, _ = AccessAttempt.objects.filter(username=username).delete()
    return deleted


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler plus the account-wide pause."""

    def _account_paused(self, request, credentials) -> bool:
        username = get_client_username(request, credentials)
        return account_failures(username, request) >= settings.DAIBAN_LOGIN_ACCOUNT_LIMIT

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or self._account_paused(request, credentials)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # The failure that reaches the account-wide limit answers with the lock page,
        # as the fifth from one address does.
        if request is not None and self._account_paused(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials


def locked_usernames(usernames: list[str]) -> set[str]:
    """Which of these accounts are locked now, from one query."""
    per_address: dict[str, int] = {}
    per_account: dict[str, int] = {}
    for username, failures in _recent_for(usernames).values_list(
        "username", "failures_since_start"
    ):
        per_address[username] = max(per_address.get(username, 0), failures)
        per_account[username] = per_account.get(username, 0) + failures
    return {
        u
        for u in per_address
        if per_address[u] >= settings.AXES_FAILURE_LIMIT
        or per_account[u] >= settings.DAIBAN_LOGIN_ACCOUNT_LIMIT
    }

"""One limit on guessing tracking codes, shared by the tracking page, the complaint form
and the API's /track (docs/security.md, "Public look-up").

Consume, then check: every try first adds one to its counters with one atomic
increment (Redis INCR in production, the local-memory cache's lock otherwise) and goes
ahead only if the new value is within the limit. Concurrent guesses cannot all read
"4" and pass a limit of 5: each gets its own number. A try that turns out right gives
its tries back, so a resident who looks up their own case every day is never locked.

The counters are the same for every surface, so a code locked on the page is locked
on the complaint form and in the API, and a locked code answers the same whatever the
digits.
"""

import contextlib
import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from daiban.core.client import client_address


@dataclass(frozen=True)
class Limit:
    name: str
    tries: int
    window_seconds: int

    def key(self, value: str) -> str:
        # Hashed: any text fits a cache key, and no tracking code sits in Redis in clear.
        return f"throttle:{self.name}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


# Per address, and per tracking code from anywhere (many addresses guessing one code).
PER_ADDRESS = Limit("track-address", 10, 15 * 60)
PER_CODE = Limit("track-code", 5, 60 * 60)


def normalize_code(code: str) -> str:
    return (code or "").strip().upper().replace(" ", "")


def _consume(key: str, window_seconds: int) -> int:
    """Add one and return the new count; the counter expires `window_seconds` after
    its first try."""
    cache.add(key, 0, window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 0, window_seconds)
        return cache.incr(key)


@dataclass
class Try:
    allowed: bool
    keys: list[str] = field(default_factory=list)

    def was_right(self) -> None:
        """The code and digits matched: give the tries back."""
        for key in self.keys:
            with contextlib.suppress(ValueError):  # expired meanwhile
                cache.decr(key)
        self.keys = []


def take(request: HttpRequest, code: str) -> Try:
    """Consume one try of the client's address and one of the code; `allowed` is
    False when either limit is passed. The address is checked first, so a locked-out
    address cannot use up a resident's code."""
    spent = []
    for limit, value in ((PER_ADDRESS, client_address(request)), (PER_CODE, normalize_code(code))):
        key = limit.key(value)
        spent.append(key)
        if _consume(key, limit.window_seconds) > limit.tries:
            return Try(allowed=False, keys=spent)
    return Try(allowed=True, keys=spent)


def too_many_tries() -> str:
    return _("Too many tries. Please wait a while, or ask your village agent.")


def no_match() -> str:
    return _(
        "No case matches this tracking code and these digits. Check the receipt and try again."
    )

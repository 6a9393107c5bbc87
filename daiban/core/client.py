"""Who is asking: the client's network address, the one way every part reads it.

Behind a reverse proxy every request comes from the proxy; the client's address is in
a header the proxy sets. A header is only believed when the operator names it in
DAIBAN_TRUSTED_PROXY_HEADER (docs/security.md, "Behind a reverse proxy"); otherwise
anyone could write any address into it. Rate limits, the log-in lock-out and the audit
trail all read the address from `client_address`.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.9:5123"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The client's address: from the trusted proxy header when one is configured and
    present, else the connection's own address (REMOTE_ADDR)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    header = getattr(settings, "DAIBAN_TRUSTED_PROXY_HEADER", "")
    if not header:
        return remote
    raw = request.META.get(header, "")
    if not raw:
        return remote
    # Each trusted proxy appends the address it saw; the client is the entry the
    # outermost trusted proxy wrote, `count` places from the right. Anything further
    # left was written by the client itself and is not believed.
    entries = [part for part in raw.split(",") if part.strip()]
    count = max(1, getattr(settings, "DAIBAN_TRUSTED_PROXY_COUNT", 1))
    chosen = entries[-count] if len(entries) >= count else entries[0]
    return _valid(chosen) or remote

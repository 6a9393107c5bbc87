"""Who is acting and from where, for records written deep inside services."""

import contextvars

_request = contextvars.ContextVar("daiban_audit_request", default=None)


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def current_address() -> str:
    from daiban.core.client import client_address

    request = _request.get()
    return client_address(request) if request is not None else ""

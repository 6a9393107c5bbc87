"""One cleaning layer for what people and machines send: pages, the JSON API and Open311.

- A NUL byte is refused at the door (`InputGuardMiddleware`): PostgreSQL cannot store or even
  compare it, and no form of ours has a use for it.
- A text longer than its model field allows is refused before it is written (`check_lengths`,
  run on every save of a Daiban model), with the field's name and limit in the message,
  instead of a database error on PostgreSQL and silent acceptance on SQLite.
- An id from a query string or a form goes through `as_id`: a word or a number beyond the
  database's integer is "not found", not a crash.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from django.db import models
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from daiban.core.errors import Invalid

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


BIGINT_MAX = 2**63 - 1
NUL = "\x00"
API_PREFIX = "/api/"
# No address of ours needs more in one parameter; searches past this are refused, not run.
MAX_QUERY_VALUE = 1000
# A long report is a few thousand characters; anything past this is not typed by a person.
MAX_FORM_VALUE = 20000


NUL_MESSAGE = gettext_lazy("The request contains a character that is not allowed.")


def as_id(value: object) -> int | None:
    """A positive database id, or None for anything else (words, signs, huge numbers)."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= BIGINT_MAX else None


def safe_next(request: HttpRequest, target: str | None, default: str = "/") -> str:
    """A path on this site to go back to, or `default`: never another site, never a
    bare word that `redirect()` would take for a view name."""
    target = (target or "").strip()
    if (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        return target
    return default


def check_lengths(instance: models.Model) -> None:
    """Refuse a text the field cannot hold, naming the field, before any write."""
    fields: dict[str, list[str]] = {}
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(instance, field.attname, None)
        if not isinstance(value, str):
            continue
        if NUL in value:
            fields[field.name] = [_("This text contains a character that cannot be stored.")]
        elif field.max_length and len(value) > field.max_length:
            fields[field.name] = [
                _("At most %(limit)d characters (this has %(count)d).")
                % {"limit": field.max_length, "count": len(value)}
            ]
    if fields:
        names = ", ".join(
            str(instance._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
            for name in sorted(fields)
        )
        raise Invalid(_("Too long or not allowed: %(fields)s.") % {"fields": names}, fields)


def _problem(request: HttpRequest) -> "StrOrPromise | None":
    """What is wrong with the request as a whole, before any view reads it."""
    if NUL in request.path:
        return NUL_MESSAGE
    sources = [(request.GET, MAX_QUERY_VALUE)]
    if request.method == "POST" and not request.path.startswith(API_PREFIX):
        # Pages read the form anyway; the JSON API reads its body itself.
        sources.append((request.POST, MAX_FORM_VALUE))
    for data, limit in sources:
        for key, values in data.lists():
            if NUL in key or any(NUL in v for v in values):
                return NUL_MESSAGE
            if any(len(v) > limit for v in values):
                return _("A value is too long: at most %(limit)d characters.") % {"limit": limit}
    if request.content_type == "application/json":
        # A JSON string may carry NUL escaped; the raw bytes tell without parsing twice.
        raw = request.body
        if b"\x00" in raw or b"\\u0000" in raw.lower():
            return NUL_MESSAGE
    return None


def _refusal(request: HttpRequest, message: str) -> HttpResponse:
    path = request.path
    if path.startswith(API_PREFIX):
        return JsonResponse(
            {"code": "invalid", "message": message, "fields": {}},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    if path.startswith("/open311/"):
        if path.endswith(".xml"):
            xml = (
                '<?xml version="1.0" encoding="utf-8"?><errors><error><code>400</code>'
                f"<description>{escape(message)}</description></error></errors>"
            )
            return HttpResponse(xml, content_type="text/xml; charset=utf-8", status=400)
        return JsonResponse(
            [{"code": 400, "description": message}],
            status=400,
            safe=False,
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, "bad_input.html", {"message": message}, status=400)


class InputGuardMiddleware:
    """Refuses a request carrying a NUL byte anywhere, in the caller's language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            problem = _problem(request)
        except (RawPostDataException, UnicodeDecodeError):
            problem = None  # the view answers a malformed body itself
        if problem:
            return _refusal(request, str(problem))
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A text refused by `check_lengths` outside a view that expected it."""
        if isinstance(exception, Invalid) and not request.path.startswith(API_PREFIX):
            return _refusal(request, exception.message)
        return None

"""Every URL pattern and every API operation, opened by each named person (and nobody),
with the access guard on: no answer is a 500, and no view or endpoint reads a scoped
model without `core.access` (the guard raises `UnrestrictedRead`, a failure here)."""

import json
import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from daiban.api.models import ApiToken
from daiban.api.urls import api
from daiban.testing import factories
from daiban.testing.world import NAMED_PEOPLE, verified_login

# The admin has its own scoping (core.admin.CountyScopedAdmin) and Django's permissions;
# the health check answers 503 while no worker runs, as in the tests.
SKIPPED = ("admin/", "i18n/", "logout/", "healthz")
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _routes(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED):
            continue
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def _fill(route: str, case_pk: int) -> str:
    def value(match):
        kind, name = match.groups()
        if kind == "int":
            return str(case_pk if "case" in name or name == "pk" else 1)
        if kind == "uuid":
            return str(uuid.uuid4())
        return "x"

    return "/" + PARAM.sub(value, route)


@pytest.fixture
def walked(world, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.DAIBAN_ACCESS_GUARD = True
    factories.replied(world)
    return factories.at_department(world)


def _try(call) -> str | None:
    try:
        status = call().status_code
    except Exception as exc:  # the guard's UnrestrictedRead among them
        return f"{type(exc).__name__}: {exc}"
    return f"status {status}" if status >= 500 else None


def test_every_page_as_everyone(client, world, walked):
    routes = sorted({r for r in _routes(get_resolver().url_patterns) if "^" not in r})
    assert len(routes) > 80
    failures = []
    for role in [None, *NAMED_PEOPLE]:
        client.logout()
        if role:
            verified_login(client, getattr(world, role))
        for route in routes:
            url = _fill(route, walked.pk)
            problem = _try(lambda url=url: client.get(url))
            if problem:
                failures.append(f"{role} GET {url}: {problem}")
    assert failures == []


def test_every_api_operation_as_everyone(client, world, walked):
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    operations = [
        (method.upper(), route) for route, methods in schema["paths"].items() for method in methods
    ]
    assert len(operations) > 15
    failures = []
    for role in NAMED_PEOPLE:
        _, key = ApiToken.issue(getattr(world, role), "walk")
        for method, route in operations:
            url = re.sub(r"\{(\w+)\}", lambda m: str(walked.pk), route)
            problem = _try(
                lambda method=method, url=url, key=key: client.generic(
                    method,
                    url,
                    json.dumps({}),
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {key}",
                )
            )
            if problem:
                failures.append(f"{role} {method} {url}: {problem}")
    assert failures == []

"""The pages and API reads people open all day (issue 20): each sends a fixed number of
statements, the same for a township with one case as with many. A change in a number
here is a change in what every request costs: look at it before updating the budget.
A director's and a leader's pages read the township's few transferred case ids once per
scoped list (`cases.access._township_or_transferred`): a small indexed read that lets PostgreSQL
count and page the township's cases from their index."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from daiban.api.models import ApiToken
from daiban.testing import factories
from daiban.testing.world import verified_login

# (who, URL, statements). {case} is a case of the agent's village at the department.
HOT = [
    ("agent", "/", 8),
    ("agent", "/cases/{case}/", 17),
    ("agent", "/residents/?q=胡", 5),
    ("agent", "/api/v1/cases?limit=20", 3),
    ("agent", "/api/v1/cases/{case}", 6),
    ("agent", "/api/v1/residents?limit=20", 3),
    ("director", "/", 13),
    ("director", "/cases/{case}/", 26),
    ("director", "/manage/", 15),
    ("director", "/manage/cases/?measure=accepted&from=2026-01&to=2026-12", 9),
    ("director", "/register/", 10),
    ("director", "/api/v1/cases?limit=20", 4),
    ("clerk_finance", "/", 6),
]


def _count(client, url: str, auth: dict) -> int:
    client.get(url, **auth)  # the session's once-a-minute renewal, the token's last use
    with CaptureQueriesContext(connection) as seen:
        response = client.get(url, **auth)
    assert response.status_code == 200, (url, response.status_code)
    return len(seen.captured_queries)


@pytest.mark.parametrize(("who", "url", "budget"), HOT, ids=[f"{w} {u}" for w, u, _ in HOT])
def test_a_hot_page_sends_its_statements_however_many_cases(client, world, who, url, budget):
    user = getattr(world, who)
    case = factories.at_department(world)
    url = url.format(case=case.pk)
    auth = {}
    if url.startswith("/api/"):
        _, key = ApiToken.issue(user, "hot pages")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    else:
        verified_login(client, user)
    few = _count(client, url, auth)
    for _ in range(4):
        factories.at_department(world)
        factories.accepted(world)
        factories.started(world)
    many = _count(client, url, auth)
    assert (few, many) == (budget, budget)

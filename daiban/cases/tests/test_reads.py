"""Reads don't write: opening the main pages changes no row of Daiban's own tables.

Every statement the GETs send goes through a wrapper that fails on INSERT, UPDATE or
DELETE. The session (the idle time-out renews it) is not Daiban's data and may be saved.
"""

import re
from contextlib import contextmanager

import pytest
from django.db import connection

from daiban.catalog.models import ServiceItemVersion
from daiban.testing import factories
from daiban.testing.world import verified_login

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
TABLE = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+\"?(\w+)", re.I)
MAY_WRITE = {"django_session"}


@contextmanager
def no_writes():
    writes: list[str] = []

    def check(execute, sql, params, many, context):
        if WRITE.match(sql):
            found = TABLE.match(sql)
            if not found or found.group(1) not in MAY_WRITE:
                writes.append(sql[:120])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(check):
        yield writes
    assert writes == [], writes


@pytest.fixture
def cases(world):
    # A case of an item whose guide was never frozen: the accept page must not freeze it.
    pending = factories.started(world, item=world.subsistence)
    assert not ServiceItemVersion.objects.filter(item=world.subsistence).exists()
    accepted = factories.at_department(world)
    factories.replied(world)
    return {"pending": pending, "accepted": accepted}


def pages(world, cases):
    pending, accepted = cases["pending"].pk, cases["accepted"].pk
    return [
        (world.agent, "/"),
        (world.agent, f"/cases/{pending}/accept/"),
        (world.agent, f"/cases/{pending}/"),
        (world.agent, f"/cases/{accepted}/"),
        (world.agent, "/my-figures/"),
        (world.clerk_finance, "/"),
        (world.clerk_finance, f"/cases/{accepted}/"),
        (world.director, "/"),
        (world.director, f"/cases/{accepted}/"),
        (world.director, "/supervision/"),
        (world.director, "/supervision/rectifications/"),
        (world.director, "/manage/"),
        (world.director, "/manage/cases/"),
        (world.director, "/manage/agents/"),
        (world.director, "/manage/payments/"),
        (world.leader, "/manage/"),
        (world.supervisor, "/supervision/"),
        (world.supervisor, "/manage/"),
        (world.supervisor, "/manage/agents/"),
    ]


def test_the_main_pages_write_nothing(client, world, cases):
    for user, url in pages(world, cases):
        verified_login(client, user)
        with no_writes():
            response = client.get(url)
        assert response.status_code == 200, (user.username, url, response.status_code)
    assert not ServiceItemVersion.objects.filter(item=world.subsistence).exists()


def test_the_wrapper_catches_a_write(world):
    with pytest.raises(AssertionError), no_writes():
        factories.started(world)

"""The fixtures every app's tests share. The fixture county itself, the builders and the
browser's helpers are in daiban/testing/.

The county (`world`) is built once per test database, committed, when the database is
set up; each test then runs in a transaction rolled back to it and gets its own copy of
the objects. A transactional test ends by emptying every table: the county is then built
again before the next test.
"""

import copy
import os

import pytest

from daiban.places.models import County
from daiban.testing.browser import CHROMIUM, CHROMIUM_ARGS
from daiban.testing.world import World, build_world
from daiban.workdays.calendar import WorkCalendar

# The county as committed in this process's test database, and pytest-django's switch
# for database access outside a test's transaction.
_built: dict = {}


def _build_county(blocker) -> None:
    with blocker.unblock():
        # A database kept from an earlier run (--reuse-db) still holds the county.
        if County.objects.exists():
            from django.core.management import call_command

            call_command("flush", interactive=False, verbosity=0)
        _built["world"] = build_world()
        WorkCalendar.invalidate()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    _built["blocker"] = django_db_blocker
    _build_county(django_db_blocker)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        # After a transactional test's flush (its fixtures are torn down by now), even
        # when its teardown failed, so one failure does not leave the next tests a county
        # that is gone; the last test's teardown has removed the test database itself.
        if "world" in _built and nextitem is not None:
            blocker = _built["blocker"]
            with blocker.unblock():
                gone = not County.objects.filter(pk=_built["world"].county.pk).exists()
            if gone:
                _build_county(blocker)


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items):

    # Under pytest-xdist (`make test`: -n 2 --dist loadgroup) the browser tests run one after
    # another on one worker: two Chromiums and two live servers on two cores time out.
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """A rolled-back test must not leave its calendar in the process cache."""
    WorkCalendar.invalidate()
    yield
    WorkCalendar.invalidate()


@pytest.fixture
def world(db) -> World:
    return copy.deepcopy(_built["world"])


@pytest.fixture
def empty_db(db) -> None:
    """The database as its migrations leave it, without the fixture county: for a test that
    loads a county of its own (the demo). Emptied inside the test's transaction, so the
    county is back for the next test."""
    from django.core.management import call_command

    from daiban.workdays.services import seed_from_package

    call_command("flush", interactive=False, verbosity=0)
    seed_from_package()  # the calendar, as a migration seeds it
    WorkCalendar.invalidate()


@pytest.fixture(autouse=True)
def _no_county_unless_asked(request):
    """A database test that asks for no `world` gets the database as its migrations leave
    it, as before the county was built once (the rollout and the demo load their own)."""
    names = set(request.fixturenames)
    if names & {"world", "shared_world", "empty_db"}:
        return
    if request.node.get_closest_marker("django_db") or names & {"db", "transactional_db"}:
        request.getfixturevalue("empty_db")


@pytest.fixture
def shared_world(transactional_db) -> World:
    """For tests whose threads need committed data and connections of their own."""
    return copy.deepcopy(_built["world"])


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests
    # make between browser steps are ordinary synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()

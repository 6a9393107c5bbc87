"""Limits that hold: one throttle for the tracking page, the complaint form and the API,
counted atomically, by the client's real address."""

import re
import threading

import pytest
from django.core.cache import cache
from django.test import Client

from daiban.api.models import ApiToken
from daiban.cases.models import Case
from daiban.testing import factories


@pytest.fixture(autouse=True)
def _clear_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def case(world):
    return Case.objects.get(pk=factories.at_department(world).pk)


def bearer(user) -> dict:
    _, key = ApiToken.issue(user, "phone")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def lock_code_on_the_page(client, code):
    for n in range(5):
        client.post("/track/", {"code": code, "digits": f"{n:04d}"}, REMOTE_ADDR=f"10.0.0.{n}")


def test_the_api_look_up_is_limited_like_the_page(client, world, case):
    """A village agent's token guessing another township's case: stopped after 5."""
    auth = bearer(world.other_agent)
    answers = [
        client.get(
            "/api/v1/track",
            {"code": case.tracking_code, "digits": f"{n:04d}"},
            REMOTE_ADDR="10.5.5.5",
            **auth,
        ).status_code
        for n in range(40)
    ]
    assert answers[:5] == [404] * 5
    assert set(answers[5:]) == {429}
    right = client.get(
        "/api/v1/track",
        {"code": case.tracking_code, "digits": "0412"},
        REMOTE_ADDR="10.6.6.6",
        **auth,
    )
    assert right.status_code == 429 and right.json()["code"] == "too_many_tries"
    # The counters are shared: the page is locked for this code too.
    page = client.post(
        "/track/", {"code": case.tracking_code, "digits": "0412"}, REMOTE_ADDR="10.7.7.7"
    )
    assert page.status_code == 429


def test_a_code_locked_on_the_page_is_locked_in_the_api(client, world, case):
    lock_code_on_the_page(client, case.tracking_code)
    found = client.get(
        "/api/v1/track",
        {"code": case.tracking_code, "digits": "0412"},
        REMOTE_ADDR="10.9.9.9",
        **bearer(world.clerk_finance),
    )
    assert found.status_code == 429


def test_the_complaint_form_is_no_oracle_once_the_code_is_locked(client, case):
    lock_code_on_the_page(client, case.tracking_code)
    answers = []
    for digits in ("0412", "9999"):  # the right digits and wrong ones; an empty complaint
        response = client.post(
            "/track/complain/",
            {"code": case.tracking_code, "digits": digits, "about": "", "text": ""},
            REMOTE_ADDR="10.8.8.8",
        )
        # The page is the same but for its CSRF token.
        page = re.sub(r'value="[^"]{64}"', "", response.content.decode())
        answers.append((response.status_code, page))
    assert answers[0] == answers[1]
    assert answers[0][0] == 429
    assert not case.complaints.exists()


def test_complaint_guesses_count_towards_the_page_limit(client, case):
    for n in range(5):
        client.post(
            "/track/complain/",
            {"code": case.tracking_code, "digits": f"{n:04d}", "about": "case", "text": "慢"},
            REMOTE_ADDR=f"10.0.1.{n}",
        )
    page = client.post(
        "/track/", {"code": case.tracking_code, "digits": "0412"}, REMOTE_ADDR="10.0.2.1"
    )
    assert page.status_code == 429


def test_a_resident_looking_up_often_is_never_locked(client, case):
    for _ in range(30):
        response = client.post("/track/", {"code": case.tracking_code, "digits": "0412"})
        assert response.status_code == 200


def _race(world, case, how_many, address_of, code_of):
    """`how_many` wrong guesses at once; returns the answers' status codes."""
    barrier = threading.Barrier(how_many)
    answers = []
    lock = threading.Lock()

    def guess(n):
        client = Client()
        barrier.wait()
        try:
            status = client.post(
                "/track/",
                {"code": code_of(n), "digits": f"{9000 + n:04d}"},
                REMOTE_ADDR=address_of(n),
            ).status_code
        finally:
            from django.db import connection

            connection.close()
        with lock:
            answers.append(status)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(how_many)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


@pytest.mark.django_db(transaction=True)
def test_simultaneous_guesses_at_one_code_pass_at_most_the_limit(shared_world):
    case = factories.at_department(shared_world)
    answers = _race(
        shared_world, case, 60, lambda n: f"10.1.{n // 250}.{n % 250}", lambda n: case.tracking_code
    )
    assert len(answers) == 60
    assert answers.count(404) <= 5, answers.count(404)
    assert answers.count(404) + answers.count(429) == 60


@pytest.mark.django_db(transaction=True)
def test_simultaneous_guesses_from_one_address_pass_at_most_the_limit(shared_world):
    case = factories.at_department(shared_world)
    answers = _race(shared_world, case, 60, lambda n: "10.2.0.1", lambda n: f"ABCDEFGH{n:02d}")
    assert answers.count(404) <= 10, answers.count(404)
    assert answers.count(404) + answers.count(429) == 60


def test_a_forwarded_for_header_is_ignored_unless_configured(client, case):
    """Without a trusted proxy, a made-up X-Forwarded-For does not buy new addresses."""
    for n in range(10):
        client.post(
            "/track/",
            {"code": f"ABCDEFGH{n:02d}", "digits": "1234"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    blocked = client.post(
        "/track/",
        {"code": case.tracking_code, "digits": "0412"},
        HTTP_X_FORWARDED_FOR="198.51.100.200",
    )
    assert blocked.status_code == 429


def test_behind_the_configured_proxy_each_client_has_its_own_limit(client, case, settings):
    settings.DAIBAN_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.DAIBAN_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for n in range(10):
        # The client put a false address first; nginx appended the real one.
        client.post(
            "/track/",
            {"code": f"ABCDEFGH{n:02d}", "digits": "1234"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7",
            **proxy,
        )
    blocked = client.post(
        "/track/",
        {"code": case.tracking_code, "digits": "0412"},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
        **proxy,
    )
    assert blocked.status_code == 429
    neighbour = client.post(
        "/track/",
        {"code": case.tracking_code, "digits": "0412"},
        HTTP_X_FORWARDED_FOR="203.0.113.8",
        **proxy,
    )
    assert neighbour.status_code == 200

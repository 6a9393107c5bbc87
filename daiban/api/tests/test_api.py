"""The JSON API: tokens, scoping, every lifecycle step, one error shape, idempotency."""

import json
import threading
import time

import pytest
from django.db import connection
from django.test import Client

from daiban.api.models import ApiToken
from daiban.cases.models import Case
from daiban.cases.selectors import complete_checklist
from daiban.testing import factories


def bearer(user, name="phone") -> dict:
    _, key = ApiToken.issue(user, name)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post(client, path, body, auth, **headers):
    return client.post(
        f"/api/v1{path}", json.dumps(body), content_type="application/json", **auth, **headers
    )


def test_a_token_is_needed_and_a_revoked_one_fails(client, world):
    assert client.get("/api/v1/cases").status_code == 401
    assert client.get("/api/v1/cases").json()["code"] == "unauthenticated"
    auth = bearer(world.agent)
    assert client.get("/api/v1/cases", **auth).status_code == 200
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    assert client.get("/api/v1/cases", **auth).status_code == 401


def test_the_whole_story_through_the_api(client, world):
    agent, clerk = bearer(world.agent), bearer(world.clerk_finance)
    created = post(
        client, "/cases", {"resident": world.resident.pk, "item": world.passbook.code}, agent
    )
    assert created.status_code == 201
    case_id = created.json()["id"]
    received = [
        {"material_id": r.material_id, "originals": r.originals, "copies": r.copies}
        for r in complete_checklist(world.passbook)
    ]
    accepted = post(
        client,
        f"/cases/{case_id}/accept",
        {"received": received, "signed_by": "胡建荣", "signed_on": "2026-03-02"},
        agent,
    )
    assert accepted.status_code == 200 and accepted.json()["state"] == "in_progress"
    papers = [p["id"] for p in accepted.json()["papers"]]
    assert (
        post(
            client,
            f"/cases/{case_id}/hand-over",
            {"to_department": world.finance.pk, "papers": papers},
            agent,
        ).status_code
        == 200
    )
    assert post(client, f"/cases/{case_id}/confirm-receipt", {}, clerk).status_code == 200
    assert (
        post(client, f"/cases/{case_id}/result", {"granted": True}, clerk).json()["state"]
        == "result_ready"
    )
    post(
        client, f"/cases/{case_id}/hand-over", {"to_user": world.agent.pk, "papers": papers}, clerk
    )
    post(client, f"/cases/{case_id}/confirm-receipt", {}, agent)
    assert (
        post(client, f"/cases/{case_id}/reply", {"signed_by": "胡建荣"}, agent).json()["state"]
        == "replied"
    )
    closed = post(client, f"/cases/{case_id}/close", {"method": "phone", "rating": 5}, agent).json()
    assert closed["state"] == "closed"
    custody = client.get(f"/api/v1/cases/{case_id}/custody", **agent).json()
    assert all(p["returned_at"] for p in custody)


def test_errors_have_one_shape_in_the_callers_language(client, world):
    agent = bearer(world.agent)
    case = factories.in_state(world, "closed")
    english = post(
        client, f"/cases/{case.pk}/withdraw", {"reason": "撤回"}, agent, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.status_code == 409
    assert set(english.json()) == {"code", "message", "fields"}
    assert english.json()["code"] == "not_allowed" and "closed" in english.json()["message"]
    chinese = post(
        client,
        f"/cases/{case.pk}/withdraw",
        {"reason": "撤回"},
        agent,
        HTTP_ACCEPT_LANGUAGE="zh-CN",
    )
    assert "已办结" in chinese.json()["message"]
    bad = post(client, "/cases", {"resident": "not a number"}, agent)
    assert (
        bad.status_code == 422
        and bad.json()["code"] == "invalid"
        and "resident" in bad.json()["fields"]
    )
    garbage = client.post("/api/v1/cases", "{not json", content_type="application/json", **agent)
    assert garbage.status_code in (400, 422) and "code" in garbage.json()


def test_not_yours_is_not_found(client, world):
    case = factories.at_department(world)
    outsider = bearer(world.other_agent)
    assert client.get(f"/api/v1/cases/{case.pk}", **outsider).status_code == 404
    assert (
        post(client, f"/cases/{case.pk}/withdraw", {"reason": "撤回吧"}, outsider).status_code
        == 404
    )
    assert client.get("/api/v1/cases/999999", **outsider).json()["code"] == "not_found"
    listed = client.get("/api/v1/cases", **outsider).json()
    assert listed["count"] == 0


def test_lists_are_paginated_and_filtered(client, world):
    for _ in range(3):
        factories.accepted(world)
    factories.started(world)
    agent = bearer(world.agent)
    page = client.get("/api/v1/cases", {"limit": 2}, **agent).json()
    assert page["count"] == 4 and len(page["items"]) == 2
    assert client.get("/api/v1/cases", {"state": "pending"}, **agent).json()["count"] == 1
    assert client.get("/api/v1/cases", {"item": world.birth.code}, **agent).json()["count"] == 0
    items = client.get("/api/v1/catalog/items", {"q": "lszb"}, **agent).json()
    assert [i["name"] for i in items["items"]] == ["粮食直补存折更名"]


def test_a_list_counts_up_to_the_cap_and_says_when_there_are_more(client, world, monkeypatch):
    for _ in range(3):
        factories.accepted(world)
    agent = bearer(world.agent)
    monkeypatch.setattr("daiban.api.paging.COUNT_CAP", 2)
    page = client.get("/api/v1/cases", {"limit": 1}, **agent).json()
    assert (page["count"], page["count_capped"], len(page["items"])) == (2, True, 1)
    last = client.get("/api/v1/cases", {"limit": 1, "offset": 2}, **agent).json()
    assert len(last["items"]) == 1  # paging by offset goes on past the cap
    monkeypatch.setattr("daiban.api.paging.COUNT_CAP", 3)
    page = client.get("/api/v1/cases", {"limit": 1}, **agent).json()
    assert (page["count"], page["count_capped"]) == (3, False)


def test_a_name_search_counts_to_its_own_lower_cap(client, world, monkeypatch):
    import datetime

    from daiban.demo.story import fake_id_number
    from daiban.people.services import register_resident

    register_resident(
        actor=None,
        name="胡秀英",
        id_number=fake_id_number(datetime.date(1970, 5, 6), 7, False),
        phone="13900001234",
        village=world.village,
    )
    agent = bearer(world.agent)
    found = client.get("/api/v1/residents", {"q": "胡"}, **agent).json()
    assert (found["count"], found["count_capped"]) == (2, False)
    monkeypatch.setattr("daiban.api.endpoints.SEARCH_CAP", 1)
    found = client.get("/api/v1/residents", {"q": "胡", "limit": 5}, **agent).json()
    assert (found["count"], found["count_capped"], len(found["items"])) == (1, True, 2)
    every = client.get("/api/v1/residents", {"limit": 5}, **agent).json()
    assert every["count_capped"] is False  # the plain list keeps the larger cap


def test_a_retried_post_changes_nothing(client, world):
    agent = bearer(world.agent)
    body = {"resident": world.resident.pk, "item": world.passbook.code}
    first = post(client, "/cases", body, agent, HTTP_IDEMPOTENCY_KEY="k-1")
    again = post(client, "/cases", body, agent, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Case.objects.count() == 1
    other = post(
        client, "/cases", {**body, "item": world.birth.code}, agent, HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert other.status_code == 409 and other.json()["code"] == "idempotency_conflict"
    assert Case.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_create_one_case(shared_world):
    world = shared_world
    agent = bearer(world.agent)
    body = {"resident": world.resident.pk, "item": world.passbook.code}
    barrier = threading.Barrier(4)
    answers = []

    def retry():
        try:
            barrier.wait(timeout=10)
            answers.append(post(Client(), "/cases", body, agent, HTTP_IDEMPOTENCY_KEY="same-key"))
        finally:
            connection.close()

    threads = [threading.Thread(target=retry) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(answers) == 4
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    assert Case.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_retry_waits_for_the_first_request_and_replays_it(shared_world, monkeypatch):
    """The interleaving CI once caught: the retry arrives while the first request is still
    inside its transaction. It must wait for that one, not act beside it."""
    from daiban.api import endpoints

    world = shared_world
    agent = bearer(world.agent)
    body = {"resident": world.resident.pk, "item": world.passbook.code}
    real_start = endpoints.lifecycle.start_case
    inside, calls, answers = threading.Event(), [], {}

    def slow_start(**kwargs):
        case = real_start(**kwargs)
        calls.append(threading.current_thread().name)
        inside.set()
        time.sleep(0.5)  # hold the first transaction open while the retry arrives
        return case

    monkeypatch.setattr(endpoints.lifecycle, "start_case", slow_start)

    def send(name):
        try:
            answers[name] = post(Client(), "/cases", body, agent, HTTP_IDEMPOTENCY_KEY="k-race")
        finally:
            connection.close()

    first = threading.Thread(target=send, args=("first",), name="first")
    retry = threading.Thread(target=send, args=("retry",), name="retry")
    first.start()
    assert inside.wait(timeout=30)
    retry.start()
    first.join(timeout=60)
    retry.join(timeout=60)
    assert calls == ["first"]  # the retry never ran the view
    assert answers["first"].status_code == answers["retry"].status_code == 201
    assert answers["first"].json() == answers["retry"].json()
    assert Case.objects.count() == 1


def test_schema_and_docs_page(client, world):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/cases/{case_id}/accept" in schema["paths"]
    page = client.get("/api/v1/docs").content.decode()
    assert "POST /api/v1/cases/{case_id}/hand-over" in page


def test_tracking_by_code_and_digits(client, world):
    case = factories.accepted(world)
    auth = bearer(world.clerk_finance)
    found = client.get("/api/v1/track", {"code": case.tracking_code, "digits": "0412"}, **auth)
    assert found.status_code == 200 and found.json()["name"] == "胡*荣"
    assert "459901198604120032" not in found.content.decode()
    wrong = client.get("/api/v1/track", {"code": case.tracking_code, "digits": "9999"}, **auth)
    assert wrong.status_code == 404 and wrong.json()["code"] == "not_found"


def test_residents_are_found_by_number_only_through_the_body(client, world):
    auth = bearer(world.agent)
    by_name = client.get("/api/v1/residents", {"q": "hjr"}, **auth)
    assert [r["name"] for r in by_name.json()["items"]] == ["胡建荣"]
    in_address = client.get("/api/v1/residents", {"q": "13877160412"}, **auth)
    assert in_address.status_code == 422 and "q" in in_address.json()["fields"]
    found = post(client, "/residents/search", {"q": "13877160412"}, auth)
    assert found.status_code == 200
    assert [r["name"] for r in found.json()["items"]] == ["胡建荣"]
    assert found.json()["items"][0]["phone_masked"] != "13877160412"
    outsider = post(client, "/residents/search", {"q": "13877160412"}, bearer(world.other_agent))
    assert outsider.json()["items"] == []


def test_a_hotline_request_waits_in_the_agents_api_list_until_acted_on(client, world):
    from daiban.api.models import hash_key
    from daiban.open311.models import ApiKey

    ApiKey.objects.create(name="12345", key_hash=hash_key("hotline-key"))
    filed = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": "hotline-key",
            "service_code": world.passbook.code,
            "description": "存折想改名",
            "last_name": "胡",
            "first_name": "建荣",
            "phone": "13877160412",
            "attribute[village]": world.village.code,
        },
    )
    assert filed.status_code == 201
    waiting = client.get("/api/v1/inquiries", **bearer(world.agent)).json()["items"]
    assert [(w["question"], w["from_hotline"]) for w in waiting] == [("存折想改名", True)]
    assert client.get("/api/v1/inquiries", **bearer(world.other_agent)).json()["items"] == []
    director = client.get("/api/v1/inquiries", **bearer(world.director)).json()["items"]
    assert [w["id"] for w in director] == [waiting[0]["id"]]
    created = post(
        client,
        "/cases",
        {"resident": world.resident.pk, "item": world.passbook.code, "inquiry": waiting[0]["id"]},
        bearer(world.agent),
    )
    assert created.status_code == 201
    assert client.get("/api/v1/inquiries", **bearer(world.agent)).json()["items"] == []


def test_a_token_notes_its_last_use_at_most_once_a_minute(client, world):
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    auth = bearer(world.agent)
    client.get("/api/v1/catalog/items", **auth)
    token = ApiToken.objects.get(user=world.agent)
    first = token.last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/catalog/items", **auth)
    assert not any(q["sql"].startswith("UPDATE") for q in queries.captured_queries)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    client.get("/api/v1/catalog/items", **auth)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first - datetime.timedelta(minutes=1)


def test_opening_a_case_answers_without_reading_it_back(client, world, django_assert_num_queries):
    """Issue 20: the answer is built from what the intake wrote (token and its person with
    the village, resident with the township, item, the case, its event, the audit record
    under its chain's head: 8 statements, 2 savepoints of the test's transaction; a case
    with a new random uid needs no savepoint, nor does the audit record inside the step's
    transaction), and equals the case read back."""
    agent = bearer(world.agent)
    body = {"resident": world.resident.pk, "item": world.passbook.code, "duplicate_ok": True}
    post(client, "/cases", {**body, "item": world.birth.code}, agent)  # token's last use
    with django_assert_num_queries(10):
        opened = post(client, "/cases", body, agent)
    assert opened.status_code == 201
    read_back = client.get(f"/api/v1/cases/{opened.json()['id']}", **agent)
    assert opened.json() == read_back.json()
    assert opened.json()["events"][0]["actor"] == "agent_dachang"
    # The same uid again: the case from before, read back, the same answer.
    uid = opened.json()["uid"]
    again = post(client, "/cases", {**body, "uid": uid}, agent)
    assert again.status_code == 201 and again.json() == read_back.json()

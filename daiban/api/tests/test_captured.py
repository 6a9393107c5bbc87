"""Work captured offline and sent later (issue 21): the captured time (`at`) within bounds,
deadlines counted from it, both times on the event, the seen version, replays."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from daiban.api.tests.test_api import bearer, post
from daiban.cases import lifecycle
from daiban.cases.inputs import Missing
from daiban.cases.models import Case, Event, Inquiry, State
from daiban.cases.selectors import complete_checklist
from daiban.people.models import Resident
from daiban.workdays.calendar import WorkCalendar


@pytest.fixture
def agent(world):
    # Appointed a month ago: a capture from the last days is within the post.
    world.agent.date_joined = timezone.now() - datetime.timedelta(days=30)
    world.agent.save(update_fields=["date_joined"])
    return bearer(world.agent)


def received(item):
    return [
        {"material_id": r.material_id, "originals": r.originals, "copies": r.copies}
        for r in complete_checklist(item)
    ]


def test_a_case_captured_two_days_ago_counts_its_deadline_from_then(client, world, agent):
    captured = (timezone.now() - datetime.timedelta(days=2)).replace(microsecond=0)
    body = {"resident": world.resident.pk, "item": world.passbook.code, "at": captured.isoformat()}
    created = post(client, "/cases", body, agent, HTTP_IDEMPOTENCY_KEY="k1:open")
    assert created.status_code == 201, created.json()
    case_id, version = created.json()["id"], created.json()["version"]
    accepted = post(
        client,
        f"/cases/{case_id}/accept",
        {
            "received": received(world.passbook),
            "signed_by": "胡建荣",
            "signed_on": timezone.localdate(captured).isoformat(),
            "at": captured.isoformat(),
            "version": version,
        },
        agent,
        HTTP_IDEMPOTENCY_KEY="k1:accept",
    )
    assert accepted.status_code == 200, accepted.json()
    case = Case.objects.get(pk=case_id)
    assert case.created_at == captured and case.accepted_at == captured
    day = timezone.localdate(captured)
    assert case.due_date == WorkCalendar.load().add(day, world.passbook.promised_days)
    event = case.events.get(action=Event.Action.ACCEPTED)
    assert event.at == captured and event.recorded_at > captured + datetime.timedelta(days=1)
    shown = accepted.json()["events"][-1]
    assert shown["at"] != shown["recorded_at"]

    # The same requests again (a dropped connection): the first answers, nothing twice.
    again = post(client, "/cases", body, agent, HTTP_IDEMPOTENCY_KEY="k1:open")
    assert again.status_code == 201 and again.json()["id"] == case_id
    assert Case.objects.filter(resident=world.resident).count() == 1
    assert case.events.filter(action=Event.Action.ACCEPTED).count() == 1


@pytest.mark.parametrize(
    "shift, field_message",
    [
        (datetime.timedelta(hours=1), "In the future."),
        (-datetime.timedelta(days=8), "Too old."),
        (-datetime.timedelta(days=31), "Too old."),
    ],
)
def test_a_captured_time_out_of_bounds_is_refused_and_changes_nothing(
    client, world, agent, shift, field_message
):
    at = (timezone.now() + shift).isoformat()
    body = {"resident": world.resident.pk, "item": world.passbook.code, "at": at}
    answer = post(client, "/cases", body, agent, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 422
    assert answer.json()["fields"]["at"] == [field_message]
    assert not Case.objects.exists()


def test_a_capture_before_the_appointment_or_without_a_time_zone_is_refused(client, world):
    auth = bearer(world.agent)  # joined just now
    before = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    body = {"resident": world.resident.pk, "item": world.passbook.code, "at": before}
    answer = post(client, "/cases", body, auth, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 422 and "appointment" in answer.json()["message"]
    naive = timezone.now().replace(tzinfo=None).isoformat()
    answer = post(client, "/cases", {**body, "at": naive}, auth, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 422 and "time zone" in answer.json()["message"]
    # A clock a minute ahead is within the skew.
    ahead = (timezone.now() + datetime.timedelta(minutes=1)).isoformat()
    assert post(client, "/cases", {**body, "at": ahead}, auth).status_code == 201
    assert Case.objects.count() == 1


def test_a_step_on_a_case_that_changed_meanwhile_is_a_conflict_with_the_servers_case(
    client, world, agent
):
    captured = timezone.now() - datetime.timedelta(hours=3)
    created = post(
        client,
        "/cases",
        {"resident": world.resident.pk, "item": world.passbook.code, "at": captured.isoformat()},
        agent,
    ).json()
    seen = created["version"]
    # Meanwhile the center director issues a supplement notice on the case.
    lifecycle.request_supplement(
        created["id"],
        actor=world.director,
        missing=[Missing(complete_checklist(world.passbook)[0].material_id)],
    )
    case = Case.objects.get(pk=created["id"])
    events = case.events.count()
    body = {
        "received": received(world.passbook),
        "signed_by": "胡建荣",
        "signed_on": timezone.localdate(captured).isoformat(),
        "at": (captured + datetime.timedelta(minutes=5)).isoformat(),
        "version": seen,
    }
    answer = post(client, f"/cases/{created['id']}/accept", body, agent, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 409
    assert answer.json()["code"] == "case_changed"
    assert answer.json()["case"]["version"] == case.version
    assert answer.json()["case"]["state"] == State.AWAITING_MATERIALS
    assert case.events.count() == events
    # The right version but a captured time before the last event: still a conflict.
    late = {**body, "version": case.version}
    answer = post(client, f"/cases/{created['id']}/accept", late, agent)
    assert answer.status_code == 409 and answer.json()["code"] == "case_changed"
    # Resolved by the agent: applied now, to the case as it stands.
    now = {k: v for k, v in late.items() if k != "at"}
    assert post(client, f"/cases/{created['id']}/accept", now, agent).status_code == 200


def test_a_villager_already_registered_answers_with_the_masked_record(client, world, agent):
    body = {
        "name": "胡建荣",
        "id_number": "459901198604120032",
        "phone": "13877160412",
        "village": world.village.code,
    }
    answer = post(client, "/residents", body, agent, HTTP_IDEMPOTENCY_KEY="r1")
    assert answer.status_code == 409 and answer.json()["code"] == "resident_exists"
    assert answer.json()["resident"]["id"] == world.resident.pk
    text = json.dumps(answer.json(), ensure_ascii=False)
    assert "459901198604120032" not in text and "13877160412" not in text
    assert world.resident.id_number_masked in text
    # Someone the caller may not see is named only in the message, not handed over.
    other = bearer(world.other_agent)
    answer = post(client, "/residents", {**body, "village": world.other_village.code}, other)
    assert answer.status_code == 422 and "resident" not in answer.json()
    assert Resident.objects.filter(name="胡建荣").count() == 1


def test_an_inquiry_captured_offline_keeps_its_time_and_its_uid(client, world, agent):
    captured = (timezone.now() - datetime.timedelta(days=1)).replace(microsecond=0)
    body = {
        "question": "低保怎么申请？",
        "uid": "0b0f1a5e-95d6-4a53-8a3f-0a9f4c3e2d11",
        "at": captured.isoformat(),
    }
    first = post(client, "/inquiries", body, agent)
    second = post(client, "/inquiries", body, agent)  # no key: found again by its uid
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    inquiry = Inquiry.objects.get()
    assert inquiry.asked_at == captured and str(inquiry.uid) == body["uid"]


def test_the_agents_page_session_may_use_the_api_with_its_csrf_token(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.agent)
    body = json.dumps({"question": "问一下"})
    without = browser.post("/api/v1/inquiries", body, content_type="application/json")
    assert without.status_code == 403 and not Inquiry.objects.exists()
    browser.get("/offline/")
    token = browser.cookies["csrftoken"].value
    with_token = browser.post(
        "/api/v1/inquiries", body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert with_token.status_code == 201 and Inquiry.objects.count() == 1
    browser.logout()
    gone = browser.post(
        "/api/v1/inquiries", body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    # Logged out: no session (and no CSRF cookie) is a refusal the offline page reads as
    # "log in again"; nothing is recorded.
    assert gone.status_code in (401, 403) and gone.json()["code"] != "forbidden"
    assert Inquiry.objects.count() == 1

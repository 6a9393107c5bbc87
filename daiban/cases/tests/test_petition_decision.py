"""A petition's own clock (信访工作条例): the petition office decides within 15 calendar
days of receipt whether to accept it for handling, and tells the petitioner in writing;
an accepted petition is handled within 60 days of that decision."""

import datetime
import io
import json

import pypdf
import pytest
from django.utils import translation

from daiban.api.models import ApiToken
from daiban.cases import lifecycle, petitions
from daiban.cases.models import Case, Event, State
from daiban.cases.selectors import complete_checklist
from daiban.core.errors import Forbidden, Invalid, NotAllowed
from daiban.people.models import Role
from daiban.people.services import create_staff
from daiban.places.models import Department
from daiban.testing import factories
from daiban.testing.world import at, verified_login


def received(world, day="2026-09-28") -> Case:
    """胡建荣's petition, registered by the petition agent and received by the 信访办."""
    case = lifecycle.start_case(
        actor=world.petition_agent, resident=world.resident, item=world.petition, at=at(day, 9)
    )
    lifecycle.accept(
        case,
        actor=world.petition_agent,
        received=complete_checklist(world.petition),
        entrustment=factories.entrusted(world, day),
        at=at(day, 10),
    )
    office = Department.objects.get(township=world.township, kind="petition")
    lifecycle.hand_over(
        case.pk,
        actor=world.petition_agent,
        to_department=office,
        paper_ids=list(case.papers.values_list("pk", flat=True)),
        at=at(day, 11),
    )
    lifecycle.confirm_receipt(case.pk, actor=world.petition_clerk, at=at(day, 15))
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def office(world):
    office = Department.objects.get(township=world.township, kind="petition")
    world.petition_clerk = create_staff(
        username="clerk_xinfang",
        password="x",
        display_name="信访办 覃丽",
        role=Role.DEPARTMENT_CLERK,
        department=office,
    )
    return world


def _unchanged(case):
    fresh = Case.objects.get(pk=case.pk)
    return (fresh.state, fresh.version, fresh.petition_decision, fresh.events.count())


def test_the_clocks_count_calendar_days_across_the_national_day_holiday(office):
    world = office
    case = received(world, "2026-09-28")
    # 15 calendar days, not working days: the National Day week does not stop it.
    assert petitions.decision_due(case) == datetime.date(2026, 10, 13)
    assert petitions.handling_due(case) is None
    lifecycle.decide_petition(case.pk, actor=world.petition_clerk, accept=True, at=at("2026-10-09"))
    case.refresh_from_db()
    assert (case.state, case.petition_decision) == (State.IN_PROGRESS, "accepted")
    assert petitions.handling_due(case) == datetime.date(2026, 12, 8)  # 9 Oct + 60 days
    event = case.events.last()
    assert (event.action, event.actor, event.data["decision"]) == (
        Event.Action.PETITION_DECIDED,
        world.petition_clerk,
        "accepted",
    )
    # Handled now: the result may be recorded.
    lifecycle.record_result(case.pk, actor=world.petition_clerk, granted=True)
    assert Case.objects.get(pk=case.pk).state == State.RESULT_READY


def test_no_result_before_the_decision_and_no_decision_twice(office):
    world = office
    case = received(world)
    before = _unchanged(case)
    with translation.override("en"), pytest.raises(NotAllowed, match="Decide first"):
        lifecycle.record_result(case.pk, actor=world.petition_clerk, granted=True)
    assert _unchanged(case) == before
    lifecycle.decide_petition(case.pk, actor=world.petition_clerk, accept=True)
    after = _unchanged(case)
    with translation.override("en"), pytest.raises(NotAllowed) as caught:
        lifecycle.decide_petition(case.pk, actor=world.petition_clerk, accept=False, reason="重复")
    assert "already decided" in caught.value.message
    assert _unchanged(case) == after


def test_not_accepted_needs_the_reason_and_goes_back_as_the_result(office):
    world = office
    case = received(world)
    before = _unchanged(case)
    with pytest.raises(Invalid):
        lifecycle.decide_petition(case.pk, actor=world.petition_clerk, accept=False, reason=" ")
    assert _unchanged(case) == before
    reason = "属于诉讼途径解决的事项 <b>请向法院起诉</b>"
    lifecycle.decide_petition(case.pk, actor=world.petition_clerk, accept=False, reason=reason)
    case.refresh_from_db()
    assert case.state == State.RESULT_READY
    assert (case.petition_decision, case.outcome, case.outcome_reason) == (
        "not_accepted",
        "denied",
        reason,
    )
    assert petitions.handling_due(case) is None


def test_only_the_office_holding_the_file_decides(office):
    world = office
    case = received(world)
    before = _unchanged(case)
    for outsider in (world.petition_agent, world.agent, world.other_director, world.clerk_finance):
        with pytest.raises(Forbidden):
            lifecycle.decide_petition(case.pk, actor=outsider, accept=True)
    assert _unchanged(case) == before
    # The center director stands in for the township's offices.
    lifecycle.decide_petition(case.pk, actor=world.director, accept=True)
    # Not a petition: nobody decides it this way.
    passbook = factories.at_department(world)
    with pytest.raises(NotAllowed):
        lifecycle.decide_petition(passbook.pk, actor=world.admin, accept=True)


def test_the_page_offers_the_form_to_the_office_and_refuses_bad_input(client, office):
    world = office
    case = received(world)
    url = f"/cases/{case.pk}/petition/"
    client.force_login(world.petition_clerk)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert url in page and "2026年10月13日" in page
    assert "/result/" not in page  # no result before the decision
    before = _unchanged(case)
    client.post(url, {"version": case.version})  # no decision chosen
    client.post(url, {"version": case.version, "accept": "0", "reason": ""})  # no reason
    assert _unchanged(case) == before
    response = client.post(url, {"version": case.version, "accept": "1"}, follow=True)
    assert "petition-notice.pdf" in response.content.decode()
    assert Case.objects.get(pk=case.pk).petition_decision == "accepted"
    # The same form posted again (a second click): a message, nothing changes.
    after = _unchanged(case)
    response = client.post(url, {"version": case.version, "accept": "0", "reason": "x"})
    assert response.status_code == 302 and _unchanged(case) == after
    # Someone who may not see petitions gets the same 404 as for a missing case.
    client.force_login(world.agent)
    assert client.post(url, {"version": case.version, "accept": "1"}).status_code == 404
    client.force_login(world.petition_agent)
    assert url not in client.get(f"/cases/{case.pk}/").content.decode()


def _text(pdf: bytes) -> str:
    return "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).replace(
        "\n", ""
    )


def test_the_written_notices(client, office):
    world = office
    case = received(world)
    client.force_login(world.petition_agent)
    url = f"/cases/{case.pk}/petition-notice.pdf"
    assert client.get(url).status_code == 302  # nothing decided yet: no notice
    lifecycle.decide_petition(case.pk, actor=world.petition_clerk, accept=True, at=at("2026-10-09"))
    text = _text(client.get(url).content)
    assert "信访事项受理告知书" in text and "胡建荣" in text
    assert "60日内" in text and "2026年12月8日" in text and "大厂壮族乡信访办" in text

    refused = received(world, "2026-10-12")
    reason = "依法应通过诉讼解决 <b>&amp; 仲裁</b>"
    lifecycle.decide_petition(refused.pk, actor=world.petition_clerk, accept=False, reason=reason)
    text = _text(client.get(f"/cases/{refused.pk}/petition-notice.pdf").content)
    assert "信访事项不予受理告知书" in text and reason in text
    # Not the petition's: the village agent cannot print it.
    client.force_login(world.agent)
    assert client.get(url).status_code == 404


def test_the_api_takes_the_decision_once(client, office):
    world = office
    case = received(world)
    _, key = ApiToken.issue(world.petition_clerk, "petition")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def post(body):
        return client.post(
            f"/api/v1/cases/{case.pk}/petition-decision",
            json.dumps(body),
            content_type="application/json",
            **headers,
        )

    assert post({"accept": False, "reason": ""}).status_code == 422
    assert post({"accept": "maybe"}).status_code == 422
    assert post({"accept": True}).status_code == 200
    again = post({"accept": True})
    assert again.status_code == 409 and again.json()["code"] == "not_allowed"
    assert Case.objects.get(pk=case.pk).events.filter(action="petition_decided").count() == 1


def test_the_page_shows_the_handling_deadline(client, office):
    world = office
    case = received(world)
    lifecycle.decide_petition(case.pk, actor=world.petition_clerk, accept=True, at=at("2026-10-09"))
    verified_login(client, world.director)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "2026年12月8日" in page

"""A complaint comes back (issue 15): the villager gets a reference number on the page and
by text, the supervisor's card shows the text, the written answer is texted to the
villager and shown on the tracking page, which also shows the result and the agent's
phone; the result text says granted or refused."""

import re

import pytest
from django.core.cache import cache

from daiban.cases.models import Case
from daiban.notifications.models import Sms
from daiban.supervision import services
from daiban.supervision.models import Complaint, Supervision
from daiban.testing import factories


@pytest.fixture
def replied(world, django_capture_on_commit_callbacks):
    world.director.work_phone = "+8613900000002"
    world.director.save()
    world.agent.work_phone = "+8613977100001"
    world.agent.save()
    with django_capture_on_commit_callbacks(execute=True):
        case = factories.replied(world)
    return Case.objects.get(pk=case.pk)


def complain(client, case, text="代办员态度不好，材料拖了两周"):
    cache.clear()
    return client.post(
        "/track/complain/",
        {"code": case.tracking_code, "digits": "0412", "about": "agent", "text": text},
    )


def track(client, case):
    cache.clear()
    return client.post("/track/", {"code": case.tracking_code, "digits": "0412"}).content.decode()


def test_the_villager_gets_a_reference_number_on_the_page_and_by_text(
    client, world, replied, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = complain(client, replied).content.decode()
    complaint = Complaint.objects.get(case=replied)
    assert re.fullmatch(r"TS\d{8}-\d{5}", complaint.number)
    assert complaint.number in page
    text = Sms.objects.get(template="complaint_received", case=replied)
    assert complaint.number in text.body and text.phone_masked == "138****0412"
    assert "投诉" in text.body


def test_the_supervisor_card_shows_the_complaint_and_its_text(client, world, replied):
    complain(client, replied)
    complaint = Complaint.objects.get(case=replied)
    client.force_login(world.director)
    html = client.get("/supervision/").content.decode()
    assert complaint.number in html and "代办员态度不好" in html


def test_the_written_answer_is_texted_and_shown_on_the_tracking_page(
    client, world, replied, django_capture_on_commit_callbacks
):
    complain(client, replied)
    complaint = Complaint.objects.get(case=replied)
    supervision = Supervision.objects.get(complaint=complaint)
    assert complaint.number in track(client, replied)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer(
            supervision, actor=world.director, text="已约谈代办员，今后当天送达，向您致歉。"
        )
    complaint.refresh_from_db()
    assert complaint.answer.startswith("已约谈") and complaint.answered_by == world.director
    text = Sms.objects.get(template="complaint_answered", case=replied)
    assert complaint.number in text.body and "已约谈代办员" in text.body
    assert "/track/" in text.body
    assert "今后当天送达" in track(client, replied)


def test_the_tracking_page_shows_the_result_and_the_agents_work_phone(client, world, replied):
    Case.objects.filter(pk=replied.pk).update(outcome_document="云民低〔2026〕12号")
    html = track(client, replied)
    assert "云民低〔2026〕12号" in html
    assert 'href="tel:13977100001"' in html  # the agent's work phone
    assert "13877160412" not in html  # never the resident's own phone


def test_a_refusal_is_shown_as_such(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = factories.with_result(world, granted=False)
    html = track(client, case)
    assert 'class="late"' in html  # the refused result, marked
    text = Sms.objects.get(template="result", case=case)
    assert "不予办理" in text.body


def test_the_result_text_says_granted(replied):
    assert "准予办理" in Sms.objects.get(template="result", case=replied).body


def test_a_second_answer_up_the_chain_does_not_text_again(
    world, replied, client, django_capture_on_commit_callbacks
):
    complain(client, replied)
    supervision = Supervision.objects.get(complaint__case=replied)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer(supervision, actor=world.director, text="第一次书面答复内容")
        services._answer_complaint(supervision, world.director, "又一次答复")
    assert Sms.objects.filter(template="complaint_answered").count() == 1
    assert Complaint.objects.get(case=replied).answer == "第一次书面答复内容"

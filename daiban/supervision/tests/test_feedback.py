"""After the reply: the invitation to rate, the rating, rectification, appeal; complaints."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from daiban.cases import lifecycle
from daiban.cases.errors import Forbidden, Invalid, NotAllowed
from daiban.cases.models import Case, Event, Rating
from daiban.cases.tests import factories
from daiban.conftest import verified_login
from daiban.notifications.models import Sms
from daiban.portal import selectors as portal
from daiban.supervision import follow_ups, services, sweeps
from daiban.supervision.models import Complaint, RatingInvitation, Rectification, Supervision


@pytest.fixture
def replied(world, django_capture_on_commit_callbacks):
    world.director.work_phone = "+8613900000002"
    world.director.save()
    with django_capture_on_commit_callbacks(execute=True):
        case = factories.replied(world)
    return Case.objects.get(pk=case.pk)


def test_each_step_texts_the_resident_exactly_once(replied):
    texts = list(Sms.objects.filter(case=replied).order_by("pk").values_list("template", flat=True))
    assert texts == ["accepted", "result", "replied", "rating_invitation"]
    accepted = Sms.objects.get(case=replied, template="accepted")
    assert replied.number in accepted.body and replied.tracking_code in accepted.body
    assert accepted.phone_masked == "138****0412" and "13877160412" not in accepted.phone_encrypted
    assert accepted.status == "sent"  # the local backend delivered it
    # The worker retrying a step's follow-up (or a second worker) adds nothing.
    for event in replied.events.all():
        follow_ups.after_event(event.pk)
    assert Sms.objects.filter(case=replied).count() == 4


def test_rating_by_link_and_a_bad_one_opens_a_rectification(
    client, world, replied, django_capture_on_commit_callbacks
):
    invitation = RatingInvitation.objects.get(case=replied)
    page = client.get(f"/rate/{invitation.token}/")
    assert replied.item.name in page.content.decode()
    assert client.get("/rate/not-a-token/").status_code == 404
    client.post(f"/rate/{invitation.token}/", {"level": "9"})
    assert not Rating.objects.filter(case=replied).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/rate/{invitation.token}/", {"level": "2", "comment": "跑了两趟才拿到"}
        )
    assert response.status_code == 200
    rating = Rating.objects.get(case=replied)
    assert (rating.level, rating.channel, rating.comment) == (2, "link", "跑了两趟才拿到")
    rectification = Rectification.objects.get(rating=rating)
    assert rectification.owner == world.director and rectification.status == "open"
    assert (
        Sms.objects.filter(template="staff_rectification", phone_masked="139****0002").count() == 1
    )
    # Rating twice is refused.
    with pytest.raises(NotAllowed):
        lifecycle.rate(replied.pk, level=5)

    with pytest.raises(Invalid) as caught:
        services.close_rectification(
            rectification,
            actor=world.director,
            result="已批评教育代办员",
            recontacted=False,
            recontact_note="",
        )
    assert "recontact_note" in caught.value.fields
    services.close_rectification(
        rectification,
        actor=world.director,
        result="已批评教育代办员，改为当天送达",
        recontacted=True,
        recontact_note="电话回访，群众表示理解",
    )
    rectification.refresh_from_db()
    assert rectification.status == "closed"
    actions = set(replied.events.values_list("action", flat=True))
    assert {
        Event.Action.RATED,
        Event.Action.RECTIFICATION_OPENED,
        Event.Action.RECTIFICATION_CLOSED,
    } <= actions


def test_appeal_sets_a_mistaken_rating_aside(world, replied, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.rate(replied.pk, level=1, comment="打错了")
    rating = Rating.objects.get(case=replied)
    with pytest.raises(Forbidden):
        services.file_appeal(rating, actor=world.other_agent, reason="不是我的件")
    appeal = services.file_appeal(
        rating, actor=world.agent, reason="群众来电说点错了，本意是非常满意"
    )
    with pytest.raises(NotAllowed):
        services.file_appeal(rating, actor=world.agent, reason="再申诉一次")
    with pytest.raises(Forbidden):
        services.decide_appeal(appeal, actor=world.agent, overturn=True, decision="我同意我自己")
    services.decide_appeal(
        appeal, actor=world.director, overturn=True, decision="回访核实，群众确认误点"
    )
    rating.refresh_from_db()
    assert rating.void
    assert Rectification.objects.get(rating=rating).status == "set_aside"
    figures = {f.township.name: f for f in portal.public_figures(timezone.localdate())}
    assert figures["大厂壮族乡"].year["rated"] == 0  # a rating set aside counts nowhere


def test_reminder_once_when_unrated(world, replied):
    invitation = RatingInvitation.objects.get(case=replied)
    start = invitation.sent_on
    for offset in range(0, 12):
        day = start + datetime.timedelta(days=offset)
        with time_machine.travel(
            timezone.make_aware(datetime.datetime.combine(day, datetime.time(20))), tick=False
        ):
            sweeps.run(day)
    assert Sms.objects.filter(case=replied, template="rating_reminder").count() == 1
    invitation.refresh_from_db()
    assert invitation.reminded_on is not None


def test_complaint_from_the_tracking_page_goes_to_the_director(
    client, world, replied, django_capture_on_commit_callbacks
):
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/track/complain/",
            {
                "code": replied.tracking_code,
                "digits": "0412",
                "about": "agent",
                "text": "代办员态度不好",
            },
        )
    assert response.status_code == 200
    complaint = Complaint.objects.get(case=replied)
    supervision = Supervision.objects.get(complaint=complaint)
    assert supervision.assignee == world.director and supervision.level == 2
    assert Sms.objects.filter(template="staff_complaint", phone_masked="139****0002").exists()
    wrong = client.post(
        "/track/complain/",
        {"code": replied.tracking_code, "digits": "9999", "about": "agent", "text": "x" * 10},
    )
    assert wrong.status_code == 404 and Complaint.objects.count() == 1


def test_supervisor_pages_open_for_each_role(client, world, replied):
    for person in (
        world.agent,
        world.clerk_finance,
        world.director,
        world.leader,
        world.supervisor,
        world.admin,
    ):
        verified_login(client, person)
        assert client.get("/supervision/").status_code == 200
        assert client.get("/supervision/rectifications/").status_code == 200

"""After the reply: the invitation to rate, the rating, rectification, appeal; complaints."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.html import escape

from daiban.cases import lifecycle
from daiban.cases.models import Case, Event, Rating
from daiban.core.errors import Forbidden, Invalid, NotAllowed
from daiban.notifications.models import Sms
from daiban.notifications.receivers import text_resident
from daiban.portal import selectors as portal
from daiban.supervision import follow_ups, services, sweeps
from daiban.supervision.models import Complaint, RatingInvitation, Rectification, Supervision
from daiban.testing import factories
from daiban.testing.world import verified_login


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
        text_resident(event.pk)
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


def test_an_agents_note_counts_nowhere_and_the_villagers_link_replaces_it(
    client, world, replied, django_capture_on_commit_callbacks
):
    """The agent notes 非常不满意… or 非常满意 at the visit: marked as a note, no
    rectification, not in the figures; the villager's link still asks, and the answer
    replaces the note in the same row."""
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.close(replied.pk, actor=world.agent, method="visit", rating=1, note="上门回访")
    note = Rating.objects.get(case=replied)
    assert (note.source, note.channel, note.recorded_by, note.counts) == (
        "agent_note",
        "visit",
        world.agent,
        False,
    )
    assert not Rectification.objects.exists()
    figures = {f.township.name: f for f in portal.public_figures(timezone.localdate())}
    assert figures["大厂壮族乡"].year["rated"] == 0
    # The agent cannot note twice; the case page says it does not count.
    with pytest.raises(NotAllowed):
        lifecycle.rate(replied.pk, level=5, channel="phone", actor=world.agent)
    verified_login(client, world.director)
    page = client.get(f"/cases/{replied.pk}/").content.decode()
    with translation.override("zh-hans"):
        assert escape(str(Rating.Source.AGENT_NOTE.label)) in page

    invitation = RatingInvitation.objects.get(case=replied)
    client.logout()
    page = client.get(f"/rate/{invitation.token}/").content.decode()
    assert 'name="level"' in page  # not "already rated"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/rate/{invitation.token}/", {"level": "4", "comment": "办得快"})
    rating = Rating.objects.get(case=replied)
    assert rating.pk == note.pk
    assert (rating.level, rating.source, rating.channel, rating.recorded_by, rating.counts) == (
        4,
        "villager",
        "link",
        None,
        True,
    )
    figures = {f.township.name: f for f in portal.public_figures(timezone.localdate())}
    assert figures["大厂壮族乡"].year["rated"] == 1
    assert figures["大厂壮族乡"].year["satisfied"] == 1
    replaced = replied.events.filter(action=Event.Action.RATED).order_by("seq").last()
    assert replaced.data["replaces"] == {"level": 1, "source": "agent_note"}
    assert replaced.actor is None
    # Now it is the villager's: the link says so, and nobody records over it.
    assert 'name="level"' not in client.get(f"/rate/{invitation.token}/").content.decode()
    with pytest.raises(NotAllowed):
        lifecycle.rate(replied.pk, level=1, channel="phone", actor=world.director)


def test_the_reminder_still_goes_after_an_agents_note(world, replied):
    lifecycle.close(replied.pk, actor=world.agent, method="phone", rating=5)
    invitation = RatingInvitation.objects.get(case=replied)
    day = invitation.sent_on + datetime.timedelta(days=10)
    with time_machine.travel(
        timezone.make_aware(datetime.datetime.combine(day, datetime.time(20))), tick=False
    ):
        sweeps.run(day)
    assert Sms.objects.filter(case=replied, template="rating_reminder").count() == 1


def test_the_centers_follow_up_counts_and_says_who_asked(
    world, replied, django_capture_on_commit_callbacks
):
    with pytest.raises(Invalid):
        lifecycle.rate(replied.pk, level=2, channel="link", actor=world.director)
    with django_capture_on_commit_callbacks(execute=True):
        rating = lifecycle.rate(
            replied.pk, level=2, channel="phone", comment="材料退回晚了", actor=world.director
        )
    assert (rating.source, rating.channel, rating.recorded_by, rating.counts) == (
        "follow_up",
        "phone",
        world.director,
        True,
    )
    # A bad answer on the follow-up is the villager's: it opens a rectification.
    assert Rectification.objects.get(rating=rating).status == "open"
    # The agent's note cannot replace it, nor can a rating given at the close.
    with pytest.raises(NotAllowed):
        lifecycle.rate(replied.pk, level=5, channel="visit", actor=world.agent)
    lifecycle.close(replied.pk, actor=world.agent, method="visit", rating=5)
    assert Rating.objects.get(case=replied).level == 2


@pytest.mark.parametrize("who", ["leader", "clerk_finance", "supervisor", "admin", "other_agent"])
def test_nobody_else_rates(world, replied, who):
    actor = getattr(world, who)
    with pytest.raises(Forbidden):
        lifecycle.rate(replied.pk, level=1, channel="phone", actor=actor)
    if who == "admin":  # an administrator may close, but not with a rating
        with pytest.raises(Forbidden):
            lifecycle.close(replied.pk, actor=actor, method="phone", rating=5)
        assert Case.objects.get(pk=replied.pk).state == "replied"
    assert not Rating.objects.filter(case=replied).exists()


def test_existing_ratings_get_the_source_of_who_recorded_them(world):
    """The migration: the link is the villager's, the agent's own is a note, the center
    director's a follow-up, anyone else's unchecked; ids stay."""
    import importlib

    from django.apps import apps

    sources = importlib.import_module("daiban.cases.migrations.0008_rating_source").sources
    made = {}
    for who in ("link", "agent", "director", "leader"):
        case = factories.replied(world)
        rating = Rating.objects.create(
            case=case,
            level=5,
            channel="link" if who == "link" else "phone",
            rated_at=timezone.now(),
            recorded_by=None if who == "link" else getattr(world, who),
            source="villager",
        )
        made[who] = rating.pk
    sources(apps, None)
    found = dict(Rating.objects.values_list("pk", "source"))
    assert {who: found[pk] for who, pk in made.items()} == {
        "link": "villager",
        "agent": "agent_note",
        "director": "follow_up",
        "leader": "unchecked",
    }

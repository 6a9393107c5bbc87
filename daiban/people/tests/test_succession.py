"""Succession (issue 18): an agent's cases, files, originals and waiting questions go to
the successor in one step; a stand-in holds them for a period and gives them back."""

import datetime

import pytest
from django.test import Client

from daiban.cases import lifecycle
from daiban.cases.models import Case, Event, Inquiry, Paper, PaperMove
from daiban.cases.selectors import open_hop
from daiban.core.errors import Conflict, Forbidden, Invalid
from daiban.notifications.models import Sms
from daiban.people import succession
from daiban.people.models import Post, Role, Succession, User
from daiban.people.services import create_staff, register_resident
from daiban.portal.selectors import agents_of
from daiban.testing import factories
from daiban.testing.world import at


@pytest.fixture
def successor(world):
    return create_staff(
        username="agent_dachang_new",
        password="x",
        display_name="黄新名",
        role=Role.VILLAGE_AGENT,
        village=world.village,
        work_phone="+8613877165555",
    )


@pytest.fixture
def held(world):
    """The old agent's files at four stages, two villagers, and a waiting question."""
    neighbour = register_resident(
        actor=world.agent,
        name="黄秀兰",
        id_number="459901197001010016",
        phone="13877160001",
        village=world.village,
    )
    pending = lifecycle.start_case(
        actor=world.agent, resident=neighbour, item=world.birth, at=at("2026-03-02", 9)
    )
    with_agent = factories.accepted(world)  # file and originals in the agent's hands
    keeps_papers = factories.accepted(world)  # file at the finance office, originals kept
    lifecycle.hand_over(
        keeps_papers.pk, actor=world.agent, to_department=world.finance, at=at("2026-03-02", 15)
    )
    lifecycle.confirm_receipt(keeps_papers.pk, actor=world.clerk_finance, at=at("2026-03-02", 16))
    coming_back = factories.with_result(world)  # on its way back to the agent, with originals
    lifecycle.hand_over(
        coming_back.pk,
        actor=world.clerk_finance,
        to_user=world.agent,
        paper_ids=list(coming_back.papers.values_list("pk", flat=True)),
        at=at("2026-03-03", 9),
    )
    question = lifecycle.record_inquiry(
        actor=world.agent,
        village=world.village,
        question="低保怎么申请？",
        resident=world.resident,
        at=at("2026-03-02", 8),
    )
    return {
        "pending": pending,
        "with_agent": with_agent,
        "keeps_papers": keeps_papers,
        "coming_back": coming_back,
        "question": question,
    }


def _succeed(world, successor, **kw):
    return succession.succeed(
        actor=kw.pop("actor", world.director),
        agent=world.agent,
        successor=successor,
        reason="调任乡农业站",
        at=at("2026-03-04", 10),
        **kw,
    )


def test_preview_counts_what_will_move(world, successor, held):
    counts = succession.preview(world.agent)
    assert counts == {"cases": 4, "files": 2, "papers": 4, "inquiries": 1, "residents": 2}


def test_succession_moves_everything_and_the_successor_signs_for_the_papers(world, successor, held):
    made = _succeed(world, successor)
    cases = {k: Case.objects.get(pk=v.pk) for k, v in held.items() if k != "question"}
    assert {c.agent_id for c in cases.values()} == {successor.pk}
    assert Inquiry.objects.get(pk=held["question"].pk).agent == successor
    # The file in the old agent's hands, and the one on its way to them, come to the successor.
    for name in ("with_agent", "coming_back"):
        hop = open_hop(cases[name])
        assert hop.holder_user == successor and hop.received_at is None
    # The finance office keeps the file it holds; the originals the agent kept change hands.
    assert open_hop(cases["keeps_papers"]).holder_department == world.finance
    kept = Paper.objects.filter(case=cases["keeps_papers"])
    assert kept and all(p.holder_user == successor for p in kept)
    move = PaperMove.objects.filter(paper__case=cases["keeps_papers"]).latest("id")
    assert (move.from_user, move.to_user, move.recorded_by) == (
        world.agent,
        successor,
        world.director,
    )
    # The successor confirms: the travelling originals are theirs, both hands on record.
    for name, before in (("with_agent", world.agent), ("coming_back", world.finance)):
        lifecycle.confirm_receipt(cases[name].pk, actor=successor, at=at("2026-03-04", 11))
        for paper in Paper.objects.filter(case=cases[name], returned_at__isnull=True):
            assert paper.holder_user == successor
            last = paper.moves.latest("id")
            assert last.to_user == successor and last.recorded_by == successor
            assert (last.from_user or last.from_department) == before
    # Nothing lost or doubled: every outstanding original has one holder, none is the old agent.
    assert not Paper.objects.filter(holder_user=world.agent, returned_at__isnull=True).exists()
    # One text per villager, with the new agent's name and work phone.
    texts = Sms.objects.filter(template="new_agent")
    assert texts.count() == 2
    assert all("黄新名" in t.body and successor.work_phone_display in t.body for t in texts)
    # The post: the old agent has left and signs in no more; the directory shows the successor.
    world.agent.refresh_from_db()
    assert not world.agent.is_active
    assert world.agent.post.status == Post.Status.LEFT
    assert world.agent.post.leaving_reason == "调任乡农业站"
    assert agents_of(world.village)["agent"] == successor
    assert made.moved["inquiries"] == [held["question"].pk]


def test_the_same_request_twice_changes_nothing(world, successor, held):
    first = _succeed(world, successor)
    events, texts, moves = Event.objects.count(), Sms.objects.count(), PaperMove.objects.count()
    again = _succeed(world, successor)
    assert again.pk == first.pk
    assert (Event.objects.count(), Sms.objects.count(), PaperMove.objects.count()) == (
        events,
        texts,
        moves,
    )
    other = create_staff(
        username="agent_dachang_3",
        password="x",
        display_name="韦三",
        role=Role.VILLAGE_AGENT,
        village=world.village,
    )
    with pytest.raises(Conflict):
        _succeed(world, other)
    with pytest.raises(Forbidden):  # a repeat by the wrong person is refused, not answered
        _succeed(world, successor, actor=world.other_director)


def test_a_failure_half_way_changes_nothing(world, successor, held, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(lifecycle, "reassign_inquiries", broken)
    with pytest.raises(RuntimeError):
        _succeed(world, successor)
    assert set(Case.objects.values_list("agent_id", flat=True)) == {world.agent.pk}
    assert not Succession.objects.exists() and not Sms.objects.filter(template="new_agent")
    assert User.objects.get(pk=world.agent.pk).is_active
    assert not Paper.objects.filter(holder_user=successor).exists()


def test_only_the_townships_director_names_a_successor(world, successor, held):
    for who in (world.other_director, world.agent, world.leader, world.clerk_finance):
        with pytest.raises(Forbidden):
            _succeed(world, successor, actor=who)
    with pytest.raises(Invalid):  # another village's agent cannot take this village's files
        succession.succeed(
            actor=world.director,
            agent=world.agent,
            successor=world.other_agent,
            reason="调任",
        )
    assert not Succession.objects.exists()


def test_stand_in_holds_the_files_for_the_period_then_they_come_back(world, successor, held):
    made = succession.stand_in(
        actor=world.director,
        agent=world.agent,
        stand_in=successor,
        until=datetime.date(2026, 3, 10),
        reason="外出培训",
        at=at("2026-03-04", 10),
    )
    assert set(Case.objects.values_list("agent_id", flat=True)) == {successor.pk}
    assert Post.objects.get(user=world.agent).status == Post.Status.AWAY
    assert agents_of(world.village)["agent"] == successor
    # The stand-in opens a case meanwhile: it goes back too.
    opened = lifecycle.start_case(
        actor=successor, resident=world.resident, item=world.passbook, at=at("2026-03-05", 9)
    )
    assert succession.end_due_stand_ins(datetime.date(2026, 3, 10)) == 0  # not over yet
    assert succession.end_due_stand_ins(datetime.date(2026, 3, 11)) == 1
    assert succession.end_due_stand_ins(datetime.date(2026, 3, 11)) == 0  # once
    assert set(Case.objects.values_list("agent_id", flat=True)) == {world.agent.pk}
    assert Case.objects.get(pk=opened.pk).agent == world.agent
    assert Post.objects.get(user=world.agent).status == Post.Status.IN_POST
    made.refresh_from_db()
    assert made.returned_at is not None
    assert Inquiry.objects.get(pk=held["question"].pk).agent == world.agent


def test_the_director_hands_on_from_the_staff_page(client, world, successor, held):
    from daiban.testing.world import verified_login

    client.force_login(world.director)
    page = client.get("/staff/").content.decode()
    assert f"/staff/{world.agent.pk}/succession/" in page
    confirm = client.get(f"/staff/{world.agent.pk}/succession/")
    assert confirm.status_code == 200
    assert confirm.context["counts"]["cases"] == 4
    response = client.post(
        f"/staff/{world.agent.pk}/succession/",
        {"kind": "succession", "successor": successor.pk, "reason": "调任乡农业站"},
    )
    assert response.status_code == 302 and response["Location"] == "/staff/"
    assert Succession.objects.get().to_user == successor
    # Twice: the page is gone with the old agent (inactive), nothing changes.
    events = Event.objects.count()
    again = client.post(
        f"/staff/{world.agent.pk}/succession/",
        {"kind": "succession", "successor": successor.pk, "reason": "调任乡农业站"},
    )
    assert again.status_code == 404 and Event.objects.count() == events
    # The old agent is out; the new one sees the cases and the files to sign for.
    case = held["with_agent"]
    old = Client()
    old.force_login(world.agent)
    assert old.get(f"/cases/{case.pk}/").status_code != 200
    new = Client()
    verified_login(new, successor)
    assert new.get(f"/cases/{case.pk}/").status_code == 200
    home = new.get("/")
    assert {h.case_id for h in home.context["to_confirm"]} == {
        held["with_agent"].pk,
        held["coming_back"].pk,
    }
    assert new.post(f"/cases/{case.pk}/confirm/").status_code == 302
    assert open_hop(Case.objects.get(pk=case.pk)).received_by == successor


def test_wrong_people_do_not_reach_the_succession_page(client, world, successor):
    url = f"/staff/{world.agent.pk}/succession/"
    data = {"kind": "succession", "successor": successor.pk, "reason": "调任"}
    for who in (world.other_director, world.agent, successor, world.leader, world.clerk_finance):
        client.force_login(who)
        assert client.get(url).status_code == 404, who
        assert client.post(url, data).status_code == 404, who
    client.force_login(world.director)  # a director, but not for a department clerk
    assert client.get(f"/staff/{world.clerk_finance.pk}/succession/").status_code == 404
    assert not Succession.objects.exists()


def test_a_village_without_an_agent_in_post_shows_on_the_directors_home(client, world):
    from daiban.rollout.launch import county_readiness

    client.force_login(world.director)
    assert world.village.name not in _gaps(client)
    Post.objects.create(user=world.agent, title="村委副主任", status=Post.Status.LEFT)
    assert world.village.name in _gaps(client)
    readiness = {r.township: r for r in county_readiness(world.county)}[world.township]
    assert world.village.name in readiness.villages_without_agent
    assert agents_of(world.village)["agent"] is None


def _gaps(client) -> str:
    page = client.get("/").content.decode()
    head, _sep, _rest = page.partition("cases-list")
    return head


def test_the_appointment_and_training_are_on_the_staff_accounts_admin_page(client, world):
    from daiban.testing.world import verified_login

    Post.objects.create(user=world.agent, title="村委副主任", appointed_by=world.township)
    county_admin = create_staff(
        username="county_admin",
        password="x",
        display_name="county_admin",
        role=Role.COUNTY_ADMINISTRATOR,
        county=world.county,
    )
    county_admin.is_staff = True
    county_admin.save()
    for who in (world.admin, county_admin):
        if who.role == Role.ADMINISTRATOR:
            who.is_staff = who.is_superuser = True
            who.save()
        verified_login(client, who)
        page = client.get(f"/admin/people/user/{world.agent.pk}/change/")
        assert page.status_code == 200, who
        assert "村委副主任" in page.content.decode()
        assert client.get("/admin/people/user/add/").status_code == 200


def test_the_figures_follow_the_cases_to_the_successor(world, successor, held):
    from daiban.figures.services import rebuild
    from daiban.testing.figures import tally_rows

    _succeed(world, successor)

    def counted():  # a rebuild may leave an all-zero row behind; it counts nothing
        return [[row for row in rows if any(v for v in row[4:])] for rows in tally_rows()]

    running = counted()
    rebuild()
    assert counted() == running


def test_stand_in_from_the_page_and_back_early(client, world, successor, held):
    client.force_login(world.director)
    response = client.post(
        f"/staff/{world.agent.pk}/succession/",
        {"kind": "stand_in", "successor": successor.pk, "reason": "外出培训"},
    )
    assert response.status_code == 200 and "until" in response.context["form"].errors
    until = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    response = client.post(
        f"/staff/{world.agent.pk}/succession/",
        {"kind": "stand_in", "successor": successor.pk, "until": until, "reason": "外出培训"},
    )
    assert response.status_code == 302
    assert set(Case.objects.values_list("agent_id", flat=True)) == {successor.pk}
    assert f"/staff/{world.agent.pk}/back/" in client.get("/staff/").content.decode()
    client.force_login(world.other_director)
    assert client.post(f"/staff/{world.agent.pk}/back/").status_code == 404
    client.force_login(world.director)
    assert client.post(f"/staff/{world.agent.pk}/back/").status_code == 302
    assert set(Case.objects.values_list("agent_id", flat=True)) == {world.agent.pk}
    assert client.post(f"/staff/{world.agent.pk}/back/").status_code == 404  # once


def test_the_public_village_page_shows_the_successor(client, world, successor):
    _succeed(world, successor)
    page = client.get(f"/village/{world.village.code}/").content.decode()
    assert successor.display_name in page and world.agent.display_name not in page
    poster = client.get(f"/village/{world.village.code}/poster.pdf")
    assert poster.status_code == 200

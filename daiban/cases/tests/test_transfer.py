"""A case transferred to another township (issue 18): sent by the director with a reason,
accepted or returned by the receiving center's director; the number and tracking code
stay, the deadlines are the receiving township's, the originals' custody is recorded, and
both centers see the history."""

import json

import pytest
from django.test import Client

from daiban.cases import lifecycle
from daiban.cases.models import Case, Event, Hop, Paper, PaperMove, State, Transfer
from daiban.cases.selectors import open_hop
from daiban.core.errors import Invalid, NotAllowed
from daiban.people.models import Post
from daiban.testing import factories
from daiban.testing.world import at
from daiban.workdays.calendar import WorkCalendar


def _snapshot(case):
    fresh = Case.objects.get(pk=case.pk)
    return (
        fresh.state,
        fresh.version,
        fresh.township_id,
        fresh.agent_id,
        Event.objects.filter(case=case).count(),
        Transfer.objects.filter(case=case).count(),
        Hop.objects.filter(case=case).count(),
    )


def test_accepted_transfer_keeps_the_ids_and_moves_deadlines_file_and_originals(world):
    case = factories.at_department(world)
    number, code = case.number, case.tracking_code
    papers = {p.pk: p.holder_department_id for p in case.papers.all()}
    assert papers and set(papers.values()) == {world.finance.pk}
    new_agent = factories.far_agent(world)
    factories.transferring(world, case)
    assert Case.objects.get(pk=case.pk).state == State.TRANSFERRING
    # Nothing moves while it waits: the file and originals are where they were.
    assert open_hop(case).holder_department == world.finance
    lifecycle.accept_transfer(case.pk, actor=world.other_director, at=at("2026-03-04", 10))
    case = Case.objects.get(pk=case.pk)
    assert (case.number, case.tracking_code) == (number, code)
    assert case.state == State.IN_PROGRESS
    assert (case.township, case.village, case.agent) == (
        world.other_township,
        world.far_village,
        new_agent,
    )
    calendar = WorkCalendar.load()
    assert case.due_date == calendar.add(at("2026-03-04").date(), case.item.promised_days)
    hop = open_hop(case)
    assert hop.holder_user == new_agent and hop.received_at is None
    assert {link.paper_id for link in hop.hop_papers.all()} == set(papers)
    # The new agent signs for the file: the originals are theirs, the move on record.
    lifecycle.confirm_receipt(case.pk, actor=new_agent, at=at("2026-03-05", 9))
    for paper in Paper.objects.filter(pk__in=papers):
        assert paper.holder_user == new_agent
        move = PaperMove.objects.filter(paper=paper).latest("id")
        assert (move.from_department, move.to_user) == (world.finance, new_agent)
    transfer = Transfer.objects.get(case=case)
    assert transfer.status == Transfer.Status.ACCEPTED
    assert (transfer.sent_by, transfer.decided_by) == (world.director, world.other_director)
    actions = list(case.events.values_list("action", flat=True))
    assert actions[-3:] == ["transfer_sent", "transfer_accepted", "received"]


def test_a_returned_transfer_leaves_the_case_as_it_was(world):
    case = factories.at_department(world)
    before = Case.objects.get(pk=case.pk)
    factories.transferring(world, case)
    with pytest.raises(Invalid):  # a reason is needed
        lifecycle.return_transfer(case.pk, actor=world.other_director, reason=" ")
    lifecycle.return_transfer(case.pk, actor=world.other_director, reason="该事项应在原乡办理")
    after = Case.objects.get(pk=case.pk)
    assert after.state == State.IN_PROGRESS
    assert (after.township, after.village, after.agent, after.due_date) == (
        before.township,
        before.village,
        before.agent,
        before.due_date,
    )
    assert open_hop(after).holder_department == world.finance
    transfer = Transfer.objects.get(case=case)
    assert transfer.status == Transfer.Status.RETURNED
    assert transfer.decision_note == "该事项应在原乡办理"
    # It can be sent again, somewhere else or the same place.
    factories.transferring(world, after)
    assert Transfer.objects.filter(case=case, status="pending").count() == 1


def test_a_pending_case_goes_too_and_is_accepted_there(world):
    case = factories.started(world)
    factories.transferring(world, case)
    lifecycle.accept_transfer(case.pk, actor=world.other_director)
    case = Case.objects.get(pk=case.pk)
    assert case.state == State.PENDING and case.township == world.other_township
    assert case.due_date is None and open_hop(case) is None
    # The new agent accepts it; the number is the receiving township's then.
    accepted = lifecycle.accept(
        case.pk,
        actor=factories.far_agent(world),
        received=factories.complete_checklist(world.passbook),
        entrustment=factories.entrusted(world),
    )
    assert accepted.number.startswith(world.other_township.code[:9])


def test_twice_the_same_request_changes_nothing_the_second_time(world):
    case = factories.transferring(world)
    snap = _snapshot(case)
    with pytest.raises(NotAllowed):
        lifecycle.send_transfer(
            case.pk, actor=world.director, to_village=world.far_village, reason="再发一次"
        )
    assert _snapshot(case) == snap
    lifecycle.accept_transfer(case.pk, actor=world.other_director)
    snap = _snapshot(case)
    with pytest.raises(NotAllowed):
        lifecycle.accept_transfer(case.pk, actor=world.other_director)
    with pytest.raises(NotAllowed):
        lifecycle.return_transfer(case.pk, actor=world.other_director, reason="晚了")
    assert _snapshot(case) == snap


def test_bad_input_is_refused_and_changes_nothing(world):
    case = factories.at_department(world)
    snap = _snapshot(case)
    for village, reason in (
        (world.other_village, "迁居岩口村"),  # the same township: not a transfer
        (world.far_village, ""),  # no reason
    ):
        with pytest.raises(Invalid):
            lifecycle.send_transfer(
                case.pk, actor=world.director, to_village=village, reason=reason
            )
    assert _snapshot(case) == snap
    petition = lifecycle.start_case(
        actor=world.petition_agent, resident=world.resident, item=world.petition
    )
    with pytest.raises(Invalid):
        lifecycle.send_transfer(
            petition.pk, actor=world.director, to_village=world.far_village, reason="迁居"
        )
    # A village with nobody in post cannot take it: the director is told, nothing moves.
    agent = factories.far_agent(world)
    factories.transferring(world, case)
    Post.objects.create(user=agent, status=Post.Status.LEFT)
    snap = _snapshot(case)
    with pytest.raises(Invalid):
        lifecycle.accept_transfer(case.pk, actor=world.other_director)
    assert _snapshot(case) == snap


def test_both_centers_see_the_case_and_its_history_the_agents_their_own(client, world):
    case = factories.transferring(world)
    url = f"/cases/{case.pk}/"
    client.force_login(world.other_director)
    home = client.get("/").content.decode()
    assert url in home  # waiting on the receiving director's home
    page = client.get(url).content.decode()
    assert f"/cases/{case.pk}/transfer/accept/" in page and "群众已迁居青石镇" in page
    response = client.post(f"/cases/{case.pk}/transfer/accept/", {"version": case.version})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).township == world.other_township
    for who in (world.director, world.other_director, world.leader, factories.far_agent(world)):
        viewer = Client()
        viewer.force_login(who)
        page = viewer.get(url)
        assert page.status_code == 200, who
        assert "群众已迁居青石镇" in page.content.decode(), who
    for who in (world.agent, world.other_agent, world.clerk_family_planning):
        viewer = Client()
        viewer.force_login(who)
        assert viewer.get(url).status_code == 404, who
    # The sending director no longer lists it among the township's open cases.
    client.force_login(world.director)
    assert {r.case.pk for r in client.get("/").context["rows"]} == set()


def test_the_pages_refuse_bad_input_and_wrong_people(client, world):
    case = factories.at_department(world)
    factories.far_agent(world)
    url = f"/cases/{case.pk}/transfer/send/"
    for who in (world.agent, world.leader, world.clerk_finance, world.other_director):
        client.force_login(who)
        response = client.post(url, {"to_village": world.far_village.pk, "reason": "迁居"})
        assert response.status_code in (302, 404), who
    assert Case.objects.get(pk=case.pk).state == State.IN_PROGRESS
    client.force_login(world.director)
    response = client.post(url, {"to_village": world.far_village.pk, "reason": ""}, follow=True)
    assert response.status_code == 200 and not Transfer.objects.exists()
    response = client.post(url, {"to_village": "x", "reason": "迁居"}, follow=True)
    assert response.status_code == 200 and not Transfer.objects.exists()
    response = client.post(
        url, {"to_village": world.far_village.pk, "reason": "群众已迁居青石镇"}, follow=True
    )
    assert response.status_code == 200 and Transfer.objects.count() == 1
    assert Case.objects.get(pk=case.pk).state == State.TRANSFERRING
    # The sending director may not accept their own transfer.
    response = client.post(f"/cases/{case.pk}/transfer/accept/", follow=True)
    assert Case.objects.get(pk=case.pk).state == State.TRANSFERRING


def test_the_api_sends_and_the_receiving_center_returns(client, world):
    from daiban.api.models import ApiToken

    case = factories.at_department(world)
    factories.far_agent(world)
    _, sender = ApiToken.issue(world.director, "t")
    _, receiver = ApiToken.issue(world.other_director, "t")

    def post(key, path, body):
        return client.post(
            f"/api/v1/cases/{case.pk}/{path}",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )

    assert post(sender, "transfer", {"to_village": 999999, "reason": "迁居"}).status_code == 422
    assert (
        post(
            receiver, "transfer", {"to_village": world.far_village.pk, "reason": "迁居"}
        ).status_code
        == 404
    )  # not (yet) the receiving director's case
    ok = post(sender, "transfer", {"to_village": world.far_village.pk, "reason": "迁居"})
    assert ok.status_code == 200 and ok.json()["state"] == "transferring"
    assert post(sender, "transfer-accept", {}).status_code == 403
    back = post(receiver, "transfer-return", {"reason": "不属本镇"})
    assert back.status_code == 200 and back.json()["state"] == "in_progress"


def test_the_public_tracking_page_says_where_it_went(world):
    from django.utils import translation

    from daiban.portal.selectors import progress

    case = factories.transferring(world)
    lifecycle.accept_transfer(case.pk, actor=world.other_director)
    with translation.override("en"):
        steps = [text for _at, text in progress(Case.objects.get(pk=case.pk)).steps]
    assert "sent to another township's service center" in steps
    assert "taken on by the new township's service center" in steps


@pytest.mark.django_db(transaction=True)
def test_accept_and_return_at_once_one_wins(shared_world):
    from daiban.testing.threads import race

    world = shared_world
    case = factories.transferring(world)
    results = race(
        lambda: lifecycle.accept_transfer(case.pk, actor=world.other_director),
        lambda: lifecycle.return_transfer(case.pk, actor=world.admin, reason="不属本镇"),
    )
    won = [r for r in results if isinstance(r, Case)]
    assert len(won) == 1, results
    assert isinstance([r for r in results if not isinstance(r, Case)][0], NotAllowed)
    transfer = Transfer.objects.get(case=case)
    assert transfer.status in (Transfer.Status.ACCEPTED, Transfer.Status.RETURNED)
    assert Event.objects.filter(case=case, action__startswith="transfer_").count() == 2
    fresh = Case.objects.get(pk=case.pk)
    accepted = transfer.status == Transfer.Status.ACCEPTED
    assert fresh.township == (world.other_township if accepted else world.township)

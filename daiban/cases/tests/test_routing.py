"""Where a file may go (cases/routing.py) and taking back a misdirected one (recall)."""

import pytest
from django.utils import translation

from daiban.cases import lifecycle, routing
from daiban.cases.models import Case, Event
from daiban.cases.selectors import open_hop
from daiban.catalog.models import CountyItem
from daiban.core.errors import CaseError, Conflict, Forbidden, Invalid, NotAllowed
from daiban.places.models import Department
from daiban.testing import factories
from daiban.testing.threads import race
from daiban.testing.world import verified_login


def names(case):
    case = Case.objects.get(pk=case.pk)
    return [str(t.user or t.department) for t in routing.targets(case, open_hop(case))]


def test_the_agent_is_offered_only_the_items_township_department(world):
    case = factories.accepted(world, item=world.subsistence)
    assert names(case) == [world.civil_affairs.name]
    for wrong in (world.county_civil_affairs, world.finance, world.other_finance):
        with translation.override("en"), pytest.raises(Invalid) as caught:
            lifecycle.hand_over(case.pk, actor=world.agent, to_department=wrong)
        assert "not on this item's route" in caught.value.message
        assert world.civil_affairs.name in caught.value.message
    lifecycle.hand_over(case.pk, actor=world.agent, to_department=world.civil_affairs)


def test_a_county_approved_item_goes_to_its_bureau_then_back(world):
    case = factories.at_department(world, item=world.subsistence)
    # The department: the county bureau first, the agent second, never itself.
    assert names(case) == [world.county_civil_affairs.name, str(world.agent)]
    with pytest.raises(Invalid):
        lifecycle.hand_over(
            case.pk, actor=world.clerk_civil_affairs, to_department=world.county_health
        )
    with pytest.raises(Invalid):  # never to oneself
        lifecycle.hand_over(
            case.pk, actor=world.clerk_civil_affairs, to_department=world.civil_affairs
        )
    lifecycle.hand_over(
        case.pk, actor=world.clerk_civil_affairs, to_department=world.county_civil_affairs
    )
    lifecycle.confirm_receipt(case.pk, actor=world.township_agent)
    assert names(case) == [world.civil_affairs.name, str(world.agent)]
    lifecycle.hand_over(case.pk, actor=world.township_agent, to_department=world.civil_affairs)
    lifecycle.confirm_receipt(case.pk, actor=world.clerk_civil_affairs)
    # Back from the county: the agent is the usual next holder now.
    assert names(case)[0] == str(world.agent)
    lifecycle.record_result(case.pk, actor=world.clerk_civil_affairs, granted=True)
    assert names(case) == [str(world.agent)]


def test_a_township_item_never_leaves_the_township(world):
    case = factories.at_department(world)
    assert names(case) == [str(world.agent)]
    with pytest.raises(Invalid):
        lifecycle.hand_over(
            case.pk, actor=world.clerk_finance, to_department=world.county_civil_affairs
        )


def test_the_countys_own_department_and_bureau_win(world):
    CountyItem.objects.create(
        county=world.finance.county,
        item=world.subsistence,
        department=world.finance,
        bureau=world.county_health,
    )
    case = factories.accepted(world, item=world.subsistence)
    assert names(case) == [world.finance.name]
    assert routing.county_bureau(case) == world.county_health


def test_the_page_defaults_to_the_route(client, world):
    case = factories.accepted(world, item=world.subsistence)
    html = verified_login(client, world.agent).get(f"/cases/{case.pk}/").content.decode()
    assert f'value="d{world.civil_affairs.pk}" selected' in html
    assert world.county_civil_affairs.name not in html.split('name="to"')[1].split("</select>")[0]
    response = client.post(
        f"/cases/{case.pk}/hand-over/",
        {"to": f"d{world.county_civil_affairs.pk}", "version": case.version},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).version == case.version  # refused: not a choice


def test_the_api_refuses_a_target_off_the_route(client, world):
    import json

    from daiban.api.models import ApiToken

    case = factories.accepted(world, item=world.subsistence)
    _, key = ApiToken.issue(world.agent, "route")
    post = lambda body: client.post(  # noqa: E731
        f"/api/v1/cases/{case.pk}/hand-over",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert post({"to_department": world.county_civil_affairs.pk}).status_code == 422
    assert post({"to_department": world.civil_affairs.pk}).status_code == 200


def test_the_sender_recalls_a_file_not_yet_signed_for(client, world):
    case = factories.accepted(world)
    papers = list(case.papers.values_list("pk", flat=True))
    lifecycle.hand_over(case.pk, actor=world.agent, to_department=world.finance, paper_ids=papers)
    for outsider in (world.clerk_finance, world.other_agent):
        with pytest.raises(Forbidden):
            lifecycle.recall(case.pk, actor=outsider)
    page = verified_login(client, world.agent).get(f"/cases/{case.pk}/").content.decode()
    assert f"/cases/{case.pk}/recall/" in page
    client.post(f"/cases/{case.pk}/recall/", {"version": Case.objects.get(pk=case.pk).version})
    case = Case.objects.get(pk=case.pk)
    hop = open_hop(case)
    assert hop.holder_user == world.agent and hop.received_at is not None
    assert case.events.last().action == Event.Action.RECALLED
    # The originals never left the agent.
    assert all(p.holder_user_id == world.agent.pk for p in case.papers.all())
    with pytest.raises(NotAllowed):  # nothing on its way any more
        lifecycle.recall(case.pk, actor=world.agent)
    lifecycle.hand_over(case.pk, actor=world.agent, to_department=world.finance, paper_ids=papers)
    lifecycle.confirm_receipt(case.pk, actor=world.clerk_finance)
    with translation.override("en"), pytest.raises(NotAllowed) as caught:
        lifecycle.recall(case.pk, actor=world.agent)
    assert "already confirmed" in caught.value.message


@pytest.mark.django_db(transaction=True)
def test_a_recall_racing_a_confirmation_one_wins(shared_world):
    world = shared_world
    case = factories.accepted(world)
    lifecycle.hand_over(case.pk, actor=world.agent, to_department=world.finance)
    stale = Case.objects.get(pk=case.pk)
    stale2 = Case.objects.get(pk=case.pk)
    results = race(
        lambda: lifecycle.recall(stale, actor=world.agent),
        lambda: lifecycle.confirm_receipt(stale2, actor=world.clerk_finance),
    )
    errors = [r for r in results if isinstance(r, CaseError)]
    assert len(errors) == 1 and isinstance(errors[0], Conflict | NotAllowed), results
    assert errors[0].message
    case.refresh_from_db()
    assert case.version == stale.version + 1
    hop = open_hop(case)
    assert hop.received_at is not None
    assert hop.holder_department_id in (None, world.finance.pk)


def test_no_department_on_the_route(world):
    case = factories.accepted(world, item=world.subsistence)
    Department.objects.filter(pk=world.civil_affairs.pk).update(kind="gone")
    with translation.override("en"), pytest.raises(Invalid) as caught:
        lifecycle.hand_over(case.pk, actor=world.agent, to_department=world.finance)
    assert "no department" in caught.value.message

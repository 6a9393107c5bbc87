"""Issue 18, "Done means": in Chromium, the director replaces an agent who holds files at
three stages and whose originals sit at a department; afterwards every file and paper is
with the successor or where it was, nothing is lost or doubled, each villager has one
text, the public village page shows the new agent, and nobody else may take a step."""

import os

import pytest

from daiban.cases import lifecycle
from daiban.cases.models import Case, Hop, Paper, PaperMove, State
from daiban.cases.selectors import open_hop
from daiban.cases.tests.test_browser import DESK, PHONE, Person
from daiban.notifications.models import Sms
from daiban.people.models import Post, Role, Succession, User
from daiban.people.services import create_staff, register_resident
from daiban.testing import factories
from daiban.testing.browser import CHROMIUM
from daiban.testing.world import at

pytestmark = [
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Chromium is not installed (apt-get install chromium)"
    ),
    pytest.mark.django_db(transaction=True),
]


def _holdings(world):
    """Files at three stages and originals at a department, for two villagers."""
    neighbour = register_resident(
        actor=world.agent,
        name="黄秀兰",
        id_number="459901197001010016",
        phone="13877160001",
        village=world.village,
    )
    pending = lifecycle.start_case(  # stage 1: opened, not yet accepted
        actor=world.agent, resident=neighbour, item=world.birth, at=at("2026-03-02", 9)
    )
    with_agent = factories.accepted(world)  # stage 2: file and originals in the agent's hands
    at_department = factories.at_department(world)  # file and originals at the finance office
    coming_back = factories.with_result(world)  # stage 3: on its way back with its originals
    lifecycle.hand_over(
        coming_back.pk,
        actor=world.clerk_finance,
        to_user=world.agent,
        paper_ids=list(coming_back.papers.values_list("pk", flat=True)),
        at=at("2026-03-03", 9),
    )
    return neighbour, {
        "pending": pending,
        "with_agent": with_agent,
        "at_department": at_department,
        "coming_back": coming_back,
    }


def _custody():
    """Every outstanding original and who holds it: (paper, user, department)."""
    return {
        p.pk: (p.holder_user_id, p.holder_department_id)
        for p in Paper.objects.filter(returned_at__isnull=True)
    }


def _refused(person, url, post_data=None):
    """The person's browser gets a 404 for the page, and for a POST with a valid token."""
    response = person.page.goto(f"{person.base}{url}")
    assert response.status == 404, (person.name, url, response.status)
    if post_data is not None:
        token = next(c["value"] for c in person.context.cookies() if c["name"] == "csrftoken")
        answer = person.context.request.post(
            f"{person.base}{url}", form=post_data, headers={"X-CSRFToken": token}
        )
        assert answer.status == 404, (person.name, url, answer.status)


def test_the_director_replaces_an_agent_in_the_browser(browser, live_server, shared_world):
    world = shared_world
    neighbour, cases = _holdings(world)
    successor = create_staff(
        username="agent_dachang_new",
        password="x",
        display_name="黄新名",
        role=Role.VILLAGE_AGENT,
        village=world.village,
        work_phone="+8613877165555",
    )
    custody_before = _custody()
    hops_before = Hop.objects.count()
    url = f"/staff/{world.agent.pk}/succession/"
    form = {"kind": "succession", "successor": str(successor.pk), "reason": "调任"}

    # Nobody but the township's director reaches the page, or gets a POST through.
    for user in (
        world.agent,
        successor,
        world.other_agent,
        world.petition_agent,
        world.township_agent,
        world.clerk_finance,
        world.leader,
        world.other_director,
    ):
        person = Person(browser, live_server, user, DESK)
        _refused(person, url, form)
        person.close()
    assert not Succession.objects.exists() and Hop.objects.count() == hops_before

    director = Person(browser, live_server, world.director, DESK)
    director.go("/staff/")
    director.page.locator(f"a[href='{url}']").click()
    director.page.wait_for_url(f"**{url}")
    counts = [int(x) for x in director.page.locator("ul.cards li strong").all_inner_texts()]
    assert counts == [4, 2, 2, 0, 2], counts  # cases, files, originals, questions, villagers
    director.shot("succession-confirm")
    # Bad input first: no reason. The page says so and nothing moves.
    director.page.check("input[name=kind][value=succession]")
    director.page.select_option("select[name=successor]", str(successor.pk))
    director.page.fill("input[name=reason]", " ")
    director.page.click("button.primary")
    director.page.wait_for_load_state("load")
    assert director.page.url.endswith(url)
    assert not Succession.objects.exists()
    director.page.fill("input[name=reason]", "调任乡农业站")
    director.page.click("button.primary")
    director.page.wait_for_url(f"{director.base}/staff/")
    assert "黄新名" in director.page.locator(".msg.success").inner_text()
    director.shot("succession-done")

    # Every case answers to the successor; the files and originals are with the successor
    # or where they were (the department's stay there), none with the old agent.
    assert set(Case.objects.values_list("agent_id", flat=True)) == {successor.pk}
    fresh = {name: Case.objects.get(pk=c.pk) for name, c in cases.items()}
    assert fresh["pending"].state == State.PENDING
    assert open_hop(fresh["at_department"]).holder_department == world.finance
    assert _custody() == custody_before  # until the successor signs for the files
    # An original still in the old agent's name travels with a file on its way to the
    # successor, to be signed for; none is left behind.
    for paper in Paper.objects.filter(holder_user=world.agent, returned_at__isnull=True):
        hop = open_hop(paper.case)
        assert hop.holder_user == successor and hop.received_at is None
        assert hop.hop_papers.filter(paper=paper).exists()
    assert not PaperMove.objects.filter(to_user=world.agent, at__gte=at("2026-03-04")).exists()
    # One text for each villager, in the outbox, with the new agent's name and phone.
    texts = list(Sms.objects.filter(template="new_agent"))
    assert len(texts) == 2
    assert all("黄新名" in t.body and successor.work_phone_display in t.body for t in texts), [
        t.body for t in texts
    ]
    # The same request again from the page: the old agent is gone from the staff list.
    response = director.page.goto(f"{director.base}{url}")
    assert response.status == 404
    assert Succession.objects.count() == 1 and Sms.objects.filter(template="new_agent").count() == 2
    director.close()

    # The old agent signs in no more.
    world.agent.refresh_from_db()
    assert not world.agent.is_active and world.agent.post.status == Post.Status.LEFT

    # The successor confirms the two files on the way to them, on a phone.
    new = Person(browser, live_server, successor, PHONE)
    new.check_phone_layout()
    buttons = new.page.locator("form[action$='/confirm/'] button")
    assert buttons.count() == 2
    new.shot("successor-home")
    # Another agent may not sign for the successor's file.
    other = Person(browser, live_server, world.other_agent, PHONE)
    _refused(other, f"/cases/{fresh['with_agent'].pk}/", {})
    other.close()
    for _ in range(2):
        new.go("/")
        new.page.locator("form[action$='/confirm/'] button").first.click()
        new.page.wait_for_selector(".msg.success")
    for name in ("with_agent", "coming_back"):
        hop = open_hop(Case.objects.get(pk=cases[name].pk))
        assert hop.holder_user == successor and hop.received_by == successor
        for paper in Paper.objects.filter(case_id=cases[name].pk, returned_at__isnull=True):
            assert paper.holder_user == successor and paper.holder_department is None
    custody_after = _custody()
    assert custody_after.keys() == custody_before.keys()  # nothing lost, nothing added
    for pk, (user_id, department_id) in custody_after.items():
        before_user, before_department = custody_before[pk]
        in_transit = Paper.objects.get(pk=pk).case_id == cases["coming_back"].pk
        if before_user == world.agent.pk or in_transit:
            assert (user_id, department_id) == (successor.pk, None), pk
        else:
            assert (user_id, department_id) == (before_user, before_department), pk
    new.close()

    # The public village page shows the new agent, not the old one.
    public = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = public.new_page()
    page.goto(f"{live_server.url}/village/{world.village.code}/")
    assert page.locator(".contact .person").inner_text() == "黄新名"
    assert "agent_dachang" not in page.content()
    assert User.objects.get(pk=successor.pk).post.status == Post.Status.IN_POST
    public.close()

"""The annual appraisal (年度考核, issue 18): the director proposes a grade from the year's
scores and the villagers' comments, the township leader approves it, the table is
printed, the 优秀 are commended and an agent graded 不称职 twice is flagged."""

import io

import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from pypdf import PdfReader

from daiban.cases import lifecycle
from daiban.core.errors import Conflict, Forbidden, Invalid, NotAllowed
from daiban.evaluation import appraisal
from daiban.evaluation.models import Appraisal, Grade
from daiban.people.models import Role
from daiban.people.services import create_staff
from daiban.testing import factories
from daiban.testing.world import at


@pytest.fixture
def rated_year(world):
    """Two cases of 2026 closed, one rated by the villager through the link with a comment."""
    first = factories.replied(world)
    lifecycle.close(first.pk, actor=world.director, method="phone", at=at("2026-03-04"))
    lifecycle.rate(first.pk, level=5, comment="代办员跑得勤，省了我好几趟", at=at("2026-03-05"))
    return first


def _propose(world, grade=Grade.EXCELLENT, comment="全年按时办结，群众满意", **kw):
    return appraisal.propose(
        actor=kw.pop("actor", world.director),
        agent=kw.pop("agent", world.agent),
        year=kw.pop("year", 2026),
        grade=grade,
        comment=comment,
        **kw,
    )


def test_propose_keeps_the_years_figures_and_comments_then_the_leader_approves(world, rated_year):
    item, changed = _propose(world)
    assert changed and item.status == Appraisal.Status.PROPOSED
    row = appraisal.year_rows(world.township, 2026)[world.agent.pk]
    assert item.score == row.score
    assert item.figures["completed"] == row.counts["completed"] == 1
    assert item.figures["rated"] == 1 and item.figures["satisfied"] == 1
    assert item.villager_comments == ["代办员跑得勤，省了我好几趟"]
    # The same proposal again changes nothing.
    again, changed = _propose(world)
    assert not changed and again.version == item.version
    approved = appraisal.approve(actor=world.leader, appraisal=item, version=item.version)
    assert approved.status == Appraisal.Status.APPROVED and approved.approved_by == world.leader
    with pytest.raises(NotAllowed):  # twice
        appraisal.approve(actor=world.leader, appraisal=item)
    with pytest.raises(NotAllowed):  # final once approved
        _propose(world, grade=Grade.COMPETENT)
    assert list(appraisal.commendations(world.township.pk, 2026)) == [approved]


def test_a_changed_proposal_needs_a_fresh_look_from_the_leader(world):
    item, _ = _propose(world)
    _propose(world, grade=Grade.COMPETENT, comment="办件量偏少")
    with pytest.raises(Conflict):
        appraisal.approve(actor=world.leader, appraisal=item.pk, version=item.version)
    assert Appraisal.objects.get(pk=item.pk).status == Appraisal.Status.PROPOSED


@pytest.mark.parametrize(
    "field, value",
    [("year", 2099), ("year", "二〇二六"), ("year", 1999), ("grade", "gold"), ("comment", " ")],
)
def test_bad_input_is_refused_and_nothing_stored(world, field, value):
    values = {"year": 2026, "grade": Grade.EXCELLENT, "comment": "全年按时办结"}
    values[field] = value
    with pytest.raises(Invalid):
        appraisal.propose(actor=world.director, agent=world.agent, **values)
    assert not Appraisal.objects.exists()


def test_only_the_director_proposes_and_only_the_leader_approves(world):
    for who in (
        world.agent,
        world.leader,
        world.other_director,
        world.clerk_finance,
        world.supervisor,
    ):
        with pytest.raises(Forbidden):
            _propose(world, actor=who)
    with pytest.raises(Forbidden):  # petition agents are not graded beside the others
        _propose(world, agent=world.petition_agent)
    item, _ = _propose(world)
    other_leader = create_staff(
        username="leader_qs",
        password="x",
        display_name="leader_qs",
        role=Role.TOWNSHIP_LEADER,
        township=world.other_township,
    )
    for who in (world.director, world.agent, other_leader, world.supervisor):
        with pytest.raises(Forbidden):
            appraisal.approve(actor=who, appraisal=item)
    assert Appraisal.objects.get(pk=item.pk).status == Appraisal.Status.PROPOSED
    # The administrator may propose, but not approve what they proposed.
    mine, _ = _propose(world, actor=world.admin, year=2025)
    with pytest.raises(Forbidden):
        appraisal.approve(actor=world.admin, appraisal=mine)


def _fail(world, year):
    item, _ = _propose(world, grade=Grade.INCOMPETENT, comment="多次超期，群众不满意", year=year)
    appraisal.approve(actor=world.leader, appraisal=item)


def test_incompetent_twice_is_flagged_on_the_directors_home(client, world):
    client.force_login(world.director)
    _fail(world, 2024)
    _propose(world, grade=Grade.INCOMPETENT, comment="仍然超期", year=2025)  # not yet approved
    assert not appraisal.to_replace(world.township.pk).exists()
    assert "graded incompetent twice" not in client.get("/").content.decode()
    appraisal.approve(actor=world.leader, appraisal=Appraisal.objects.get(year=2025))
    assert list(appraisal.to_replace(world.township.pk)) == [world.agent]
    home = client.get("/").content.decode()
    assert f"/staff/{world.agent.pk}/succession/" in home
    assert not appraisal.to_replace(world.other_township.pk).exists()


def test_the_pages_and_the_printed_table(client, world, rated_year):
    url = "/manage/appraisals/"
    for who in (world.agent, world.clerk_finance, world.petition_agent):
        client.force_login(who)
        assert client.get(url).status_code == 404, who
        assert client.post(f"{url}propose/", {"agent": world.agent.pk}).status_code == 404, who
    client.force_login(world.director)
    page = client.get(f"{url}?year=2026")
    assert page.status_code == 200 and len(page.content) < 60_000
    form = {"agent": world.agent.pk, "year": "2026", "grade": "excellent"}
    client.post(f"{url}propose/", {**form, "comment": ""})
    assert not Appraisal.objects.exists()
    client.post(f"{url}propose/", {**form, "comment": "<b>全年按时办结</b>"})
    client.post(f"{url}propose/", {**form, "comment": "<b>全年按时办结</b>"})  # twice
    item = Appraisal.objects.get()
    assert item.version == 1
    html = client.get(f"{url}?year=2026").content.decode()
    assert "&lt;b&gt;全年按时办结&lt;/b&gt;" in html and "<b>全年" not in html
    client.force_login(world.leader)
    response = client.post(f"{url}{item.pk}/approve/", {"version": item.version})
    assert response.status_code == 302
    assert Appraisal.objects.get().status == Appraisal.Status.APPROVED
    pdf = client.get(f"{url}?year=2026&format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    text = text.replace(" ", "").replace("\n", "")
    with translation.override("zh-hans"):  # the paper is in Chinese, as translated
        grade = str(Grade.EXCELLENT.label)
        heading = _("Commendation list (excellent, approved)")
    for part in (world.village.name, grade, "<b>全年按时办结</b>", "leader", heading):
        assert part.replace(" ", "") in text, part


@pytest.mark.django_db(transaction=True)
def test_approval_and_a_new_proposal_at_once_never_undo_each_other(shared_world):
    from daiban.testing.threads import race

    world = shared_world
    item, _ = _propose(world)
    results = race(
        lambda: appraisal.approve(actor=world.leader, appraisal=item.pk, version=item.version),
        lambda: _propose(world, grade=Grade.COMPETENT, comment="办件量偏少"),
    )
    fresh = Appraisal.objects.get(pk=item.pk)
    if fresh.status == Appraisal.Status.APPROVED:
        # Approved first: the new proposal was refused; or proposed first: the approval was
        # refused as stale. Either way what was approved is what the leader saw.
        assert fresh.grade == Grade.EXCELLENT and isinstance(results[1], NotAllowed), results
    else:
        assert fresh.grade == Grade.COMPETENT and isinstance(results[0], Conflict), results

"""通报: drafted from March's rankings and supervision, edited and published by the
county supervisor, read by staff, and on the public site with the commended names only."""

import datetime

import pytest

from daiban.audit.models import AuditRecord
from daiban.cases import lifecycle
from daiban.cases.selectors import complete_checklist
from daiban.core.errors import Conflict, Forbidden, Invalid, NotAllowed
from daiban.evaluation import bulletins
from daiban.evaluation.models import Bulletin
from daiban.testing import factories
from daiban.testing.figures import build
from daiban.testing.world import at, verified_login

MARCH = datetime.date(2026, 3, 1)


def overdue_in_yankou(world):
    """岩口村's agent took a passbook case on 2 March and never finished it."""
    case = lifecycle.start_case(
        actor=world.other_agent,
        resident=world.other_resident,
        item=world.passbook,
        at=at("2026-03-02", 9),
    )
    lifecycle.accept(
        case,
        actor=world.other_agent,
        received=complete_checklist(world.passbook),
        entrustment=factories.entrusted(world),
        at=at("2026-03-02", 10),
    )


@pytest.fixture
def drafted(world):
    build(world)
    overdue_in_yankou(world)
    return bulletins.draft(world.county, MARCH, actor=world.supervisor)


def test_the_draft_commends_the_best_and_names_the_overdue_and_unrectified(world, drafted):
    by_key = {e["key"]: e for e in drafted.entries}
    agent = by_key[f"agent:{world.agent.pk}"]
    assert (agent["side"], agent["rank"], agent["place"]) == (
        "commended",
        1,
        "大厂壮族乡大厂村委会",
    )
    assert agent["score"] == "31.67" and agent["n"] == 2  # B and E completed in March
    assert by_key[f"township:{world.township.pk}"]["side"] == "commended"
    # B's 不满意 rating of 20 March: its rectification is long past due and still open.
    assert by_key[f"unrectified:{world.agent.pk}"]["n"] == 1
    late = by_key[f"overdue:{world.other_agent.pk}"]
    assert (late["side"], late["n"], late["place"]) == ("criticised", 1, "大厂壮族乡岩口村委会")
    assert f"agent:{world.other_agent.pk}" not in by_key  # not scored: nothing completed
    assert "2026年3月" in drafted.title and drafted.status == Bulletin.Status.DRAFT


def test_drafting_again_refreshes_the_entries_and_keeps_the_text(world, drafted):
    bulletins.edit(
        drafted.pk,
        actor=world.supervisor,
        version=drafted.version,
        title="三月通报",
        body="表扬先进",
        left_out=[f"overdue:{world.other_agent.pk}"],
    )
    again = bulletins.draft(world.county, MARCH, actor=world.supervisor)
    assert again.pk == drafted.pk and (again.title, again.body) == ("三月通报", "表扬先进")
    assert again.left_out == [f"overdue:{world.other_agent.pk}"]
    assert Bulletin.objects.count() == 1


def test_only_the_county_supervisor_drafts_edits_and_publishes(world, drafted):
    before = Bulletin.objects.values().get(pk=drafted.pk)
    for outsider in (world.director, world.leader, world.agent):
        with pytest.raises(Forbidden):
            bulletins.draft(world.county, MARCH, actor=outsider)
        with pytest.raises(Forbidden):
            bulletins.edit(drafted.pk, actor=outsider, version=1, title="x", body="", left_out=[])
        with pytest.raises(Forbidden):
            bulletins.publish(drafted.pk, actor=outsider)
    assert Bulletin.objects.values().get(pk=drafted.pk) == before


def test_bad_input_and_stale_edits_change_nothing(world, drafted):
    before = Bulletin.objects.values().get(pk=drafted.pk)
    kwargs = {"actor": world.supervisor, "version": drafted.version, "body": ""}
    with pytest.raises(Invalid):
        bulletins.edit(drafted.pk, title="  ", left_out=[], **kwargs)
    with pytest.raises(Invalid):
        bulletins.edit(drafted.pk, title="x" * 121, left_out=[], **kwargs)
    with pytest.raises(Invalid):
        bulletins.edit(drafted.pk, title="通报", left_out=["agent:99999"], **kwargs)
    with pytest.raises(Invalid):
        bulletins.draft(world.county, datetime.date(2099, 1, 1), actor=world.supervisor)
    assert Bulletin.objects.values().get(pk=drafted.pk) == before
    bulletins.edit(drafted.pk, title="通报一", left_out=[], **kwargs)
    with pytest.raises(Conflict):  # a second tab still holding the old version
        bulletins.edit(drafted.pk, title="通报二", left_out=[], **kwargs)
    assert Bulletin.objects.get(pk=drafted.pk).title == "通报一"


def test_published_once_then_frozen(world, drafted):
    bulletins.publish(drafted.pk, actor=world.supervisor)
    with pytest.raises(NotAllowed):
        bulletins.publish(drafted.pk, actor=world.supervisor)
    with pytest.raises(NotAllowed):
        bulletins.draft(world.county, MARCH, actor=world.supervisor)
    with pytest.raises(NotAllowed):
        bulletins.edit(
            drafted.pk, actor=world.supervisor, version=2, title="改", body="", left_out=[]
        )
    assert AuditRecord.objects.filter(action="bulletin.publish").count() == 1


def test_through_the_pages_staff_read_it_and_the_public_sees_the_commended(client, world, drafted):
    verified_login(client, world.supervisor)
    page = f"/manage/bulletins/{drafted.pk}/"
    keep = [e["key"] for e in drafted.entries]
    client.post(
        f"{page}edit/",
        {
            "version": drafted.version,
            "title": "<i>三月</i>通报",
            "body": "表扬<script>",
            "keep": keep,
        },
    )
    client.post(f"{page}publish/")
    client.post(f"{page}publish/")  # twice: a message, nothing more
    bulletin = Bulletin.objects.get(pk=drafted.pk)
    assert bulletin.status == "published" and bulletin.title == "<i>三月</i>通报"

    # Staff of the county read it, criticised names included, escaped.
    verified_login(client, world.other_agent)
    html = client.get(page).content.decode()
    assert "&lt;i&gt;三月&lt;/i&gt;通报" in html and "<script>" not in html
    assert "agent_yankou" in html
    assert "/publish/" not in html and "/edit/" not in html  # reading only
    # A draft is the supervisor's alone.
    second = bulletins.draft(world.county, datetime.date(2026, 2, 1), actor=world.supervisor)
    assert client.get(f"/manage/bulletins/{second.pk}/").status_code == 404
    assert client.post(f"/manage/bulletins/{second.pk}/publish/").status_code == 404
    assert Bulletin.objects.get(pk=second.pk).status == "draft"
    assert client.post("/manage/bulletins/draft/", {"month": "2026-03"}).status_code == 403

    # The public page: the commended, never the criticised.
    client.logout()
    public = client.get("/bulletins/").content.decode()
    assert "&lt;i&gt;三月&lt;/i&gt;通报" in public and "agent_dachang" in public
    assert "agent_yankou" not in public and "批评" not in public
    assert len(client.get("/bulletins/").content) < 40_000


def test_a_bad_month_on_the_page_is_a_message(client, world, drafted):
    verified_login(client, world.supervisor)
    response = client.post("/manage/bulletins/draft/", {"month": "2026-13"}, follow=True)
    assert response.status_code == 200 and Bulletin.objects.count() == 1
    assert any(m.level_tag == "error" for m in response.context["messages"])

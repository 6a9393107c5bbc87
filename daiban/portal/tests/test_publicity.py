"""宣传: the center director and the county supervisor write notices and good-example
stories; published, they are on the public site and the village pages they belong to,
and print as an A4 or A3 poster with the month's public figures."""

import io

import pypdf
import pytest

from daiban.core.errors import Conflict, Forbidden, Invalid, NotAllowed
from daiban.portal import publicity
from daiban.portal.models import Notice
from daiban.testing.world import verified_login

STORY = "大厂村代办员帮胡建荣一次办成存折更名，少跑三趟。<script>alert(1)</script>"


@pytest.fixture
def story(world):
    return publicity.write(actor=world.director, kind="story", title="一次办成", body=STORY)


def test_only_the_director_and_the_county_supervisor_write(world, story):
    for outsider in (world.agent, world.leader, world.clerk_finance):
        with pytest.raises(Forbidden):
            publicity.write(actor=outsider, kind="story", title="标题", body=STORY)
    with pytest.raises(Forbidden):  # another township's director
        publicity.publish(story.pk, actor=world.other_director)
    with pytest.raises(Forbidden):  # the county does not publish the township's notices
        publicity.publish(story.pk, actor=world.supervisor)
    assert Notice.objects.get(pk=story.pk).status == "draft"
    assert Notice.objects.count() == 1


def test_bad_input_changes_nothing_and_a_stale_edit_is_a_conflict(world, story):
    for title, body, kind in [
        ("", STORY, "story"),
        ("x" * 61, STORY, "story"),
        ("标题", "短", "story"),
        ("标题", STORY, "poem"),
    ]:
        with pytest.raises(Invalid):
            publicity.write(actor=world.director, kind=kind, title=title, body=body)
        with pytest.raises(Invalid):
            publicity.edit(
                story.pk, actor=world.director, version=1, kind=kind, title=title, body=body
            )
    assert Notice.objects.count() == 1 and Notice.objects.get().version == 1
    publicity.edit(
        story.pk, actor=world.director, version=1, kind="story", title="一次办成！", body=STORY
    )
    with pytest.raises(Conflict):
        publicity.edit(
            story.pk, actor=world.director, version=1, kind="story", title="旧", body=STORY
        )
    assert Notice.objects.get().title == "一次办成！"


def test_published_once_on_the_portal_and_the_villages_it_belongs_to(client, world, story):
    county = publicity.write(
        actor=world.supervisor,
        kind="announcement",
        title="县里公告",
        body="全县推行群众事务代办制。",
    )
    publicity.publish(story.pk, actor=world.director)
    with pytest.raises(NotAllowed):
        publicity.publish(story.pk, actor=world.director)
    with pytest.raises(NotAllowed):
        publicity.edit(
            story.pk, actor=world.director, version=1, kind="story", title="改", body=STORY
        )
    # Drafts are nowhere public.
    assert client.get(f"/news/{county.pk}/").status_code == 404
    publicity.publish(county.pk, actor=world.supervisor)

    dachang = client.get(f"/village/{world.village.code}/").content.decode()
    assert "一次办成" in dachang and "县里公告" in dachang
    far = client.get(f"/village/{world.far_village.code}/").content.decode()
    assert "县里公告" in far and "一次办成" not in far  # another township's story
    page = client.get(f"/news/{story.pk}/")
    html = page.content.decode()
    assert "&lt;script&gt;" in html and "<script>alert" not in html
    assert len(page.content) < 40_000
    assert "一次办成" in client.get("/news/").content.decode()


def test_the_poster_prints_a4_and_a3_with_the_months_figures(client, world, story):
    publicity.publish(story.pk, actor=world.director)
    a4 = pypdf.PdfReader(io.BytesIO(client.get(f"/news/{story.pk}/poster.pdf?size=A4").content))
    a3 = pypdf.PdfReader(io.BytesIO(client.get(f"/news/{story.pk}/poster.pdf?size=a3").content))
    assert round(float(a4.pages[0].mediabox.width)) == 595  # 210 mm
    assert round(float(a3.pages[0].mediabox.width)) == 842  # 297 mm
    text = "".join(p.extract_text() for p in a4.pages).replace("\n", "")
    assert "<script>alert(1)</script>" in text  # printed as written, not as markup
    assert "典型案例" in text and "大厂壮族乡" in text and "按时办结率" in text
    assert "青石镇" not in text  # the township's figures only
    bad = client.get(f"/news/{story.pk}/poster.pdf?size=A0")
    assert bad.status_code == 400


def test_the_pages_write_edit_and_publish(client, world):
    verified_login(client, world.director)
    client.post("/manage/notices/", {"kind": "story", "title": "", "body": STORY})
    assert Notice.objects.count() == 0
    response = client.post(
        "/manage/notices/", {"kind": "story", "title": "一次办成", "body": STORY}
    )
    notice = Notice.objects.get()
    assert response.url == f"/manage/notices/{notice.pk}/"
    client.post(
        f"/manage/notices/{notice.pk}/",
        {"version": 1, "kind": "story", "title": "改过", "body": STORY},
    )
    client.post(f"/manage/notices/{notice.pk}/publish/")
    client.post(f"/manage/notices/{notice.pk}/publish/")
    notice.refresh_from_db()
    assert (notice.title, notice.status, notice.version) == ("改过", "published", 2)
    client.force_login(world.agent)
    assert client.get("/manage/notices/").status_code == 403
    verified_login(client, world.other_director)
    assert client.post(f"/manage/notices/{notice.pk}/publish/").status_code == 404

"""A month goes up in Chromium, each role at its own browser: the 2nd drafts the report,
the center director submits it with a note, the township leader signs it off, the county
supervisor (with the second factor) receives it. The wrong role is offered no button and
refused if it posts anyway; the same step twice is refused with a message; a bad month or
step changes nothing."""

import io
import os

import pypdf
import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from daiban.figures import monthly
from daiban.figures.models import MonthlyReport
from daiban.portal.tests.test_accessibility import audit
from daiban.testing.browser import CHROMIUM
from daiban.testing.figures import build

from .test_monthly import MARCH

pytestmark = [
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Chromium is not installed (apt-get install chromium)"
    ),
    pytest.mark.django_db(transaction=True),
]


def _login(browser, live_server, user):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", bypass_csp=True
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "x")
    page.click("button.primary")
    if "/otp/" in page.url:
        device = TOTPDevice.objects.get(user=user)
        page.fill("input[name=code]", f"{totp(device.bin_key):06d}")
        page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def _post_step(context, page, live_server, report, step):
    """What a stale tab or a crafted form sends: the step's POST with the page's token."""
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    return context.request.post(
        f"{live_server.url}/manage/monthly/{report.pk}/{step}/",
        form={"csrfmiddlewaretoken": token},
        headers={"Referer": page.url},
    )


def test_a_month_is_generated_submitted_signed_and_received(browser, live_server, shared_world):
    world = shared_world
    build(world)
    assert monthly.generate(MARCH) == 2
    report = MonthlyReport.objects.get(township=world.township, month=MARCH)
    TOTPDevice.objects.create(user=world.supervisor, name="phone", confirmed=True)

    # The county sees both townships not reported yet.
    county, page = _login(browser, live_server, world.supervisor)
    page.goto(f"{live_server.url}/manage/monthly/?month=2026-03")
    assert "本月有2个乡镇未报送" in page.inner_text("main")
    assert page.locator("li.card.overdue").count() == 2
    assert audit(page) == []
    # Not yet signed: the county has nothing to receive, and a forced POST changes nothing.
    page.click(f"a[href='/manage/monthly/{report.pk}/']")
    assert page.locator("form button.primary").count() == 0
    _post_step(county, page, live_server, report, "receive")
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.DRAFT

    # The director reviews the draft and submits it with a note (user text, escaped).
    director, page = _login(browser, live_server, world.director)
    page.click("nav.tabs >> text=数据统计")
    page.click("text=月报")
    page.click(f"a[href='/manage/monthly/{report.pk}/']")
    assert "2026年3月" in page.inner_text("h1")
    assert audit(page) == []
    stale = director.new_page()  # a second tab on the same draft
    stale.goto(page.url)
    note = "<b>3月</b> 按时"
    page.fill("textarea[name=note]", note)
    page.click("text=提交乡镇领导")
    assert page.inner_text("p.msg.success") == "已完成。"
    assert note in page.inner_text("main")  # shown as text, not as markup
    assert page.locator("main b").count() == 0
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.SUBMITTED
    assert report.submitted_by == world.director and report.note == note
    # The director may not sign their own; the same submit twice is refused with a message.
    assert page.locator("form button.primary").count() == 0
    stale.click("text=提交乡镇领导")
    assert stale.inner_text("p.msg.error") == "月报不在这一步。"
    _post_step(director, page, live_server, report, "sign")
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.SUBMITTED and report.signed_by is None
    # A step that does not exist is a 404, not a 500.
    assert _post_step(director, page, live_server, report, "approve").status == 404

    # The leader signs it off; a second click from a stale tab is refused.
    leader, page = _login(browser, live_server, world.leader)
    page.goto(f"{live_server.url}/manage/monthly/{report.pk}/")
    stale = leader.new_page()
    stale.goto(page.url)
    page.click("text=签批并报县")
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.SIGNED and report.signed_by == world.leader
    stale.click("text=签批并报县")
    assert stale.inner_text("p.msg.error") == "月报不在这一步。"
    # The other township's director does not see it at all.
    other, other_page = _login(browser, live_server, world.other_director)
    assert other_page.goto(f"{live_server.url}/manage/monthly/{report.pk}/").status == 404
    other.close()

    # The county receives it; its board now shows one township reported, one not.
    page = county.new_page()
    page.goto(f"{live_server.url}/manage/monthly/{report.pk}/")
    page.click("text=确认接收")
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.RECEIVED and report.received_by == world.supervisor
    assert page.locator("form button.primary").count() == 0
    page.goto(f"{live_server.url}/manage/monthly/?month=2026-03")
    assert page.locator("li.card.overdue").count() == 1
    # A month that is not a month shows last month's board, not an error.
    assert page.goto(f"{live_server.url}/manage/monthly/?month=2026-13").status == 200
    # The printed report carries who submitted, signed and received it.
    body = county.request.get(f"{live_server.url}/manage/monthly/{report.pk}.pdf").body()
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages)
    text = text.replace("\n", "")
    assert "director" in text and "leader" in text and "supervisor" in text
    for context in (county, director, leader):
        context.close()

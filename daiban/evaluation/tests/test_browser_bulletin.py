"""The county supervisor drafts March's 通报 in Chromium, leaves one criticism out,
publishes it; the public page shows the commended and no criticised name. A director is
offered nothing to change; publishing twice from a stale tab is refused."""

import os

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from daiban.evaluation.models import Bulletin
from daiban.evaluation.tests.test_bulletins import overdue_in_yankou
from daiban.figures.tests.test_browser_monthly import _login
from daiban.portal.tests.test_accessibility import audit
from daiban.testing.browser import CHROMIUM
from daiban.testing.figures import build

pytestmark = [
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Chromium is not installed (apt-get install chromium)"
    ),
    pytest.mark.django_db(transaction=True),
]


def test_a_bulletin_is_drafted_published_and_shown_on_the_public_page(
    browser, live_server, shared_world
):
    world = shared_world
    build(world)
    overdue_in_yankou(world)
    TOTPDevice.objects.create(user=world.supervisor, name="phone", confirmed=True)

    county, page = _login(browser, live_server, world.supervisor)
    page.click("nav.tabs a[href='/manage/bulletins/']")
    page.fill("input[name=month]", "2026-13")  # not a month: a message, nothing drafted
    page.click("form.stack button.primary")
    assert page.locator("p.msg.error").count() == 1 and Bulletin.objects.count() == 0
    page.fill("input[name=month]", "2026-03")
    page.click("form.stack button.primary")
    page.wait_for_url("**/manage/bulletins/*/")
    bulletin = Bulletin.objects.get()
    assert audit(page) == []
    stale = county.new_page()
    stale.goto(page.url)
    page.fill("input[name=title]", "2026年3月代办工作通报 <b>表扬</b>")
    page.uncheck(f"input[value='unrectified:{world.agent.pk}']")
    page.click("form.stack button:not(.primary)")  # save
    bulletin.refresh_from_db()
    assert bulletin.left_out == [f"unrectified:{world.agent.pk}"]
    page.click("form:not(.stack) button.primary")
    bulletin.refresh_from_db()
    assert bulletin.status == "published" and bulletin.published_by == world.supervisor
    # The stale tab's publish: refused with a message.
    stale.click("form:not(.stack) button.primary")
    assert stale.locator("p.msg.error").count() == 1

    # A director reads it, criticised names included, with nothing to change.
    director, page = _login(browser, live_server, world.director)
    page.goto(f"{live_server.url}/manage/bulletins/{bulletin.pk}/")
    main = page.inner_text("main")
    assert "agent_yankou" in main and "<b>表扬</b>" in page.inner_text("h1")
    assert page.locator("main form").count() == 0

    # The public site: the commended only.
    public = browser.new_context(locale="zh-CN", bypass_csp=True).new_page()
    public.goto(f"{live_server.url}/guide/")
    public.click("nav.tabs a[href='/bulletins/']")
    text = public.inner_text("main")
    assert "2026年3月代办工作通报 <b>表扬</b>" in text and "agent_dachang" in text
    assert "agent_yankou" not in text
    assert audit(public) == []
    for context in (county, director, public.context):
        context.close()

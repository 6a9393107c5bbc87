"""A director at an office PC and a leader on a phone use the figures in Chromium: axe finds
nothing serious, a bar of the chart opens its cases, the report downloads, nothing
scrolls sideways on a 360 px screen."""

import io
import os

import pypdf
import pytest

from daiban.testing.browser import CHROMIUM, audit
from daiban.testing.figures import build

pytestmark = [
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Chromium is not installed (apt-get install chromium)"
    ),
    pytest.mark.django_db(transaction=True),
]

PERIOD = "?from=2026-01&to=2026-03"


def _login(browser, live_server, user, viewport):
    context = browser.new_context(viewport=viewport, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "x")
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def test_the_director_reads_the_figures_and_follows_a_bar(browser, live_server, shared_world):
    world = shared_world
    build(world)
    context, page = _login(browser, live_server, world.director, {"width": 1280, "height": 900})
    page.click("nav.tabs >> text=数据统计")
    page.goto(f"{live_server.url}/manage/{PERIOD}")
    assert audit(page) == []
    # March's "completed" bar: B and E.
    page.click("svg.chart a:has(rect.b) >> nth=2")
    page.wait_for_url("**/manage/cases/**")
    assert "2 件" in page.inner_text("main")
    assert {"粮食直补存折更名 · 大厂村委会", "生育登记 · 大厂村委会"} <= set(
        page.locator("li.card strong").all_inner_texts()
    )
    assert audit(page) == []
    page.goto(f"{live_server.url}/manage/agents/{PERIOD}")
    assert "47.17" in page.inner_text("main")
    assert audit(page) == []
    response = context.request.get(f"{live_server.url}/manage/report.pdf{PERIOD}")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.body())).pages)
    assert "实施情况报告" in text.replace("\n", "")
    context.close()


def test_the_leader_on_a_phone_scrolls_only_downwards(browser, live_server, shared_world):
    world = shared_world
    build(world)
    context, page = _login(browser, live_server, world.leader, {"width": 360, "height": 640})
    for path in (
        "/manage/",
        "/manage/cases/?measure=completed&from=2026-01&to=2026-03",
        "/manage/agents/",
        "/manage/payments/",
        "/manage/scheme/",
    ):
        page.goto(f"{live_server.url}{path}{'' if '?' in path else PERIOD}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width}px wide"
        assert audit(page) == [], path
    context.close()


def test_the_agent_reads_their_own_figures_on_a_phone(browser, live_server, shared_world):
    world = shared_world
    build(world)
    context, page = _login(browser, live_server, world.agent, {"width": 360, "height": 640})
    page.click("nav.tabs >> text=我的考核")
    page.wait_for_url("**/my-figures/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert audit(page) == []
    assert "我的补贴发放" in page.inner_text("main")
    context.close()

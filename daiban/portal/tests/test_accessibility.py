"""axe-core in Chromium on every public page type: no serious or critical violations,
and each page readable on a 360 px phone without sideways scrolling or JavaScript."""

import os

import pytest

from daiban.cases.models import Case
from daiban.testing import factories
from daiban.testing.browser import CHROMIUM, audit

pytestmark = [
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Chromium is not installed (apt-get install chromium)"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_public_page_type_passes_axe(browser, live_server, shared_world, language):
    world = shared_world
    case = Case.objects.get(pk=factories.at_department(world).pk)
    # axe is injected as an inline script, which our Content Security Policy forbids.
    context = browser.new_context(
        viewport={"width": 360, "height": 640}, java_script_enabled=True, bypass_csp=True
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    pages = {
        "guide": "/guide/",
        "guide search": "/guide/?q=hk",
        "item": f"/guide/{world.passbook.code}/",
        "in-person item": f"/guide/{world.marriage.code}/",
        "find my agent": f"/agents/?township={world.township.code}",
        "village": f"/village/{world.village.code}/",
        "track form": f"/track/?code={case.tracking_code}",
        "figures": "/figures/",
    }
    failures = {}
    for name, path in pages.items():
        page.goto(live_server.url + path)
        found = audit(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        if found or width > 360:
            failures[name] = (found, width)
    # The look-up's answer and its refusal, reached by the form itself.
    page.goto(f"{live_server.url}/track/?code={case.tracking_code}")
    page.fill("#digits", "0412")
    page.click("form button.primary")
    page.wait_for_selector("ol.steps")
    failures.update({"track result": audit(page)} if audit(page) else {})
    page.goto(f"{live_server.url}/track/")
    page.fill("#code", "ABCDEFGHJK")
    page.fill("#digits", "1111")
    page.click("form button.primary")
    page.wait_for_selector(".msg.error")
    failures.update({"track error": audit(page)} if audit(page) else {})
    # Large-text mode is a link, and the page must still fit.
    page.goto(f"{live_server.url}/guide/")
    page.click("a[href*='on=1']")
    page.wait_for_url("**/guide/")
    assert "large" in page.get_attribute("body", "class")
    if audit(page) or page.evaluate("document.documentElement.scrollWidth") > 360:
        failures["large text"] = audit(page)
    assert failures == {}
    context.close()


def test_public_pages_work_without_javascript(browser, live_server, shared_world):
    world = shared_world
    case = Case.objects.get(pk=factories.at_department(world).pk)
    context = browser.new_context(viewport={"width": 360, "height": 640}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/agents/")
    page.select_option("#township", world.township.code)
    page.click("form button.primary")
    page.select_option("#village", world.village.code)
    page.click("form button.primary")
    page.wait_for_url(f"**/village/{world.village.code}/")
    assert "大厂村委会" in page.content()
    page.goto(f"{live_server.url}/track/?code={case.tracking_code}")
    page.fill("#digits", "0412")
    page.click("form button.primary")
    assert "胡*荣" in page.content()
    context.close()

"""In Chromium: the director edits a village station and proposes a yearly grade; the
township leader approves it; the public village page shows the station."""

import os

import pytest

from daiban.cases.tests.test_browser import DESK, PHONE, Person
from daiban.evaluation.models import Appraisal
from daiban.places.models import Village
from daiban.testing.browser import CHROMIUM

pytestmark = [
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Chromium is not installed (apt-get install chromium)"
    ),
    pytest.mark.django_db(transaction=True),
]


def test_station_and_appraisal_in_the_browser(browser, live_server, shared_world):
    world = shared_world
    director = Person(browser, live_server, world.director, DESK)
    director.go("/staff/")
    director.page.click("a[href='/staff/stations/']")
    director.page.click(f"a[href='/staff/stations/{world.village.pk}/']")
    director.page.fill("input[name=station_phone]", "12345")
    director.page.fill("textarea[name=station_equipment]", "办公桌、电脑、打印机")
    director.page.click("button.primary")
    director.page.wait_for_selector("p.error")  # the phone is refused, the rest kept
    assert director.page.input_value("textarea[name=station_equipment]") == "办公桌、电脑、打印机"
    director.page.fill("input[name=station_phone]", "0776-6110200")
    director.page.fill("input[name=station_allowance]", "1200")
    director.shot("station-edit")
    director.page.click("button.primary")
    director.page.wait_for_url(f"{director.base}/staff/stations/")
    assert Village.objects.get(pk=world.village.pk).station_allowance == 1200

    director.go("/manage/appraisals/?year=2026")
    form = f"form:has(input[name=agent][value='{world.agent.pk}'])"
    director.page.select_option(f"{form} select[name=grade]", "excellent")
    director.page.fill(f"{form} textarea[name=comment]", "全年按时办结，群众满意")
    director.page.click(f"{form} button")
    director.page.wait_for_selector(".msg.success")
    director.shot("appraisal-proposed")
    # The director cannot approve their own proposal: no button for them.
    assert director.page.locator("form[action$='/approve/']").count() == 0
    director.close()

    leader = Person(browser, live_server, world.leader, DESK)
    leader.go("/manage/appraisals/?year=2026")
    leader.page.click("form[action$='/approve/'] button")
    leader.page.wait_for_selector(".msg.success")
    leader.shot("appraisal-approved")
    assert Appraisal.objects.get().status == Appraisal.Status.APPROVED
    leader.close()

    public = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = public.new_page()
    page.goto(f"{live_server.url}/village/{world.village.code}/")
    text = page.locator("dl.facts").inner_text()
    assert "07766110200" in text and "办公桌、电脑、打印机" in text and "1200" in text
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    if os.environ.get("DAIBAN_SCREENSHOTS"):
        shots = os.environ["DAIBAN_SCREENSHOTS"]
        page.screenshot(path=os.path.join(shots, "village-public.png"), full_page=True)
    public.close()

"""Issue 15's story in Chromium: 低保 (最低生活保障申请, decided by the county) from the
inquiry by its common name to the villager reading the result on the tracking page, then
complaining and reading the director's written answer.
The agent on a 360×640 phone, the clerks and the township agent at desks; every handover
goes where the route's default points."""

import os

import pytest

from daiban.cases.models import Case, State
from daiban.cases.selectors import complete_checklist
from daiban.cases.tests.test_browser import (
    DESK,
    PHONE,
    Person,
    confirm,
    hand_to,
    open_case_from_inquiry,
    record,
)
from daiban.notifications.models import Sms
from daiban.supervision.models import Complaint
from daiban.testing.browser import CHROMIUM

pytestmark = [
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Chromium is not installed (apt-get install chromium)"
    ),
    pytest.mark.django_db(transaction=True),
]


def test_subsistence_from_alias_to_tracked_result(browser, live_server, shared_world):
    world = shared_world
    item = world.subsistence
    agent = Person(browser, live_server, world.agent, PHONE)

    # Found by the word villagers use; the first visit brings only the first material.
    case = open_case_from_inquiry(agent, "低保", item.name)
    first, *rest = complete_checklist(item)
    agent.page.check(f"input[name=ok_{first.material_id}]")
    agent.page.click("button[name=supplement]")
    agent.page.wait_for_url(f"**/cases/{case.pk}/")
    assert Case.objects.get(pk=case.pk).state == State.AWAITING_MATERIALS

    # The second visit keeps what was received and marks what was missing.
    agent.page.click("text=核对材料并受理")
    agent.check_phone_layout()
    assert agent.page.is_checked(f"input[name=ok_{first.material_id}]")
    assert agent.page.locator(".card.missing").count() == len(rest)
    for row in rest:
        agent.page.check(f"input[name=ok_{row.material_id}]")
    agent.page.fill("input[name=signed_by]", world.resident.name)
    agent.page.click("button[name=accept]")
    agent.page.wait_for_url(f"**/cases/{case.pk}/")
    case.refresh_from_db()
    assert case.state == State.IN_PROGRESS

    # Agent → the township's civil-affairs office (the default, no county bureau offered).
    agent.case_page(case)
    options = agent.page.eval_on_selector_all("select[name=to] option", "os => os.map(o => o.text)")
    assert options == [world.civil_affairs.name]
    agent.check_phone_layout()
    hand_to(agent, case, world.civil_affairs.name)

    # The office → the county bureau by default; the township agent carries it there and back.
    civil = Person(browser, live_server, world.clerk_civil_affairs, DESK)
    confirm(civil, case)
    hand_to(civil, case, world.county_civil_affairs.name)
    carrier = Person(browser, live_server, world.township_agent, DESK)
    confirm(carrier, case)
    hand_to(carrier, case, world.civil_affairs.name)
    confirm(civil, case)
    record(civil, case, "云民低保〔2026〕12号")
    hand_to(civil, case, world.agent.username)

    # The agent brings the result home: reply, delivery receipt.
    confirm(agent, case)
    agent.page.fill("input[name=signed_by]", world.resident.name)
    agent.page.click("form[action$='reply/'] button.primary")
    agent.page.wait_for_selector(".msg.success")
    case.refresh_from_db()
    assert case.state == State.REPLIED
    text = agent.pdf_text(f"/cases/{case.pk}/delivery-receipt.pdf")
    assert "送达回证" in text and case.number in text

    # The villager tracks it without logging in and sees the result.
    villager = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    villager.goto(f"{live_server.url}/track/")
    villager.fill("input[name=code]", case.tracking_code)
    villager.fill("input[name=digits]", "0412")
    villager.click("main button")
    villager.wait_for_selector("text=云民低保〔2026〕12号")

    # Not happy: a complaint with a reference number, answered in writing and texted back.
    villager.click("summary:has-text('我要投诉')")
    villager.select_option("select[name=about]", "agent")
    villager.fill("textarea[name=text]", "结果送得太慢")
    villager.click("form[action$='complain/'] button")
    complaint = Complaint.objects.get(case=case)
    villager.wait_for_selector(f"text={complaint.number}")
    director = Person(browser, live_server, world.director, DESK)
    director.page.goto(f"{live_server.url}/supervision/")
    director.page.wait_for_selector(f"text=投诉{complaint.number}")
    director.page.fill("textarea[name=text]", "已督促代办员当天送达，向您致歉。")
    director.page.click("form[action*='answer'] button.primary")
    director.page.wait_for_selector(".msg.success")
    assert Sms.objects.filter(template="complaint_answered", case=case).count() == 1
    villager.goto(f"{live_server.url}/track/")
    villager.fill("input[name=code]", case.tracking_code)
    villager.fill("input[name=digits]", "0412")
    villager.click("main button")
    villager.wait_for_selector("text=已督促代办员当天送达")
    villager.context.close()
    for person in (agent, civil, carrier, director):
        person.close()

"""The whole story in Debian's Chromium: the agent on a phone, the clerks on office PCs.

Skipped, with the reason, only where no Chromium is installed (`apt-get install chromium`).
"""

import io
import os

import pytest
from pypdf import PdfReader

from daiban.cases.models import Case, State
from daiban.cases.selectors import complete_checklist
from daiban.testing.browser import CHROMIUM

PHONE = {"width": 360, "height": 640}
DESK = {"width": 1280, "height": 800}
SCREENSHOTS = os.environ.get("DAIBAN_SCREENSHOTS")

pytestmark = [
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Chromium is not installed (apt-get install chromium)"
    ),
    pytest.mark.django_db(transaction=True),
]


class Person:
    """One person at their own device, logged in."""

    def __init__(self, browser, live_server, user, viewport):
        self.context = browser.new_context(viewport=viewport, locale="zh-CN")
        self.page = self.context.new_page()
        self.base = live_server.url
        self.name = user.username
        self.page.goto(f"{self.base}/login/")
        self.page.fill("input[name=username]", user.username)
        self.page.fill("input[name=password]", "x")
        self.page.click("button.primary")
        self.page.wait_for_url(f"{self.base}/")

    def go(self, path):
        self.page.goto(f"{self.base}{path}")

    def case_page(self, case):
        self.go(f"/cases/{case.pk}/")

    def pdf_text(self, path) -> str:
        response = self.context.request.get(f"{self.base}{path}")
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        reader = PdfReader(io.BytesIO(response.body()))
        return "".join(p.extract_text() for p in reader.pages).replace(" ", "").replace("\n", "")

    def check_phone_layout(self):
        """No sideways scrolling; every control at least 44 px tall."""
        self.page.wait_for_load_state("load")
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{self.page.url} is {width}px wide"
        small = self.page.evaluate(
            """() => [...document.querySelectorAll('button, .button, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea, .tabs a, summary')]
                 .filter(e => e.offsetParent !== null)
                 .filter(e => e.getBoundingClientRect().height < 44)
                 .map(e => e.outerHTML.slice(0, 80))"""
        )
        assert small == [], f"{self.page.url}: {small}"

    def shot(self, name):
        if SCREENSHOTS:
            os.makedirs(SCREENSHOTS, exist_ok=True)
            self.page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)

    def close(self):
        self.context.close()


def fill_checklist(person, item):
    """One tick per required material: received as the guide asks."""
    for row in complete_checklist(item):
        person.page.check(f"input[name=ok_{row.material_id}]")


def open_case_from_inquiry(agent, item_search, item_name):
    page = agent.page
    agent.go("/inquiries/new/")
    agent.check_phone_layout()
    page.fill("input[name=q]", item_search)
    page.click("form.search button")
    page.get_by_role("link", name=item_name).first.click()
    page.get_by_role("link", name="查找或登记群众").click()
    page.fill("input[name=q]", "hjr")
    page.click("form.search button")
    page.get_by_role("link", name="胡建荣").first.wait_for()  # the search posts: no q= in the URL
    assert "hjr" not in page.url
    agent.check_phone_layout()
    page.get_by_role("link", name="胡建荣").first.click()
    page.fill("textarea[name=question]", f"想办{item_name}")
    page.click("button[name=open_case]")
    page.wait_for_url("**/accept/")
    return Case.objects.filter(item__name=item_name).latest("pk")


def accept_in_browser(agent, case, item, shot=None):
    page = agent.page
    agent.check_phone_layout()
    fill_checklist(agent, item)
    page.fill("input[name=signed_by]", "胡建荣")
    if shot:
        agent.shot(shot)
    page.click("button[name=accept]")
    page.wait_for_url(f"**/cases/{case.pk}/")
    case.refresh_from_db()
    assert case.state == State.IN_PROGRESS
    assert case.number in page.content()
    agent.check_phone_layout()
    text = agent.pdf_text(f"/cases/{case.pk}/receipt.pdf")
    assert case.number in text and case.tracking_code in text and "受理回执" in text


def confirm(person, case):
    person.case_page(case)
    person.page.click("text=确认接收案卷")
    person.page.wait_for_selector(".msg.success")


def hand_to(person, case, expected):
    """Hand over to the route's usual next holder: the default, which must be `expected`."""
    person.case_page(case)
    chosen = person.page.eval_on_selector("select[name=to]", "s => s.options[s.selectedIndex].text")
    assert expected in chosen, chosen
    person.page.click("form[action$='hand-over/'] button.primary")
    person.page.wait_for_selector(".msg.success")


def record(person, case, document_no):
    person.case_page(case)
    person.page.check("input[name=granted][value='1']")
    person.page.fill("input[name=document_no]", document_no)
    person.page.click("form[action$='result/'] button.primary")
    person.page.wait_for_selector(".msg.success")


def test_passbook_and_birth_registration_end_to_end(browser, live_server, shared_world):
    world = shared_world
    agent = Person(browser, live_server, world.agent, PHONE)
    agent.check_phone_layout()

    passbook = open_case_from_inquiry(agent, "lszb", "粮食直补存折更名")
    accept_in_browser(agent, passbook, world.passbook, shot="agent-accept")
    birth = open_case_from_inquiry(agent, "生育", "生育登记")
    accept_in_browser(agent, birth, world.birth)

    agent.go("/")
    agent.check_phone_layout()
    agent.shot("agent-home")
    agent.go("/handover/")
    agent.check_phone_layout()
    agent.page.click("button.primary")
    agent.page.wait_for_url("**/handover/*/")
    handover_pdf = agent.page.get_by_role("link", name="打印交接单").get_attribute("href")
    text = agent.pdf_text(handover_pdf)
    assert passbook.number in text and birth.number in text and "代办材料交接单" in text

    finance = Person(browser, live_server, world.clerk_finance, DESK)
    finance.go("/")
    assert "粮食直补存折更名" in finance.page.content()
    confirm(finance, passbook)
    record(finance, passbook, "财补更〔2026〕8号")
    hand_to(finance, passbook, "退回代办员agent_dachang")
    finance.shot("clerk-case")

    # The birth registration is decided in the township: its route never leaves it.
    family = Person(browser, live_server, world.clerk_family_planning, DESK)
    confirm(family, birth)
    record(family, birth, "生育登记〔2026〕3号")
    hand_to(family, birth, "退回代办员agent_dachang")

    for case in (passbook, birth):
        confirm(agent, case)
        agent.check_phone_layout()
        agent.page.fill("input[name=signed_by]", "胡建荣")
        agent.page.click("form[action$='reply/'] button.primary")
        agent.page.wait_for_selector(".msg.success")
        agent.page.select_option("select[name=method]", "phone")
        agent.page.select_option("select[name=rating]", "5")
        agent.page.click("form[action$='close/'] button.primary")
        agent.page.wait_for_selector(".msg.success")
        case.refresh_from_db()
        assert case.state == State.CLOSED
        assert not case.papers.filter(returned_at__isnull=True).exists()
    agent.shot("agent-closed")
    assert not birth.hops.filter(holder_department__level="county").exists()
    for person in (agent, finance, family):
        person.close()


def test_refusal_in_the_browser(browser, live_server, shared_world):
    world = shared_world
    agent = Person(browser, live_server, world.agent, PHONE)
    case = open_case_from_inquiry(agent, "存折", "粮食直补存折更名")
    agent.page.fill("textarea[name=note]", "该存折属于外村，不在本村代办范围")
    agent.page.click("button[name=refuse]")
    agent.page.wait_for_url(f"**/cases/{case.pk}/")
    case.refresh_from_db()
    assert case.state == State.REFUSED
    agent.check_phone_layout()
    text = agent.pdf_text(f"/cases/{case.pk}/refusal.pdf")
    assert "不予受理告知书" in text and "该存折属于外村" in text
    agent.close()


def test_supplement_notice_then_acceptance_in_the_browser(browser, live_server, shared_world):
    world = shared_world
    agent = Person(browser, live_server, world.agent, PHONE)
    case = open_case_from_inquiry(agent, "sydj", "生育登记")
    # Only the ID copies are there: one notice for the rest.
    ids = complete_checklist(world.birth)[0]
    agent.page.check(f"input[name=ok_{ids.material_id}]")
    agent.page.click("button[name=supplement]")
    agent.page.wait_for_url(f"**/cases/{case.pk}/")
    case.refresh_from_db()
    assert case.state == State.AWAITING_MATERIALS
    notice = case.supplement_notices.get()
    assert [m["name"] for m in notice.missing] == ["居民户口簿", "结婚证"]
    text = agent.pdf_text(f"/cases/{case.pk}/notices/{notice.pk}.pdf")
    assert "一次性告知书" in text and "居民户口簿" in text and "结婚证" in text
    agent.shot("agent-supplement")
    agent.page.click("text=核对材料并受理")
    # The second visit keeps what was received and marks what was missing.
    assert agent.page.is_checked(f"input[name=ok_{ids.material_id}]")
    assert agent.page.locator(".card.missing").count() == 2
    accept_in_browser(agent, case, world.birth)
    agent.close()

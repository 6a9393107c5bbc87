"""A county that exists only because of its workbook: in a fresh database 乐业县 is
imported, and its village agent logs in on a phone with the one-time password, chooses a
password and files a case. Skipped only where no Chromium is installed."""

import json
import os

import pytest

from daiban.cases.models import Case
from daiban.cases.tests.test_browser import PHONE, Person, accept_in_browser
from daiban.catalog.models import ServiceItem
from daiban.catalog.services import DEFAULT_CATALOG, load_catalog
from daiban.people.models import Role, User
from daiban.people.services import register_resident
from daiban.rollout import importer
from daiban.rollout.tests import books
from daiban.testing.browser import CHROMIUM
from daiban.workdays.services import seed_from_package

pytestmark = [
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Chromium is not installed (apt-get install chromium)"
    ),
    pytest.mark.django_db(transaction=True),
]


class FirstLogin(Person):
    """An imported agent at a phone, logging in with the printed one-time password."""

    def __init__(self, browser, live_server, user, password):
        self.context = browser.new_context(viewport=PHONE, locale="zh-CN")
        self.page = self.context.new_page()
        self.base = live_server.url
        self.name = user.username
        self.page.goto(f"{self.base}/login/")
        self.page.fill("input[name=username]", user.username)
        self.page.fill("input[name=password]", password)
        self.page.click("button.primary")


def open_case(agent, item_search, item_name):
    """The inquiry page's own search (not the header's), the villager, one tap to a case."""
    page = agent.page
    agent.go("/inquiries/new/")
    agent.check_phone_layout()
    page.fill("main input[name=q]", item_search)
    page.click("main form.search button")
    page.get_by_role("link", name=item_name).first.click()
    page.get_by_role("link", name="查找或登记群众").click()
    page.fill("main input[name=q]", "hjr")
    page.click("main form.search button")
    page.get_by_role("link", name="胡建荣").first.click()
    page.fill("textarea[name=question]", f"想办{item_name}")
    page.click("button[name=open_case]")
    page.wait_for_url("**/accept/")
    return Case.objects.filter(item__name=item_name).latest("pk")


def test_an_imported_village_agent_logs_in_and_files_a_case(browser, live_server):
    seed_from_package()
    entries = json.loads(DEFAULT_CATALOG.read_text(encoding="utf-8"))
    load_catalog([e for e in entries if e["name"] == "粮食直补存折更名"])
    report = importer.import_county(books.leye())
    assert report.ok and report.applied
    agent = User.objects.get(role=Role.VILLAGE_AGENT, village__code="451028102201")
    line = next(r for r in report.credentials if r[3] == agent.username)
    register_resident(
        actor=None,
        name="胡建荣",
        id_number="11010519491231002X",
        phone="13877160412",
        village=agent.village,
    )

    person = FirstLogin(browser, live_server, agent, line[4])
    page = person.page
    page.wait_for_url("**/password/")
    assert page.locator("input[name=new_password1]").count() == 1
    person.check_phone_layout()
    person.shot("rollout-first-login")
    page.fill("input[name=old_password]", line[4])
    page.fill("input[name=new_password1]", "Renli-2026-ok")
    page.fill("input[name=new_password2]", "Renli-2026-ok")
    page.click("button.primary")
    page.wait_for_url(f"{person.base}/")
    agent.refresh_from_db()
    assert not agent.must_change_password

    item = ServiceItem.objects.get(name="粮食直补存折更名")
    case = open_case(person, "lszb", item.name)
    accept_in_browser(person, case, item, shot="rollout-accept")
    assert case.village.name == "仁里村委会" and case.village.township.name == "新化镇"
    person.close()

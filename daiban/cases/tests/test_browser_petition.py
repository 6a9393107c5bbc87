"""A petition's decision in Chromium: the 信访办 clerk opens the petition, tries "not
accepted" without a reason (refused, nothing changes), accepts it, prints the written
notice; a stale tab's second decision is refused; the petition agent is offered nothing."""

import io
import os

import pypdf
import pytest

from daiban.cases.models import Case
from daiban.cases.tests.test_petition_decision import received
from daiban.figures.tests.test_browser_monthly import _login
from daiban.people.models import Role
from daiban.people.services import create_staff
from daiban.places.models import Department
from daiban.portal.tests.test_accessibility import audit
from daiban.testing.browser import CHROMIUM

pytestmark = [
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Chromium is not installed (apt-get install chromium)"
    ),
    pytest.mark.django_db(transaction=True),
]


def test_the_office_decides_a_petition_and_prints_the_notice(browser, live_server, shared_world):
    world = shared_world
    world.petition_clerk = create_staff(
        username="clerk_xinfang",
        password="x",
        display_name="信访办 覃丽",
        role=Role.DEPARTMENT_CLERK,
        department=Department.objects.get(township=world.township, kind="petition"),
    )
    case = received(world, "2026-09-28")
    url = f"{live_server.url}/cases/{case.pk}/"

    agent, page = _login(browser, live_server, world.petition_agent)
    page.goto(url)
    assert page.locator("form[action$='/petition/']").count() == 0

    clerk, page = _login(browser, live_server, world.petition_clerk)
    page.goto(url)
    assert "2026年10月13日" in page.inner_text("main")
    assert audit(page) == []
    stale = clerk.new_page()
    stale.goto(url)
    page.check("#petition_accept_1")  # not accepted …
    page.click("form[action$='/petition/'] button.primary")  # … with no reason
    assert page.locator("p.msg.error").count() == 1
    assert Case.objects.get(pk=case.pk).petition_decision == ""
    page.check("#petition_accept_0")
    page.click("form[action$='/petition/'] button.primary")
    assert page.locator("p.msg.success").count() == 1
    assert Case.objects.get(pk=case.pk).petition_decision == "accepted"
    stale.check("#petition_accept_1")
    stale.fill("#petition_reason", "重复提交")
    stale.click("form[action$='/petition/'] button.primary")
    assert stale.locator("p.msg.error").count() == 1
    assert Case.objects.get(pk=case.pk).petition_decision == "accepted"

    href = page.locator("a[href$='/petition-notice.pdf']").get_attribute("href")
    body = clerk.request.get(f"{live_server.url}{href}").body()
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages)
    assert "信访事项受理告知书" in text.replace("\n", "")
    # The agent brings the notice to the petitioner: they may print it too.
    assert agent.request.get(f"{live_server.url}{href}").headers["content-type"] == (
        "application/pdf"
    )
    for context in (agent, clerk):
        context.close()

"""In Chromium: the director sends a case to another township, its director accepts it
from the home page, the new village's agent signs for the file on a phone."""

import os

import pytest

from daiban.cases.models import Case, Paper, State
from daiban.cases.tests.test_browser import DESK, PHONE, Person
from daiban.testing import factories
from daiban.testing.browser import CHROMIUM

pytestmark = [
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Chromium is not installed (apt-get install chromium)"
    ),
    pytest.mark.django_db(transaction=True),
]


def test_a_case_goes_to_another_township_in_the_browser(browser, live_server, shared_world):
    world = shared_world
    case = factories.at_department(world)
    number, code = case.number, case.tracking_code
    new_agent = factories.far_agent(world)

    director = Person(browser, live_server, world.director, DESK)
    director.case_page(case)
    director.page.click("details:has(form[action$='transfer/send/']) > summary")
    director.page.select_option("select[name=to_village]", str(world.far_village.pk))
    # No reason: the browser itself asks for one (the server refuses it too: test_transfer).
    director.page.click("form[action$='transfer/send/'] button")
    reason = "form[action$='transfer/send/'] textarea"
    assert director.page.eval_on_selector(reason, "e => e.validity.valid") is False
    assert Case.objects.get(pk=case.pk).state == State.IN_PROGRESS
    director.page.fill("form[action$='transfer/send/'] textarea", "群众已迁居青石镇")
    director.shot("transfer-send")
    director.page.click("form[action$='transfer/send/'] button")
    director.page.wait_for_selector(".msg.success")
    assert Case.objects.get(pk=case.pk).state == State.TRANSFERRING
    # The sending director cannot accept it.
    assert director.page.locator("form[action$='transfer/accept/']").count() == 0
    director.close()

    receiving = Person(browser, live_server, world.other_director, DESK)
    receiving.page.locator(f"a[href='/cases/{case.pk}/']").first.click()
    receiving.page.wait_for_url(f"**/cases/{case.pk}/")
    receiving.shot("transfer-receive")
    receiving.page.click("form[action$='transfer/accept/'] button")
    receiving.page.wait_for_selector(".msg.success")
    receiving.close()
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.number, fresh.tracking_code) == (number, code)
    assert (fresh.township, fresh.agent) == (world.other_township, new_agent)

    agent = Person(browser, live_server, new_agent, PHONE)
    agent.check_phone_layout()
    agent.page.locator("form[action$='/confirm/'] button").first.click()
    agent.page.wait_for_selector(".msg.success")
    agent.check_phone_layout()
    agent.shot("transfer-new-agent")
    assert all(
        p.holder_user == new_agent for p in Paper.objects.filter(case=case, returned_at=None)
    )
    agent.close()

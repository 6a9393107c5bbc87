"""Issue 21 in Debian's Chromium on a 360×640 phone: capture with no signal, close and
reopen the page, sync once with the captured time; the connection dropped in the middle of
the sync; a conflict shown and resolved."""

import datetime
import os
import time

import pytest
from django.utils import timezone

from daiban.cases.models import Case, Event, State
from daiban.people.models import Resident
from daiban.testing.browser import CHROMIUM

PHONE = {"width": 360, "height": 640}
NEW_ID = "11010519491231002X"

pytestmark = [
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Chromium is not installed (apt-get install chromium)"
    ),
    pytest.mark.django_db(transaction=True),
]


def log_in(browser, live_server, user, **options):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", **options)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "x")
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def open_shell(page, live_server, *, worker=True):
    page.goto(f"{live_server.url}/offline/")
    if worker:
        # Installed, its files cached, and in control of the page.
        page.wait_for_function(
            "() => navigator.serviceWorker && navigator.serviceWorker.controller", timeout=60000
        )
    page.wait_for_function("() => document.querySelectorAll('#c-item option').length > 1")


def capture_villager(page, name, id_number, phone="13977161234"):
    page.click("a[href='#new-resident']")
    page.fill("#r-name", name)
    page.fill("#r-id", id_number)
    page.fill("#r-phone", phone)
    page.click("[data-form=resident] button.primary")
    page.wait_for_selector("#queue:not([hidden])")


def capture_case(page, item):
    page.click("a[href='#new-case']")
    check_phone_layout(page)
    local = page.eval_on_selector(
        "#c-resident", "s => [...s.options].find(o => o.value.startsWith('local:')).value"
    )
    page.select_option("#c-resident", local)
    page.select_option("#c-item", item.code)
    for box in page.query_selector_all("[data-materials] input[type=checkbox]"):
        box.check()
    check_phone_layout(page)
    page.fill("#c-signed", "本人签字")
    page.click("[data-form=case] button.primary")
    page.wait_for_selector("#slip:not([hidden])")
    slip = page.inner_text("[data-slip]")
    page.click("#slip a[href='#queue']")
    return slip


def entries(page, state):
    return page.locator(f"[data-queue] [data-state={state}]").count()


def check_phone_layout(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"
    small = page.evaluate(
        """() => [...document.querySelectorAll('button, .button, input:not([type=hidden]):not([type=checkbox]), select, textarea, .tabs a, summary, label.tick')]
             .filter(e => e.offsetParent !== null)
             .filter(e => e.getBoundingClientRect().height < 44)
             .map(e => e.outerHTML.slice(0, 80))"""
    )
    assert small == [], small


def test_capture_offline_reopen_and_sync_once_with_the_captured_time(
    browser, live_server, shared_world
):
    world = shared_world
    context, page = log_in(browser, live_server, world.agent)
    open_shell(page, live_server)
    context.set_offline(True)
    before = timezone.now()
    capture_villager(page, "韦小宝", NEW_ID)
    slip = capture_case(page, world.passbook)
    after = timezone.now()
    assert world.passbook.name in slip and "本人签字" in slip
    check_phone_layout(page)

    # Closed and opened again with no network: the home page is the offline shell.
    page.close()
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("#offline-banner:not([hidden])")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-queue] [data-state=pending]').length == 2"
    )
    page.click("a[href='#guide']")
    assert world.passbook.name in page.inner_text("[data-guide]")
    check_phone_layout(page)
    page.click("a[href='#residents']")
    check_phone_layout(page)
    residents = page.inner_text("[data-resident-list]")
    assert "胡建荣" in residents and "459901198604120032" not in residents
    page.click("a[href='#queue']")
    assert not Resident.objects.filter(name="韦小宝").exists()

    time.sleep(1.5)  # the server's clock moves on; the captured time must not
    context.set_offline(False)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-queue] [data-state=done]').length == 2",
        timeout=20000,
    )
    assert page.locator("#offline-banner").is_hidden()

    resident = Resident.objects.get(name="韦小宝")
    case = Case.objects.get(resident=resident)
    assert case.state == State.IN_PROGRESS and case.tracking_code
    assert before <= case.created_at <= after
    accepted = case.events.get(action=Event.Action.ACCEPTED)
    assert before <= accepted.at <= after
    assert accepted.recorded_at >= after + datetime.timedelta(seconds=1)
    assert case.accepted_at == accepted.at
    # The receipt with the tracking code is offered once the case is on the server.
    assert case.tracking_code in page.inner_text("[data-queue]")

    # Sending again changes nothing.
    page.click("[data-sync]")
    page.wait_for_selector("[data-status]:not([hidden])")
    time.sleep(0.5)
    assert Case.objects.filter(resident=resident).count() == 1
    assert Resident.objects.filter(name="韦小宝").count() == 1
    # What the server holds left the phone: no full ID number in the offline store.
    stored = page.evaluate(
        """() => new Promise(ok => { const r = indexedDB.open('daiban-offline-u' + document.getElementById('shell').dataset.user);
             r.onsuccess = () => { const q = r.result.transaction('queue').objectStore('queue').getAll();
             q.onsuccess = () => ok(JSON.stringify(q.result)); }; })"""
    )
    assert NEW_ID not in stored and "13977161234" not in stored
    context.close()


def test_a_dropped_connection_in_the_middle_of_the_sync_creates_nothing_twice(
    browser, live_server, shared_world
):
    world = shared_world
    context, page = log_in(browser, live_server, world.agent, service_workers="block")
    open_shell(page, live_server, worker=False)
    context.set_offline(True)
    capture_villager(page, "韦小宝", NEW_ID)
    capture_case(page, world.passbook)

    dropped = []

    def drop_the_answer(route):
        # The server does the work, the phone never hears back.
        if not dropped:
            route.fetch()
            dropped.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/v1/cases/*/accept", drop_the_answer)
    context.set_offline(False)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-queue] [data-state=done]').length == 1",
        timeout=20000,
    )
    page.wait_for_selector("[data-status]:not([hidden])")
    assert dropped and entries(page, "pending") == 1
    case = Case.objects.get(resident__name="韦小宝")
    assert case.state == State.IN_PROGRESS  # the server did it; the phone does not know

    page.click("[data-sync]")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-queue] [data-state=done]').length == 2",
        timeout=20000,
    )
    assert Case.objects.filter(resident__name="韦小宝").count() == 1
    assert case.events.filter(action=Event.Action.ACCEPTED).count() == 1
    assert case.tracking_code in page.inner_text("[data-queue]")
    context.close()


def test_a_villager_registered_meanwhile_is_a_conflict_resolved_by_using_the_record(
    browser, live_server, shared_world
):
    world = shared_world
    context, page = log_in(browser, live_server, world.agent, service_workers="block")
    open_shell(page, live_server, worker=False)
    context.set_offline(True)
    # The villager was registered at the center meanwhile (the fixture's 胡建荣).
    capture_villager(page, "胡建荣", "459901198604120032", phone="13877160412")
    capture_case(page, world.passbook)
    context.set_offline(False)
    page.wait_for_selector("[data-queue] [data-state=conflict]", timeout=20000)
    conflict = page.inner_text("[data-queue] [data-state=conflict]")
    assert world.resident.id_number_masked in conflict
    assert entries(page, "pending") == 1  # the case waits behind it: nothing overtakes
    assert not Case.objects.filter(resident=world.resident).exists()

    page.click("[data-queue] [data-state=conflict] button.primary")  # use this villager
    page.wait_for_function(
        "() => document.querySelectorAll('[data-queue] [data-state=done]').length == 2",
        timeout=20000,
    )
    assert Resident.objects.filter(name="胡建荣").count() == 1
    case = Case.objects.get(resident=world.resident)
    assert case.state == State.IN_PROGRESS
    context.close()


STORES = """async () => ({
    databases: (await indexedDB.databases()).map(d => d.name),
    caches: await caches.keys(),
})"""


def test_the_idle_time_out_forgets_the_villagers_and_logout_wipes_everything(
    browser, live_server, shared_world
):
    world = shared_world
    context, page = log_in(browser, live_server, world.agent)
    open_shell(page, live_server)
    user = world.agent.pk
    held = page.evaluate(STORES)
    assert f"daiban-offline-u{user}" in held["databases"] and held["caches"]

    # Offline, after the idle time-out: the copy of the villagers is gone; what was
    # captured and not sent stays.
    context.set_offline(True)
    capture_villager(page, "韦小宝", NEW_ID)
    page.evaluate(f"() => localStorage.setItem('daiban-seen-u{user}', '1')")
    page.reload()
    page.wait_for_selector("[data-status]:not([hidden])")
    assert page.locator("[data-resident-list] li").count() == 0
    assert entries(page, "pending") == 1
    page.wait_for_function("async () => (await caches.keys()).length == 0")

    # Online again and logged out: the browser drops the site's storage and caches.
    context.set_offline(False)
    page.goto(f"{live_server.url}/offline/")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-queue] [data-state=done]').length == 1",
        timeout=20000,
    )
    page.wait_for_function("() => navigator.serviceWorker.controller")
    page.click("form[data-logout] button")
    page.wait_for_url("**/login/**")
    left = page.evaluate(STORES)
    assert not any(d.startswith("daiban-offline-") for d in left["databases"])
    assert left["caches"] == []
    context.close()


def test_a_step_on_a_case_changed_meanwhile_is_shown_with_the_servers_version_and_resolved(
    browser, live_server, shared_world
):
    from daiban.cases import lifecycle
    from daiban.testing import factories

    world = shared_world
    case = factories.back_with_agent(world)  # the agent holds the result for the villager
    context, page = log_in(browser, live_server, world.agent, service_workers="block")
    open_shell(page, live_server, worker=False)
    context.set_offline(True)
    page.click("a[href='#cases']")
    page.click("[data-cases] li button")  # the one step offered: the result handed over
    page.fill("#s-signed", "胡建荣")
    page.click("[data-form=step] button.primary")
    page.wait_for_selector("#queue:not([hidden])")

    # Meanwhile the center puts a warning on the case: another version.
    lifecycle.note(case.pk, actor=None, action=Event.Action.WARNING, text="催办")
    case.refresh_from_db()
    context.set_offline(False)
    page.wait_for_selector("[data-queue] [data-state=conflict]", timeout=20000)
    shown = page.inner_text("[data-queue] [data-state=conflict]")
    assert f"v{case.version}" in shown and case.number in shown
    assert Case.objects.get(pk=case.pk).state == State.RESULT_READY  # nothing applied

    page.click("[data-queue] [data-state=conflict] button.primary")  # apply it now
    page.wait_for_selector("[data-queue] [data-state=done]", timeout=20000)
    case.refresh_from_db()
    assert case.state == State.REPLIED
    assert case.events.filter(action=Event.Action.REPLIED).count() == 1
    context.close()

"""The register (办件台账): scope, filters, finding, paging by key, export."""

import io

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from daiban.cases.models import Case
from daiban.register import exports, selectors
from daiban.testing.figures import accept_case, build
from daiban.testing.world import at, verified_login

TODAY = at("2026-04-20", 10)


@pytest.fixture
def history(world):
    with time_machine.travel(TODAY, tick=False):
        cases = build(world)
        # 岩口村's case, in the same township, and one in the other township.
        cases["Y"] = accept_case(
            world, world.birth, "2026-03-12", agent=world.other_agent, resident=world.other_resident
        )
        yield cases


def _list(client, user, **params):
    verified_login(client, user)
    with time_machine.travel(TODAY, tick=False):
        return client.get(reverse("register:list"), params)


def _numbers(response) -> set[str]:
    return {case.number or f"#{case.pk}" for case in response.context["page"].rows}


def test_the_director_sees_the_township_and_its_petitions_the_leader_not(client, world, history):
    seen = _list(client, world.director)
    assert seen.status_code == 200
    assert history["P"].number in _numbers(seen)
    assert history["Y"].number in _numbers(seen)
    assert history["P"].number not in _numbers(_list(client, world.leader))


def test_agents_and_clerks_have_no_register(client, world, history):
    for person in (world.agent, world.clerk_finance):
        assert _list(client, person).status_code == 403


def test_filters_narrow_the_list(client, world, history):
    only_village = _numbers(_list(client, world.director, village=world.other_village.pk))
    assert only_village == {history["Y"].number}
    birth = _numbers(_list(client, world.director, item=world.birth.pk))
    assert birth == {history["E"].number, history["Y"].number}
    withdrawn = _numbers(_list(client, world.director, state="withdrawn"))
    assert withdrawn == {history["C"].number}
    march = _numbers(
        _list(client, world.director, on="decided", **{"from": "2026-03-01", "to": "2026-03-31"})
    )
    assert march == {history["B"].number, history["E"].number}
    rated = _numbers(_list(client, world.director, rated="yes"))
    assert rated == {history["A"].number, history["B"].number}
    not_rated = _numbers(_list(client, world.director, rated="no"))
    assert not_rated == {history["E"].number}
    # E's result is recorded but not back with the villager: past its date, it is overdue.
    overdue = _numbers(_list(client, world.director, overdue="1"))
    assert history["E"].number in overdue and history["Y"].number in overdue


def test_the_county_narrows_to_a_township(client, world, history):
    everything = _numbers(_list(client, world.supervisor))
    assert history["Y"].number in everything and history["P"].number not in everything
    other = _numbers(_list(client, world.supervisor, township=world.other_township.pk))
    assert other == set()


def test_a_case_is_found_by_number_tracking_code_name_and_initials(client, world, history):
    a = history["A"]
    assert _numbers(_list(client, world.director, q=a.number)) == {a.number}
    assert a.number in _numbers(_list(client, world.director, q=a.tracking_code.lower()))
    by_name = _numbers(_list(client, world.director, q=world.other_resident.name))
    assert by_name == {history["Y"].number}
    initials = world.other_resident.name_initials
    assert history["Y"].number in _numbers(_list(client, world.director, q=initials))


def test_a_phone_number_is_searched_only_when_posted(client, world, history):
    phone = "13877160412"  # world.resident's
    verified_login(client, world.director)
    with time_machine.travel(TODAY, tick=False):
        refused = client.get(reverse("register:list"), {"q": phone}, follow=True)
    assert refused.redirect_chain and phone not in refused.content.decode()
    with time_machine.travel(TODAY, tick=False):
        posted = client.post(reverse("register:list"), {"q": phone})
    assert posted.status_code == 200
    assert history["A"].number in _numbers(posted)
    assert history["Y"].number not in _numbers(posted)
    assert not posted.context["more"]  # no link carries the number
    # A name posted goes back to a link.
    with time_machine.travel(TODAY, tick=False):
        named = client.post(reverse("register:list"), {"q": world.other_resident.name})
    assert named.status_code == 302 and "q=" in named.url


def test_pages_go_by_key_and_every_case_comes_once(client, world, history, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE", 2)
    for sort in selectors.SORTS:
        seen, params = [], {"sort": sort}
        for _ in range(10):
            response = _list(client, world.director, **params)
            seen += [c.pk for c in response.context["page"].rows]
            cursor = response.context["page"].next_cursor
            if not cursor:
                break
            params = {"sort": sort, "after": cursor}
        expected = selectors.ordered(Case.objects.filter(township=world.township), sort)
        assert seen == list(expected.values_list("pk", flat=True)), sort


def test_the_page_costs_the_same_queries_for_few_or_many_rows(client, world, history):
    verified_login(client, world.supervisor)
    counted = {}
    with time_machine.travel(TODAY, tick=False):
        client.get(reverse("register:list"))  # sessions, caches
        for name, params in (
            ("one", {"item": world.birth.pk, "state": "in_progress"}),
            ("all", {}),
        ):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse("register:list"), params)
            counted[name] = (len(queries), len(response.context["page"].rows))
    assert counted["one"][1] == 1 and counted["all"][1] == 6  # the petition is not the county's
    assert counted["one"][0] == counted["all"][0] <= 12
    assert len(response.content) < 60_000


def test_the_export_is_typed_frozen_filtered_and_totalled(client, world, history):
    verified_login(client, world.director)
    with time_machine.travel(TODAY, tick=False):
        response = client.get(reverse("register:export"), {"item": world.passbook.pk})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert len(header) == len(set(header)) == len(exports.columns())
    rows = list(sheet.iter_rows(min_row=2, values_only=False))
    lines, totals = rows[:-1], rows[-1]
    assert sheet.auto_filter.ref == f"A1:P{len(lines) + 1}"
    assert {line[0].value for line in lines} == {history[k].number for k in ("A", "B", "C")} | {
        None
    }  # D was refused before acceptance: no number
    a = next(line for line in lines if line[0].value == history["A"].number)
    assert a[7].is_date and a[8].is_date and a[9].is_date
    assert a[11].value == 1 and a[11].data_type == "n"
    assert a[14].value == 5 and a[15].value == 3 and a[15].data_type == "n"
    assert totals[11].value == 1 and totals[15].value == 6  # A and B saved 3 trips each
    assert "4" in totals[0].value


def test_text_never_becomes_a_formula(client, world, history):
    item = world.passbook
    type(item).objects.filter(pk=item.pk).update(name="=HYPERLINK(1)")
    verified_login(client, world.director)
    with time_machine.travel(TODAY, tick=False):
        response = client.get(reverse("register:export"), {"item": item.pk})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet["D2"].value == "=HYPERLINK(1)" and sheet["D2"].data_type == "s"


def test_too_large_an_export_says_so(client, world, history, monkeypatch):
    monkeypatch.setattr(exports, "ROW_CAP", 2)
    verified_login(client, world.director)
    with time_machine.travel(TODAY, tick=False):
        response = client.get(reverse("register:export"), follow=True)
    assert response.redirect_chain and "xlsx" not in response["Content-Type"]
    assert any("2" in str(m) for m in response.context["messages"])

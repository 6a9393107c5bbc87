"""One definition per figure (issue 19): every surface shows the same number for overdue,
on time, satisfied and trips saved on the same data, and every workbook is typed,
frozen, filtered and totalled."""

import datetime
import io
import re

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from django.utils.translation import gettext, override

from daiban.cases import definitions, lifecycle
from daiban.cases.inputs import Missing
from daiban.cases.models import Case, State
from daiban.cases.selectors import complete_checklist
from daiban.evaluation import exports as evaluation_exports
from daiban.evaluation.scores import evaluate, scheme_for
from daiban.evaluation.services import prepare_sheet
from daiban.figures import report, selectors
from daiban.portal.selectors import public_figures
from daiban.testing.figures import accept_case, build, send_to
from daiban.testing.world import at, verified_login

NOW = at("2026-04-20", 10)
TODAY = NOW.date()
PERIOD = {"from": "2026-01", "to": "2026-04"}


@pytest.fixture
def history(world):
    """The hand-computed history, plus: Y in progress past its date at 岩口村, W waiting
    for materials past its date (paused: not overdue). E's result is recorded and not
    yet back with the villager, past its date: overdue, the case the dashboard missed."""
    with time_machine.travel(NOW, tick=False):
        cases = build(world)
        cases["Y"] = accept_case(
            world, world.birth, "2026-03-12", agent=world.other_agent, resident=world.other_resident
        )
        w = accept_case(world, world.passbook, "2026-03-16")
        send_to(world, w, world.finance, world.clerk_finance, "2026-03-16")
        material = complete_checklist(world.passbook)[0]
        lifecycle.request_supplement(
            w.pk,
            actor=world.clerk_finance,
            missing=[Missing(material.material_id)],
            at=at("2026-03-17"),
        )
        cases["W"] = Case.objects.get(pk=w.pk)
        yield cases


def _overdue_everywhere(client, user) -> dict[str, int]:
    verified_login(client, user)
    out = {}
    dashboard = client.get(reverse("figures:dashboard"), PERIOD)
    out["dashboard"] = dashboard.context["overdue"]
    drill = client.get(reverse("figures:cases"), {**PERIOD, "measure": "overdue"})
    out["dashboard, its cases"] = drill.context["page"].total
    board = client.get(reverse("supervision:board"))
    out["supervision"] = sum(a["overdue"] for a in board.context["alerts"])
    home = client.get(reverse("cases:home"))
    out["home"] = sum(row.status == "overdue" for row in home.context["rows"])
    scope = selectors.scope_for(user)
    out["report"] = report.gather(user, scope, datetime.date(2026, 1, 1), TODAY).overdue
    register = client.get(reverse("register:list"), {"overdue": "1"})
    out["register"] = register.context["page"].count
    return out


def test_overdue_is_one_number_on_every_page(client, world, history):
    expected = {c.pk for c in history.values() if definitions.is_overdue(c, TODAY)}
    assert expected == {history["E"].pk, history["Y"].pk}
    assert history["E"].state == State.RESULT_READY  # decided, not delivered: overdue
    with time_machine.travel(NOW, tick=False):
        for person in (world.director, world.leader, world.supervisor):
            seen = _overdue_everywhere(client, person)
            assert set(seen.values()) == {2}, (person, seen)


def test_on_time_satisfied_and_trips_saved_agree_everywhere(client, world, history):
    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 4, 1)
    cases = [c for k, c in history.items() if k != "P"]
    expected = {
        "on_time": sum(definitions.is_on_time(c) for c in cases),
        "satisfied": sum(definitions.is_satisfied(getattr(c, "rating", None)) for c in cases),
        "trips_saved": sum(definitions.trips_saved(c) for c in cases),
    }
    assert expected == {"on_time": 2, "satisfied": 1, "trips_saved": 8}
    with time_machine.travel(NOW, tick=False):
        verified_login(client, world.leader)
        dashboard = client.get(reverse("figures:dashboard"), PERIOD).context
        drill = {
            m: client.get(reverse("figures:cases"), {**PERIOD, "measure": m}).context
            for m in ("on_time", "satisfied")
        }
        gathered = report.gather(world.leader, selectors.scope_for(world.leader), start, end)
        public = next(f for f in public_figures(TODAY) if f.township == world.township)
        ranking = evaluate(scheme_for(world.county), start, end, township_id=world.township.pk)
        export = client.get(
            reverse("register:export"),
            {"on": "decided", "from": "2026-01-01", "to": "2026-04-20"},
        )
    lines = list(openpyxl.load_workbook(io.BytesIO(export.content)).worksheets[0].values)
    exported = lines[-1]  # the totals row
    surfaces = {
        "on_time": {
            "dashboard": dashboard["total"]["on_time"],
            "dashboard, its cases": drill["on_time"]["page"].total,
            "report": gathered.total["on_time"],
            "public figures": public.year["on_time"],
            "evaluation": sum(r.counts["on_time"] for r in ranking),
            "register export": exported[11],
        },
        "satisfied": {
            "dashboard": dashboard["total"]["satisfied"],
            "dashboard, its cases": drill["satisfied"]["page"].total,
            "report": gathered.total["satisfied"],
            "public figures": public.year["satisfied"],
            "evaluation": sum(r.counts["satisfied"] for r in ranking),
            "register export": sum(1 for line in lines[1:-1] if (line[14] or 0) >= 4),
        },
        "trips_saved": {
            "dashboard": dashboard["saved"].trips,
            "report": gathered.saved.trips,
            "register export": exported[15],
        },
    }
    for figure, seen in surfaces.items():
        assert set(seen.values()) == {expected[figure]}, (figure, seen)


# ─── The workbooks ────────────────────────────────────────────────────────────


def _check_book(content: bytes, numeric: dict[str, list[str]], *, lists=(), check=()) -> None:
    """Every sheet: a frozen header with filters, distinct headings, the named columns
    typed as numbers (or empty) on every line, and a totals row (but in `lists`, a list
    of single figures). Only the `check` cells may be formulas."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        assert sheet.freeze_panes, sheet.title
        assert sheet.auto_filter.ref, sheet.title
        first = int(re.search(r"\d+", sheet.auto_filter.ref).group())
        header = [c.value for c in sheet[first] if c.value is not None]
        assert len(header) == len(set(header)), (sheet.title, header)
        assert sheet.freeze_panes == f"A{first + 1}", sheet.title
        if sheet.title not in lists:
            totals = [str(c.value or "") for c in sheet["A"]]
            assert any(t.startswith(("合计", "Total")) for t in totals), sheet.title
        for name in numeric.get(sheet.title, []):
            column = header.index(name)
            for line in sheet.iter_rows(min_row=first + 1):
                value = line[column]
                if value.coordinate in check:
                    assert value.data_type == "f"
                    continue
                assert value.value is None or value.data_type == "n", (sheet.title, name, value)


def _zh(*msgids: str) -> list[str]:
    """The headings as the workbooks write them (in Chinese, once translated)."""
    with override("zh-hans"):
        return [gettext(m) for m in msgids]


NUMBERS = ("Accepted", "Completed", "Completed on time", "On-time rate", "Satisfaction rate")


def test_the_report_workbook_is_typed_frozen_filtered_and_totalled(world, history):
    with time_machine.travel(NOW, tick=False):
        data = report.gather(
            world.leader,
            selectors.scope_for(world.leader),
            datetime.date(2026, 1, 1),
            datetime.date(2026, 4, 1),
        )
        content = report.xlsx(data)
    numbers = _zh(*NUMBERS, "Trips saved")
    overview, by_month, by_village, by_item, value, overdue, on_time = _zh(
        "Overview", "By month", "By village", "By item", "Value", "Overdue now", "On-time rate"
    )
    _check_book(
        content,
        {overview: [value], by_month: numbers, by_village: numbers, by_item: numbers},
        lists=(overview,),
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content))[overview]
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert values[overdue] == 2 and values[on_time] == pytest.approx(2 / 3)


def test_the_evaluation_workbooks_are_typed_frozen_filtered_and_totalled(world, history):
    with time_machine.travel(NOW, tick=False), override("zh-hans"):
        rows = evaluate(
            scheme_for(world.county),
            datetime.date(2026, 1, 1),
            datetime.date(2026, 4, 1),
            township_id=world.township.pk,
        )
        ranking = evaluation_exports.ranking(rows, "=考核")
        sheet = prepare_sheet(world.township, datetime.date(2026, 3, 1), actor=world.director)
        payments = evaluation_exports.payment_sheet(sheet)
    (evaluation,) = _zh("Evaluation")
    _check_book(ranking, {evaluation: _zh(*NUMBERS, "Score")})
    (payment,) = _zh("Payment sheet")
    book = openpyxl.load_workbook(io.BytesIO(payments))
    checks = {c.coordinate for c in book.worksheets[0]["H"] if str(c.value).startswith("=SUM(")}
    assert len(checks) == 1  # the check cell that adds up the lines, our only formula
    _check_book(payments, {payment: _zh("Transport subsidy (yuan)", "Amount (yuan)")}, check=checks)
    title = openpyxl.load_workbook(io.BytesIO(ranking)).worksheets[0]["A1"]
    assert title.value == "=考核" and title.data_type == "s"


def test_the_running_cases_index_names_the_running_states():
    """The partial index that finds overdue cases must name exactly `RUNNING`, or the
    database cannot use it for `overdue_q` (6 s instead of 60 ms at 2.1 M cases)."""
    from daiban.cases.definitions import RUNNING
    from daiban.cases.models import Case

    index = next(i for i in Case._meta.indexes if i.name == "case_running_due_idx")
    (field, states), *_ = index.condition.children
    assert field == "state__in" and sorted(states) == sorted(RUNNING)

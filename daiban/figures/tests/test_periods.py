"""Quarterly (季报) and yearly (年报) reports: the monthly report's machinery over more
months — the same four steps, pages and papers, one report per township and period."""

import datetime
import io

import pypdf
import pytest
import time_machine

from daiban.core.errors import Forbidden, NotAllowed
from daiban.figures import monthly, tasks
from daiban.figures.models import MonthlyReport
from daiban.testing.figures import EXPECTED, build
from daiban.testing.world import at, verified_login

Q1 = datetime.date(2026, 1, 1)


def _sum(name: str) -> int:
    return sum(month.get(name, 0) for month in EXPECTED.values())


@pytest.fixture
def quarter(world):
    build(world)
    with time_machine.travel(at("2026-04-02", 6), tick=False):
        assert tasks.generate_quarterly_reports.call_local() == 2
    return MonthlyReport.objects.get(township=world.township, kind="quarter")


def test_the_quarter_adds_up_its_three_months(world, quarter):
    assert quarter.month == Q1 and quarter.last_month == datetime.date(2026, 3, 1)
    for name in ("accepted", "completed", "on_time", "trips_saved", "rated", "refused"):
        assert quarter.figures[name] == _sum(name), name
    assert quarter.figures["accepted"] == 4 and quarter.figures["completed"] == 3
    # The month's report and the quarter's live side by side; generating again adds none.
    monthly.generate(datetime.date(2026, 3, 1))
    monthly.generate(datetime.date(2026, 2, 14), "quarter")  # any day of the quarter
    assert MonthlyReport.objects.filter(township=world.township).count() == 2
    assert "2026年第1季度" in monthly.title(quarter)


def test_the_year_report_and_its_task(world):
    build(world)
    with time_machine.travel(at("2027-01-02", 6), tick=False):
        assert tasks.generate_yearly_reports.call_local() == 2
    year = MonthlyReport.objects.get(township=world.township, kind="year")
    assert (year.month, year.last_month) == (datetime.date(2026, 1, 1), datetime.date(2026, 12, 1))
    assert year.figures["accepted"] == _sum("accepted")


def test_a_quarter_goes_up_the_same_steps(client, world, quarter):
    with pytest.raises(NotAllowed):
        monthly.sign(quarter.pk, world.leader)  # not submitted yet
    with pytest.raises(Forbidden):
        monthly.submit(quarter.pk, world.leader)  # the director's step
    monthly.submit(quarter.pk, world.director, "一季度")
    with pytest.raises(NotAllowed):
        monthly.submit(quarter.pk, world.director)  # twice
    with pytest.raises(Forbidden):
        monthly.receive(quarter.pk, world.other_director)
    monthly.sign(quarter.pk, world.leader)
    verified_login(client, world.supervisor)
    board = client.get("/manage/monthly/?kind=quarter&month=2026-02")
    assert board.context["period"] == "2026年第1季度"
    assert [t.name for t in board.context["missing"]] == ["青石镇"]
    client.post(f"/manage/monthly/{quarter.pk}/receive/")
    quarter.refresh_from_db()
    assert quarter.status == "received" and quarter.figures["accepted"] == 4
    pdf = client.get(f"/manage/monthly/{quarter.pk}.pdf").content
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "2026年第1季度" in text.replace("\n", "")
    # A kind that does not exist shows the monthly board, not an error.
    assert client.get("/manage/monthly/?kind=decade").context["kind"] == "month"
    assert client.get("/manage/monthly/county.xlsx?kind=quarter&month=2026-01").status_code == 200

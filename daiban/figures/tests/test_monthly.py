"""The monthly report to the county (月报): generated on the 2nd, submitted by the center
director, signed off by the township leader, received by the county supervisor, who
sees which townships have not reported."""

import datetime
import io

import openpyxl
import pypdf
import pytest
import time_machine
from django.urls import reverse

from daiban.audit.models import AuditRecord
from daiban.core.errors import Forbidden, NotAllowed
from daiban.figures import monthly, tasks
from daiban.figures.models import MonthlyReport
from daiban.testing.figures import build
from daiban.testing.world import at, verified_login

MARCH = datetime.date(2026, 3, 1)


@pytest.fixture
def drafted(world):
    build(world)
    with time_machine.travel(at("2026-04-02", 6), tick=False):
        assert tasks.generate_monthly_reports.call_local() == 2  # both townships
    return MonthlyReport.objects.get(township=world.township, month=MARCH)


def test_the_2nd_drafts_last_months_report_with_the_months_figures(world, drafted):
    assert drafted.status == MonthlyReport.Status.DRAFT
    f = drafted.figures
    assert (f["accepted"], f["completed"], f["on_time"], f["trips_saved"]) == (3, 2, 1, 5)
    # Running it again works the draft out again; it makes no second report.
    with time_machine.travel(at("2026-04-02", 7), tick=False):
        monthly.generate(MARCH)
    assert MonthlyReport.objects.filter(township=world.township).count() == 1


def test_a_month_goes_up_director_leader_county(client, world, drafted):
    board = dict(monthly.county_board(world.county.pk, MARCH))
    assert not board[world.township].reported and not board[world.other_township].reported

    verified_login(client, world.director)
    page = client.get(reverse("figures:monthly_detail", args=[drafted.pk]))
    assert page.context["steps"] == ["submit"]
    client.post(reverse("figures:monthly_step", args=[drafted.pk, "submit"]), {"note": "=按时"})
    drafted.refresh_from_db()
    assert drafted.status == "submitted" and drafted.submitted_by == world.director

    with pytest.raises(NotAllowed):
        monthly.receive(drafted.pk, world.supervisor)  # not yet: the leader signs first
    with pytest.raises(Forbidden):
        monthly.sign(drafted.pk, world.director)  # the director does not sign their own

    verified_login(client, world.leader)
    client.post(reverse("figures:monthly_step", args=[drafted.pk, "sign"]))
    drafted.refresh_from_db()
    assert drafted.status == "signed" and drafted.signed_by == world.leader
    with pytest.raises(NotAllowed):
        monthly.sign(drafted.pk, world.leader)

    verified_login(client, world.supervisor)
    listed = client.get(reverse("figures:monthly"), {"month": "2026-03"})
    assert [t.pk for t in listed.context["missing"]] == [world.other_township.pk]
    client.post(reverse("figures:monthly_step", args=[drafted.pk, "receive"]))
    drafted.refresh_from_db()
    assert drafted.status == "received" and drafted.received_by == world.supervisor
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {"monthly_report.submit", "monthly_report.sign", "monthly_report.receive"} <= actions

    pdf = client.get(reverse("figures:monthly_pdf", args=[drafted.pk]))
    text = pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert world.township.name in text and "=按时" in text
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("figures:monthly_xlsx", args=[drafted.pk])).content)
    )
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref
    assert {c.data_type for c in sheet["B"][3:]} <= {"n"}
    county = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("figures:monthly_county_xlsx"), {"month": "2026-03"}).content)
    ).worksheets[0]
    rows = list(county.values)
    assert rows[-1][2] == 3  # the county's total accepted (the other township has none)
    assert county.freeze_panes == "A2" and county.auto_filter.ref == "A1:S3"


def test_others_see_no_report(client, world, drafted):
    verified_login(client, world.other_director)
    assert client.get(reverse("figures:monthly_detail", args=[drafted.pk])).status_code == 404
    verified_login(client, world.agent)
    assert client.get(reverse("figures:monthly")).status_code == 403

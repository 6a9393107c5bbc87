import datetime
import io
import re

import openpyxl
import pypdf
import time_machine
from django.urls import reverse

from daiban.audit.models import AuditRecord
from daiban.evaluation.models import PaymentSheet
from daiban.evaluation.services import approve_sheet, prepare_sheet
from daiban.testing.figures import build
from daiban.testing.world import at, verified_login

PERIOD = {"from": "2026-01", "to": "2026-03"}
# The default scheme, as its form posts it.
SCHEME_FORM = {
    "weight_on_time": 40,
    "weight_satisfaction": 30,
    "weight_volume": 20,
    "weight_complete_papers": 10,
    "cases_per_month": "4",
    "min_completed": 1,
    "min_response_rate": 30,
    "pass_mark": "60",
    "complaint_penalty": "2",
    "rectification_penalty": "5",
    "monthly_subsidy": "30.00",
    "yearly_fund": "5000.00",
    "fund_rule": "by_score",
    "fare_per_km": "0.50",
    "km_per_hour": "25",
}


def _get(client, user, name, **params):
    verified_login(client, user)
    return client.get(reverse(name), {**PERIOD, **params})


def test_the_township_dashboard_shows_the_hand_computed_figures(client, world):
    build(world)
    html = _get(client, world.director, "figures:dashboard").content.decode()
    assert "大厂壮族乡" in html
    tiles = dict(re.findall(r"<b>([^<]+)</b>([^<]+)</a>", html))
    assert tiles["4"] == "受理" and tiles["3"] == "办结"
    assert tiles["66.7%"] == "按时"  # 2 of 3
    assert tiles["50.0%"] == "满意"  # 1 of 2
    assert tiles["8"] == "节省跑动次数"
    assert "大厂村委会" in html and "粮食直补存折更名" in html
    assert "信访事项代办" not in html  # the petition stays out


def test_every_dashboard_link_leads_to_as_many_cases_as_it_says(client, world):
    build(world)
    verified_login(client, world.director)
    html = client.get(reverse("figures:dashboard"), PERIOD).content.decode()
    for href, shown in re.findall(r'<a href="(/manage/cases/\?[^"]+)"><b>(\d+)</b>', html):
        listed = client.get(href.replace("&amp;", "&")).content.decode()
        count = re.search(r"(\d+) 件", listed)
        assert count and count.group(1) == shown, href


def test_the_drill_down_respects_scope(client, world):
    build(world)
    verified_login(client, world.other_director)
    page = client.get(reverse("figures:cases"), {**PERIOD, "measure": "accepted"}).content.decode()
    assert "0 件" in page  # another township's director sees none of 大厂's cases
    verified_login(client, world.supervisor)
    page = client.get(
        reverse("figures:cases"), {**PERIOD, "measure": "accepted", "township": world.township.pk}
    ).content.decode()
    assert "4 件" in page and "胡*荣" in page and "胡建荣" not in page


def test_a_long_drill_down_pages_without_counting(client, world, monkeypatch):
    from daiban.core import paging

    build(world)  # 4 cases accepted in the period
    monkeypatch.setattr(paging, "PAGE_SIZE", 3)
    verified_login(client, world.director)
    url = reverse("figures:cases")
    first = client.get(url, {**PERIOD, "measure": "accepted"}).content.decode()
    assert first.count('class="card"') == 3 and "件" not in first.split("<small>")[1][:40]
    assert "page=2" in first and "第1页" in first
    second = client.get(url, {**PERIOD, "measure": "accepted", "page": 2}).content.decode()
    assert second.count('class="card"') == 1 and "page=3" not in second and "page=1" in second
    for bad in ("0", "-3", "x"):  # a bad page number is the first page
        again = client.get(url, {**PERIOD, "measure": "accepted", "page": bad})
        assert again.status_code == 200 and again.content.decode().count('class="card"') == 3
    past = client.get(url, {**PERIOD, "measure": "accepted", "page": "9" * 30})
    assert past.status_code == 200 and "没有" in past.content.decode()  # past the end: empty
    monkeypatch.setattr(paging, "PAGE_SIZE", 4)
    whole = client.get(url, {**PERIOD, "measure": "accepted"}).content.decode()
    assert "4 件" in whole and "page=2" not in whole


def test_agents_and_clerks_get_no_figures(client, world):
    for person in (world.agent, world.petition_agent, world.clerk_finance):
        verified_login(client, person)
        for name in (
            "figures:dashboard",
            "figures:cases",
            "figures:report_pdf",
            "evaluation:ranking",
            "evaluation:sheets",
        ):
            assert client.get(reverse(name)).status_code == 403, (person, name)


def test_bad_months_get_a_message_not_an_error(client, world):
    verified_login(client, world.director)
    for params in (
        {"from": "2026-13"},
        {"from": "x", "to": "y"},
        {"from": "2026-05", "to": "2026-01"},
        {"from": "1990-01", "to": "2026-01"},
    ):
        response = client.get(reverse("figures:dashboard"), params)
        assert response.status_code == 200
        assert 'class="msg error"' in response.content.decode()
    assert (
        client.get(
            reverse("figures:cases"), {"measure": "nonsense", "village": "9" * 30}
        ).status_code
        == 200
    )


def test_the_county_sees_every_township_and_can_narrow(client, world):
    build(world)
    html = _get(client, world.supervisor, "figures:dashboard").content.decode()
    assert "大厂壮族乡" in html and "青石镇" in html
    narrowed = _get(client, world.supervisor, "figures:dashboard", township=world.township.pk)
    assert "大厂村委会" in narrowed.content.decode()


def test_the_report_pdf_reads_in_chinese_with_the_figures(client, world):
    build(world)
    response = _get(client, world.supervisor, "figures:report_pdf", township=world.township.pk)
    assert response["Content-Type"] == "application/pdf"
    text = "".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
    )
    compact = re.sub(r"\s+", "", text)
    assert "大厂壮族乡" in compact and "实施情况报告" in compact
    assert "2026年1月至2026年3月" in compact
    assert "受理件数4" in compact and "办结件数3" in compact
    assert "按时办结率66.7%" in compact and "满意率50.0%" in compact
    assert "为群众节省跑动次数8" in compact
    assert "平均办理工作日3.7" in compact  # (3 + 7 + 1) / 3
    assert AuditRecord.objects.filter(action="export.report_pdf").exists()


def test_the_report_workbook_opens_with_its_sheets(client, world):
    build(world)
    response = _get(client, world.director, "figures:report_xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["概况", "按月", "按村", "按事项"]
    overview = {row[0]: row[1] for row in book["概况"].iter_rows(min_row=4, values_only=True)}
    assert overview["受理件数"] == 4 and round(overview["按时办结率"], 3) == 0.667
    months = list(book["按月"].iter_rows(min_row=2, values_only=True))
    assert [(m[0], m[1], m[2]) for m in months] == [
        ("2026-01", 1, 0),
        ("2026-02", 0, 1),
        ("2026-03", 3, 2),
        ("合计", 4, 3),
    ]
    assert book["按月"]._charts, "the month sheet carries a chart"
    items = {row[0]: row for row in book["按事项"].iter_rows(min_row=2, values_only=True)}
    assert items["粮食直补存折更名"][1] == 3 and items["生育登记"][2] == 1


def test_the_ranking_page_and_excel(client, world):
    build(world)
    html = _get(client, world.leader, "evaluation:ranking").content.decode()
    assert "47.17" in html and "40×2/3=26.67" in html
    response = _get(client, world.leader, "evaluation:ranking", format="xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    row = next(
        r for r in ws.iter_rows(min_row=4, values_only=True) if r[4] == world.agent.display_name
    )
    assert row[0] == 1 and row[18] == 47.17
    # Rated 2 of 3 completed: the response rate beside the satisfaction rate.
    assert (row[13], round(row[14], 4), row[15]) == (2, 0.6667, 0.5)
    assert "2/3" in html and "67%" in html


def test_the_payment_sheet_pages(client, world):
    build(world)
    with time_machine.travel(at("2026-04-10"), tick=False):
        verified_login(client, world.director)
        response = client.post(
            reverse("evaluation:prepare"), {"month": "2026-03", "township": world.township.pk}
        )
        assert response.status_code == 302
        sheet_url = response["Location"]
        html = client.get(sheet_url).content.decode()
        assert "90.00" in html  # 3 agents × 30.00, nobody passes 60 points
        assert "批准并锁定" not in html  # the preparer may not approve
        verified_login(client, world.leader)
        assert "批准并锁定" in client.get(sheet_url).content.decode()
        client.post(sheet_url + "approve/")
        html = client.get(sheet_url).content.decode()
        assert "已批准" in html and "重新计算" not in html
        verified_login(client, world.director)
        client.post(
            reverse("evaluation:prepare"), {"month": "2026-03", "township": world.township.pk}
        )
        messages = client.get(reverse("evaluation:sheets")).content.decode()
        assert "已经批准" in messages or "不能再更改" in messages
        printed = client.get(sheet_url, {"format": "pdf"})
        assert printed["Content-Type"] == "application/pdf"
        assert AuditRecord.objects.filter(action="export.payment_sheet_pdf").exists()
        verified_login(client, world.other_director)
        assert client.get(sheet_url).status_code == 404
        assert client.get(sheet_url, {"format": "pdf"}).status_code == 404


def test_only_the_county_changes_the_scheme(client, world):
    verified_login(client, world.director)
    assert client.post(reverse("evaluation:scheme"), {"weight_on_time": 50}).status_code == 403
    verified_login(client, world.supervisor)
    form = {**SCHEME_FORM, "weight_on_time": 50}
    refused = client.post(reverse("evaluation:scheme"), form)
    assert refused.status_code == 200 and "100" in refused.content.decode()
    form["weight_on_time"] = 40
    form["monthly_subsidy"] = "35.00"
    assert client.post(reverse("evaluation:scheme"), form).status_code == 302
    assert str(world.county.scheme.monthly_subsidy) == "35.00"
    assert AuditRecord.objects.filter(action="scheme.changed").exists()


def test_pages_make_as_many_queries_for_many_cases_as_for_few(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from daiban.testing.figures import completed_by

    build(world)
    pages = [
        (world.director, "figures:dashboard", {}),
        (world.director, "figures:cases", {"measure": "completed"}),
        (world.leader, "evaluation:ranking", {}),
        (world.supervisor, "figures:dashboard", {}),
    ]

    def counts():
        found = []
        for user, name, params in pages:
            verified_login(client, user)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name), {**PERIOD, **params}).status_code == 200
            found.append(len(queries))
        return found

    counts()  # the first visit creates the county's scheme and warms the calendar cache
    few = counts()
    for day in ("2026-01-12", "2026-02-09", "2026-03-16"):
        completed_by(world, world.other_agent, world.other_resident, day)
    assert counts() == few


def test_a_village_agent_sees_their_own_score_and_pay(client, world):
    build(world)
    with time_machine.travel(at("2026-04-10"), tick=False):
        sheet = prepare_sheet(world.township, datetime.date(2026, 3, 1), actor=world.director)
        verified_login(client, world.agent)
        html = client.get(reverse("evaluation:mine")).content.decode()
        # Last month is March: 20 + 0 + 10 + 6.67 − 5 = 31.67, first of the two agents.
        assert "31.67" in html and "全乡2名代办员中排第1名" in html
        assert "尚无已批准的发放" in html
        approve_sheet(sheet, actor=world.leader)
        html = client.get(reverse("evaluation:mine")).content.decode()
        assert "2026-03 · 30.00 元" in html
    for person in (world.petition_agent, world.director):
        verified_login(client, person)
        assert client.get(reverse("evaluation:mine")).status_code == 403


def test_odd_numbers_and_far_months_get_no_error(client, world):
    for user in (world.director, world.supervisor):
        verified_login(client, user)
        for name in (
            "figures:dashboard",
            "figures:cases",
            "figures:report_pdf",
            "evaluation:ranking",
        ):
            for params in (
                {"township": "²"},
                {"village": "²"},
                {"from": "9999-12", "to": "9999-12"},
                {"from": "0001-01", "to": "0001-01"},
            ):
                response = client.get(reverse(name), params)
                assert response.status_code == 200, (name, params, response.status_code)
    verified_login(client, world.director)
    response = client.post(reverse("evaluation:prepare"), {"month": "0001-01"})
    assert response.status_code == 302
    assert not PaymentSheet.objects.exists()


def test_a_stale_scheme_form_changes_nothing(client, world):
    from daiban.evaluation.scores import scheme_for

    scheme = scheme_for(world.county)
    verified_login(client, world.supervisor)
    page = client.get(reverse("evaluation:scheme")).content.decode()
    seen = re.search(r'name="seen" value="([^"]+)"', page).group(1)
    form = {**SCHEME_FORM, "seen": seen}
    # Someone else raises the pass mark meanwhile.
    with time_machine.travel(at("2026-12-01"), tick=False):
        from daiban.evaluation.services import update_scheme

        update_scheme(scheme, actor=world.admin, pass_mark=70)
    form["complaint_penalty"] = "3"
    response = client.post(reverse("evaluation:scheme"), form, follow=True)
    assert "修改了考核办法" in response.content.decode()
    scheme.refresh_from_db()
    assert scheme.pass_mark == 70 and scheme.complaint_penalty == 2
    form.update(seen=scheme.updated_at.isoformat(), pass_mark="70", complaint_penalty="-1")
    refused = client.post(reverse("evaluation:scheme"), form)
    assert refused.status_code == 200
    scheme.refresh_from_db()
    assert scheme.complaint_penalty == 2

import datetime
import io
import random
from decimal import Decimal
from fractions import Fraction

import openpyxl
import pypdf
import pytest
import time_machine
from django.db import connection

from daiban.cases import lifecycle
from daiban.core.errors import Forbidden, NotAllowed
from daiban.evaluation import exports, services
from daiban.evaluation.models import Locked, PaymentLine, PaymentSheet, Scheme
from daiban.testing.figures import build, completed_by, replied
from daiban.testing.world import at

MARCH = datetime.date(2026, 3, 1)


def _history(world):
    build(world)
    # 岩口村's agent: three cases in March, all on time, two rated 非常满意 by the villager
    # through the link (2 of 3 answered, above the 30 % minimum)
    # → 40 + 30×2/2 + 20×3/4 + 10 = 95.00.
    for day in ("2026-03-03", "2026-03-09", "2026-03-16"):
        case = completed_by(world, world.other_agent, world.other_resident, day)
        if day != "2026-03-16":
            replied(world, case, day)
            lifecycle.rate(case.pk, level=5, at=at(day, 20))


def _prepare(world, **scheme):
    _history(world)
    Scheme.objects.create(county=world.county, **scheme)
    with time_machine.travel(at("2026-04-10"), tick=False):
        return services.prepare_sheet(world.township, MARCH, actor=world.director)


def _lines(sheet):
    return {line.agent: line for line in sheet.lines.all()}


def test_the_fund_goes_to_those_who_pass_and_the_sheet_adds_up(world):
    sheet = _prepare(world)
    lines = _lines(sheet)
    assert lines[world.other_agent].score == Decimal("95.00")
    assert lines[world.agent].score == Decimal("31.67")  # 20 + 0 + 10 + 6.67 − 5
    # March's twelfth of 5,000.00 yuan is 416.67 (months 1–8) ; all of it to the one who passed.
    assert sheet.fund_fen == 41667
    assert lines[world.other_agent].fund_share_fen == 41667
    assert lines[world.agent].fund_share_fen == 0
    assert lines[world.petition_agent].subsidy_fen == 3000
    assert lines[world.petition_agent].score is None
    assert sheet.subsidy_total_fen == 3 * 3000
    assert sheet.total_fen == sum(line.amount_fen for line in lines.values()) == 50667
    assert sheet.fund_kept_fen == 0


def test_shares_by_score_add_up_to_the_fen(world):
    sheet = _prepare(world, pass_mark=Decimal("30"))
    lines = _lines(sheet)
    # 41667 × 95/126.67 = 31249.43 and 41667 × 31.67/126.67 = 10417.57: the spare fen
    # goes to the larger remainder.
    assert lines[world.other_agent].fund_share_fen == 31249
    assert lines[world.agent].fund_share_fen == 10418
    assert sheet.fund_paid_fen == 41667 == sheet.fund_fen
    assert sheet.total_fen == sum(line.amount_fen for line in lines.values())


def test_equal_shares_and_nobody_passing(world):
    sheet = _prepare(world, pass_mark=Decimal("30"), fund_rule="equal")
    lines = _lines(sheet)
    assert {lines[world.other_agent].fund_share_fen, lines[world.agent].fund_share_fen} == {
        20834,
        20833,
    }
    Scheme.objects.filter(county=world.county).update(pass_mark=Decimal("99"))
    with time_machine.travel(at("2026-04-10"), tick=False):
        sheet = services.prepare_sheet(world.township, MARCH, actor=world.director)
    assert sheet.fund_paid_fen == 0 and sheet.fund_kept_fen == 41667
    assert sheet.total_fen == 9000


def test_largest_remainder_never_drifts():
    rng = random.Random(8)
    for _ in range(3000):
        total = rng.randint(0, 10_000_000)
        weights = [Decimal(rng.randint(0, 10000)) / 100 for _ in range(rng.randint(1, 30))]
        parts = services.allocate(total, weights)
        assert sum(parts) == (total if any(weights) else 0)
        whole = sum(Fraction(str(w)) for w in weights)
        for part, weight in zip(parts, weights, strict=True):
            if whole:
                assert abs(part - total * Fraction(str(weight)) / whole) < 1
    months = [services.month_share(500000, m) for m in range(1, 13)]
    assert months == [41667] * 8 + [41666] * 4 and sum(months) == 500000
    assert services.fen("30") == 3000 and services.fen(Decimal("0.01")) == 1
    with pytest.raises(ValueError):
        services.fen("0.001")


def test_an_approved_sheet_cannot_change(world):
    sheet = _prepare(world)
    with time_machine.travel(at("2026-04-12"), tick=False):
        with pytest.raises(Forbidden):
            services.approve_sheet(sheet, actor=world.director)  # prepared it
        with pytest.raises(Forbidden):
            services.approve_sheet(sheet, actor=world.other_director)
        approved = services.approve_sheet(sheet, actor=world.leader)
        assert approved.status == PaymentSheet.Status.APPROVED
        assert services.intact(approved)
        with pytest.raises(NotAllowed):
            services.approve_sheet(approved, actor=world.leader)
        with pytest.raises(NotAllowed):
            services.prepare_sheet(world.township, MARCH, actor=world.director)
    line = approved.lines.first()
    line.subsidy_fen += 100
    line.amount_fen += 100
    with pytest.raises(Locked):
        line.save()
    with pytest.raises(Locked):
        line.delete()
    approved.total_fen += 100
    with pytest.raises(Locked):
        approved.save()
    with pytest.raises(Locked):
        approved.delete()
    approved.refresh_from_db()
    assert approved.total_fen == 50667
    # Changed behind the application's back, the sheet no longer matches what was approved.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE evaluation_paymentline SET subsidy_fen = 3100, amount_fen = amount_fen + 100"
            " WHERE id = %s",
            [line.pk],
        )
    assert not services.intact(approved)
    printed = exports.payment_sheet_pdf(approved)
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(printed)).pages)
    assert "不一致" in text.replace("\n", "")


def test_a_month_is_approved_only_after_it_ends(world):
    _history(world)
    with time_machine.travel(at("2026-03-20"), tick=False):
        sheet = services.prepare_sheet(world.township, MARCH, actor=world.director)
        with pytest.raises(NotAllowed):
            services.approve_sheet(sheet, actor=world.leader)
    with time_machine.travel(at("2026-03-20"), tick=False), pytest.raises(Exception) as raised:
        services.prepare_sheet(world.township, datetime.date(2026, 4, 1), actor=world.director)
    assert "尚未开始" in str(raised.value.message)
    with pytest.raises(Forbidden):
        services.prepare_sheet(world.township, MARCH, actor=world.leader)


def test_the_excel_sheet_adds_up(world):
    sheet = _prepare(world, pass_mark=Decimal("30"))
    book = openpyxl.load_workbook(io.BytesIO(exports.payment_sheet(sheet)))
    ws = book.active
    assert world.township.name in ws["A1"].value
    rows = [r for r in ws.iter_rows(min_row=6, values_only=True) if r[1]]
    amounts = [Decimal(str(r[7])) for r in rows]
    assert len(amounts) == PaymentLine.objects.filter(sheet=sheet).count() == 3
    total_row = next(r for r in ws.iter_rows(min_row=6, values_only=True) if r[0] == "合计")
    assert sum(amounts) == Decimal(str(total_row[7])) == Decimal("506.67")
    assert any("40×" in (r[8] or "") for r in rows)


def test_the_printed_sheet_has_a_line_to_sign_and_says_whether_it_may_be_paid(world):
    import pypdf

    sheet = _prepare(world, pass_mark=Decimal("30"))

    def text():
        body = exports.payment_sheet_pdf(PaymentSheet.objects.get(pk=sheet.pk))
        pages = pypdf.PdfReader(io.BytesIO(body)).pages
        return "".join(p.extract_text() for p in pages).replace(" ", "").replace("\n", "")

    draft = text()
    assert "大厂壮族乡" in draft and "2026年3月" in draft
    assert "领款人签字" in draft and "草稿" in draft
    assert world.agent.display_name in draft and "506.67" in draft
    with time_machine.travel(at("2026-04-12"), tick=False):
        services.approve_sheet(sheet, actor=world.leader)
    approved = text()
    assert "草稿" not in approved and "批准" in approved and world.leader.display_name in approved


def test_approval_texts_each_agent_what_they_get(world):
    from daiban.notifications.models import Sms

    sheet = _prepare(world, pass_mark=Decimal("30"))
    world.agent.work_phone = "+8613877160001"
    world.agent.save()
    with time_machine.travel(at("2026-04-12"), tick=False):
        services.approve_sheet(sheet, actor=world.leader)
    texts = Sms.objects.filter(key__startswith=f"payment:{sheet.pk}:")
    assert [t.body for t in texts] == [
        "【代办补贴】2026年3月补贴已批准：交通补贴30.00元，专项工作经费104.18元，合计134.18元。"
    ]
    assert texts.get().phone_masked.endswith("0001") and "7716" not in texts.get().phone_masked


def test_a_sheet_worked_out_before_the_month_ended_is_worked_out_again(world):
    _history(world)
    with time_machine.travel(at("2026-03-20"), tick=False):
        early = services.prepare_sheet(world.township, MARCH, actor=world.director)
    with time_machine.travel(at("2026-04-02"), tick=False):
        with pytest.raises(NotAllowed) as refused:
            services.approve_sheet(early, actor=world.leader)
        assert "重新计算" in refused.value.message
        again = services.prepare_sheet(world.township, MARCH, actor=world.director)
        approved = services.approve_sheet(again, actor=world.leader, seen=again.prepared_at)
    assert approved.status == PaymentSheet.Status.APPROVED


def test_the_approver_approves_the_version_they_saw(world):
    from daiban.core.errors import Conflict

    sheet = _prepare(world)
    seen = sheet.prepared_at
    with time_machine.travel(at("2026-04-11"), tick=False):
        services.prepare_sheet(world.township, MARCH, actor=world.director)  # worked out again
    with time_machine.travel(at("2026-04-12"), tick=False), pytest.raises(Conflict):
        services.approve_sheet(sheet, actor=world.leader, seen=seen)
    assert PaymentSheet.objects.get(pk=sheet.pk).status == PaymentSheet.Status.DRAFT

"""Excel files for leaders: the payment sheet and the agents' ranking."""

import io
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from daiban.documents import pdf as paper
from daiban.figures import sheets
from daiban.people.models import Role

from .models import PaymentSheet
from .scores import COUNTED, AgentRow
from .services import intact

MONEY = "#,##0.00"
PERCENT = "0.0%"


def yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _header(sheet, row: int, names: list[str], widths: list[int]) -> None:
    for col, (name, width) in enumerate(zip(names, widths, strict=True), start=1):
        cell = sheet.cell(row=row, column=col, value=name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(col)].width = width


def payment_sheet(sheet: PaymentSheet) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = _("Payment sheet")
    ws["A1"] = _("%(township)s — agents' subsidies and special fund, %(month)s") % {
        "township": sheet.township,
        "month": f"{sheet.month:%Y-%m}",
    }
    ws["A1"].font = Font(bold=True, size=14)
    status = sheet.get_status_display()
    if sheet.approved_at:
        status += f" · {sheet.approved_by} · {sheet.approved_at:%Y-%m-%d}"
    ws["A2"] = f"{_('Status')}: {status}"
    ws["A3"] = _("Fund for the month: %(fund)s yuan; paid out %(paid)s; not paid out %(kept)s") % {
        "fund": yuan(sheet.fund_fen),
        "paid": yuan(sheet.fund_paid_fen),
        "kept": yuan(sheet.fund_kept_fen),
    }
    names = [
        _("Village"),
        _("Agent"),
        _("Role"),
        _("Completed"),
        _("Score"),
        _("Transport subsidy (yuan)"),
        _("Share of the fund (yuan)"),
        _("Amount (yuan)"),
        _("How the score was worked out"),
    ]
    _header(ws, 5, names, [14, 12, 12, 8, 8, 14, 14, 14, 80])
    row = 5
    lines = sheet.lines.select_related("village", "agent")
    for line in lines:
        row += 1
        ws.append(
            [
                line.village.name,
                line.agent.display_name,
                str(Role(line.role).label),
                line.completed,
                line.score,
                yuan(line.subsidy_fen),
                yuan(line.fund_share_fen),
                yuan(line.amount_fen),
                line.formula,
            ]
        )
        for col in (6, 7, 8):
            ws.cell(row=row, column=col).number_format = MONEY
    total_row = row + 1
    ws.cell(row=total_row, column=1, value=_("Total")).font = Font(bold=True)
    for col, fen in ((6, sheet.subsidy_total_fen), (7, sheet.fund_paid_fen), (8, sheet.total_fen)):
        cell = ws.cell(row=total_row, column=col, value=yuan(fen))
        cell.number_format = MONEY
        cell.font = Font(bold=True)
    letter = get_column_letter(8)
    ws.cell(row=total_row + 1, column=7, value=_("Check (sum of the lines)"))
    check = ws.cell(row=total_row + 1, column=8, value=f"=SUM({letter}6:{letter}{row})")
    check.number_format = MONEY
    sheets.table(ws, 5, len(names), row)
    sheets.guard(ws, allowed={check.coordinate})
    return _save(book)


def ranking(rows: list[AgentRow], title: str) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = _("Evaluation")
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=14)
    names = [
        _("Rank in county"),
        _("Rank in township"),
        _("Township"),
        _("Village"),
        _("Agent"),
        _("Accepted"),
        _("Completed"),
        _("Completed on time"),
        _("On-time rate"),
        _("Average working days"),
        _("Supplement notices"),
        _("Refused"),
        _("Withdrawn"),
        _("Rated"),
        _("Response rate"),
        _("Satisfaction rate"),
        _("Complaints"),
        _("Rectifications"),
        _("Score"),
        _("How the score was worked out"),
    ]
    _header(ws, 3, names, [8, 8, 14, 14, 12] + [9] * 13 + [8, 80])
    for r in rows:
        c = r.counts
        ws.append(
            [
                r.rank_county,
                r.rank_township,
                r.agent.village.township.name,
                r.agent.village.name,
                r.agent.display_name,
                c["accepted"],
                c["completed"],
                c["on_time"],
                c.on_time_rate,
                c.average_days,
                c["supplements"],
                c["refused"],
                c["withdrawn"],
                c["rated"],
                c.response_rate,
                c.satisfaction_rate,
                c["complaints"],
                c["rectifications"],
                r.score,
                r.formula,
            ]
        )
        row = ws.max_row
        for col in (9, 15, 16):
            ws.cell(row=row, column=col).number_format = PERCENT
        ws.cell(row=row, column=10).number_format = "0.0"
    last = ws.max_row
    ws.append(_ranking_totals(rows))
    sheets.bold_row(ws, ws.max_row)
    for col in (9, 15, 16):
        ws.cell(row=ws.max_row, column=col).number_format = PERCENT
    ws.cell(row=ws.max_row, column=10).number_format = "0.0"
    sheets.table(ws, 3, len(names), last)
    sheets.guard(ws)
    return _save(book)


def _ranking_totals(rows: list[AgentRow]) -> list:
    """The agents' counts added up, and the rates worked out from the sums."""
    sums = {m: sum(r.counts[m] for r in rows) for m in COUNTED}

    def rate(num, den):
        return sums[num] / sums[den] if sums[den] else None

    response = rate("rated", "completed")
    return [
        _("Total"),
        None,
        None,
        None,
        None,
        sums["accepted"],
        sums["completed"],
        sums["on_time"],
        rate("on_time", "completed"),
        rate("work_days", "completed"),
        sums["supplements"],
        sums["refused"],
        sums["withdrawn"],
        sums["rated"],
        None if response is None else min(response, 1),
        rate("satisfied", "rated"),
        sums["complaints"],
        sums["rectifications"],
        None,
        None,
    ]


def payment_sheet_pdf(sheet: PaymentSheet) -> bytes:
    """The printed sheet agents sign for their money; a draft says it may not be paid."""

    with translation.override("zh-hans"):
        s = paper.styles()
        title = _("%(township)s — agents' subsidies and special fund, %(month)s") % {
            "township": sheet.township,
            "month": f"{sheet.month.year}年{sheet.month.month}月",
        }
        rows = [
            [
                _("No."),
                _("Village"),
                _("Agent"),
                _("Score"),
                _("Transport subsidy (yuan)"),
                _("Share of the fund (yuan)"),
                _("Amount (yuan)"),
                _("Signature"),
            ]
        ]
        lines = sheet.lines.select_related("village", "agent")
        for i, line in enumerate(lines, start=1):
            rows.append(
                [
                    str(i),
                    line.village.name,
                    f"{line.agent.display_name}（{Role(line.role).label}）",
                    "—" if line.score is None else str(line.score),
                    line.subsidy_yuan,
                    line.fund_share_yuan,
                    line.amount_yuan,
                    "",
                ]
            )
        rows.append(
            [
                _("Total"),
                "",
                "",
                "",
                sheet.subsidy_total_yuan,
                sheet.fund_paid_yuan,
                sheet.total_yuan,
                "",
            ]
        )
        if sheet.status == PaymentSheet.Status.APPROVED:
            status = _("Approved by %(who)s on %(day)s.") % {
                "who": sheet.approved_by.display_name,
                "day": paper.cn_date(sheet.approved_at),
            }
            if not intact(sheet):
                status = _(
                    "This sheet no longer matches what was approved: it was changed outside the system."
                )
        else:
            status = _("DRAFT — not approved; nothing may be paid on it.")
        center = getattr(sheet.township, "center", None)
        story = [
            paper.para(center.name if center else sheet.township.name, s["subtitle"]),
            paper.para(title, s["title"]),
            paper.para(status, s["body"]),
            paper.para(
                _("Fund for the month: %(fund)s yuan; paid out %(paid)s; not paid out %(kept)s")
                % {
                    "fund": sheet.fund_yuan,
                    "paid": sheet.fund_paid_yuan,
                    "kept": sheet.fund_kept_yuan,
                },
                s["small"],
            ),
            paper.gap(),
            paper.grid(rows, [10, 26, 36, 14, 20, 20, 20, 24]),
            paper.gap(8),
            paper.para(
                _("Prepared by: %(who)s    Approved by: %(approver)s")
                % {
                    "who": sheet.prepared_by.display_name,
                    "approver": sheet.approved_by.display_name
                    if sheet.approved_by
                    else "＿＿＿＿＿＿",
                },
                s["body"],
            ),
        ]
        return paper.render(story, title)

"""The effectiveness report (实施情况报告) for a township or the county over a run of months,
as a PDF with charts and as an Excel workbook; always in Chinese, the language it is
filed in."""

import datetime
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm

from daiban.documents import pdf as paper
from daiban.evaluation.scores import scheme_for
from daiban.people.models import Role, User

from . import selectors, sheets
from .selectors import Figures, Savings, Scope

REPORT_LANGUAGE = "zh-hans"
MIN_COMPLETED_TO_RANK = 3
TOP = 5


@dataclass
class Report:
    scope: Scope
    start: datetime.date
    end: datetime.date
    made_at: datetime.datetime
    total: Figures
    saved: Savings
    overdue: int
    agents: int
    months: list[tuple[datetime.date, Figures]]
    places: list[tuple[object, Figures]]
    items: list[tuple[object, Figures]]
    best_items: list = field(default_factory=list)
    slow_items: list = field(default_factory=list)
    best_places: list = field(default_factory=list)
    slow_places: list = field(default_factory=list)

    @property
    def month_count(self) -> int:
        return len(self.months)

    @property
    def per_agent_month(self) -> Decimal | None:
        if not self.agents:
            return None
        return Decimal(self.total["accepted"]) / (self.agents * self.month_count)

    @property
    def title(self) -> str:
        return _("%(place)s: the village proxy-service system, report on its implementation") % {
            "place": self.scope.name
        }

    @property
    def period(self) -> str:
        return _("%(start)s to %(end)s") % {
            "start": f"{self.start.year}年{self.start.month}月",
            "end": f"{self.end.year}年{self.end.month}月",
        }


def _ranked(rows, key, reverse):
    eligible = [(o, f) for o, f in rows if f["completed"] >= MIN_COMPLETED_TO_RANK]
    return sorted(eligible, key=key, reverse=reverse)[:TOP]


def _best(pair):
    _o, f = pair
    return (f.on_time_rate, f.satisfaction_rate or 0, f["completed"])


def _slow(pair):
    _o, f = pair
    return (f.average_days, -f["completed"])


def gather(user: User, scope: Scope, start: datetime.date, end: datetime.date) -> Report:
    scheme = scheme_for(scope.county)
    if scope.township is None:
        places = selectors.by_township(scope, start, end)
    else:
        places = selectors.by_village(scope, start, end)
    items = selectors.by_item(scope, start, end)
    agents = User.objects.filter(role=Role.VILLAGE_AGENT, is_active=True)
    agents = agents.filter(village__township__county=scope.county)
    if scope.township is not None:
        agents = agents.filter(village__township=scope.township)
    return Report(
        scope=scope,
        start=start,
        end=end,
        made_at=timezone.now(),
        total=selectors.totals(scope, start, end),
        saved=selectors.savings(scope, start, end, scheme),
        overdue=selectors.overdue_now(user, scope).count(),
        agents=agents.count(),
        months=selectors.by_month(scope, start, end),
        places=places,
        items=items,
        best_items=_ranked(items, _best, True),
        slow_items=_ranked(items, _slow, True),
        best_places=_ranked(places, _best, True),
        slow_places=_ranked(places, _slow, True),
    )


def pct(value) -> str:
    return "—" if value is None else f"{(value * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def num(value, places="0.1") -> str:
    return "—" if value is None else str(Decimal(value).quantize(Decimal(places), ROUND_HALF_UP))


def summary(r: Report) -> list[tuple[str, str]]:
    t = r.total
    return [
        (_("Period"), r.period),
        (_("Village agents"), str(r.agents)),
        (_("Cases accepted"), str(t["accepted"])),
        (_("Cases completed"), str(t["completed"])),
        (_("of which granted"), str(t["granted"])),
        (_("Refused / withdrawn"), f"{t['refused']} / {t['withdrawn']}"),
        (_("Supplement notices"), str(t["supplements"])),
        (_("On-time rate"), pct(t.on_time_rate)),
        (_("Average working days"), num(t.average_days)),
        (_("Satisfaction rate"), pct(t.satisfaction_rate)),
        (_("Ratings"), str(t["rated"])),
        (_("Complaints / rectifications"), f"{t['complaints']} / {t['rectifications']}"),
        (_("Cases per agent per month"), num(r.per_agent_month, "0.01")),
        (_("Overdue now"), str(r.overdue)),
        (_("Trips saved for villagers"), str(r.saved.trips)),
        (_("Distance saved (km)"), num(r.saved.km, "1")),
        (_("Fares saved (yuan)"), num(r.saved.yuan, "0.01")),
        (_("Hours saved"), num(r.saved.hours, "1")),
    ]


def _row(name, f: Figures) -> list:
    return [
        name,
        f["accepted"],
        f["completed"],
        pct(f.on_time_rate),
        num(f.average_days),
        pct(f.satisfaction_rate),
        f["trips_saved"],
    ]


def _headings(first: str = "") -> list[str]:
    return [
        first or _("Name"),
        _("Accepted"),
        _("Completed"),
        _("On-time rate"),
        _("Average working days"),
        _("Satisfaction rate"),
        _("Trips saved"),
    ]


# ─── PDF ──────────────────────────────────────────────────────────────────────


def _month_chart(r: Report) -> Drawing:
    drawing = Drawing(170 * mm, 70 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 12 * mm
    chart.width, chart.height = 150 * mm, 50 * mm
    chart.data = [
        [f["accepted"] for _m, f in r.months] or [0],
        [f["completed"] for _m, f in r.months] or [0],
    ]
    chart.categoryAxis.categoryNames = [f"{m.month}月" for m, _f in r.months]
    chart.categoryAxis.labels.fontName = paper.font_name()
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor("#b3261e")
    chart.bars[1].fillColor = colors.HexColor("#1b6e3a")
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 130 * mm, 68 * mm
    legend.fontName = paper.font_name()
    legend.fontSize = 8
    legend.colorNamePairs = [
        (colors.HexColor("#b3261e"), _("accepted")),
        (colors.HexColor("#1b6e3a"), _("completed")),
    ]
    drawing.add(legend)
    return drawing


def _place_chart(r: Report) -> Drawing:
    rows = r.places[:20]
    height = max(len(rows), 1) * 6 * mm + 16 * mm
    drawing = Drawing(170 * mm, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 32 * mm, 8 * mm
    chart.width, chart.height = 130 * mm, height - 14 * mm
    chart.data = [[f["trips_saved"] for _p, f in reversed(rows)] or [0]]
    chart.categoryAxis.categoryNames = [p.name for p, _f in reversed(rows)] or [""]
    chart.categoryAxis.labels.fontName = paper.font_name()
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor("#0b57d0")
    drawing.add(chart)
    return drawing


def pdf(r: Report) -> bytes:
    with translation.override(REPORT_LANGUAGE):
        s = paper.styles()
        story = [
            paper.para(r.title, s["title"]),
            paper.para(
                _("%(period)s · made %(day)s · petitions are not included")
                % {"period": r.period, "day": paper.cn_date(r.made_at)},
                s["subtitle"],
            ),
            paper.gap(),
            paper.para(_("1. Overview"), s["body"]),
            paper.fields(summary(r)),
            paper.gap(),
            paper.para(_("2. Cases accepted and completed, by month"), s["body"]),
            _month_chart(r),
            paper.grid(
                [_headings(_("Month"))] + [_row(f"{m:%Y-%m}", f) for m, f in r.months],
                [26, 22, 22, 26, 26, 26, 22],
            ),
            paper.gap(),
            paper.para(
                _("3. By township") if r.scope.township is None else _("3. By village"), s["body"]
            ),
            paper.para(_("Trips saved for villagers:"), s["small"]),
            _place_chart(r),
            paper.grid(
                [_headings()] + [_row(p.name, f) for p, f in r.places], [34, 20, 20, 24, 26, 24, 22]
            ),
            paper.gap(),
            paper.para(_("4. Items and places that did best, and slowest"), s["body"]),
            paper.para(
                _("Only those with at least %(n)s completed cases are compared.")
                % {"n": MIN_COMPLETED_TO_RANK},
                s["small"],
            ),
        ]
        for title, rows in (
            (_("Items finished on time most often"), r.best_items),
            (_("Slowest items (average working days)"), r.slow_items),
            (_("Places finished on time most often"), r.best_places),
            (_("Slowest places (average working days)"), r.slow_places),
        ):
            story.append(paper.para(title, s["small"]))
            body = [_row(o.name, f) for o, f in rows] or [
                [_("Too few completed cases to compare.")] + [""] * 6
            ]
            story.append(paper.grid([_headings()] + body, [40, 18, 18, 24, 26, 24, 20]))
            story.append(paper.gap(2))
        story += [
            paper.para(_("5. How the figures are counted"), s["body"]),
            paper.para(
                _(
                    "A case counts in the month it was accepted, and as completed in the month "
                    "its result was recorded. On time: result recorded on or before the promised "
                    "date, which moves by the working days spent waiting for materials. Working "
                    "days leave out those paused days. Satisfaction: 满意 and 非常满意 among ratings "
                    "not set aside on appeal. Trips saved: the service guide's trips without an "
                    "agent minus those with one, for each completed case; fares and hours are per "
                    "round trip from the village to where the item is decided."
                ),
                s["small"],
            ),
        ]
        return paper.render(story, r.title)


# ─── Excel ────────────────────────────────────────────────────────────────────


def _table(ws, headings: list[str], rows: list[list], total: list) -> None:
    """Header, lines and a totals row; frozen header, filters over the lines."""
    ws.append(headings)
    sheets.bold_row(ws, 1)
    for row in rows:
        ws.append(row)
    ws.append(total)
    sheets.bold_row(ws, ws.max_row)
    sheets.table(ws, 1, len(headings), len(rows) + 1)
    sheets.guard(ws)


def _rate(value) -> float | None:
    return None if value is None else float(value)


def _plain_row(name, f: Figures) -> list:
    return [
        name,
        f["accepted"],
        f["completed"],
        f["on_time"],
        _rate(f.on_time_rate),
        _rate(f.average_days),
        f["rated"],
        _rate(f.satisfaction_rate),
        f["trips_saved"],
        f["refused"],
        f["withdrawn"],
        f["supplements"],
    ]


def _plain_headings(first: str = "") -> list[str]:
    return [
        first or _("Name"),
        _("Accepted"),
        _("Completed"),
        _("Completed on time"),
        _("On-time rate"),
        _("Average working days"),
        _("Rated"),
        _("Satisfaction rate"),
        _("Trips saved"),
        _("Refused"),
        _("Withdrawn"),
        _("Supplement notices"),
    ]


def _formats(ws, first_row: int) -> None:
    for row in ws.iter_rows(min_row=first_row):
        row[4].number_format = "0.0%"
        row[5].number_format = "0.0"
        row[7].number_format = "0.0%"
    ws.column_dimensions["A"].width = 22


def overview(r: Report) -> list[tuple[str, object, str]]:
    """The summary as typed values for the workbook: (label, value, number format)."""
    t = r.total
    return [
        (_("Village agents"), r.agents, "0"),
        (_("Cases accepted"), t["accepted"], "0"),
        (_("Cases completed"), t["completed"], "0"),
        (_("of which granted"), t["granted"], "0"),
        (_("Refused"), t["refused"], "0"),
        (_("Withdrawn"), t["withdrawn"], "0"),
        (_("Supplement notices"), t["supplements"], "0"),
        (_("Completed on time"), t["on_time"], "0"),
        (_("On-time rate"), _rate(t.on_time_rate), "0.0%"),
        (_("Average working days"), _rate(t.average_days), "0.0"),
        (_("Ratings"), t["rated"], "0"),
        (_("Satisfaction rate"), _rate(t.satisfaction_rate), "0.0%"),
        (_("Complaints"), t["complaints"], "0"),
        (_("Rectifications"), t["rectifications"], "0"),
        (_("Cases per agent per month"), _rate(r.per_agent_month), "0.00"),
        (_("Overdue now"), r.overdue, "0"),
        (_("Trips saved for villagers"), r.saved.trips, "0"),
        (_("Distance saved (km)"), float(r.saved.km), "0"),
        (_("Fares saved (yuan)"), float(r.saved.yuan), "#,##0.00"),
        (_("Hours saved"), float(r.saved.hours), "0"),
    ]


def xlsx(r: Report) -> bytes:
    """Every sheet: one header row, frozen, with filters; numbers typed as numbers; a
    totals row under each table. The overview's title and period sit above its header."""
    with translation.override(REPORT_LANGUAGE):
        book = Workbook()
        ws = book.active
        ws.title = _("Overview")
        ws.append([r.title])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append([_("Period"), r.period, _("Petitions are not included.")])
        ws.append([_("Figure"), _("Value")])
        sheets.bold_row(ws, 3)
        for label, value, number_format in overview(r):
            ws.append([label, value])
            ws.cell(row=ws.max_row, column=2).number_format = number_format
        sheets.table(ws, 3, 2, ws.max_row)
        sheets.guard(ws)
        ws.column_dimensions["A"].width = 28
        ws.column_dimensions["B"].width = 28

        months = book.create_sheet(_("By month"))
        _table(
            months,
            _plain_headings(_("Month")),
            [_plain_row(f"{m:%Y-%m}", f) for m, f in r.months],
            _plain_row(_("Total"), r.total),
        )
        _formats(months, 2)
        chart = BarChart()
        chart.title = _("Cases accepted and completed, by month")
        data = Reference(months, min_col=2, max_col=3, min_row=1, max_row=len(r.months) + 1)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(months, min_col=1, min_row=2, max_row=len(r.months) + 1))
        chart.width, chart.height = 24, 9
        months.add_chart(chart, "N2")

        places = book.create_sheet(
            _("By township") if r.scope.township is None else _("By village")
        )
        _table(
            places,
            _plain_headings(),
            [_plain_row(p.name, f) for p, f in r.places],
            _plain_row(_("Total"), r.total),
        )
        _formats(places, 2)

        items = book.create_sheet(_("By item"))
        _table(
            items,
            _plain_headings(),
            [_plain_row(i.name, f) for i, f in r.items],
            _plain_row(_("Total"), r.total),
        )
        _formats(items, 2)

        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

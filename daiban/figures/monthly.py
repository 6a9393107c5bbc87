"""The report to the county (月报, and the same for a quarter 季报 and a year 年报):
generated on the 2nd, submitted by the center director, signed off by the township
leader, received by the county supervisor. A quarterly or yearly report is the monthly
one over more months (`MonthlyReport.kind`); the steps, pages and papers are shared.

Each step is one function: it checks who acts, moves the status with a conditional
UPDATE (`… WHERE status = old`; a loser gets a conflict, not a silent overwrite) and
writes the audit trail."""

import datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from daiban.audit import trail
from daiban.core.dates import cn_date
from daiban.core.errors import Conflict, Forbidden, NotAllowed
from daiban.core.periods import first_of_month
from daiban.documents import pdf as paper
from daiban.evaluation.scores import scheme_for
from daiban.people.models import Role, User
from daiban.places.models import Township

from . import selectors, sheets
from .models import MonthlyReport

Status = MonthlyReport.Status
Kind = MonthlyReport.Kind

# The figures a monthly report carries, in the order it prints them.
COUNTS = (
    "accepted",
    "completed",
    "granted",
    "on_time",
    "refused",
    "withdrawn",
    "supplements",
    "rated",
    "satisfied",
    "complaints",
    "rectifications",
    "trips_saved",
)


def previous_month(today: datetime.date) -> datetime.date:
    return first_of_month(first_of_month(today) - datetime.timedelta(days=1))


def period_start(kind: str, day: datetime.date) -> datetime.date:
    """The first month of the month, quarter or year `day` falls in."""
    if kind == Kind.QUARTER:
        return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    if kind == Kind.YEAR:
        return datetime.date(day.year, 1, 1)
    return first_of_month(day)


def previous_period(kind: str, today: datetime.date) -> datetime.date:
    """The first month of the last whole period before today's."""
    return period_start(kind, period_start(kind, today) - datetime.timedelta(days=1))


def work_out(township: Township, month: datetime.date, last: datetime.date | None = None) -> dict:
    """The township's figures for the months month..last, from the tallies (petitions left
    out), with the overdue cases counted live by their one definition."""
    last = last or month
    scope = selectors.Scope(county=township.county, township=township)
    total = selectors.totals(scope, month, last)
    saved = selectors.savings(scope, month, last, scheme_for(township.county))
    overdue = selectors.overdue_now(_reader(township), scope).count()
    out = {name: total[name] for name in COUNTS}
    out["work_days"] = total["work_days"]
    out["overdue_now"] = overdue
    out["fares_saved"] = str(saved.yuan)
    out["hours_saved"] = str(saved.hours)
    return out


def _reader(township: Township) -> User:
    """Counts as the county sees them (no petitions): an unsaved county supervisor."""
    return User(role=Role.COUNTY_SUPERVISOR, county=township.county, is_active=True)


def generate(month: datetime.date, kind: str = Kind.MONTH) -> int:
    """A draft for every township that has none for the period; a draft not yet
    submitted is worked out again. Returns how many reports were written."""
    month = period_start(kind, month)
    last = MonthlyReport(kind=kind, month=month).last_month
    written = 0
    for township in Township.objects.select_related("county"):
        report, created = MonthlyReport.objects.get_or_create(
            township=township,
            kind=kind,
            month=month,
            defaults={
                "figures": work_out(township, month, last),
                "generated_at": timezone.now(),
            },
        )
        if not created and report.status == Status.DRAFT:
            MonthlyReport.objects.filter(pk=report.pk, status=Status.DRAFT).update(
                figures=work_out(township, month, last), generated_at=timezone.now()
            )
        written += 1
    return written


STEPS = {
    # step: (from, to, who may, the fields it stamps)
    "submit": (Status.DRAFT, Status.SUBMITTED, Role.CENTER_DIRECTOR, "submitted"),
    "sign": (Status.SUBMITTED, Status.SIGNED, Role.TOWNSHIP_LEADER, "signed"),
    "receive": (Status.SIGNED, Status.RECEIVED, Role.COUNTY_SUPERVISOR, "received"),
}


def may(user: User, report: MonthlyReport, step: str) -> bool:
    _old, _new, role, _stamp = STEPS[step]
    if not user.is_authenticated or user.role != role:
        return False
    if role == Role.COUNTY_SUPERVISOR:
        return user.county_id == report.township.county_id
    return user.township_id == report.township_id


def _step(report_id: int, actor: User, step: str, **extra) -> MonthlyReport:
    old, new, _role, stamp = STEPS[step]
    with transaction.atomic():
        report = MonthlyReport.objects.select_related("township").get(pk=report_id)
        if not may(actor, report, step):
            raise Forbidden(_("You may not take this step on this report."))
        if report.status != old:
            raise NotAllowed(_("The report is not at this step."))
        if step == "submit":
            # What the director submits is worked out again now, then frozen.
            extra["figures"] = work_out(report.township, report.month, report.last_month)
            extra["generated_at"] = timezone.now()
        changed = MonthlyReport.objects.filter(pk=report.pk, status=old).update(
            status=new, **{f"{stamp}_by": actor, f"{stamp}_at": timezone.now()}, **extra
        )
        if not changed:
            raise Conflict(_("Someone else changed the report first."))
        trail.record(
            f"monthly_report.{step}",
            user=actor,
            obj=report,
            detail={
                "township": report.township_id,
                "kind": report.kind,
                "month": f"{report.month:%Y-%m}",
            },
        )
    return MonthlyReport.objects.select_related("township").get(pk=report_id)


def submit(report_id: int, actor: User, note: str = "") -> MonthlyReport:
    return _step(report_id, actor, "submit", note=note.strip()[:2000])


def sign(report_id: int, actor: User) -> MonthlyReport:
    return _step(report_id, actor, "sign")


def receive(report_id: int, actor: User) -> MonthlyReport:
    return _step(report_id, actor, "receive")


def county_board(
    county_id: int, month: datetime.date, kind: str = Kind.MONTH
) -> list[tuple[Township, MonthlyReport | None]]:
    """Every township of the county with its report for the period (None: not generated)."""
    reports = {
        r.township_id: r
        for r in MonthlyReport.objects.filter(
            township__county_id=county_id, kind=kind, month=period_start(kind, month)
        )
    }
    townships = Township.objects.filter(county_id=county_id).order_by("code")
    return [(t, reports.get(t.pk)) for t in townships]


def visible_reports(user: User):
    """Reports of the township (its director and leader) or the county (the county)."""
    return MonthlyReport.objects.restrict(user, "view").select_related(
        "township", "submitted_by", "signed_by", "received_by"
    )


def lines(report: MonthlyReport) -> list[tuple[str, object, str]]:
    """(label, value, number format) of the report, for its page, PDF and workbook."""
    f = report.figures

    def rate(num, den):
        return f[num] / f[den] if f.get(den) else None

    return [
        (_("Cases accepted"), f["accepted"], "0"),
        (_("Cases completed"), f["completed"], "0"),
        (_("of which granted"), f["granted"], "0"),
        (_("Completed on time"), f["on_time"], "0"),
        (_("On-time rate"), rate("on_time", "completed"), "0.0%"),
        (_("Average working days"), rate("work_days", "completed"), "0.0"),
        (_("Refused"), f["refused"], "0"),
        (_("Withdrawn"), f["withdrawn"], "0"),
        (_("Supplement notices"), f["supplements"], "0"),
        (_("Ratings"), f["rated"], "0"),
        (_("Satisfaction rate"), rate("satisfied", "rated"), "0.0%"),
        (_("Complaints"), f["complaints"], "0"),
        (_("Rectifications"), f["rectifications"], "0"),
        (_("Overdue now"), f["overdue_now"], "0"),
        (_("Trips saved for villagers"), f["trips_saved"], "0"),
        (_("Fares saved (yuan)"), float(f["fares_saved"]), "#,##0.00"),
        (_("Hours saved"), float(f["hours_saved"]), "0"),
    ]


# ─── Printed and as a workbook (always in Chinese, the language it is filed in) ───


def period_name(kind: str, month: datetime.date) -> str:
    if kind == Kind.QUARTER:
        return f"{month.year}年第{(month.month - 1) // 3 + 1}季度"
    if kind == Kind.YEAR:
        return f"{month.year}年"
    return f"{month.year}年{month.month}月"


def title(report: MonthlyReport) -> str:
    if report.kind == Kind.QUARTER:
        text = _("%(township)s: quarterly report on the proxy service, %(month)s")
    elif report.kind == Kind.YEAR:
        text = _("%(township)s: yearly report on the proxy service, %(month)s")
    else:
        text = _("%(township)s: monthly report on the proxy service, %(month)s")
    return text % {
        "township": report.township.name,
        "month": period_name(report.kind, report.month),
    }


def _who(user, at) -> str:
    return f"{user.display_name} {cn_date(at)}" if user else "—"


def _shown(value, number_format: str) -> str:
    if value is None:
        return "—"
    if number_format.endswith("%"):
        return f"{value * 100:.1f}%"
    if number_format == "0.0":
        return f"{value:.1f}"
    if "0.00" in number_format:
        return f"{value:,.2f}"
    return f"{value:,.0f}" if isinstance(value, float) else str(value)


def pdf(report: MonthlyReport) -> bytes:
    with translation.override("zh-hans"):
        s = paper.styles()
        story = [
            paper.para(title(report), s["title"]),
            paper.para(report.get_status_display(), s["subtitle"]),
            paper.gap(),
            paper.fields([(label, _shown(v, fmt)) for label, v, fmt in lines(report)]),
            paper.gap(),
        ]
        if report.note:
            story += [
                paper.para(_("Director's note"), s["body"]),
                paper.para(report.note, s["small"]),
            ]
            story.append(paper.gap())
        story.append(
            paper.fields(
                [
                    (
                        _("Submitted by the center director"),
                        _who(report.submitted_by, report.submitted_at),
                    ),
                    (
                        _("Signed off by the township leader"),
                        _who(report.signed_by, report.signed_at),
                    ),
                    (_("Received by the county"), _who(report.received_by, report.received_at)),
                ]
            )
        )
        story += [paper.gap(), paper.para(_("Petitions are not included."), s["small"])]
        return paper.render(story, title(report))


def xlsx(report: MonthlyReport) -> bytes:
    with translation.override("zh-hans"):
        book = Workbook()
        ws = book.active
        ws.title = _("Monthly report")
        ws.append([title(report)])
        ws["A1"].font = sheets.BOLD
        ws.append([_("Status"), report.get_status_display()])
        ws.append([_("Figure"), _("Value")])
        sheets.bold_row(ws, 3)
        for label, value, number_format in lines(report):
            ws.append([label, value])
            ws.cell(row=ws.max_row, column=2).number_format = number_format
        sheets.table(ws, 3, 2, ws.max_row)
        sheets.guard(ws)
        ws.column_dimensions["A"].width = 30
        ws.column_dimensions["B"].width = 40
        return sheets.save(book)


def county_xlsx(county_name: str, month: datetime.date, board) -> bytes:
    """The county's roll-up: one line per township, its status and figures, and totals."""
    with translation.override("zh-hans"):
        book = Workbook()
        ws = book.active
        ws.title = _("Townships")
        labels = [_("Township"), _("Status")] + [label for label, _v, _f in _blank_lines()]
        ws.append(labels)
        sheets.bold_row(ws, 1)
        sums = dict.fromkeys(COUNTS, 0)
        for township, report in board:
            if report is None:
                ws.append([township.name, _("not generated")])
                continue
            values = [v for _l, v, _f in lines(report)]
            ws.append([township.name, report.get_status_display(), *values])
            for name in COUNTS:
                sums[name] += report.figures.get(name, 0)
        last = ws.max_row
        ws.append([_("Total"), "", *[sums.get(k) for k in _LINE_KEYS]])
        sheets.bold_row(ws, ws.max_row)
        sheets.table(ws, 1, len(labels), last)
        sheets.guard(ws)
        ws.column_dimensions["A"].width = 16
        return sheets.save(book)


# Which figure each of `lines` is (None: a rate or a sum of money, not added up).
_LINE_KEYS = [
    "accepted",
    "completed",
    "granted",
    "on_time",
    None,
    None,
    "refused",
    "withdrawn",
    "supplements",
    "rated",
    None,
    "complaints",
    "rectifications",
    None,
    "trips_saved",
    None,
    None,
]


def _blank_lines():
    empty = MonthlyReport(
        figures={
            **dict.fromkeys(COUNTS, 0),
            "work_days": 0,
            "overdue_now": 0,
            "fares_saved": "0",
            "hours_saved": "0",
        }
    )
    return lines(empty)

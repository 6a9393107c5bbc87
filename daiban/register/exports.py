"""The register as a workbook, exactly as filtered: one line per case, typed cells,
a frozen header with filters, and a totals row. Written as it is read (openpyxl's
write-only mode, cases read in chunks), so memory stays flat up to `ROW_CAP` lines."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from daiban.cases import definitions
from daiban.figures import sheets

ROW_CAP = 100_000


def columns() -> list[str]:
    return [
        _("Case number"),
        _("Township"),
        _("Village"),
        _("Item"),
        _("Resident"),
        _("Agent"),
        _("State"),
        _("Accepted on"),
        _("Promised date"),
        _("Result recorded on"),
        _("Result"),
        _("On time"),
        _("Overdue"),
        _("Days overdue"),
        _("Rating"),
        _("Trips saved"),
    ]


WIDTHS = [22, 14, 14, 24, 10, 12, 12, 12, 12, 12, 8, 8, 8, 10, 8, 10]
COUNTED = {11: "on_time", 12: "overdue", 15: "trips"}  # columns the totals row adds up


def _day(value):
    return timezone.localdate(value) if value else None


def workbook(cases, today) -> bytes:
    """Always in Chinese, the language the register is filed in."""
    with override("zh-hans"):
        return _workbook(cases, today)


def _workbook(cases, today) -> bytes:
    wb = sheets.write_only_book()
    ws = wb.create_sheet(_("Case register"))
    labels = columns()
    sheets.header(ws, labels, WIDTHS)
    n = overdue = on_time = trips = 0
    rows = cases.select_related("item", "village", "township", "agent", "resident", "rating")
    for case in rows.iterator(chunk_size=2000):
        rating = getattr(case, "rating", None)
        late_days = definitions.days_overdue(case, today)
        saved = definitions.trips_saved(case)
        punctual = definitions.is_on_time(case)
        n += 1
        overdue += late_days > 0
        on_time += punctual
        trips += saved
        sheets.row(
            ws,
            [
                case.number or "",
                case.township.name,
                case.village.name,
                case.item.name,
                case.resident.masked_name,
                case.agent.display_name,
                case.get_state_display(),
                _day(case.accepted_at),
                case.due_date,
                _day(case.decided_at),
                case.get_outcome_display() if case.outcome else "",
                int(punctual) if definitions.is_completed(case) else None,
                1 if late_days else None,
                late_days or None,
                rating.level if definitions.is_rated(rating) else None,
                saved or None,
            ],
        )
    sheets.finish(ws, len(labels), n + 1)
    totals = [None] * len(labels)
    totals[0] = _("Total: %(n)s cases") % {"n": n}
    found = {"on_time": on_time, "overdue": overdue, "trips": trips}
    for column, name in COUNTED.items():
        totals[column] = found[name]
    sheets.row(ws, totals, bold=True)
    return sheets.save(wb)

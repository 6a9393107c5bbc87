"""What every workbook we hand out does the same way: one header row, frozen, with
filters; numbers and dates typed as such; text that can never become a formula; a
totals row that adds up the lines (as values, so that the file reads the same in any
program, and as a check for whoever opens it)."""

import datetime
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@")
BOLD = Font(bold=True)
DATE_FORMAT = "yyyy-mm-dd"


def text(value) -> str:
    return "" if value is None else str(value)


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def write_only_book() -> Workbook:
    return Workbook(write_only=True)


def cell(ws, value, *, bold: bool = False, number_format: str | None = None):
    """A write-only cell: text stays text (data type "s", never a formula), a Decimal
    becomes a number, a date a date."""
    if isinstance(value, Decimal):
        value = float(value)
    out = WriteOnlyCell(ws, value=value)
    if is_formula_like(value):
        out.data_type = "s"
    if bold:
        out.font = BOLD
    if number_format:
        out.number_format = number_format
    elif isinstance(value, datetime.date):
        out.number_format = DATE_FORMAT
    return out


def header(ws, labels, widths=None) -> None:
    """The first row, frozen; set before the rows in a write-only sheet."""
    ws.freeze_panes = "A2"
    if widths:
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
    ws.append([cell(ws, str(label), bold=True) for label in labels])


def row(ws, values, *, bold: bool = False) -> None:
    ws.append([cell(ws, v, bold=bold) for v in values])


def finish(ws, columns: int, last_row: int) -> None:
    """Filters over the header and the lines (not the totals row)."""
    ws.auto_filter.ref = f"A1:{get_column_letter(columns)}{max(last_row, 1)}"


def save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ─── Ordinary (not write-only) sheets ─────────────────────────────────────────


def table(ws, header_row: int, columns: int, last_row: int) -> None:
    """A table whose header is `header_row`: frozen below it, filters over it and the
    lines (`last_row`, the totals row excluded)."""
    ws.freeze_panes = f"A{header_row + 1}"
    letter = get_column_letter(columns)
    ws.auto_filter.ref = f"A{header_row}:{letter}{max(last_row, header_row)}"


def bold_row(ws, row_number: int) -> None:
    for c in ws[row_number]:
        c.font = BOLD


def guard(ws, allowed=()) -> None:
    """Text that openpyxl took for a formula ("=…", or a name starting with + - @) is
    written back as text; only our own check cells (`allowed` coordinates) stay formulas."""
    for line in ws.iter_rows():
        for c in line:
            if c.coordinate in allowed:
                continue
            if c.data_type == "f" or is_formula_like(c.value):
                c.data_type = "s"

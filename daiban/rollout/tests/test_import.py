"""The county setup workbook, imported into a fresh database: a real county (乐业县)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from daiban.audit.models import AuditRecord
from daiban.people.models import Post, Role, User
from daiban.places.models import County, Department, Hamlet, ServiceCenter, Township, Village
from daiban.rollout import importer
from daiban.rollout.tests import books
from daiban.rollout.workbook import read_book, template

pytestmark = pytest.mark.django_db


def snapshot():
    """Everything the import writes, to compare before and after."""
    return {
        "counties": list(County.objects.values_list("code", "name")),
        "townships": list(Township.objects.values_list("code", "name", "county__code")),
        "villages": list(
            Village.objects.values_list(
                "code",
                "name",
                "township__code",
                "km_to_township",
                "fare_to_township",
                "km_to_county",
                "fare_to_county",
            )
        ),
        "hamlets": list(Hamlet.objects.values_list("code", "name", "village__code")),
        "departments": list(
            Department.objects.order_by("pk").values_list("kind", "name", "phone", "township__code")
        ),
        "users": list(
            User.objects.order_by("pk").values_list(
                "username",
                "password",
                "display_name",
                "role",
                "work_phone",
                "village_id",
                "department_id",
                "township_id",
                "county_id",
                "must_change_password",
            )
        ),
        "posts": list(Post.objects.values_list("user_id", "title", "appointed_on")),
        "audit": AuditRecord.objects.count(),
    }


def test_a_real_county_from_one_workbook():
    report = importer.import_county(books.leye())
    assert report.ok, [str(p) for p in report.problems]
    assert report.applied
    county = County.objects.get()
    assert (county.code, county.name) == ("451028000000", "乐业县")
    assert list(Township.objects.values_list("name", flat=True)) == ["新化镇", "逻沙乡"]
    assert Village.objects.count() == 25
    renli = Village.objects.get(code="451028102201")
    assert (renli.name, renli.township.name) == ("仁里村委会", "新化镇")
    assert renli.km_to_county == 43 and renli.fare_to_township == 4
    assert Village.objects.get(code="451028201211").township.code == "451028201000"
    assert set(renli.hamlets.values_list("name", flat=True)) == {"仁里上屯", "仁里下屯"}
    assert ServiceCenter.objects.count() == 2
    assert Department.objects.filter(level="county").count() == 14
    assert Department.objects.filter(township__name="逻沙乡").count() == 12
    # 2 agents × 25 villages, (12 clerks + director, leader, township agent) × 2, a supervisor
    assert User.objects.count() == 50 + 30 + 1
    assert not User.objects.filter(must_change_password=False).exists()
    agent = User.objects.get(role=Role.VILLAGE_AGENT, village=renli)
    assert agent.post.title == "村委副主任" and str(agent.post.appointed_on) == "2026-01-05"
    township_agent = User.objects.get(role=Role.TOWNSHIP_AGENT, department__township__name="新化镇")
    assert township_agent.department.kind == "civil_affairs"
    clerk = User.objects.get(role=Role.DEPARTMENT_CLERK, department__name="逻沙乡派出所")
    assert clerk.department.kind == "police"
    assert User.objects.get(role=Role.COUNTY_SUPERVISOR).county == county
    # Credentials: one line per new account, the password works once and is not stored.
    assert len(report.credentials) == 81
    name, role, place, username, password, masked = next(
        r for r in report.credentials if r[3] == agent.username
    )
    assert (name, role, place) == (agent.display_name, "村代办员", "仁里村委会")
    assert agent.check_password(password) and "****" in masked
    assert AuditRecord.objects.filter(action="county.import").count() == 1


def test_importing_the_same_file_again_changes_nothing():
    importer.import_county(books.leye())
    before = snapshot()
    report = importer.import_county(books.leye())
    assert report.ok and not report.applied and not report.credentials
    assert {c.action for c in report.changes} == {importer.SAME}
    assert snapshot() == before


def test_a_dry_run_changes_nothing_and_says_what_would_happen():
    report = importer.import_county(books.leye(), dry_run=True)
    assert report.ok and not report.applied
    counts = report.counts()
    assert counts["village"]["create"] == 25 and counts["staff"]["create"] == 81
    assert County.objects.count() == 0 and User.objects.count() == 0


def test_a_second_file_updates_by_code_and_phone():
    importer.import_county(books.leye())
    agent = User.objects.get(role=Role.VILLAGE_AGENT, village__code="451028102201")
    sheets = books.leye_sheets()
    places = sheets["区划"]
    renli = next(r for r in places if r[0] == "451028102201")
    renli[1], renli[3] = "仁里村", "12"  # renamed; the fare changed
    for row in places:
        if row[0] == "451028102202":
            row[2:6] = ["", "", "", ""]  # empty cells leave the values alone
    staff = sheets["人员"]
    mine = next(r for r in staff if r[1] == agent.work_phone[3:])
    mine[0], mine[5] = "黄新名", "村委会主任"
    staff.append([books.person(999), books.phone(999), "村代办员", "451028201201", "", "", ""])
    staff[:] = [
        r
        for r in staff
        if not (r[2] == "村代办员" and r[3] == "451028201201" and r is not staff[-1])
    ]
    report = importer.import_county([("second.xlsx", books.xlsx(sheets))])
    assert report.ok and report.applied, [str(p) for p in report.problems]
    changed = {(c.what, c.label.split()[0]): c for c in report.changes if c.action != importer.SAME}
    assert set(changed) == {
        ("village", "451028102201"),
        ("staff", "黄新名"),
        ("staff", books.person(999)),
    }
    assert changed[("village", "451028102201")].fields == ["name", "fare_to_township"]
    assert sorted(changed[("staff", "黄新名")].fields) == ["display_name", "title"]
    agent.refresh_from_db()
    assert agent.display_name == "黄新名" and agent.post.title == "村委会主任"
    assert Village.objects.get(code="451028102201").name == "仁里村"
    assert Village.objects.get(code="451028102202").km_to_township == 10
    # The replaced agent is still there (nothing is deleted); the new one has credentials.
    assert User.objects.filter(role=Role.VILLAGE_AGENT, village__code="451028201201").count() == 2
    assert [r[0] for r in report.credentials] == [books.person(999)]


def test_a_bad_workbook_names_every_bad_cell_and_changes_nothing():
    importer.import_county(books.leye())
    before = snapshot()
    sheets = books.leye_sheets()
    places, departments, staff = sheets["区划"], sheets["部门"], sheets["人员"]
    places.append(["45102820120", "短码村", "", "", "", "", ""])  # row: len+1
    places.append(["451028301201", "无乡村", "x", "", "", "", ""])
    places.append(["", "孤屯", "", "", "", "", "451028999999"])
    departments.append(["451028102000", "新化镇水利站", "水利站", "123"])
    staff.append(["", "12345", "村长", "451028102201", "", "", "2026-13-01"])
    staff.append(["韦重号", staff[1][1], "部门办事员", "451028102000", "农机站", "", ""])
    last = {name: len(rows) + 1 for name, rows in sheets.items()}  # the header is row 1
    p, d, s = last["区划"] - 2, last["部门"], last["人员"] - 1  # the first rows added
    sheets["事项"] = [["NO-SUCH", "也许", "", "", "", ""]]
    report = importer.import_county([("bad.xlsx", books.xlsx(sheets))])
    assert not report.ok and not report.applied
    cells = sorted((p.sheet, p.row, p.column) for p in report.problems)
    assert cells == sorted(
        [
            ("区划", p, "A"),  # 11 digits
            ("区划", p + 1, "A"),  # township 451028301000 is nowhere
            ("区划", p + 1, "C"),  # "x" is no number
            ("区划", p + 2, "G"),  # no such village
            ("部门", d, "C"),  # unknown type
            ("部门", d, "D"),  # bad phone
            ("人员", s, "A"),  # no name
            ("人员", s, "B"),  # bad mobile
            ("人员", s, "C"),  # unknown role
            ("人员", s, "G"),  # bad date
            ("人员", s + 1, "B"),  # phone already in row 3
            ("人员", s + 1, "E"),  # no such department
            ("事项", 2, "A"),  # no such item
        ]
    )
    text = [str(p) for p in report.problems]
    assert any("人员" in t and str(s) in t and "C" in t and "村长" in t for t in text)
    assert snapshot() == before


def test_any_mistake_stops_a_fresh_import_too():
    sheets = books.leye_sheets()
    sheets["人员"][-1][2] = "村支书"
    report = importer.import_county([("bad.xlsx", books.xlsx(sheets))])
    assert len(report.problems) == 1 and County.objects.count() == 0


def test_csv_files_and_half_width_headers():
    files = books.csv_files(books.leye_sheets())
    report = importer.import_county(files)
    assert report.ok and report.applied, [str(p) for p in report.problems]
    assert Village.objects.count() == 25
    # The same content as an Excel workbook is already there.
    assert not importer.import_county(books.leye()).changes_anything


def test_the_template_has_headers_an_example_and_notes():
    data = template("派出所", "村代办员")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["区划", "部门", "人员", "事项", "说明"]
    assert [c.value for c in book["区划"][1]][:2] == ["区划代码", "名称"]
    assert book["人员"]["B2"].value == "13877100000"
    parsed = read_book([("t.xlsx", data)])
    assert all(not s.rows for s in parsed.sheets.values())  # the example rows are skipped


def test_the_command_masks_phones_and_insists_on_credentials(tmp_path, capsys):
    path = tmp_path / "乐业县.xlsx"
    path.write_bytes(books.leye()[0][1])
    out = io.StringIO()
    call_command("import_county", str(path), "--dry-run", "-v", "2", stdout=out)
    text = out.getvalue()
    assert "人员" in text and "139****0001" in text and "13977100001" not in text
    with pytest.raises(CommandError, match="--credentials"):
        call_command("import_county", str(path), stdout=io.StringIO())
    assert County.objects.count() == 0
    target = tmp_path / "accounts.xlsx"
    call_command("import_county", str(path), "--credentials", str(target), stdout=out)
    rows = list(load_workbook(target)["账号"].iter_rows(values_only=True))
    assert len(rows) == 82 and rows[0][3] == "用户名"
    call_command("county_template", str(tmp_path / "t.xlsx"), stdout=io.StringIO())
    assert (tmp_path / "t.xlsx").exists()


def test_a_workbook_never_takes_over_another_countys_account(world):
    world.director.work_phone = "+86" + books.phone(1)  # 云岭县's director
    world.director.save()
    world.admin.work_phone = "+86" + books.phone(2)
    world.admin.save()
    report = importer.import_county(books.leye())
    rows = {p.row: p for p in report.problems}
    assert len(report.problems) == 2 and {p.column for p in report.problems} == {"B"}
    assert "director" in str(rows[min(rows)]) and "admin" in str(rows[max(rows)])
    assert not County.objects.filter(code="451028000000").exists()
    world.director.refresh_from_db()
    assert world.director.township == world.township


def test_the_items_sheet_changes_only_that_countys_catalog(world):
    """The 事项 sheet writes the county's CountyItem rows; the shared template and every
    other county stay as they were."""
    from daiban.audit.models import AuditRecord
    from daiban.catalog.county import items_for
    from daiban.catalog.models import CountyItem, ServiceItem
    from daiban.catalog.services import load_default_catalog
    from daiban.rollout.models import ItemAlias

    load_default_catalog()
    passbook = ServiceItem.objects.get(name="粮食直补存折更名")
    template = {f.name: getattr(passbook, f.name) for f in passbook._meta.concrete_fields}
    template.pop("updated_at")
    homestead = ServiceItem.objects.get(code="ZJD-001")
    sheets = books.leye_sheets()
    sheets["事项"] = [
        [passbook.code, "否", "", "", "0776-7920001", "粮补存折改名、存折更名"],
        [homestead.code, "是", "国土所", "自然资源局", "", ""],
    ]
    report = importer.import_county([("items.xlsx", books.xlsx(sheets))])
    assert report.ok, [str(p) for p in report.problems]
    leye = County.objects.get(code="451028000000")
    setting = CountyItem.objects.get(county=leye, item=passbook)
    assert not setting.enabled and setting.phone == "07767920001"
    passbook.refresh_from_db()
    assert all(getattr(passbook, k) == v for k, v in template.items())  # the template
    assert passbook in items_for(world.county) and passbook not in items_for(leye)
    alias = ItemAlias.objects.get(item=passbook)
    assert alias.county == leye and "存折更名" in alias.aliases
    assert AuditRecord.objects.filter(action="catalog.county_item").exists()
    there = CountyItem.objects.get(county=leye, item=homestead)
    assert (there.department.kind, there.department.county) == ("land", leye)
    assert (there.bureau.kind, there.bureau.level) == ("c_natural_resources", "county")
    assert not CountyItem.objects.filter(county=world.county).exists()
    again = importer.import_county([("items.xlsx", books.xlsx(sheets))])
    assert not again.changes_anything
    sheets["事项"][0][1] = "是"
    importer.import_county([("items.xlsx", books.xlsx(sheets))])
    assert passbook in items_for(leye)


def test_the_items_sheet_needs_the_countys_departments(db):
    from daiban.catalog.services import load_default_catalog

    load_default_catalog()
    sheets = books.leye_sheets()
    sheets["事项"] = [["ZJD-001", "是", "林业站", "残联", "", ""]]
    sheets["部门"] = [r for r in sheets["部门"] if r[2] not in ("林业站", "残疾人联合会")]
    sheets["人员"] = [r for r in sheets["人员"] if not r[4].endswith("林业站")]
    report = importer.import_county([("items.xlsx", books.xlsx(sheets))])
    assert {p.column for p in report.problems} <= {"C", "D"} and len(report.problems) == 2
    assert not County.objects.filter(code="451028000000").exists()


def test_a_county_level_role_belongs_to_the_county():
    sheets = books.leye_sheets()
    sheets["人员"].append([books.person(500), books.phone(500), "县信访局", "", "", "", ""])
    report = importer.import_county([("x.xlsx", books.xlsx(sheets))])
    assert report.ok, [str(p) for p in report.problems]
    bureau = User.objects.get(work_phone="+86" + books.phone(500))
    assert bureau.role == Role.PETITION_BUREAU and bureau.county.code == "451028000000"

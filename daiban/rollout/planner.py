"""The plan of an import: the workbook read against the database, row by row, saying what
would be created, changed or left alone, and every problem with its sheet, row and column.
Reads only; `importer.apply` writes."""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from pypinyin import lazy_pinyin

from daiban.catalog.models import CountyItem, Level, ServiceItem
from daiban.people.models import ROLE_PLACE, Role, User
from daiban.people.phone import mask_phone
from daiban.places.models import County, Department, Hamlet, ServiceCenter, Township, Village
from daiban.rollout import vocabulary
from daiban.rollout.cells import (
    FARE_MAX,
    KM_MAX,
    Bad,
    halfwidth,
    level_of,
    level_or_none,
    number_or_none,
    read_code,
    read_date,
    read_decimal,
    read_optional_phone,
    read_phone,
    read_text,
)
from daiban.rollout.models import ItemAlias
from daiban.rollout.workbook import DEPARTMENTS, ITEMS, PLACES, STAFF, Book, Problem, Row, SheetData

CREATE, UPDATE, SAME = "create", "update", "same"


@dataclass
class Change:
    sheet: str
    row: int
    what: str  # county, township, village, hamlet, department, staff, item
    label: str
    action: str
    fields: list[str] = field(default_factory=list)


WHAT_LABELS = {
    "county": "县",
    "township": "乡镇",
    "village": "村委会",
    "hamlet": "自然村",
    "department": "部门",
    "staff": "人员",
    "item": "事项",
}


def what_label(what: str) -> str:
    return WHAT_LABELS.get(what, what)


def username_for(name: str) -> str:
    letters = "".join(lazy_pinyin(name)).lower()
    base = "".join(c for c in letters if c.isascii() and c.isalnum())[:24]
    return base or "staff"


# --- the plan ------------------------------------------------------------------------


@dataclass
class Wanted:
    """One row's target: the object as it is (None if new) and the values it should have."""

    row: Row
    existing: object | None
    values: dict
    changed: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @property
    def action(self) -> str:
        if self.existing is None:
            return CREATE
        return UPDATE if self.changed else SAME


class Planner:
    def __init__(self, book: Book):
        self.book = book
        self.problems: list[Problem] = list(book.problems)
        self.county_code = ""
        self.county: Wanted | None = None
        self.townships: dict[str, Wanted] = {}
        self.villages: dict[str, Wanted] = {}
        self.hamlets: dict[tuple[str, str], Wanted] = {}
        self.departments: dict[tuple[str, str], Wanted] = {}
        self.staff: dict[str, Wanted] = {}
        self.items: dict[str, Wanted] = {}

    # Problems are recorded against a cell; one bad cell does not hide the others.
    def bad(self, data: SheetData, row: Row, key: str | None, message: str):
        column = data.sheet.column(key) if key else None
        self.problems.append(
            Problem(
                data.sheet.name,
                row.number,
                data.letter(key) if key else "",
                column.header if column else "",
                message,
            )
        )

    def cell(self, data, row, key, parse, *args):
        try:
            return parse(row.values[key], *args)
        except Bad as exc:
            self.bad(data, row, key, str(exc))
            return None

    @staticmethod
    def _diff(obj, values: dict) -> list[str]:
        if obj is None:
            return []
        return [
            name
            for name, value in values.items()
            if value is not None and getattr(obj, name) != value
        ]

    # -- 区划 --
    def plan_places(self):
        data = self.book.sheets[PLACES.name]
        counties = []
        for row in data.rows:
            text = row.values["code"]
            if text and re.fullmatch(r"\d{6}0{6}", halfwidth(text)):
                counties.append(row)
        if not counties:
            self.problems.append(
                Problem(
                    PLACES.name,
                    None,
                    "",
                    "",
                    _("Add the county's own row (a code ending in 000000) to the sheet."),
                )
            )
            return
        for extra in counties[1:]:
            self.bad(data, extra, "code", _("Only one county per workbook."))
        self.county_code = halfwidth(counties[0].values["code"])
        prefix = self.county_code[:6]
        existing_county = County.objects.filter(code=self.county_code).first()
        townships = {t.code: t for t in Township.objects.filter(code__startswith=prefix)}
        villages = {v.code: v for v in Village.objects.filter(code__startswith=prefix)}
        self._db_townships, self._db_villages = townships, villages
        hamlets = {
            (h.village.code, h.name): h
            for h in Hamlet.objects.filter(village__code__startswith=prefix).select_related(
                "village"
            )
        }
        seen: dict[str, int] = {}
        rows_by_kind: dict[str, list] = defaultdict(list)
        for row in data.rows:
            values = row.values
            name = self.cell(data, row, "name", read_text, 60)
            if values["name"] == "":
                self.bad(data, row, "name", _("Enter the name."))
            if not values["code"]:
                if not values["parent"]:
                    self.bad(
                        data,
                        row,
                        "code",
                        _(
                            "Give the 12-digit division code, or for a hamlet the code of its "
                            "village in 上级区划代码."
                        ),
                    )
                    continue
                rows_by_kind["hamlet"].append((row, name))
                continue
            code = self.cell(data, row, "code", read_code)
            if code is None:
                continue
            try:
                level = level_of(code)
            except Bad as exc:
                self.bad(data, row, "code", str(exc))
                continue
            if code[:6] != prefix:
                self.bad(
                    data,
                    row,
                    "code",
                    _("%(value)s is not in the county %(county)s.")
                    % {"value": code, "county": self.county_code},
                )
                continue
            if code in seen:
                self.bad(
                    data,
                    row,
                    "code",
                    _("The code %(value)s is already in row %(row)s.")
                    % {"value": code, "row": seen[code]},
                )
                continue
            seen[code] = row.number
            parent = {"county": "", "township": prefix + "000000", "village": code[:9] + "000"}[
                level
            ]
            if values["parent"] and halfwidth(values["parent"]) != parent:
                self.bad(
                    data,
                    row,
                    "parent",
                    _("The code %(value)s belongs under %(parent)s, not %(given)s.")
                    % {"value": code, "parent": parent or "—", "given": values["parent"]},
                )
            numbers = {
                "km_to_township": self.cell(data, row, "km_township", read_decimal, 1, KM_MAX),
                "fare_to_township": self.cell(
                    data, row, "fare_township", read_decimal, 2, FARE_MAX
                ),
                "km_to_county": self.cell(data, row, "km_county", read_decimal, 1, KM_MAX),
                "fare_to_county": self.cell(data, row, "fare_county", read_decimal, 2, FARE_MAX),
            }
            if level != "village":
                for key in ("km_township", "fare_township", "km_county", "fare_county"):
                    if values[key] and number_or_none(values[key]) != 0:
                        self.bad(data, row, key, _("Distances and fares are for villages only."))
            rows_by_kind[level].append((row, code, name, numbers))
        if name_row := next(iter(rows_by_kind["county"]), None):
            row, code, name, _numbers = name_row
            values = {"name": name}
            self.county = Wanted(row, existing_county, values, self._diff(existing_county, values))
        for row, code, name, _numbers in rows_by_kind["township"]:
            existing = townships.get(code)
            values = {"name": name}
            wanted = Wanted(row, existing, values, self._diff(existing, values))
            if (
                existing is not None
                and not ServiceCenter.objects.filter(township=existing).exists()
            ):
                wanted.changed.append("center")
            self.townships[code] = wanted
        for row, code, name, numbers in rows_by_kind["village"]:
            township_code = code[:9] + "000"
            if township_code not in self.townships and township_code not in townships:
                self.bad(
                    data,
                    row,
                    "code",
                    _("Its township %(code)s is neither in this workbook nor in Daiban.")
                    % {"code": township_code},
                )
                continue
            existing = villages.get(code)
            values = {"name": name, **numbers}
            self.villages[code] = Wanted(
                row, existing, values, self._diff(existing, values), {"township": township_code}
            )
        for row, name in rows_by_kind["hamlet"]:
            parent = self.cell(data, row, "parent", read_code)
            if parent is None or name is None:
                continue
            if level_or_none(parent) != "village" or (
                parent not in self.villages and parent not in villages
            ):
                self.bad(
                    data,
                    row,
                    "parent",
                    _("The village %(value)s is neither in this workbook nor in Daiban.")
                    % {"value": parent},
                )
                continue
            key = (parent, name)
            if key in self.hamlets:
                self.bad(
                    data,
                    row,
                    "name",
                    _("%(name)s is already in row %(row)s.")
                    % {"name": name, "row": self.hamlets[key].row.number},
                )
                continue
            self.hamlets[key] = Wanted(row, hamlets.get(key), {"name": name})

    def has_township(self, code: str) -> bool:
        return code in self.townships or code in self._db_townships

    # -- 部门 --
    def plan_departments(self):
        data = self.book.sheets[DEPARTMENTS.name]
        county = County.objects.filter(code=self.county_code).first()
        existing = {}
        if county is not None:
            for d in Department.objects.filter(county=county).select_related("township"):
                existing[(d.township.code if d.township_id else "", d.kind)] = d
        self._db_departments = existing
        for row in data.rows:
            values = row.values
            name = self.cell(data, row, "name", read_text, 100)
            if not values["name"]:
                self.bad(data, row, "name", _("Enter the name."))
            phone = self.cell(data, row, "phone", read_optional_phone)
            township = ""
            if values["township"]:
                township = self.cell(data, row, "township", read_code)
                if township is None:
                    continue
                if level_or_none(township) != "township" or not self.has_township(township):
                    self.bad(
                        data,
                        row,
                        "township",
                        _("The township %(value)s is neither in this workbook nor in Daiban.")
                        % {"value": township},
                    )
                    continue
            word = values["kind"]
            kind = vocabulary.township_kind(word) if township else vocabulary.county_kind(word)
            if not word:
                self.bad(data, row, "kind", _("Enter the type."))
                continue
            if kind is None:
                if township:
                    message = _(
                        "Unknown township department type %(value)s. Use one of: %(kinds)s."
                    )
                    kinds = vocabulary.township_kind_words()
                else:
                    message = _(
                        "Unknown county bureau type %(value)s (a township department needs its "
                        "township's code). Use one of: %(kinds)s."
                    )
                    kinds = vocabulary.county_kind_words()
                self.bad(data, row, "kind", message % {"value": word, "kinds": kinds})
                continue
            key = (township, kind)
            if key in self.departments:
                self.bad(
                    data,
                    row,
                    "kind",
                    _("There is already a %(kind)s here, in row %(row)s.")
                    % {"kind": vocabulary.kind_word(kind), "row": self.departments[key].row.number},
                )
                continue
            if name is None:
                continue
            current = existing.get(key)
            wanted_values = {"name": name, "phone": phone or None}
            self.departments[key] = Wanted(
                row, current, wanted_values, self._diff(current, wanted_values)
            )

    def find_department(self, township: str, word: str) -> tuple[str, str] | None:
        """A township's department by its name or its type, in the workbook or in Daiban."""
        keys = {k for k in self.departments if k[0] == township}
        keys |= {k for k in self._db_departments if k[0] == township}
        for key in keys:
            wanted = self.departments.get(key)
            name = wanted.values["name"] if wanted else self._db_departments[key].name
            if name == word:
                return key
        kind = vocabulary.township_kind(word)
        return (township, kind) if kind and (township, kind) in keys else None

    # -- 人员 --
    def plan_staff(self):
        data = self.book.sheets[STAFF.name]
        phones: dict[str, Row] = {}
        parsed = []
        for row in data.rows:
            phone = self.cell(data, row, "phone", read_phone) if row.values["phone"] else None
            if not row.values["phone"]:
                self.bad(data, row, "phone", _("Enter the mobile number."))
            if phone and phone in phones:
                self.bad(
                    data,
                    row,
                    "phone",
                    _("This mobile number is already in row %(row)s.")
                    % {"row": phones[phone].number},
                )
                phone = None
            if phone:
                phones[phone] = row
            parsed.append((row, phone))
        users_by_phone: dict[str, list[User]] = defaultdict(list)
        for user in User.objects.filter(work_phone__in=list(phones)).select_related(
            "post", "village", "department__township", "township", "county"
        ):
            users_by_phone[user.work_phone].append(user)
        usernames = set(User.objects.values_list("username", flat=True))
        single: dict[tuple[str, str], Row] = {}
        for row, phone in parsed:
            values = row.values
            name = self.cell(data, row, "name", read_text, 60)
            if not values["name"]:
                self.bad(data, row, "name", _("Enter the name."))
            title = self.cell(data, row, "title", read_text, 60)
            since = self.cell(data, row, "since", read_date)
            role = vocabulary.ROLES.get(values["role"])
            if role is None:
                self.bad(
                    data,
                    row,
                    "role",
                    _("Unknown role %(value)s. Use one of: %(roles)s.")
                    % {"value": values["role"], "roles": vocabulary.role_words()},
                )
            places = self.staff_place(data, row, role) if role else None
            if role in (Role.VILLAGE_AGENT, Role.PETITION_AGENT) and places:
                key = (role, places["village"])
                if key in single:
                    self.bad(
                        data,
                        row,
                        "role",
                        _("This village already has a %(role)s, in row %(row)s.")
                        % {"role": vocabulary.ROLE_WORD[role], "row": single[key].number},
                    )
                single[key] = row
            if phone is None or name is None or role is None or places is None:
                continue
            found = users_by_phone.get(phone, [])
            if len(found) > 1:
                self.bad(
                    data,
                    row,
                    "phone",
                    _(
                        "%(count)s accounts already have this mobile number; correct them in the "
                        "administration first."
                    )
                    % {"count": len(found)},
                )
                continue
            user = found[0] if found else None
            if user is not None and not self.same_county(user, role):
                self.bad(
                    data,
                    row,
                    "phone",
                    _(
                        "This mobile number belongs to %(user)s (%(username)s), an account "
                        "outside this county; a workbook changes only its own county's staff."
                    )
                    % {"user": user.display_name, "username": user.username},
                )
                continue
            wanted_values = {"display_name": name, "role": role.value}
            extra = {"places": places, "title": title or None, "since": since}
            changed = []
            if user is not None:
                changed = self._diff(user, wanted_values)
                if self.user_places(user) != places:
                    changed.append("place")
                post = getattr(user, "post", None)
                if title and (post is None or post.title != title):
                    changed.append("title")
                if since and (post is None or post.appointed_on != since):
                    changed.append("appointed_on")
            else:
                base = username_for(name)
                username, n = base, 1
                while username in usernames:
                    n += 1
                    username = f"{base}{n}"
                usernames.add(username)
                extra["username"] = username
            self.staff[phone] = Wanted(row, user, wanted_values, changed, extra)

    def same_county(self, user: User, role: Role) -> bool:
        """Whether a workbook of this county may change the account. The global
        administrator, without a place, belongs to no county: no workbook changes it."""
        places = self.user_places(user)
        if not places:
            return False
        ((kind, ref),) = places.items()
        code = ref[0] if kind == "department" else ref
        return bool(code) and code[:6] == self.county_code[:6]

    def user_places(self, user: User) -> dict:
        """The place of an account, in the workbook's terms."""
        if user.village_id:
            return {"village": user.village.code}
        if user.department_id:
            d = user.department
            return {"department": (d.township.code if d.township_id else "", d.kind)}
        if user.township_id:
            return {"township": user.township.code}
        if user.county_id:
            return {"county": user.county.code}
        return {}

    def staff_place(self, data, row, role: Role) -> dict | None:
        needs = ROLE_PLACE[role]
        text = row.values["place"]
        word = row.values["department"]
        if needs in ("department",) and not word:
            self.bad(data, row, "department", _("Name the department this person works in."))
            return None
        if needs not in ("department",) and word:
            self.bad(
                data,
                row,
                "department",
                _("Only department clerks and township agents belong to a department."),
            )
            return None
        if needs is None:
            if text and halfwidth(text) != self.county_code:
                self.bad(data, row, "place", _("Leave it empty or give the county's code."))
                return None
            return {}
        if needs == "county":
            if text and halfwidth(text) != self.county_code:
                self.bad(data, row, "place", _("Leave it empty or give the county's code."))
                return None
            return {"county": self.county_code}
        if not text:
            self.bad(data, row, "place", _("Enter the division code of the place."))
            return None
        code = self.cell(data, row, "place", read_code)
        if code is None:
            return None
        level = level_or_none(code)
        if needs == "village":
            if level != "village" or (code not in self.villages and code not in self._db_villages):
                self.bad(
                    data,
                    row,
                    "place",
                    _(
                        "An agent needs a village: %(value)s is no village in this workbook or in Daiban."
                    )
                    % {"value": code},
                )
                return None
            return {"village": code}
        if level != "township" or not self.has_township(code):
            self.bad(
                data,
                row,
                "place",
                _("Give a township's code: %(value)s is no township in this workbook or in Daiban.")
                % {"value": code},
            )
            return None
        if needs == "township":
            return {"township": code}
        key = self.find_department(code, word)
        if key is None:
            self.bad(
                data,
                row,
                "department",
                _("No department %(value)s in the township %(township)s: add it to the 部门 sheet.")
                % {"value": word, "township": code},
            )
            return None
        return {"department": key}

    # -- 事项 --
    def plan_items(self):
        """The county's own settings of catalog items (catalog.CountyItem); the shared
        template is never changed by a county's workbook."""
        data = self.book.sheets[ITEMS.name]
        if not data.rows:
            return
        items = {i.code: i for i in ServiceItem.objects.all()}
        county = County.objects.filter(code=self.county_code).first()
        aliases = {a.item_id: a for a in ItemAlias.objects.filter(county=county)} if county else {}
        settings = {}
        if county is not None:
            for setting in CountyItem.objects.filter(county=county).select_related(
                "department", "bureau"
            ):
                settings[setting.item_id] = setting
        departments = set(self.departments) | set(self._db_departments)
        township_kinds = {kind for township, kind in departments if township}
        for row in data.rows:
            values = row.values
            code = values["code"]
            item = items.get(code)
            if item is None:
                self.bad(
                    data,
                    row,
                    "code",
                    _("No service item has the code %(value)s.") % {"value": code},
                )
                continue
            if code in self.items:
                self.bad(
                    data,
                    row,
                    "code",
                    _("The code %(value)s is already in row %(row)s.")
                    % {"value": code, "row": self.items[code].row.number},
                )
                continue
            wanted_values = {}
            enabled = values["enabled"].lower()
            if enabled in vocabulary.YES:
                wanted_values["enabled"] = True
            elif enabled in vocabulary.NO:
                wanted_values["enabled"] = False
            elif enabled:
                self.bad(data, row, "enabled", _("Write 是 or 否."))
            if values["department"]:
                kind = vocabulary.township_kind(values["department"])
                if kind is None:
                    self.bad(
                        data,
                        row,
                        "department",
                        _("Unknown township department type %(value)s. Use one of: %(kinds)s.")
                        % {
                            "value": values["department"],
                            "kinds": vocabulary.township_kind_words(),
                        },
                    )
                elif kind not in township_kinds:
                    self.bad(
                        data,
                        row,
                        "department",
                        _("No township of this county has a %(value)s: add it to the 部门 sheet.")
                        % {"value": values["department"]},
                    )
                wanted_values["department"] = kind
            if values["bureau"]:
                kind = vocabulary.county_kind(values["bureau"])
                if item.decided_by != Level.COUNTY:
                    self.bad(
                        data,
                        row,
                        "bureau",
                        _("This item is decided in the township; it has no county bureau."),
                    )
                elif kind is None:
                    self.bad(
                        data,
                        row,
                        "bureau",
                        _("Unknown county bureau type %(value)s. Use one of: %(kinds)s.")
                        % {"value": values["bureau"], "kinds": vocabulary.county_kind_words()},
                    )
                elif ("", kind) not in departments:
                    self.bad(
                        data,
                        row,
                        "bureau",
                        _("This county has no %(value)s: add it to the 部门 sheet.")
                        % {"value": values["bureau"]},
                    )
                wanted_values["bureau"] = kind
            phone = self.cell(data, row, "phone", read_optional_phone)
            if phone:
                wanted_values["phone"] = phone
            alias_text = self.cell(data, row, "aliases", read_text, 200)
            current = settings.get(item.id)
            changed = []
            if current is not None:
                now = {
                    "enabled": current.enabled,
                    "department": current.department.kind if current.department_id else None,
                    "bureau": current.bureau.kind if current.bureau_id else None,
                    "phone": current.phone,
                }
                changed = [n for n, v in wanted_values.items() if now[n] != v]
            current_alias = aliases.get(item.id)
            if alias_text and (current_alias is None or current_alias.aliases != alias_text):
                changed.append("aliases")
            self.items[code] = Wanted(
                row, current, wanted_values, changed, {"aliases": alias_text, "item": item}
            )

    def plan(self) -> "Planner":
        self._db_townships, self._db_villages, self._db_departments = {}, {}, {}
        self.plan_places()
        if self.county_code:
            self.plan_departments()
            self.plan_staff()
            self.plan_items()
        return self

    # -- the report --
    def changes(self) -> list[Change]:
        out = []

        def add(sheet, what, label, wanted):
            out.append(Change(sheet, wanted.row.number, what, label, wanted.action, wanted.changed))

        if self.county:
            add(
                PLACES.name,
                "county",
                f"{self.county_code} {self.county.values['name']}",
                self.county,
            )
        for code, w in self.townships.items():
            add(PLACES.name, "township", f"{code} {w.values['name']}", w)
        for code, w in self.villages.items():
            add(PLACES.name, "village", f"{code} {w.values['name']}", w)
        for (village, name), w in self.hamlets.items():
            add(PLACES.name, "hamlet", f"{village} {name}", w)
        for (_township, _kind), w in self.departments.items():
            add(DEPARTMENTS.name, "department", w.values["name"], w)
        for phone, w in self.staff.items():
            add(STAFF.name, "staff", f"{w.values['display_name']} {mask_phone(phone)}", w)
        for code, w in self.items.items():
            add("事项", "item", f"{code} {w.extra['item'].name}", w)
        return out

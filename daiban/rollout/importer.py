"""Setting up a county from its workbook: everything is checked first, then written in
one transaction, or nothing is written at all.

    report = import_county(files, actor=user, dry_run=True)

`plan()` reads the database and the workbook and says, row by row, what would be created,
changed or left alone; `apply()` writes exactly that. Places are matched by their division
code, departments by township and kind, staff by mobile number, items by code. Nothing is
ever deleted, so a second file can only add and update. An empty cell leaves a value alone.
"""

import datetime
import re
import secrets
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from pypinyin import lazy_pinyin

from daiban.catalog.models import Level, ServiceItem
from daiban.people.models import ROLE_PLACE, Role, User
from daiban.people.phone import mask_phone, national, parse_phone
from daiban.people.services import create_staff
from daiban.places.models import County, Department, Hamlet, ServiceCenter, Township, Village
from daiban.rollout import vocabulary
from daiban.rollout.hashers import OneTimePasswordHasher
from daiban.rollout.models import ItemAlias, Post
from daiban.rollout.workbook import (
    DEPARTMENTS,
    ITEMS,
    PLACES,
    STAFF,
    Book,
    Problem,
    Row,
    SheetData,
    read_book,
)

CREATE, UPDATE, SAME = "create", "update", "same"
Progress = Callable[[str, int, int], None]


@dataclass
class Change:
    sheet: str
    row: int
    what: str  # county, township, village, hamlet, department, staff, item
    label: str
    action: str
    fields: list[str] = field(default_factory=list)


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    credentials: list[list[str]] = field(default_factory=list)
    applied: bool = False
    county_code: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, Counter]:
        counts: dict[str, Counter] = defaultdict(Counter)
        for change in self.changes:
            counts[change.what][change.action] += 1
        return dict(counts)

    @property
    def changes_anything(self) -> bool:
        return any(c.action != SAME for c in self.changes)


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


# --- reading cells -------------------------------------------------------------------


class Bad(Exception):
    """A cell's value is wrong; the message says how."""


def _digits(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", text).replace(" ", "")


def _code(text: str) -> str:
    code = _digits(text)
    if not re.fullmatch(r"\d{12}", code):
        raise Bad(_("A division code has exactly 12 digits: %(value)s.") % {"value": text})
    return code


def _level(code: str) -> str:
    if code[6:] == "000000":
        if code[4:6] == "00":
            raise Bad(
                _("%(value)s is a province or prefecture code; the workbook is for one county.")
                % {"value": code}
            )
        return "county"
    if code[9:] == "000":
        return "township"
    return "village"


def _decimal(text: str, places: int, maximum: Decimal) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(_digits(text))
    except InvalidOperation:
        raise Bad(_("Enter a number such as 12.5, not %(value)s.") % {"value": text}) from None
    if not value.is_finite() or value < 0:
        raise Bad(_("Enter a number such as 12.5, not %(value)s.") % {"value": text})
    value = value.quantize(Decimal(1).scaleb(-places))
    if value > maximum:
        raise Bad(_("%(value)s is too large (at most %(max)s).") % {"value": text, "max": maximum})
    return value


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def _date(text: str) -> datetime.date | None:
    if not text:
        return None
    cleaned = _digits(text).split("T")[0].split(" ")[0]
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    raise Bad(_("Write the date as 2026-01-05, not %(value)s.") % {"value": text})


def _phone(text: str) -> str:
    try:
        return parse_phone(_digits(text))
    except ValidationError as exc:
        raise Bad(" ".join(exc.messages)) from None


def _text(text: str, limit: int) -> str:
    if len(text) > limit:
        raise Bad(_("At most %(limit)s characters.") % {"limit": limit})
    return text


KM_MAX = Decimal("99999.9")
FARE_MAX = Decimal("99999.99")
# Letters and digits that cannot be mistaken for one another when read out or printed.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105


def one_time_password() -> str:
    """Like Hm7k-Q2xp-9Tbe: easy to read out, passes the password rules."""
    while True:
        text = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(12))
        classes = (str.islower, str.isupper, str.isdigit)
        if all(any(test(c) for c in text) for test in classes):
            return f"{text[:4]}-{text[4:8]}-{text[8:]}"


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
            if text and re.fullmatch(r"\d{6}0{6}", _digits(text)):
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
        self.county_code = _digits(counties[0].values["code"])
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
            name = self.cell(data, row, "name", _text, 60)
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
            code = self.cell(data, row, "code", _code)
            if code is None:
                continue
            try:
                level = _level(code)
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
            if values["parent"] and _digits(values["parent"]) != parent:
                self.bad(
                    data,
                    row,
                    "parent",
                    _("The code %(value)s belongs under %(parent)s, not %(given)s.")
                    % {"value": code, "parent": parent or "—", "given": values["parent"]},
                )
            numbers = {
                "km_to_township": self.cell(data, row, "km_township", _decimal, 1, KM_MAX),
                "fare_to_township": self.cell(data, row, "fare_township", _decimal, 2, FARE_MAX),
                "km_to_county": self.cell(data, row, "km_county", _decimal, 1, KM_MAX),
                "fare_to_county": self.cell(data, row, "fare_county", _decimal, 2, FARE_MAX),
            }
            if level != "village":
                for key in ("km_township", "fare_township", "km_county", "fare_county"):
                    if values[key] and _decimal_or_none(values[key]) != 0:
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
            parent = self.cell(data, row, "parent", _code)
            if parent is None or name is None:
                continue
            if _level_or_none(parent) != "village" or (
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
            name = self.cell(data, row, "name", _text, 100)
            if not values["name"]:
                self.bad(data, row, "name", _("Enter the name."))
            phone = self.cell(data, row, "phone", _optional_phone)
            township = ""
            if values["township"]:
                township = self.cell(data, row, "township", _code)
                if township is None:
                    continue
                if _level_or_none(township) != "township" or not self.has_township(township):
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
            phone = self.cell(data, row, "phone", _phone) if row.values["phone"] else None
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
            name = self.cell(data, row, "name", _text, 60)
            if not values["name"]:
                self.bad(data, row, "name", _("Enter the name."))
            title = self.cell(data, row, "title", _text, 60)
            since = self.cell(data, row, "since", _date)
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
            if text and _digits(text) != self.county_code:
                self.bad(data, row, "place", _("Leave it empty or give the county's code."))
                return None
            return {}
        if needs == "county":
            if text and _digits(text) != self.county_code:
                self.bad(data, row, "place", _("Leave it empty or give the county's code."))
                return None
            return {"county": self.county_code}
        if not text:
            self.bad(data, row, "place", _("Enter the division code of the place."))
            return None
        code = self.cell(data, row, "place", _code)
        if code is None:
            return None
        level = _level_or_none(code)
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
        data = self.book.sheets[ITEMS.name]
        if not data.rows:
            return
        items = {i.code: i for i in ServiceItem.objects.all()}
        county = County.objects.filter(code=self.county_code).first()
        aliases = {a.item_id: a for a in ItemAlias.objects.filter(county=county)} if county else {}
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
                wanted_values["is_active"] = True
            elif enabled in vocabulary.NO:
                wanted_values["is_active"] = False
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
                wanted_values["department_kind"] = kind
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
                wanted_values["county_department_kind"] = kind
            phone = self.cell(data, row, "phone", _optional_phone)
            wanted_values["phone"] = phone or None
            alias_text = self.cell(data, row, "aliases", _text, 200)
            changed = self._diff(item, wanted_values)
            current_alias = aliases.get(item.id)
            if alias_text and (current_alias is None or current_alias.aliases != alias_text):
                changed.append("aliases")
            self.items[code] = Wanted(row, item, wanted_values, changed, {"aliases": alias_text})

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
            add("事项", "item", f"{code} {w.existing.name}", w)
        return out


def _decimal_or_none(text):
    try:
        return Decimal(_digits(text))
    except InvalidOperation:
        return None


def _level_or_none(code: str) -> str | None:
    try:
        return _level(code)
    except Bad:
        return None


def _optional_phone(text: str) -> str:
    return national(_phone(text)) if text else ""


# --- writing -------------------------------------------------------------------------


def _set(obj, values: dict, names: list[str]):
    fields = [n for n in names if n in values]
    for name in fields:
        setattr(obj, name, values[name])
    if fields:
        obj.save(update_fields=fields)


def _hamlet_code(village: Village, used: set[str]) -> str:
    n = 1
    while True:
        code = f"{village.code}{n:02d}"
        if code not in used:
            used.add(code)
            return code
        n += 1


def hash_passwords(planner: Planner, progress: Progress | None = None) -> dict[str, tuple]:
    """One-time passwords and their hashes for the new staff, made before the
    transaction (hashing is the slow part)."""
    new = [phone for phone, w in planner.staff.items() if w.existing is None]
    out = {}
    for done, phone in enumerate(new, start=1):
        password = one_time_password()
        out[phone] = (password, make_password(password, hasher=OneTimePasswordHasher.algorithm))
        if progress:
            progress(_("Passwords"), done, len(new))
    return out


def apply(planner: Planner, passwords: dict, progress: Progress | None = None) -> list[list]:
    """Write the plan; returns the credentials rows of the new staff."""
    credentials = []
    steps = (
        len(planner.townships)
        + len(planner.villages)
        + len(planner.hamlets)
        + len(planner.departments)
        + len(planner.staff)
        + len(planner.items)
    )
    done = 0

    def tick():
        nonlocal done
        done += 1
        if progress and (done % 10 == 0 or done == steps):
            progress(_("Writing"), done, steps)

    w = planner.county
    county = w.existing if w else County.objects.get(code=planner.county_code)
    if w and county is None:
        county = County.objects.create(code=planner.county_code, **w.values)
    elif w and w.changed:
        _set(county, w.values, w.changed)

    townships = {t.code: t for t in Township.objects.filter(code__startswith=county.code[:6])}
    for code, w in planner.townships.items():
        township = w.existing
        if township is None:
            township = Township.objects.create(county=county, code=code, **w.values)
            townships[code] = township
        else:
            _set(township, w.values, w.changed)
        if township.id and (w.existing is None or "center" in w.changed):
            ServiceCenter.objects.create(township=township, name=f"{township.name}便民服务中心")
        tick()

    villages = {v.code: v for v in Village.objects.filter(code__startswith=county.code[:6])}
    for code, w in planner.villages.items():
        values = {k: v for k, v in w.values.items() if v is not None}
        if w.existing is None:
            village = Village.objects.create(
                township=townships[w.extra["township"]], code=code, **values
            )
            villages[code] = village
        else:
            _set(w.existing, values, w.changed)
        tick()

    used = set(
        Hamlet.objects.filter(village__code__startswith=county.code[:6]).values_list(
            "code", flat=True
        )
    )
    for (village_code, name), w in planner.hamlets.items():
        if w.existing is None:
            village = villages[village_code]
            Hamlet.objects.create(village=village, code=_hamlet_code(village, used), name=name)
        tick()

    departments = {
        (d.township.code if d.township_id else "", d.kind): d
        for d in Department.objects.filter(county=county).select_related("township")
    }
    for (township_code, kind), w in planner.departments.items():
        values = {k: v for k, v in w.values.items() if v is not None}
        if w.existing is None:
            departments[(township_code, kind)] = Department.objects.create(
                county=county,
                township=townships[township_code] if township_code else None,
                level=Department.Level.TOWNSHIP if township_code else Department.Level.COUNTY,
                kind=kind,
                **values,
            )
        else:
            _set(w.existing, values, w.changed)
        tick()

    def places(refs: dict) -> dict:
        out = {"village": None, "department": None, "township": None, "county": None}
        if "village" in refs:
            out["village"] = villages[refs["village"]]
        if "department" in refs:
            out["department"] = departments[refs["department"]]
        if "township" in refs:
            out["township"] = townships[refs["township"]]
        if "county" in refs:
            out["county"] = county
        return out

    for phone, w in planner.staff.items():
        role = w.values["role"]
        if w.existing is None:
            password, hashed = passwords.get(phone) or (None, None)
            if password is None:
                password = one_time_password()
                hashed = make_password(password, hasher=OneTimePasswordHasher.algorithm)
            given = {k: v for k, v in places(w.extra["places"]).items() if v is not None}
            user = create_staff(
                username=w.extra["username"],
                display_name=w.values["display_name"],
                role=role,
                password_hash=hashed,
                work_phone=phone,
                must_change_password=True,
                **given,
            )
            if w.extra["title"] or w.extra["since"]:
                Post.objects.create(
                    user=user, title=w.extra["title"] or "", appointed_on=w.extra["since"]
                )
            place = next(iter(given.values()), None)
            credentials.append(
                [
                    user.display_name,
                    vocabulary.ROLE_WORD[Role(role)],
                    str(place or ""),
                    user.username,
                    password,
                    mask_phone(phone),
                ]
            )
        elif w.changed:
            user = w.existing
            user.display_name = w.values["display_name"]
            user.role = role
            for name, value in places(w.extra["places"]).items():
                setattr(user, name, value)
            user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
            user.save()
            if "title" in w.changed or "appointed_on" in w.changed:
                post, _created = Post.objects.get_or_create(user=user)
                if w.extra["title"]:
                    post.title = w.extra["title"]
                if w.extra["since"]:
                    post.appointed_on = w.extra["since"]
                post.save()
        tick()

    for _code, w in planner.items.items():
        item = w.existing
        names = [n for n in w.changed if n != "aliases"]
        _set(item, w.values, names)
        if "aliases" in w.changed:
            ItemAlias.objects.update_or_create(
                county=county, item=item, defaults={"aliases": w.extra["aliases"]}
            )
        tick()
    return credentials


def import_county(
    files: list[tuple[str, bytes]],
    *,
    actor: User | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    before_apply: Callable[[Report], None] | None = None,
) -> Report:
    """Check the workbook and, unless it is a dry run or has any problem, apply it.

    `before_apply` sees the checked report before anything is written and may raise to stop
    (the command uses it to insist on a credentials file when there are new staff).
    """
    from daiban.audit import trail

    book = read_book(files)
    planner = Planner(book).plan()
    report = Report(planner.problems, planner.changes(), county_code=planner.county_code)
    if not report.ok or dry_run or not report.changes_anything:
        return report
    if before_apply:
        before_apply(report)
    passwords = hash_passwords(planner, progress)
    with transaction.atomic():
        # Planned again inside the transaction: what was read before may have changed.
        planner = Planner(book).plan()
        report = Report(planner.problems, planner.changes(), county_code=planner.county_code)
        if not report.ok:
            return report
        report.credentials = apply(planner, passwords, progress)
        report.applied = True
        counts = {
            what: {a: n for a, n in c.items() if a != SAME} for what, c in report.counts().items()
        }
        trail.record(
            "county.import",
            user=actor,
            obj=County.objects.get(code=planner.county_code),
            detail={"counts": counts},
        )
    return report

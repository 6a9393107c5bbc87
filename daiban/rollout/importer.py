"""Setting up a county from its workbook: everything is checked first, then written in
one transaction, or nothing is written at all.

    report = import_county(files, actor=user, dry_run=True)

`plan()` reads the database and the workbook and says, row by row, what would be created,
changed or left alone; `apply()` writes exactly that. Places are matched by their division
code, departments by township and kind, staff by mobile number, items by code. Nothing is
ever deleted, so a second file can only add and update. An empty cell leaves a value alone.
"""

import secrets
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from daiban.catalog.county import save_settings
from daiban.catalog.models import CountyItem
from daiban.people.models import Post, Role, User
from daiban.people.phone import mask_phone
from daiban.people.services import create_staff
from daiban.places.models import County, Department, Hamlet, ServiceCenter, Township, Village
from daiban.rollout import vocabulary
from daiban.rollout.hashers import OneTimePasswordHasher
from daiban.rollout.models import ItemAlias
from daiban.rollout.planner import CREATE, SAME, UPDATE, Change, Planner, what_label
from daiban.rollout.workbook import PLACES, Problem, read_book

__all__ = ["CREATE", "SAME", "UPDATE", "Change", "Report", "import_county", "what_label"]

Progress = Callable[[str, int, int], None]


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


PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105


def one_time_password() -> str:
    """Like Hm7k-Q2xp-9Tbe: easy to read out, passes the password rules."""
    while True:
        text = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(12))
        classes = (str.islower, str.isupper, str.isdigit)
        if all(any(test(c) for c in text) for test in classes):
            return f"{text[:4]}-{text[4:8]}-{text[8:]}"


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


def apply(
    planner: Planner, passwords: dict, progress: Progress | None = None, actor: User | None = None
) -> list[list]:
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
                    user=user,
                    title=w.extra["title"] or "",
                    appointed_on=w.extra["since"],
                    appointed_by_id=user.covered_township_id,
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
            user.is_staff = role == Role.COUNTY_ADMINISTRATOR
            user.is_superuser = False
            user.save()
            if "title" in w.changed or "appointed_on" in w.changed:
                post, _created = Post.objects.get_or_create(user=user)
                if w.extra["title"]:
                    post.title = w.extra["title"]
                if w.extra["since"]:
                    post.appointed_on = w.extra["since"]
                post.save()
        tick()

    # A township department stands for its kind in every township: the first township's.
    by_kind = {}
    for (township_code, kind), department in sorted(departments.items()):
        if township_code:
            by_kind.setdefault(kind, department)
    for _code, w in planner.items.items():
        item = w.extra["item"]
        setting = w.existing or CountyItem(county=county, item=item)
        names = [n for n in w.changed if n != "aliases"] if w.existing else list(w.values)
        if w.existing is None or names:
            if "enabled" in w.values:
                setting.enabled = w.values["enabled"]
            if "department" in w.values:
                setting.department = by_kind[w.values["department"]]
            if "bureau" in w.values:
                setting.bureau = departments[("", w.values["bureau"])]
            if "phone" in w.values:
                setting.phone = w.values["phone"]
            save_settings(setting, actor=actor, changed=names)
        if "aliases" in w.changed:
            ItemAlias.objects.update_or_create(
                county=county, item=item, defaults={"aliases": w.extra["aliases"]}
            )
        tick()
    return credentials


def _limited(planner: Planner, only_county: str) -> Planner:
    if only_county and planner.county_code and planner.county_code != only_county:
        planner.problems.append(
            Problem(
                PLACES.name,
                None,
                "",
                "",
                _("This workbook is for the county %(code)s; you set up %(yours)s only.")
                % {"code": planner.county_code, "yours": only_county},
            )
        )
    return planner


def import_county(
    files: list[tuple[str, bytes]],
    *,
    actor: User | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    before_apply: Callable[[Report], None] | None = None,
    only_county: str = "",
) -> Report:
    """Check the workbook and, unless it is a dry run or has any problem, apply it.

    `only_county` (a division code) refuses a workbook of any other county: a county
    administrator imports their own county only.

    `before_apply` sees the checked report before anything is written and may raise to stop
    (the command uses it to insist on a credentials file when there are new staff).
    """
    from daiban.audit import trail

    book = read_book(files)
    planner = _limited(Planner(book).plan(), only_county)
    report = Report(planner.problems, planner.changes(), county_code=planner.county_code)
    if not report.ok or dry_run or not report.changes_anything:
        return report
    if before_apply:
        before_apply(report)
    passwords = hash_passwords(planner, progress)
    with transaction.atomic():
        # Planned again inside the transaction: what was read before may have changed.
        planner = _limited(Planner(book).plan(), only_county)
        report = Report(planner.problems, planner.changes(), county_code=planner.county_code)
        if not report.ok:
            return report
        report.credentials = apply(planner, passwords, progress, actor=actor)
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

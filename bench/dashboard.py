"""How long the dashboards, the ranking and the report take, on the demo county and on a
generated county of a million cases (or any --cases).

    DAIBAN_TESTING=1 .venv/bin/python bench/dashboard.py --demo
    DAIBAN_TESTING=1 .venv/bin/python bench/dashboard.py --cases 1000000 --keep var/bench-1m
    DATABASE_URL=postgres://postgres@127.0.0.1/daiban_bench DAIBAN_TESTING=1 \
        .venv/bin/python bench/dashboard.py --cases 1000000
    # the issue-20 county: 2 M cases with their hops and a million villagers
    DATABASE_URL=postgres://postgres@127.0.0.1/daiban_2m DAIBAN_TESTING=1 \
        .venv/bin/python bench/dashboard.py --cases 2000000 --residents 1000000

The generated county has 20 townships of 15 villages over 60 months. Cases are written in
bulk (not through the lifecycle: a million lifecycle walks would take hours), then the
tallies are built by `rebuild_figures`' own code, and a few hundred live lifecycle steps
time what keeping the tallies costs each change. With --keep DIR the SQLite file stays in
DIR and a second run reuses it.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(var_dir: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daiban.settings")
    os.environ["DAIBAN_TESTING"] = "1"
    os.environ["DAIBAN_VAR_DIR"] = var_dir
    import django

    django.setup()


def logged_in(user):
    """A test client signed in as the person, past the second factor the roles need."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def timed(label: str, call, repeat: int = 5):
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    print(f"  {label:<44} median {statistics.median(times):8.1f} ms   max {max(times):8.1f} ms")
    return result


def measure(title: str) -> None:
    from django.db import connection

    from daiban.cases.models import Case
    from daiban.figures.models import ItemTally, VillageTally
    from daiban.people.models import Role, User

    supervisor = User.objects.filter(role=Role.COUNTY_SUPERVISOR).first()
    director = User.objects.filter(role=Role.CENTER_DIRECTOR).first()
    print(
        f"\n{title}: {Case.objects.count():,} cases, {VillageTally.objects.count():,} + {ItemTally.objects.count():,} tally rows (by village + by item) ({connection.vendor})"
    )
    today = datetime.date.today().replace(day=1)
    start = datetime.date(today.year - 1, today.month, 1)
    for who, user in (("county", supervisor), ("township", director)):
        measure_for(who, user, start, today)


def measure_for(who, user, start, today) -> None:

    from daiban.evaluation.scores import evaluate, scheme_for
    from daiban.figures import report, selectors

    scope = selectors.scope_for(user)
    scheme = scheme_for(scope.county)
    print(f" {who} ({scope.name}), last 12 months:")
    timed("totals", lambda: selectors.totals(scope, start, today))
    timed("by month", lambda: selectors.by_month(scope, start, today))
    timed("by item", lambda: selectors.by_item(scope, start, today))
    timed(
        "by township/village",
        lambda: (
            selectors.by_township(scope, start, today)
            if scope.township is None
            else selectors.by_village(scope, start, today)
        ),
    )
    timed("savings", lambda: selectors.savings(scope, start, today, scheme))
    timed("overdue now (live count)", lambda: selectors.overdue_now(user, scope).count())
    timed(
        "agents' evaluation",
        lambda: evaluate(
            scheme, start, today, township_id=scope.township.pk if scope.township else None
        ),
    )
    client = logged_in(user)

    def page(path):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response

    response = timed("dashboard page (whole request)", lambda: page("/manage/"))
    print(f"  {'dashboard page size':<44} {len(response.content) / 1024:8.1f} KB (uncompressed)")
    timed("drill-down: completed, first page", lambda: page("/manage/cases/?measure=completed"))
    timed("drill-down: overdue now", lambda: page("/manage/cases/?measure=overdue"))
    data = timed("report data", lambda: report.gather(user, scope, start, today), repeat=3)
    timed("report PDF", lambda: report.pdf(data), repeat=3)
    timed("report Excel", lambda: report.xlsx(data), repeat=3)


def demo() -> None:
    import io

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    measure("demo county")


# ─── A generated county ───────────────────────────────────────────────────────

TOWNSHIPS, VILLAGES, MONTHS = 20, 15, 60


def make_residents(villages, total: int, rng: random.Random) -> dict[int, list[int]]:
    """`total` villagers spread over the villages, written in bulk with their encrypted
    numbers, keyed hashes and name keys, as `register_resident` writes one."""
    from django.db import transaction
    from stdnum.cn import ric

    from daiban.core.pinyin import initials, search_keys
    from daiban.demo.county import GIVEN, SURNAMES, _phone
    from daiban.people import crypto
    from daiban.people.models import Resident, ResidentNameKey

    per_village = max(3, total // len(villages))
    ids: dict[int, list[int]] = {}
    keys_of: dict[str, list[str]] = {}
    initials_of: dict[str, str] = {}
    started, serial, batch = time.perf_counter(), 0, []

    def flush():
        with transaction.atomic():
            Resident.objects.bulk_create(batch, batch_size=2000)
            ResidentNameKey.objects.bulk_create(
                (ResidentNameKey(resident=r, key=k) for r in batch for k in keys_of[r.name]),
                batch_size=5000,
            )
        for r in batch:
            ids[r.village_id].append(r.pk)
        batch.clear()

    for village in villages:
        ids[village.pk] = []
        for _ in range(per_village):
            serial += 1
            birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=serial // 500)
            body = f"459902{birth:%Y%m%d}{serial % 500 * 2 + serial % 2:03d}"
            number = body + ric.calc_check_digit(body + "0")
            local = _phone(serial * 5 + 7)
            phone = "+86" + local
            # About 50,000 distinct names over a million villagers, as names repeat in a county.
            name = rng.choice(SURNAMES) + "".join(
                rng.choices(GIVEN + "子小之", k=rng.choice((1, 2, 2)))
            )
            if name not in keys_of:
                keys_of[name] = search_keys(name)
                initials_of[name] = initials(name)
            batch.append(
                Resident(
                    name=name,
                    name_initials=initials_of[name],
                    gender="M" if serial % 2 else "F",
                    id_number_encrypted=crypto.encrypt(number),
                    id_number_hash=crypto.keyed_hash("id", number),
                    id_number_masked=number[:3] + "*" * 11 + number[-4:],
                    phone_encrypted=crypto.encrypt(phone),
                    phone_hash=crypto.keyed_hash("phone", phone),
                    phone_last4_hash=crypto.keyed_hash("phone4", phone[-4:]),
                    phone_masked=local[:3] + "****" + local[7:],
                    village=village,
                )
            )
            if len(batch) >= 10000:
                flush()
                if serial % 100000 < 10000:
                    print(
                        f"  {serial:>9,} villagers written ({time.perf_counter() - started:.0f} s)",
                        flush=True,
                    )
    if batch:
        flush()
    print(f"generated {serial:,} villagers in {time.perf_counter() - started:.0f} s", flush=True)
    return ids


def generate(count: int, seed: int = 2008, residents_total: int = 0) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from daiban.cases.models import Case, Hop, Rating, State, SupplementNotice
    from daiban.catalog.models import ServiceItem
    from daiban.catalog.services import load_default_catalog
    from daiban.demo.county import _name, _phone
    from daiban.demo.story import fake_id_number
    from daiban.people.models import Resident, Role
    from daiban.people.services import create_staff, register_resident
    from daiban.places.models import County, Department, ServiceCenter, Township, Village
    from daiban.supervision.models import Complaint
    from daiban.workdays.calendar import WorkCalendar
    from daiban.workdays.services import seed_from_package

    rng = random.Random(seed)
    seed_from_package()
    load_default_catalog()
    items = list(ServiceItem.objects.filter(proxy_allowed=True).exclude(department_kind="petition"))
    weights = [rng.choice([1, 2, 4, 8, 16]) for _ in items]
    password = make_password("bench-only-2026")
    county = County.objects.create(code="459902000000", name="试点县")
    Department.objects.create(county=county, level="county", kind="civil_affairs", name="县民政局")
    villages, agents, residents = [], {}, {}
    serial = 0
    for t in range(1, TOWNSHIPS + 1):
        township = Township.objects.create(
            county=county, code=f"459902{100 + t:03d}000", name=f"第{t}乡"
        )
        ServiceCenter.objects.create(township=township, name=f"第{t}乡便民服务中心")
        Department.objects.create(
            county=county,
            township=township,
            level="township",
            kind="finance",
            name=f"第{t}乡财政所",
        )
        create_staff(
            username=f"t{t}_director",
            password_hash=password,
            display_name=_name(t),
            role=Role.CENTER_DIRECTOR,
            township=township,
        )
        create_staff(
            username=f"t{t}_leader",
            password_hash=password,
            display_name=_name(t + 50),
            role=Role.TOWNSHIP_LEADER,
            township=township,
        )
        for v in range(1, VILLAGES + 1):
            village = Village.objects.create(
                township=township,
                code=f"{township.code[:9]}{200 + v:03d}",
                name=f"第{t}乡{v}村",
                km_to_township=rng.randint(3, 40),
                km_to_county=rng.randint(30, 120),
            )
            villages.append(village)
            agents[village.pk] = create_staff(
                username=f"t{t}v{v}_agent",
                password_hash=password,
                display_name=_name(t * 100 + v),
                role=Role.VILLAGE_AGENT,
                village=village,
            )
            residents[village.pk] = []
            for _ in range(3):
                serial += 1
                birth = datetime.date(1950, 1, 1) + datetime.timedelta(
                    days=rng.randrange(0, 365 * 50)
                )
                residents[village.pk].append(
                    register_resident(
                        actor=None,
                        name=_name(serial * 3 + 11),
                        id_number=fake_id_number(birth, serial, serial % 2 == 1),
                        phone=_phone(serial * 5 + 7),
                        village=village,
                    )
                )
    create_staff(
        username="county_supervisor",
        password_hash=password,
        display_name="县督查",
        role=Role.COUNTY_SUPERVISOR,
        county=county,
    )

    resident_ids = {pk: [r.pk for r in rs] for pk, rs in residents.items()}
    if residents_total:
        for pk, more in make_residents(villages, residents_total, rng).items():
            resident_ids[pk].extend(more)
    departments = {
        d.township_id: d for d in Department.objects.filter(level="township", kind="finance")
    }

    calendar = WorkCalendar.load()
    now = timezone.now()
    first = now - datetime.timedelta(days=MONTHS * 30.4)
    span = (now - first).total_seconds()
    counters: dict[tuple[int, int], int] = {}
    levels = [5] * 55 + [4] * 30 + [3] * 10 + [2] * 3 + [1] * 2
    made, started = 0, time.perf_counter()
    batch = 5000
    while made < count:
        size = min(batch, count - made)
        cases, extras = [], []
        for _ in range(size):
            village = villages[rng.randrange(len(villages))]
            item = rng.choices(items, weights)[0]
            created = first + datetime.timedelta(seconds=rng.random() * span)
            case = Case(
                state=State.PENDING,
                item=item,
                resident_id=rng.choice(resident_ids[village.pk]),
                village=village,
                township_id=village.township_id,
                agent=agents[village.pk],
                created_at=created,
            )
            roll = rng.random()
            extra = {}
            if roll < 0.04:
                case.state, case.ended_at, case.refusal_reason = (
                    State.REFUSED,
                    created,
                    "不符合代办条件",
                )
            else:
                accepted = created + datetime.timedelta(hours=1)
                year = timezone.localtime(accepted).year
                key = (village.township_id, year)
                counters[key] = counters.get(key, 0) + 1
                case.number = f"{village.township.code[:9]}-{year}-{counters[key]:06d}"
                case.tracking_code = f"B{made + len(cases):011d}"
                case.accepted_at = accepted
                day = timezone.localtime(accepted).date()
                paused = rng.randint(1, 5) if rng.random() < 0.1 else 0
                case.paused_days = paused
                case.due_date = calendar.add(day, item.promised_days + paused)
                if paused:
                    extra["notice"] = accepted + datetime.timedelta(days=1)
                took = max(1, round(item.promised_days * rng.uniform(0.2, 1.25))) + paused
                decided_day = calendar.add(day, took)
                decided = timezone.make_aware(
                    datetime.datetime.combine(decided_day, datetime.time(16))
                )
                if roll < 0.07:
                    case.state, case.ended_at, case.withdrawal_reason = (
                        State.WITHDRAWN,
                        accepted + datetime.timedelta(days=1),
                        "群众撤回",
                    )
                elif decided > now:
                    case.state = State.IN_PROGRESS
                else:
                    case.decided_at = decided
                    case.outcome = "granted" if rng.random() < 0.93 else "denied"
                    if case.outcome == "denied":
                        case.outcome_reason = "不符合条件"
                    replied = decided + datetime.timedelta(days=2)
                    if replied > now:
                        case.state = State.RESULT_READY
                    else:
                        case.replied_at = replied
                        case.state = State.CLOSED
                        case.closed_at = case.ended_at = replied + datetime.timedelta(days=3)
                        if rng.random() < 0.6:
                            extra["rating"] = (
                                rng.choice(levels),
                                replied + datetime.timedelta(days=1),
                            )
                        if rng.random() < 0.005:
                            extra["complaint"] = True
            cases.append(case)
            extras.append(extra)
        with transaction.atomic():
            Case.objects.bulk_create(cases)
            Hop.objects.bulk_create(hops_for(cases, departments, calendar), batch_size=5000)
            Rating.objects.bulk_create(
                Rating(case=c, level=e["rating"][0], rated_at=e["rating"][1], channel="link")
                for c, e in zip(cases, extras, strict=True)
                if "rating" in e
            )
            SupplementNotice.objects.bulk_create(
                SupplementNotice(
                    case=c,
                    issued_by=c.agent,
                    issued_at=e["notice"],
                    missing=[],
                    note="补正",
                    pauses_clock=True,
                    resolved_at=e["notice"],
                    paused_days=c.paused_days,
                )
                for c, e in zip(cases, extras, strict=True)
                if "notice" in e
            )
            Complaint.objects.bulk_create(
                Complaint(case=c, about="case", text="办理太慢")
                for c, e in zip(cases, extras, strict=True)
                if "complaint" in e
            )
        made += size
        if made % 100000 == 0 or made == count:
            print(f"  {made:>9,} cases written ({time.perf_counter() - started:.0f} s)", flush=True)
    print(f"generated {made:,} cases in {time.perf_counter() - started:.0f} s")
    Resident.objects.count()


def hops_for(cases, departments, calendar):
    """The journey of each accepted case: with its agent, then at the township's office
    until the decision, then back with the agent until the reply. Open cases hold one
    open hop, as the lifecycle leaves them."""
    from daiban.cases.models import Hop, State

    for case in cases:
        if case.accepted_at is None:
            continue
        day = case.accepted_at.date()
        sent = case.accepted_at + datetime.timedelta(days=1)
        final = case.ended_at or case.decided_at
        first_end = sent if case.state != State.WITHDRAWN else final
        yield Hop(
            case=case,
            seq=1,
            holder_user_id=case.agent_id,
            sent_by_id=case.agent_id,
            started_at=case.accepted_at,
            received_by_id=case.agent_id,
            received_at=case.accepted_at,
            due_date=calendar.add(day, 2),
            ended_at=first_end,
        )
        if case.state == State.WITHDRAWN:
            continue
        yield Hop(
            case=case,
            seq=2,
            holder_department=departments[case.township_id],
            sent_by_id=case.agent_id,
            started_at=sent,
            received_at=sent,
            due_date=case.due_date,
            ended_at=case.decided_at,
        )
        if case.decided_at is not None:
            yield Hop(
                case=case,
                seq=3,
                holder_user_id=case.agent_id,
                sent_by_id=case.agent_id,
                started_at=case.decided_at,
                received_by_id=case.agent_id,
                received_at=case.decided_at,
                due_date=calendar.add(case.decided_at.date(), 2),
                ended_at=case.replied_at,
            )


def tallies_and_steps() -> None:
    from daiban.cases.models import Case, State
    from daiban.figures import services

    started = time.perf_counter()
    count = services.rebuild()
    print(f"rebuild_figures: {count:,} cases in {time.perf_counter() - started:.0f} s")
    from daiban.core.database import optimize

    started = time.perf_counter()
    optimize()
    print(f"optimize_database (ANALYZE): {time.perf_counter() - started:.1f} s")
    ids = list(
        Case.objects.filter(state=State.CLOSED).order_by("-pk").values_list("pk", flat=True)[:200]
    )
    started = time.perf_counter()
    for pk in ids:
        services.refresh(pk)
    print(
        f"keeping the tallies on one change (refresh): {(time.perf_counter() - started) * 1000 / len(ids):.2f} ms per case"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--demo", action="store_true", help="time the demo county only")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument(
        "--residents",
        type=int,
        default=0,
        help="villagers to generate (the issue's county: 1000000)",
    )
    parser.add_argument("--keep", help="keep (or reuse) the SQLite database in this directory")
    parser.add_argument(
        "--rebuild", action="store_true", help="rebuild the tallies of a reused database first"
    )
    args = parser.parse_args()
    var_dir = args.keep or tempfile.mkdtemp(prefix="daiban-bench-")
    Path(var_dir).mkdir(parents=True, exist_ok=True)
    _setup(str(Path(var_dir).resolve()))
    if args.demo:
        demo()
        return
    from django.core.management import call_command

    from daiban.cases.models import Case

    call_command("migrate", verbosity=0)
    if not Case.objects.exists():
        generate(args.cases, residents_total=args.residents)
        tallies_and_steps()
    elif args.rebuild:
        tallies_and_steps()
    measure(f"generated county ({TOWNSHIPS} townships × {VILLAGES} villages, {MONTHS} months)")


if __name__ == "__main__":
    main()

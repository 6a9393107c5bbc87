"""Demo residents and cases, made by driving the real lifecycle with past times.

Each case walks forward step by step from its start; a step that would fall after
"now" is not taken, so old cases are closed and recent ones sit wherever they got
to — the states spread the way a real county's do.
"""

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone
from stdnum.cn import ric

from daiban.cases import lifecycle
from daiban.cases.lifecycle import EntrustmentIn, Missing
from daiban.cases.models import Case, Rating, State
from daiban.cases.selectors import complete_checklist
from daiban.catalog.models import Level, ServiceItem
from daiban.catalog.services import ensure_current_version
from daiban.demo.county import COUNTY_CODE, Staff, _name, _phone
from daiban.people.models import Resident
from daiban.people.services import register_resident
from daiban.places.models import Department, Village
from daiban.workdays.calendar import WorkCalendar

BIRTHPLACE = COUNTY_CODE[:6]


def fake_id_number(birth: datetime.date, sequence: int, male: bool) -> str:
    """A valid-checksum ID number of the fictional county; nobody holds it."""
    seq = sequence % 500 * 2 + (1 if male else 0)
    body = f"{BIRTHPLACE}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_residents(rng: random.Random, agents: dict[int, dict]) -> dict[int, list[Resident]]:
    residents: dict[int, list[Resident]] = {}
    serial = 0
    for village in Village.objects.filter(township__county__code=COUNTY_CODE).prefetch_related(
        "hamlets"
    ):
        hamlets = list(village.hamlets.all())
        residents[village.id] = []
        for _ in range(5):
            serial += 1
            male = serial % 2 == 1
            birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 52))
            residents[village.id].append(
                register_resident(
                    actor=agents[village.id]["agent"],
                    name=_name(serial * 3 + 17),
                    id_number=fake_id_number(birth, serial, male),
                    phone=_phone(serial * 5 + 3),
                    village=village,
                    hamlet=rng.choice(hamlets),
                )
            )
    return residents


@dataclass
class Walk:
    """One case being walked forward in time by the people who would handle it."""

    case: Case
    staff: Staff
    calendar: WorkCalendar
    now: datetime.datetime
    rng: random.Random
    at: datetime.datetime

    def later(self, working_days: int, hour: int | None = None) -> bool:
        """Move the clock on; False when that would be in the future (the walk stops)."""
        day = self.calendar.add(timezone.localdate(self.at), working_days)
        hour = hour if hour is not None else self.rng.choice([9, 10, 11, 15, 16])
        self.at = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(hour, self.rng.randrange(60)))
        )
        return self.at <= self.now

    @property
    def agent(self):
        return self.staff.agents_by_id[self.case.agent_id]

    def clerk(self, kind: str):
        return self.staff.clerks[(self.case.township_id, kind)]

    @property
    def township_agent(self):
        return self.staff.by_township[self.case.township_id]["township_agent"]

    def department(self, kind: str) -> Department:
        return Department.objects.get(township_id=self.case.township_id, kind=kind)

    def bureau(self, kind: str) -> Department:
        return Department.objects.get(level=Department.Level.COUNTY, kind=kind)


def walk_case(walk: Walk, item: ServiceItem, plan: str, stop: str | None = None) -> None:
    """Take the case as far as `plan`, `stop` (a state to stay in) and the clock allow."""
    case = walk.case
    if plan == "refuse":
        if walk.later(0):
            lifecycle.refuse(
                case.pk,
                actor=walk.agent,
                reason="所办事项不属于代办范围，已向群众解释并告知其到县政务服务中心办理。",
                at=walk.at,
            )
        return
    if plan == "supplement_first":
        first = ensure_current_version(item).required_materials()[0]
        lifecycle.request_supplement(
            case.pk,
            actor=walk.agent,
            missing=[Missing(first["id"], "请带齐后交代办员")],
            at=walk.at,
        )
        case.refresh_from_db()
        if stop == State.AWAITING_MATERIALS or not walk.later(walk.rng.randint(1, 4)):
            return
    entrustment = EntrustmentIn(signed_by=case.resident.name, signed_on=timezone.localdate(walk.at))
    lifecycle.accept(
        case,
        actor=walk.agent,
        received=complete_checklist(item),
        entrustment=entrustment,
        at=walk.at,
    )
    case.refresh_from_db()
    if plan == "withdraw" and walk.later(walk.rng.randint(0, 2)):
        lifecycle.withdraw(
            case.pk, actor=walk.agent, reason="群众申请撤回：家中情况有变，暂不办理。", at=walk.at
        )
        return
    clerk = walk.clerk(item.department_kind)
    department = walk.department(item.department_kind)
    papers = list(case.papers.values_list("pk", flat=True))
    slow = 3 if plan == "slow" else 0
    steps = [
        (
            walk.rng.randint(0, 2) + slow,
            lambda: lifecycle.hand_over(
                case.pk, actor=walk.agent, to_department=department, paper_ids=papers, at=walk.at
            ),
        ),
        (0, lambda: lifecycle.confirm_receipt(case.pk, actor=clerk, at=walk.at)),
    ]
    if plan == "supplement_midway":
        first = case.item_version.required_materials()[0]
        steps += [
            (
                1,
                lambda: lifecycle.request_supplement(
                    case.pk,
                    actor=clerk,
                    missing=[Missing(first["id"], "复印件不清晰，请重新提供")],
                    at=walk.at,
                ),
            ),
            (walk.rng.randint(1, 3), lambda: lifecycle.resume(case.pk, actor=clerk, at=walk.at)),
        ]
    if item.decided_by == Level.COUNTY and plan != "deny":
        bureau = walk.bureau(item.county_department_kind)
        steps += [
            (
                walk.rng.randint(1, 3),
                lambda: lifecycle.hand_over(case.pk, actor=clerk, to_department=bureau, at=walk.at),
            ),
            (0, lambda: lifecycle.confirm_receipt(case.pk, actor=walk.township_agent, at=walk.at)),
            (
                max(item.county_days - walk.rng.randint(0, 3), 1) + slow,
                lambda: lifecycle.hand_over(
                    case.pk, actor=walk.township_agent, to_department=department, at=walk.at
                ),
            ),
            (0, lambda: lifecycle.confirm_receipt(case.pk, actor=clerk, at=walk.at)),
        ]
    if item.is_petition:
        # The petition office decides on acceptance first (its own 15-day clock).
        steps.append(
            (
                walk.rng.randint(0, 2),
                lambda: lifecycle.decide_petition(case.pk, actor=clerk, accept=True, at=walk.at),
            )
        )
    granted = plan != "deny"
    steps += [
        (
            walk.rng.randint(1, 3) + slow,
            lambda: lifecycle.record_result(
                case.pk,
                actor=clerk,
                granted=granted,
                document_no=f"{case.number}-批" if granted else "",
                reason="" if granted else "经审核，家庭收入超过规定标准，不符合申请条件。",
                at=walk.at,
            ),
        ),
        (
            walk.rng.randint(0, 1),
            lambda: lifecycle.hand_over(
                case.pk, actor=clerk, to_user=walk.agent, paper_ids=papers, at=walk.at
            ),
        ),
        (0, lambda: lifecycle.confirm_receipt(case.pk, actor=walk.agent, at=walk.at)),
        (
            walk.rng.randint(0, 2),
            lambda: lifecycle.reply(
                case.pk, actor=walk.agent, signed_by=case.resident.name, at=walk.at
            ),
        ),
        (walk.rng.randint(0, 3), lambda: _villager_rates(walk, case)),
        (walk.rng.randint(2, 6), lambda: _close(walk, case)),
    ]
    state = case.state
    for days, step in steps:
        if state == stop or not walk.later(days):
            return
        step()
        state = Case.objects.values_list("state", flat=True).get(pk=case.pk)


def _level(walk) -> int:
    return walk.rng.choices([5, 4, 3, 2, 1], [60, 28, 7, 3, 2])[0]


def _villager_rates(walk, case) -> None:
    """About two villagers in three answer the text message's link themselves."""
    if walk.rng.random() < 0.65:
        lifecycle.rate(case.pk, level=_level(walk), at=walk.at)


def _close(walk, case) -> None:
    """The agent's follow-up; where the villager has not answered, the agent notes what
    the villager said (a note that counts in no score)."""
    rated = Rating.objects.filter(case_id=case.pk).exists()
    lifecycle.close(
        case.pk,
        actor=walk.agent,
        method=walk.rng.choice(["phone", "visit"]),
        rating=None if rated else _level(walk),
        note="回访：群众对办理结果表示认可。",
        at=walk.at,
    )


PLANS = (
    ["normal"] * 70
    + ["slow"] * 8
    + ["deny"] * 6
    + ["refuse"] * 5
    + ["withdraw"] * 3
    + ["supplement_first"] * 5
    + ["supplement_midway"] * 3
)


# The newest cases stop in every open state, so each can be seen and tried.
NEWEST = [
    ("normal", State.PENDING),
    ("normal", State.PENDING),
    ("supplement_first", State.AWAITING_MATERIALS),
    ("supplement_midway", State.AWAITING_MATERIALS),
    ("normal", State.IN_PROGRESS),
    ("normal", State.RESULT_READY),
    ("deny", State.RESULT_READY),
    ("normal", State.REPLIED),
    ("refuse", None),
    ("withdraw", None),
]


def make_cases(rng, staff: Staff, residents, now: datetime.datetime, count: int) -> int:
    calendar = WorkCalendar.load()
    items = list(ServiceItem.objects.filter(proxy_allowed=True))
    ordinary = [i for i in items if not i.is_petition]
    petitions = [i for i in items if i.is_petition]
    start = now - datetime.timedelta(days=700)
    made = 0
    villages = list(residents)
    first_village = Village.objects.get(name="大厂村委会").pk
    for n in range(count):
        newest = n >= count - len(NEWEST)
        # The newest cases belong to 大厂村, so its printed demo login has work waiting.
        village_id = first_village if newest else rng.choice(villages)
        resident = rng.choice(residents[village_id])
        petition = rng.random() < 0.05 and not newest
        item = rng.choice(petitions if petition else ordinary)
        agents = staff.by_village[village_id]
        agent = agents["petition_agent" if petition else "agent"]
        # Spread starts over two years, denser lately, as uptake grows.
        offset = int(700 * (n / count) ** 0.8)
        day = calendar.add(timezone.localdate(start) + datetime.timedelta(days=offset), 0)
        at = timezone.make_aware(
            datetime.datetime.combine(
                day, datetime.time(rng.choice([8, 9, 10, 14, 15]), rng.randrange(60))
            )
        )
        if at > now:
            continue
        case = lifecycle.start_case(actor=agent, resident=resident, item=item, at=at)
        walk = Walk(case=case, staff=staff, calendar=calendar, now=now, rng=rng, at=at)
        plan, stop = rng.choice(PLANS), None
        if newest:
            plan, stop = NEWEST[count - n - 1]
        if stop != State.PENDING:
            walk_case(walk, item, plan, stop)
        made += 1
    return made


def hu_jianrong_story(staff: Staff, now: datetime.datetime) -> list[Case]:
    """胡建荣 of 岩洛场村 renames his grain-subsidy passbook and registers his son's birth."""
    village = Village.objects.get(name="大厂村委会")
    hamlet = village.hamlets.get(name="岩洛场村")
    agent = staff.by_village[village.id]["agent"]
    resident = register_resident(
        actor=agent,
        name="胡建荣",
        id_number=fake_id_number(datetime.date(1986, 4, 12), 1, True),
        phone="13877160412",
        village=village,
        hamlet=hamlet,
    )
    calendar = WorkCalendar.load()
    start_day = calendar.add(timezone.localdate(now) - datetime.timedelta(days=30), 0)
    cases = []
    for name in ("粮食直补存折更名", "生育登记"):
        item = ServiceItem.objects.get(name=name)
        at = timezone.make_aware(datetime.datetime.combine(start_day, datetime.time(9, 30)))
        inquiry = lifecycle.record_inquiry(
            actor=agent,
            village=village,
            resident=resident,
            item=item,
            question=f"想办{name}，要带什么材料？",
            answer="按办事指南带齐材料交代办员即可，不用自己跑乡里。",
            at=at - datetime.timedelta(days=2),
        )
        case = lifecycle.start_case(
            actor=agent, resident=resident, item=item, inquiry=inquiry, at=at
        )
        walk = Walk(case=case, staff=staff, calendar=calendar, now=now, rng=random.Random(7), at=at)
        walk_case(walk, item, "normal")
        case.refresh_from_db()
        cases.append(case)
    return cases


def transfer_story(staff: Staff, now: datetime.datetime) -> Case | None:
    """One 大厂 villager moved to another township: the director sends the case there, and
    the receiving center has not yet decided (the demo's case waiting as transferring)."""
    village = Village.objects.get(name="大厂村委会")
    case = None
    for state in (State.IN_PROGRESS, State.PENDING):  # one of a state's several: all stay
        candidates = Case.objects.filter(
            township_id=village.township_id, state=state, is_petition=False
        ).order_by("pk")
        if Case.objects.filter(state=state).count() >= 2:
            case = candidates.first()
        if case is not None:
            break
    to_village = (
        Village.objects.filter(township__county_id=village.township.county_id)
        .exclude(township_id=village.township_id)
        .order_by("code")
        .first()
    )
    if case is None or to_village is None:
        return None
    lifecycle.send_transfer(
        case.pk,
        actor=staff.by_township[village.township_id]["director"],
        to_village=to_village,
        reason="群众已迁居外乡镇，事项转由新居住地办理",
        at=max(case.events.order_by("-seq").first().at, now - datetime.timedelta(hours=2)),
    )
    return case


def states_present() -> set[str]:
    return set(Case.objects.values_list("state", flat=True).distinct())


ALL_STATES = set(State.values)

"""A small month-crossing history whose every figure is worked out by hand below.

大厂村 (world.agent), 粮食直补存折更名 (5 working days promised, 3 trips saved, township)
and 生育登记 (3 days promised, 2 trips saved, township):

A  passbook  accepted Fri 30 Jan, result granted Wed 4 Feb (3 working days, on time),
             rated 5 on 10 Feb, complaint on 12 Feb                      → crosses months
B  passbook  accepted Mon 2 Mar, supplement 3 Mar, resumed 10 Mar (5 days paused, due
             moves 9 → 16 Mar), granted 18 Mar: 12 − 5 = 7 working days, late;
             rated 2 on 20 Mar → rectification                         → paused time
C  passbook  accepted 4 Mar, withdrawn 5 Mar                            → withdrawn
D  passbook  refused 5 Mar, never accepted
E  birth     accepted Tue 10 Mar, denied Wed 11 Mar (1 working day, on time)
P  petition  accepted 2 Mar by the petition agent: never in the figures
"""

import datetime

import time_machine

from daiban.cases import lifecycle
from daiban.cases.inputs import EntrustmentIn, Missing, Received
from daiban.cases.models import Case
from daiban.cases.selectors import complete_checklist
from daiban.figures.models import MEASURES, ItemTally, VillageTally
from daiban.supervision import services as supervision
from daiban.testing.world import World, at

# Hand-computed, per month, for world.agent's non-petition cases.
EXPECTED = {
    datetime.date(2026, 1, 1): {"accepted": 1},
    datetime.date(2026, 2, 1): {
        "completed": 1,
        "granted": 1,
        "on_time": 1,
        "work_days": 3,
        "trips_saved": 3,
        "rated": 1,
        "satisfied": 1,
        "rating_sum": 5,
        "complaints": 1,
    },
    datetime.date(2026, 3, 1): {
        "accepted": 3,
        "refused": 1,
        "withdrawn": 1,
        "supplements": 1,
        "completed": 2,
        "granted": 1,
        "on_time": 1,
        "work_days": 8,
        "trips_saved": 5,
        "rated": 1,
        "rating_sum": 2,
        "rectifications": 1,
    },
}


def accept_case(world: World, item, day: str, agent=None, resident=None) -> Case:
    agent = agent or world.agent
    resident = resident or world.resident
    case = lifecycle.start_case(actor=agent, resident=resident, item=item, at=at(day, 9))
    return lifecycle.accept(
        case,
        actor=agent,
        received=complete_checklist(item),
        entrustment=EntrustmentIn(
            signed_by=resident.name, signed_on=datetime.date.fromisoformat(day)
        ),
        at=at(day, 10),
    )


def send_to(world: World, case: Case, department, clerk, day: str) -> None:
    papers = list(case.papers.values_list("pk", flat=True))
    lifecycle.hand_over(
        case.pk, actor=case.agent, to_department=department, paper_ids=papers, at=at(day, 15)
    )
    lifecycle.confirm_receipt(case.pk, actor=clerk, at=at(day, 16))


def back_and_reply(world: World, case: Case, clerk, day: str) -> None:
    papers = list(case.papers.filter(returned_at__isnull=True).values_list("pk", flat=True))
    lifecycle.hand_over(case.pk, actor=clerk, to_user=world.agent, paper_ids=papers, at=at(day, 9))
    lifecycle.confirm_receipt(case.pk, actor=world.agent, at=at(day, 10))
    lifecycle.reply(case.pk, actor=world.agent, signed_by=world.resident.name, at=at(day, 11))


def build(world: World) -> dict[str, Case]:
    cases = {}
    a = accept_case(world, world.passbook, "2026-01-30")
    send_to(world, a, world.finance, world.clerk_finance, "2026-01-30")
    lifecycle.record_result(a.pk, actor=world.clerk_finance, granted=True, at=at("2026-02-04", 17))
    back_and_reply(world, a, world.clerk_finance, "2026-02-05")
    lifecycle.rate(a.pk, level=5, at=at("2026-02-10", 12))
    with time_machine.travel(at("2026-02-12", 9), tick=False):
        supervision.file_complaint(Case.objects.get(pk=a.pk), about="agent", text="说话不耐烦")
    cases["A"] = a

    b = accept_case(world, world.passbook, "2026-03-02")
    send_to(world, b, world.finance, world.clerk_finance, "2026-03-02")
    material = complete_checklist(world.passbook)[0]
    lifecycle.request_supplement(
        b.pk,
        actor=world.clerk_finance,
        missing=[Missing(material.material_id)],
        at=at("2026-03-03"),
    )
    lifecycle.resume(
        b.pk,
        actor=world.clerk_finance,
        received=[
            Received(material.material_id, originals=material.originals, copies=material.copies)
        ],
        at=at("2026-03-10"),
    )
    lifecycle.record_result(b.pk, actor=world.clerk_finance, granted=True, at=at("2026-03-18", 17))
    back_and_reply(world, b, world.clerk_finance, "2026-03-19")
    with time_machine.travel(at("2026-03-20", 12), tick=False):
        lifecycle.rate(b.pk, level=2, at=at("2026-03-20", 12))
        supervision.open_rectification_for_rating(Case.objects.get(pk=b.pk))
    cases["B"] = b

    c = accept_case(world, world.passbook, "2026-03-04")
    lifecycle.withdraw(c.pk, actor=world.agent, reason="群众申请撤回", at=at("2026-03-05"))
    cases["C"] = c

    d = lifecycle.start_case(
        actor=world.agent, resident=world.resident, item=world.passbook, at=at("2026-03-05", 9)
    )
    lifecycle.refuse(d, actor=world.agent, reason="不属于代办范围", at=at("2026-03-05"))
    cases["D"] = d

    e = accept_case(world, world.birth, "2026-03-10")
    send_to(world, e, world.family_planning, world.clerk_family_planning, "2026-03-10")
    lifecycle.record_result(
        e.pk,
        actor=world.clerk_family_planning,
        granted=False,
        reason="不符合条件",
        at=at("2026-03-11", 17),
    )
    cases["E"] = e

    cases["P"] = accept_case(world, world.petition, "2026-03-02", agent=world.petition_agent)
    return {key: Case.objects.get(pk=case.pk) for key, case in cases.items()}


def completed_by(world: World, agent, resident, day: str, on_time: bool = True) -> Case:
    """A passbook case of `agent`'s, granted on the day (or 10 working days later)."""
    case = accept_case(world, world.passbook, day, agent=agent, resident=resident)
    send_to(world, case, world.finance, world.clerk_finance, day)
    end = at(day, 17) if on_time else at(day, 17) + datetime.timedelta(days=14)
    lifecycle.record_result(case.pk, actor=world.clerk_finance, granted=True, at=end)
    return case


def replied(world: World, case: Case, day: str) -> Case:
    """The result of a `completed_by` case goes back to the resident in the evening."""
    agent = case.agent
    papers = list(case.papers.filter(returned_at__isnull=True).values_list("pk", flat=True))
    lifecycle.hand_over(
        case.pk, actor=world.clerk_finance, to_user=agent, paper_ids=papers, at=at(day, 18)
    )
    lifecycle.confirm_receipt(case.pk, actor=agent, at=at(day, 18))
    lifecycle.reply(case.pk, actor=agent, signed_by=case.resident.name, at=at(day, 19))
    return Case.objects.get(pk=case.pk)


def tally_rows():
    """Every tally row, sorted, per tally table."""
    return [
        sorted(tuple(row.values()) for row in model.objects.values(*model.DIMS, *MEASURES))
        for model in (VillageTally, ItemTally)
    ]

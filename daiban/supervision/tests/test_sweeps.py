"""The daily sweep walked day by day across the 2025 Spring Festival (28 Jan – 4 Feb off,
Sunday 26 Jan and Saturday 8 Feb worked) with the clock held at each evening."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from daiban.cases import lifecycle
from daiban.cases.inputs import Missing
from daiban.cases.models import Case
from daiban.cases.selectors import complete_checklist
from daiban.core.errors import Forbidden, Invalid, NotAllowed
from daiban.notifications.models import Sms
from daiban.supervision import services, sweeps
from daiban.supervision.models import Alert, Supervision
from daiban.testing import factories

D = datetime.date


def evening(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(20)))


def walk(first: datetime.date, last: datetime.date) -> dict[tuple, datetime.date]:
    """Run the sweep every day, twice; return when each alert first fired."""
    day = first
    while day <= last:
        with time_machine.travel(evening(day), tick=False):
            sweeps.run(day)
            assert sweeps.run(day) == {"warnings": 0, "overdue": 0, "escalated": 0, "reminders": 0}
        day += datetime.timedelta(days=1)
    return {(a.target, a.kind): a.fired_on for a in Alert.objects.all()}


@pytest.fixture
def staffed(world):
    for person, phone in [
        (world.agent, "+8613900000001"),
        (world.director, "+8613900000002"),
        (world.leader, "+8613900000003"),
        (world.supervisor, "+8613900000004"),
        (world.clerk_finance, "+8613900000005"),
    ]:
        person.work_phone = phone
        person.save()
    return world


def test_warnings_and_overdue_fire_once_on_working_days_across_the_spring_festival(staffed):
    world = staffed
    with time_machine.travel(evening(D(2025, 1, 24)) - datetime.timedelta(hours=9), tick=False):
        case = factories.accepted(world, day="2025-01-24")
    assert case.due_date == D(2025, 2, 7)  # Sun 26, Mon 27, Wed 5, Thu 6, Fri 7
    fired = walk(D(2025, 1, 24), D(2025, 2, 12))
    assert fired == {
        # The agent's own two days: Sun 26 (make-up) and Mon 27.
        ("hop:1", "warning"): D(2025, 1, 27),
        ("hop:1", "overdue"): D(2025, 2, 5),  # the first working day after the 27th
        # The case: 4 of 5 working days used on Thu 6 Feb, overdue on Sat 8 Feb (make-up day).
        ("case", "warning"): D(2025, 2, 6),
        ("case", "overdue"): D(2025, 2, 8),
    }
    events = list(
        Case.objects.get(pk=case.pk)
        .events.filter(action__in=["warning", "overdue"])
        .values_list("action", flat=True)
    )
    assert sorted(events) == ["overdue", "overdue", "warning", "warning"]
    texts = Sms.objects.filter(template__startswith="staff_").values_list(
        "template", "phone_masked"
    )
    assert sorted(texts) == sorted(
        [
            ("staff_warning", "139****0001"),
            ("staff_overdue", "139****0001"),
            ("staff_warning", "139****0001"),
            ("staff_supervision", "139****0001"),  # level 1 opened on 8 Feb, answer due 11 Feb
            ("staff_supervision", "139****0002"),  # unanswered: the director on 12 Feb
        ]
    )


def test_escalation_climbs_the_chain_once_per_level(staffed):
    world = staffed
    with time_machine.travel(evening(D(2025, 1, 24)) - datetime.timedelta(hours=9), tick=False):
        case = factories.accepted(world, day="2025-01-24")
    walk(D(2025, 1, 24), D(2025, 2, 21))
    chain = list(
        Supervision.objects.filter(case=case)
        .order_by("level")
        .values_list("level", "assignee__username", "opened_on", "answer_due", "status")
    )
    assert chain == [
        (1, "agent_dachang", D(2025, 2, 8), D(2025, 2, 11), "escalated"),
        (2, "director", D(2025, 2, 12), D(2025, 2, 14), "escalated"),
        (3, "leader", D(2025, 2, 17), D(2025, 2, 19), "escalated"),
        (4, "supervisor", D(2025, 2, 20), D(2025, 2, 24), "open"),
    ]
    assert Case.objects.get(pk=case.pk).events.filter(action="supervision_escalated").count() == 3


def test_an_answer_stops_the_climb(staffed):
    world = staffed
    with time_machine.travel(evening(D(2025, 1, 24)) - datetime.timedelta(hours=9), tick=False):
        case = factories.accepted(world, day="2025-01-24")
    walk(D(2025, 1, 24), D(2025, 2, 8))
    first = Supervision.objects.get(case=case)
    with pytest.raises(Forbidden):
        services.answer(first, actor=world.director, text="不是我的")
    services.answer(first, actor=world.agent, text="群众补充材料耽误了两天，明天送到财政所。")
    walk(D(2025, 2, 9), D(2025, 2, 21))
    assert Supervision.objects.filter(case=case).count() == 1
    assert Case.objects.get(pk=case.pk).events.filter(action="supervision_answered").exists()
    services.close_supervision(
        Supervision.objects.get(pk=first.pk), actor=world.director, note="已核实，已办结"
    )
    assert Supervision.objects.get(pk=first.pk).status == "closed"


def test_nothing_fires_while_the_clock_is_paused(staffed):
    world = staffed
    with time_machine.travel(evening(D(2025, 1, 24)) - datetime.timedelta(hours=3), tick=False):
        case = factories.at_department(world, day="2025-01-24")
        material = complete_checklist(world.passbook)[0].material_id
        lifecycle.request_supplement(
            case.pk, actor=world.clerk_finance, missing=[Missing(material)]
        )
    fired = walk(D(2025, 1, 24), D(2025, 2, 14))
    assert fired == {}  # the deadline of 7 Feb passed while the file waited for materials
    with time_machine.travel(evening(D(2025, 2, 17)) - datetime.timedelta(hours=9), tick=False):
        case = lifecycle.resume(case.pk, actor=world.clerk_finance)
    # Paused 24 Jan → 17 Feb: 26, 27 Jan, 5–7, 8 (make-up), 10–14 and 17 Feb = 12 working days.
    assert case.paused_days == 12
    # 7 Feb + 12: 8 (make-up), 10–14, 17–21, 24 Feb.
    assert case.due_date == D(2025, 2, 24)
    fired = walk(D(2025, 2, 17), D(2025, 2, 26))
    assert fired[("case", "overdue")] == D(2025, 2, 25)
    assert fired[("case", "warning")] >= D(2025, 2, 17)


def test_an_approved_extension_moves_the_deadline(staffed):
    world = staffed
    case = factories.at_department(world, day="2025-01-24")
    with pytest.raises(Invalid):
        services.request_extension(case, actor=world.clerk_finance, days=3, reason="")
    extension = services.request_extension(
        case, actor=world.clerk_finance, days=3, reason="需县里核实承包面积"
    )
    with pytest.raises(Forbidden):
        services.decide_extension(extension, actor=world.agent, approve=True)
    services.decide_extension(extension, actor=world.director, approve=True)
    assert Case.objects.get(pk=case.pk).due_date == D(2025, 2, 11)  # 7 Feb + 8 (make-up), 10, 11
    with pytest.raises(NotAllowed):
        services.decide_extension(extension, actor=world.director, approve=False)

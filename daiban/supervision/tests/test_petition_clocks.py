"""Supervision warns on a petition's two clocks, in calendar days: the 15-day decision
whether to accept it and the 60-day handling once accepted. Each alert fires once, on a
working day; a passed clock opens supervision up the petition line."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from daiban.cases import lifecycle
from daiban.cases.tests.test_petition_decision import office, received  # noqa: F401
from daiban.notifications.models import Sms
from daiban.supervision import sweeps
from daiban.supervision.models import Alert, Supervision
from daiban.testing.world import at

D = datetime.date


def walk(first: datetime.date, last: datetime.date) -> None:
    day = first
    while day <= last:
        noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(20)))
        with time_machine.travel(noon, tick=False):
            sweeps.run(day)
            assert sweeps.run(day) == {"warnings": 0, "overdue": 0, "escalated": 0, "reminders": 0}
        day += datetime.timedelta(days=1)


def fired(case) -> dict:
    return {
        (a.target, a.kind): (a.fired_on, a.due_date)
        for a in Alert.objects.filter(case=case, target__startswith="petition:")
    }


@pytest.fixture
def phones(office):  # noqa: F811
    world = office
    for person, phone in [
        (world.petition_clerk, "+8613900000007"),
        (world.petition_agent, "+8613900000001"),
        (world.director, "+8613900000002"),
    ]:
        person.work_phone = phone
        person.save()
    return world


def test_an_undecided_petition_is_warned_then_supervised(phones):
    world = phones
    case = received(world, "2026-09-28")
    walk(D(2026, 9, 28), D(2026, 10, 16))
    alerts = fired(case)
    # 12 of 15 days on Sat 10 Oct (a make-up working day); past due on Wed 14 Oct.
    assert alerts[("petition:decide", "warning")] == (D(2026, 10, 10), D(2026, 10, 13))
    assert alerts[("petition:decide", "overdue")] == (D(2026, 10, 14), D(2026, 10, 13))
    assert ("petition:handle", "warning") not in alerts
    # The warning went to the office that holds the file, by text.
    assert Sms.objects.filter(case=case, template="staff_warning", phone_masked="139****0007")
    supervision = Supervision.objects.get(case=case, alert__target="petition:decide")
    assert supervision.level == 1
    assert case.events.filter(action="overdue").count() == 1


def test_an_accepted_petition_runs_the_60_day_clock_and_a_decided_one_stops_the_first(phones):
    world = phones
    case = received(world, "2026-09-28")
    lifecycle.decide_petition(case.pk, actor=world.petition_clerk, accept=True, at=at("2026-10-09"))
    walk(D(2026, 10, 9), D(2026, 12, 10))
    alerts = fired(case)
    assert ("petition:decide", "warning") not in alerts  # decided before 12 of 15 days
    # 48 of 60 days on Thu 26 Nov; past 8 Dec on Wed 9 Dec.
    assert alerts[("petition:handle", "warning")] == (D(2026, 11, 26), D(2026, 12, 8))
    assert alerts[("petition:handle", "overdue")] == (D(2026, 12, 9), D(2026, 12, 8))


def test_a_result_stops_the_handling_clock(phones):
    world = phones
    case = received(world, "2026-09-28")
    lifecycle.decide_petition(case.pk, actor=world.petition_clerk, accept=True, at=at("2026-10-09"))
    lifecycle.record_result(case.pk, actor=world.petition_clerk, granted=True, at=at("2026-10-12"))
    walk(D(2026, 11, 25), D(2026, 12, 10))
    assert fired(case) == {}

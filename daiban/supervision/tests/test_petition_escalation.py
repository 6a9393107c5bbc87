"""An overdue petition climbs the petition line only, and nobody is told of a case they
may not open: every person the sweep texts or assigns passes the same scoping as the
case page."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from daiban.cases import lifecycle
from daiban.cases.models import Case
from daiban.cases.scoping import visible_cases
from daiban.cases.selectors import complete_checklist
from daiban.notifications.models import Sms
from daiban.people.models import Role
from daiban.supervision import sweeps
from daiban.supervision.models import Supervision
from daiban.testing import factories
from daiban.testing.world import at


def evening(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(20)))


def walk(first: datetime.date, last: datetime.date) -> None:
    day = first
    while day <= last:
        with time_machine.travel(evening(day), tick=False):
            sweeps.run(day)
        day += datetime.timedelta(days=1)


def petition(world) -> Case:
    """The petition agent takes 胡建荣's petition (信访事项代办) and accepts it."""
    case = lifecycle.start_case(
        actor=world.petition_agent,
        resident=world.resident,
        item=world.petition,
        at=at("2026-03-02", 9),
    )
    return lifecycle.accept(
        case,
        actor=world.petition_agent,
        received=complete_checklist(world.petition),
        entrustment=factories.entrusted(world),
        at=at("2026-03-02", 10),
    )


@pytest.fixture
def staffed(world):
    for person, phone in [
        (world.petition_agent, "+8613900000001"),
        (world.director, "+8613900000002"),
        (world.leader, "+8613900000003"),
        (world.supervisor, "+8613900000004"),
    ]:
        person.work_phone = phone
        person.save()
    return world


def _climb(world) -> Case:
    case = petition(world)
    walk(case.due_date, case.due_date + datetime.timedelta(days=28))
    return case


def test_an_overdue_petition_climbs_the_petition_line_only(staffed, client):
    """Petition agent, then center director; the township leader and the county
    supervisor may not open a petition, so they are neither texted nor assigned."""
    world = staffed
    case = _climb(world)
    # The promised date's chain; the 15-day decision clock (never decided: the file stays
    # with the agent) climbs the same line on its own.
    for target in ("case", "petition:decide"):
        chain = list(
            Supervision.objects.filter(case=case, alert__target=target)
            .order_by("level")
            .values_list("level", "role", "assignee__username")
        )
        assert chain == [(1, "holder", "petition_dachang"), (2, "center_director", "director")]
    texted = set(
        Sms.objects.filter(case=case, template__startswith="staff_").values_list(
            "phone_masked", flat=True
        )
    )
    assert texted == {"139****0001", "139****0002"}
    for outsider in (world.leader, world.supervisor):
        assert not visible_cases(outsider).filter(pk=case.pk).exists()
    client.force_login(world.director)
    assert case.number in client.get("/supervision/").content.decode()
    client.force_login(world.leader)
    page = client.get("/supervision/").content.decode()
    assert case.number not in page and world.petition.name not in page


def test_the_board_lists_no_supervision_of_a_case_its_assignee_cannot_open(staffed, client):
    """A supervision assigned before this rule existed stays off the leader's board."""
    world = staffed
    case = petition(world)
    Supervision.objects.create(
        case=case,
        level=3,
        role=Role.TOWNSHIP_LEADER,
        assignee=world.leader,
        opened_on=datetime.date(2026, 5, 1),
        answer_due=datetime.date(2026, 5, 6),
    )
    client.force_login(world.leader)
    page = client.get("/supervision/").content.decode()
    assert case.number not in page and world.petition.name not in page


def test_the_county_petition_bureau_is_the_top_of_the_petition_line(staffed, client):
    """With a 信访局 account in the county, an unanswered petition climbs to it, and only
    to it: the bureau opens petitions and nothing else."""
    from daiban.people.services import create_staff
    from daiban.testing.world import verified_login

    world = staffed
    bureau = create_staff(
        username="xinfangju",
        password="x",
        display_name="县信访局",
        role=Role.PETITION_BUREAU,
        county=world.county,
    )
    bureau.work_phone = "+8613900000005"
    bureau.save()
    case = _climb(world)
    for target in ("case", "petition:decide"):
        chain = list(
            Supervision.objects.filter(case=case, alert__target=target)
            .order_by("level")
            .values_list("level", "role")
        )
        assert chain == [(1, "holder"), (2, "center_director"), (3, "petition_bureau")]
    texted = set(
        Sms.objects.filter(case=case, template__startswith="staff_").values_list(
            "phone_masked", flat=True
        )
    )
    assert "139****0005" in texted and "139****0003" not in texted
    ordinary = factories.accepted(world)
    verified_login(client, bureau)
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert client.get(f"/cases/{ordinary.pk}/").status_code == 404
    assert case.number in client.get("/supervision/").content.decode()

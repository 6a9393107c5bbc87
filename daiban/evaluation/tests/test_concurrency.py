"""Two directors working out the same month's sheet at once, each on its own connection."""

import datetime

import pytest
import time_machine

from daiban.core.errors import Conflict
from daiban.evaluation import services
from daiban.evaluation.models import PaymentLine, PaymentSheet
from daiban.people.models import Role
from daiban.people.services import create_staff
from daiban.testing.threads import race
from daiban.testing.world import at


@pytest.mark.django_db(transaction=True)
def test_one_sheet_whoever_comes_second(shared_world):
    world = shared_world
    deputy = create_staff(
        username="director2",
        password="x",
        display_name="副主任",
        role=Role.CENTER_DIRECTOR,
        township=world.township,
    )
    march = datetime.date(2026, 3, 1)
    with time_machine.travel(at("2026-04-10"), tick=False):
        results = race(
            lambda: services.prepare_sheet(world.township, march, actor=world.director),
            lambda: services.prepare_sheet(world.township, march, actor=deputy),
        )
    assert all(isinstance(r, PaymentSheet | Conflict) for r in results), results
    sheet = PaymentSheet.objects.get()
    assert PaymentLine.objects.filter(sheet=sheet).count() == 3
    assert sheet.total_fen == sum(PaymentLine.objects.values_list("amount_fen", flat=True))

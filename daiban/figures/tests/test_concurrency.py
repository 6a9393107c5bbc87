"""Steps on different cases that add to the same tally row at the same moment, each on a
connection of its own: no increment is lost, and the first row is created only once."""

import pytest

from daiban.cases import lifecycle
from daiban.cases.models import Case
from daiban.cases.selectors import complete_checklist
from daiban.figures.models import ItemTally, VillageTally
from daiban.figures.services import rebuild
from daiban.testing import factories
from daiban.testing.threads import race
from daiban.testing.world import at


@pytest.mark.django_db(transaction=True)
def test_four_acceptances_into_one_new_tally_row_all_count(shared_world):
    world = shared_world
    cases = [factories.started(world, day="2026-03-02") for _ in range(4)]
    assert not VillageTally.objects.exists() and not ItemTally.objects.exists()

    def accept(case):
        return lambda: lifecycle.accept(
            case.pk,
            actor=world.agent,
            received=complete_checklist(world.passbook),
            entrustment=factories.entrusted(world),
            at=at("2026-03-02", 10),
        )

    results = race(*(accept(c) for c in cases))
    assert all(isinstance(r, Case) for r in results), results
    assert VillageTally.objects.get().accepted == 4
    assert ItemTally.objects.get().accepted == 4
    rebuild()
    assert VillageTally.objects.get().accepted == 4 and ItemTally.objects.get().accepted == 4

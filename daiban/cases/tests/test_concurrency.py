"""Two people acting on the same case at the same moment, each on a connection of their own."""

import pytest

from daiban.cases import lifecycle
from daiban.cases.models import Case, Event, Paper
from daiban.cases.selectors import complete_checklist
from daiban.core.errors import CaseError, Conflict, NotAllowed
from daiban.testing import factories
from daiban.testing.threads import race


@pytest.mark.django_db(transaction=True)
def test_two_agents_accept_the_same_case_exactly_one_wins(shared_world):
    world = shared_world
    case = factories.started(world)

    def accept_as(actor):
        stale = Case.objects.get(pk=case.pk)  # each read the case before either acted
        return lambda: lifecycle.accept(
            stale,
            actor=actor,
            received=complete_checklist(world.passbook),
            entrustment=factories.entrusted(world),
        )

    results = race(accept_as(world.agent), accept_as(world.director))
    winners = [r for r in results if isinstance(r, Case)]
    losers = [r for r in results if isinstance(r, CaseError)]
    assert len(winners) == 1 and len(losers) == 1
    assert isinstance(losers[0], Conflict | NotAllowed)
    assert losers[0].message
    case.refresh_from_db()
    assert case.state == "in_progress" and case.version == 2
    assert Event.objects.filter(case=case, action="accepted").count() == 1
    assert Paper.objects.filter(case=case).count() == 2


@pytest.mark.django_db(transaction=True)
def test_withdrawal_racing_a_handover_never_leaves_both_half_done(shared_world):
    world = shared_world
    case = factories.accepted(world)
    results = race(
        lambda: lifecycle.hand_over(case.pk, actor=world.agent, to_department=world.finance),
        lambda: lifecycle.withdraw(case.pk, actor=world.agent, reason="群众申请撤回"),
    )
    errors = [r for r in results if isinstance(r, CaseError)]
    case.refresh_from_db()
    open_hops = case.hops.filter(ended_at__isnull=True).count()
    if case.state == "withdrawn":
        # Either the withdrawal came second and closed the new hop, or it came first and the
        # handover was refused.
        assert open_hops == 0
    else:
        pytest.fail(f"withdrawal lost: {results}")
    assert len(errors) <= 1
    assert list(case.events.values_list("seq", flat=True)) == list(range(1, case.version + 1))


@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptances_get_distinct_gap_free_numbers(shared_world):
    world = shared_world
    cases = [factories.started(world) for _ in range(4)]
    results = race(
        *[
            (
                lambda c=c: lifecycle.accept(
                    c.pk,
                    actor=world.agent,
                    received=complete_checklist(world.passbook),
                    entrustment=factories.entrusted(world),
                )
            )
            for c in cases
        ]
    )
    assert all(isinstance(r, Case) for r in results), results
    numbers = sorted(Case.objects.values_list("number", flat=True))
    assert numbers == [f"459901101-2026-{n:05d}" for n in range(1, 5)]

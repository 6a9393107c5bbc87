"""Two directors hand the same agent's files on at the same moment: one wins."""

import pytest

from daiban.cases.models import Case, Event
from daiban.notifications.models import Sms
from daiban.people import succession
from daiban.people.models import Role, Succession
from daiban.people.services import create_staff
from daiban.testing import factories
from daiban.testing.threads import race


@pytest.mark.django_db(transaction=True)
def test_two_directors_at_once_one_wins(shared_world):
    world = shared_world
    factories.accepted(world)
    factories.started(world)
    first, second = (
        create_staff(
            username=f"agent_dachang_{n}",
            password="x",
            display_name=name,
            role=Role.VILLAGE_AGENT,
            village=world.village,
            work_phone=f"+86138771655{n}0",
        )
        for n, name in ((1, "黄新名"), (2, "韦三"))
    )
    second_director = create_staff(
        username="director_2",
        password="x",
        display_name="director_2",
        role=Role.CENTER_DIRECTOR,
        township=world.township,
    )

    def hand_on(director, successor):
        return lambda: succession.succeed(
            actor=director, agent=world.agent, successor=successor, reason="调任"
        )

    results = race(hand_on(world.director, first), hand_on(second_director, second))
    made = [r for r in results if isinstance(r, Succession)]
    assert len(made) == 1, results
    winner = made[0].to_user
    assert Succession.objects.count() == 1
    assert set(Case.objects.values_list("agent_id", flat=True)) == {winner.pk}
    # Each case moved once, and its villager was texted once.
    assert Event.objects.filter(action="agent_reassigned").count() == 2
    assert Sms.objects.filter(template="new_agent").count() == 1

"""Every step tried from every state, and by people who may not take it."""

import pytest
from django.utils import translation

from daiban.cases import lifecycle
from daiban.cases.inputs import Missing
from daiban.cases.models import Case, Event, State
from daiban.cases.selectors import complete_checklist
from daiban.cases.tests import factories
from daiban.core.errors import Forbidden, NotAllowed

STATES = [
    "pending",
    "awaiting_before_acceptance",
    "awaiting_materials",
    "refused",
    "in_progress",
    "result_ready",
    "replied",
    "closed",
    "withdrawn",
]

# The steps an administrator (who has every right) may take in each state, and where they lead.
LEGAL = {
    "pending": {
        "accept": State.IN_PROGRESS,
        "refuse": State.REFUSED,
        "request_supplement": State.AWAITING_MATERIALS,
        "withdraw": State.WITHDRAWN,
    },
    "awaiting_before_acceptance": {
        "accept": State.IN_PROGRESS,
        "refuse": State.REFUSED,
        "withdraw": State.WITHDRAWN,
    },
    "awaiting_materials": {"resume": State.IN_PROGRESS, "withdraw": State.WITHDRAWN},
    "refused": {},
    "in_progress": {
        "request_supplement": State.AWAITING_MATERIALS,
        "hand_over": State.IN_PROGRESS,
        "record_result": State.RESULT_READY,
        "withdraw": State.WITHDRAWN,
    },
    "result_ready": {"hand_over": State.RESULT_READY},
    "replied": {"close": State.CLOSED},
    "closed": {},
    "withdrawn": {},
}


def step(world, name, pk, actor):
    material = complete_checklist(world.passbook)[0].material_id
    calls = {
        "accept": lambda: lifecycle.accept(
            pk,
            actor=actor,
            received=complete_checklist(world.passbook),
            entrustment=factories.entrusted(world),
        ),
        "refuse": lambda: lifecycle.refuse(pk, actor=actor, reason="不属于代办范围"),
        "request_supplement": lambda: lifecycle.request_supplement(
            pk, actor=actor, missing=[Missing(material)]
        ),
        "resume": lambda: lifecycle.resume(pk, actor=actor),
        "hand_over": lambda: lifecycle.hand_over(
            pk, actor=actor, to_department=world.family_planning
        ),
        "confirm_receipt": lambda: lifecycle.confirm_receipt(pk, actor=actor),
        "record_result": lambda: lifecycle.record_result(pk, actor=actor, granted=True),
        "reply": lambda: lifecycle.reply(pk, actor=actor, signed_by="胡建荣"),
        "close": lambda: lifecycle.close(pk, actor=actor, method="phone"),
        "withdraw": lambda: lifecycle.withdraw(pk, actor=actor, reason="群众申请撤回"),
    }
    return calls[name]()


STEPS = [
    "accept",
    "refuse",
    "request_supplement",
    "resume",
    "hand_over",
    "confirm_receipt",
    "record_result",
    "reply",
    "close",
    "withdraw",
]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("name", STEPS)
def test_every_step_from_every_state(world, state, name):
    case = factories.in_state(world, state)
    before = (case.state, case.version, Event.objects.filter(case=case).count())
    expected = LEGAL[state].get(name)
    if expected is None:
        with translation.override("en"), pytest.raises(NotAllowed) as caught:
            step(world, name, case.pk, world.admin)
        assert caught.value.message  # it says why
        after = Case.objects.get(pk=case.pk)
        assert (after.state, after.version, Event.objects.filter(case=case).count()) == before
    else:
        step(world, name, case.pk, world.admin)
        after = Case.objects.get(pk=case.pk)
        assert after.state == expected
        assert after.version == before[1] + 1
        event = after.events.last()
        assert (event.from_state, event.to_state, event.actor) == (before[0], expected, world.admin)


def test_the_refusal_message_names_the_state_and_the_allowed_ones(world):
    case = factories.in_state(world, State.CLOSED)
    with translation.override("en"), pytest.raises(NotAllowed) as caught:
        lifecycle.withdraw(case.pk, actor=world.admin, reason="太晚了")
    assert "“closed”" in caught.value.message
    assert "“awaiting acceptance”" in caught.value.message
    with translation.override("zh-hans"), pytest.raises(NotAllowed) as caught:
        lifecycle.withdraw(case.pk, actor=world.admin, reason="太晚了")
    assert "已办结" in caught.value.message


# (state, step, who tries) — each must be refused as not theirs.
WRONG_PEOPLE = [
    ("pending", "accept", "other_agent"),
    ("pending", "accept", "petition_agent"),
    ("pending", "accept", "clerk_finance"),
    ("pending", "accept", "leader"),
    ("pending", "accept", "supervisor"),
    ("pending", "accept", "other_director"),
    ("pending", "refuse", "other_agent"),
    ("pending", "request_supplement", "clerk_finance"),
    ("pending", "withdraw", "other_agent"),
    ("in_progress", "hand_over", "agent"),
    ("in_progress", "hand_over", "clerk_family_planning"),
    ("in_progress", "record_result", "clerk_family_planning"),
    ("in_progress", "record_result", "other_director"),
    ("in_progress", "request_supplement", "agent"),
    ("in_progress", "withdraw", "leader"),
    ("awaiting_materials", "resume", "other_agent"),
    ("result_ready", "hand_over", "agent"),
    ("replied", "close", "clerk_finance"),
    ("replied", "close", "other_agent"),
]


@pytest.mark.parametrize("state, name, who", WRONG_PEOPLE)
def test_people_who_may_not_take_a_step(world, state, name, who):
    case = factories.in_state(world, state)
    with pytest.raises(Forbidden):
        step(world, name, case.pk, getattr(world, who))
    after = Case.objects.get(pk=case.pk)
    assert (after.state, after.version) == (case.state, case.version)


@pytest.mark.parametrize(
    "state, name, who",
    [
        ("pending", "accept", "agent"),
        ("pending", "accept", "director"),
        ("in_progress", "hand_over", "clerk_finance"),
        ("in_progress", "hand_over", "director"),
        ("in_progress", "record_result", "clerk_finance"),
        ("replied", "close", "agent"),
        ("replied", "close", "director"),
    ],
)
def test_the_right_people_may(world, state, name, who):
    case = factories.in_state(world, state)
    step(world, name, case.pk, getattr(world, who))
    assert Case.objects.get(pk=case.pk).version == case.version + 1


def test_petitions_belong_to_the_petition_agent(world):
    with pytest.raises(Forbidden):
        lifecycle.start_case(actor=world.agent, resident=world.resident, item=world.petition)
    case = lifecycle.start_case(
        actor=world.petition_agent, resident=world.resident, item=world.petition
    )
    assert case.is_petition and case.agent == world.petition_agent
    with pytest.raises(Forbidden):
        lifecycle.refuse(case.pk, actor=world.agent, reason="不是我的")
    with pytest.raises(Forbidden):
        lifecycle.start_case(
            actor=world.petition_agent, resident=world.resident, item=world.passbook
        )


def test_receipt_is_confirmed_only_by_the_receiver(world):
    case = factories.accepted(world)
    lifecycle.hand_over(case.pk, actor=world.agent, to_department=world.finance)
    for outsider in (world.agent, world.clerk_family_planning, world.township_agent):
        with pytest.raises(Forbidden):
            lifecycle.confirm_receipt(case.pk, actor=outsider)
    with pytest.raises(NotAllowed):  # nobody works on a file not yet signed for
        lifecycle.hand_over(case.pk, actor=world.clerk_finance, to_department=world.family_planning)
    lifecycle.confirm_receipt(case.pk, actor=world.clerk_finance)


def test_county_hops_are_carried_by_the_township_agent(world):
    case = factories.at_department(world, item=world.subsistence)
    lifecycle.hand_over(
        case.pk, actor=world.clerk_civil_affairs, to_department=world.county_civil_affairs
    )
    with pytest.raises(Forbidden):
        lifecycle.confirm_receipt(case.pk, actor=world.clerk_civil_affairs)
    lifecycle.confirm_receipt(case.pk, actor=world.township_agent)


def test_files_go_only_to_places_of_the_case(world):
    case = factories.at_department(world)
    from daiban.core.errors import Invalid

    with pytest.raises(Invalid):
        lifecycle.hand_over(case.pk, actor=world.clerk_finance, to_department=world.other_finance)
    with pytest.raises(Invalid):
        lifecycle.hand_over(case.pk, actor=world.clerk_finance, to_user=world.other_agent)
    with pytest.raises(Invalid):
        lifecycle.hand_over(case.pk, actor=world.clerk_finance, to_department=world.finance)
    with pytest.raises(Invalid):
        lifecycle.hand_over(case.pk, actor=world.clerk_finance)


def test_a_stale_copy_of_the_case_gets_a_conflict(world):
    from daiban.core.errors import Conflict

    stale = factories.started(world)
    lifecycle.refuse(stale.pk, actor=world.agent, reason="不属于代办范围")
    with translation.override("en"), pytest.raises(Conflict, match="Reload"):
        lifecycle.accept(
            stale,
            actor=world.agent,
            received=complete_checklist(world.passbook),
            entrustment=factories.entrusted(world),
        )

"""Every step tried from every state, and by people who may not take it."""

import pytest
from django.utils import translation

from daiban.cases import lifecycle
from daiban.cases.inputs import Missing
from daiban.cases.models import Case, Event, State
from daiban.cases.selectors import complete_checklist
from daiban.core.errors import Forbidden, NotAllowed
from daiban.testing import factories
from daiban.testing.world import NAMED_PEOPLE

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
    "transferring",
]

# The steps an administrator (who has every right) may take in each state, and where they lead.
LEGAL = {
    "pending": {
        "accept": State.IN_PROGRESS,
        "refuse": State.REFUSED,
        "request_supplement": State.AWAITING_MATERIALS,
        "withdraw": State.WITHDRAWN,
        "send_transfer": State.TRANSFERRING,
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
        "send_transfer": State.TRANSFERRING,
    },
    "result_ready": {"hand_over": State.RESULT_READY},
    "replied": {"close": State.CLOSED},
    "closed": {},
    "withdrawn": {},
    "transferring": {"accept_transfer": State.IN_PROGRESS, "return_transfer": State.IN_PROGRESS},
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
        # Back to the agent: the one target on the route of a passbook at finance.
        "hand_over": lambda: lifecycle.hand_over(pk, actor=actor, to_user=world.agent),
        "recall": lambda: lifecycle.recall(pk, actor=actor),
        "confirm_receipt": lambda: lifecycle.confirm_receipt(pk, actor=actor),
        "record_result": lambda: lifecycle.record_result(pk, actor=actor, granted=True),
        # The table's cases are passbooks, never petitions: refused in every state
        # (test_petition_decision.py walks a petition).
        "decide_petition": lambda: lifecycle.decide_petition(pk, actor=actor, accept=True),
        "reply": lambda: lifecycle.reply(pk, actor=actor, signed_by="胡建荣"),
        "close": lambda: lifecycle.close(pk, actor=actor, method="phone"),
        "withdraw": lambda: lifecycle.withdraw(pk, actor=actor, reason="群众申请撤回"),
        "send_transfer": lambda: lifecycle.send_transfer(
            pk, actor=actor, to_village=world.far_village, reason="群众已迁居青石镇"
        ),
        "accept_transfer": lambda: lifecycle.accept_transfer(pk, actor=actor),
        "return_transfer": lambda: lifecycle.return_transfer(pk, actor=actor, reason="不属本镇"),
    }
    return calls[name]()


STEPS = [
    "accept",
    "refuse",
    "request_supplement",
    "resume",
    "hand_over",
    "recall",
    "confirm_receipt",
    "record_result",
    "decide_petition",
    "reply",
    "close",
    "withdraw",
    "send_transfer",
    "accept_transfer",
    "return_transfer",
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
    ("pending", "send_transfer", "agent"),
    ("in_progress", "send_transfer", "other_director"),
    ("in_progress", "send_transfer", "leader"),
    ("in_progress", "send_transfer", "clerk_finance"),
    ("in_progress", "send_transfer", "supervisor"),
    ("transferring", "accept_transfer", "director"),
    ("transferring", "accept_transfer", "agent"),
    ("transferring", "accept_transfer", "leader"),
    ("transferring", "accept_transfer", "supervisor"),
    ("transferring", "return_transfer", "director"),
    ("transferring", "return_transfer", "clerk_finance"),
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
        ("in_progress", "send_transfer", "director"),
        ("transferring", "accept_transfer", "other_director"),
        ("transferring", "return_transfer", "other_director"),
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


# ─── The step registry: what the pages and the API offer ─────────────────────
# Every state × every person: the case page offers only steps whose declaration
# (cases/steps.py) allows the case's state, and shows a step's form only when offered;
# the API refuses, and changes nothing, whenever the declaration forbids the state.

PEOPLE = NAMED_PEOPLE

# The address each offered step's link or form posts to on the case page.
PAGE_URLS = {
    "accept": "/cases/{pk}/accept/",
    "confirm_receipt": "/cases/{pk}/confirm/",
    "hand_over": "/cases/{pk}/hand-over/",
    "recall": "/cases/{pk}/recall/",
    "record_result": "/cases/{pk}/result/",
    "decide_petition": "/cases/{pk}/petition/",
    "reply": "/cases/{pk}/reply/",
    "close": "/cases/{pk}/close/",
    "withdraw": "/cases/{pk}/withdraw/",
    "request_supplement": "/cases/{pk}/supplement/",
    "resume": "/cases/{pk}/resume/",
    "rate": "/cases/{pk}/rating/",
    "send_transfer": "/cases/{pk}/transfer/send/",
    "accept_transfer": "/cases/{pk}/transfer/accept/",
    "return_transfer": "/cases/{pk}/transfer/return/",
}


def test_every_step_is_declared_once_and_the_lifecycle_reads_it():
    from daiban.cases.steps import REGISTRY
    from daiban.notifications.texts import TEXTS

    for name, (label, states) in lifecycle.STEPS.items():
        assert (label, states) == (REGISTRY[name].label, REGISTRY[name].from_states)
        assert callable(getattr(lifecycle, name))
    for name in [*STEPS, "rate", "return_papers", "start_case", "note"]:
        assert name in REGISTRY
    for step in REGISTRY.values():
        assert not step.resident_text or step.resident_text in TEXTS
    # The table above agrees with the declarations: a legal step starts from a declared state.
    for state, legal in LEGAL.items():
        real = State.AWAITING_MATERIALS if state.startswith("awaiting") else state
        for name in legal:
            assert real in REGISTRY[name].from_states, (state, name)


@pytest.mark.parametrize("state", STATES)
def test_pages_offer_only_what_the_registry_allows(client, world, state):
    from daiban.cases.rules import steps_for
    from daiban.cases.selectors import open_hop
    from daiban.cases.steps import REGISTRY
    from daiban.testing.world import verified_login

    case = factories.in_state(world, state)
    hop = open_hop(case)
    for who in PEOPLE:
        user = getattr(world, who)
        offered = steps_for(user, case, hop)
        for name in offered:
            assert case.state in REGISTRY[name].from_states, (state, who, name)
        if who == "admin":  # every right: offered is exactly what the table says is legal
            assert offered - {"rate", "confirm_receipt"} == set(LEGAL[state]), state
        page = verified_login(client, user).get(f"/cases/{case.pk}/")
        if page.status_code == 404:
            continue
        html = page.content.decode()
        for name, url in PAGE_URLS.items():
            if url.format(pk=case.pk) in html:
                assert name in offered, (state, who, name)


API_PATHS = {
    "accept": (
        "accept",
        lambda world: {"received": [], "signed_by": "胡建荣", "signed_on": "2026-03-02"},
    ),
    "refuse": ("refuse", lambda world: {"reason": "不属于代办范围"}),
    "request_supplement": ("supplement", lambda world: {"missing": [], "note": "缺户口簿"}),
    "resume": ("resume", lambda world: {}),
    "hand_over": ("hand-over", lambda world: {"to_user": world.agent.pk}),
    "recall": ("recall", lambda world: {}),
    "confirm_receipt": ("confirm-receipt", lambda world: {}),
    "record_result": ("result", lambda world: {"granted": True}),
    "decide_petition": ("petition-decision", lambda world: {"accept": True}),
    "reply": ("reply", lambda world: {"signed_by": "胡建荣"}),
    "close": ("close", lambda world: {"method": "phone"}),
    "withdraw": ("withdraw", lambda world: {"reason": "群众申请撤回"}),
    "rate": ("rating", lambda world: {"level": 5}),
    "send_transfer": (
        "transfer",
        lambda world: {"to_village": world.far_village.pk, "reason": "群众已迁居"},
    ),
    "accept_transfer": ("transfer-accept", lambda world: {}),
    "return_transfer": ("transfer-return", lambda world: {"reason": "不属本镇"}),
}


@pytest.mark.parametrize("state", STATES)
def test_the_api_refuses_every_step_the_registry_forbids(client, world, state):
    import json

    from daiban.api.models import ApiToken
    from daiban.cases.steps import REGISTRY

    case = factories.in_state(world, state)
    _, key = ApiToken.issue(world.admin, "registry")
    for name, (path, body) in API_PATHS.items():
        if case.state in REGISTRY[name].from_states:
            continue
        response = client.post(
            f"/api/v1/cases/{case.pk}/{path}",
            json.dumps(body(world)),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
        assert response.status_code == 409 and response.json()["code"] == "not_allowed", (
            state,
            name,
            response.status_code,
            response.content[:200],
        )
        after = Case.objects.get(pk=case.pk)
        assert (after.state, after.version) == (case.state, case.version), (state, name)

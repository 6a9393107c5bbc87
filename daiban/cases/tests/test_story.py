"""Every legal transition, walked by the people who take them, with custody at each step."""

import datetime
import uuid

import pytest
from django.utils import translation

from daiban.cases import lifecycle
from daiban.cases.inputs import EntrustmentIn, Missing, Received
from daiban.cases.models import Case, Event, Hop, Paper, State
from daiban.cases.numbers import TRACKING_ALPHABET
from daiban.cases.selectors import complete_checklist, custody, department_queue
from daiban.core.errors import Invalid, NotAllowed
from daiban.testing import factories
from daiban.testing.world import at

D = datetime.date


def holders(case):
    return {p.name: str(p.holder) if p.holder else "returned" for p in custody(case)}


def test_grain_subsidy_passbook_from_inquiry_to_closing(world):
    inquiry = lifecycle.record_inquiry(
        actor=world.agent,
        village=world.village,
        resident=world.resident,
        item=world.passbook,
        question="存折上的名字是我父亲的，怎么改成我？",
        answer="带原存折、户口簿、身份证复印件和村委会证明，交给我代办。",
        at=at("2026-02-27"),
    )
    case = lifecycle.start_case(
        actor=world.agent,
        resident=world.resident,
        item=world.passbook,
        inquiry=inquiry,
        at=at("2026-03-02", 9),
    )
    assert case.state == State.PENDING and case.number is None

    case = lifecycle.accept(
        case,
        actor=world.agent,
        received=complete_checklist(world.passbook),
        entrustment=factories.entrusted(world),
        at=at("2026-03-02", 10),
    )
    assert case.state == State.IN_PROGRESS
    assert case.number == "459901101-2026-00001"
    assert len(case.tracking_code) == 10 and set(case.tracking_code) <= set(TRACKING_ALPHABET)
    assert case.due_date == D(2026, 3, 9)  # five working days after Monday 2 March
    assert case.item_version.number == 1
    assert case.entrustment.signed_by == "胡建荣"
    assert holders(case) == {
        "原补贴存折（“一卡通”）": "agent_dachang",
        "居民户口簿": "agent_dachang",
    }
    first_hop = case.hops.get()
    assert first_hop.holder_user == world.agent and first_hop.due_date == D(2026, 3, 4)

    papers = list(case.papers.values_list("pk", flat=True))
    hop = lifecycle.hand_over(
        case.pk,
        actor=world.agent,
        to_department=world.finance,
        paper_ids=papers,
        at=at("2026-03-03", 9),
    )
    assert hop.received_at is None
    # Until the clerk signs, the agent still holds the papers.
    assert set(holders(case).values()) == {"agent_dachang"}
    assert [h.case_id for h in department_queue(world.finance)] == [case.pk]

    lifecycle.confirm_receipt(case.pk, actor=world.clerk_finance, at=at("2026-03-03", 11))
    assert set(holders(case).values()) == {"大厂壮族乡财政所"}

    lifecycle.record_result(
        case.pk,
        actor=world.clerk_finance,
        granted=True,
        document_no="财补更〔2026〕12号",
        at=at("2026-03-04"),
    )
    lifecycle.hand_over(
        case.pk,
        actor=world.clerk_finance,
        to_user=world.agent,
        paper_ids=papers,
        at=at("2026-03-04", 15),
    )
    lifecycle.confirm_receipt(case.pk, actor=world.agent, at=at("2026-03-05", 9))
    assert set(holders(case).values()) == {"agent_dachang"}

    lifecycle.reply(case.pk, actor=world.agent, signed_by="胡建荣", at=at("2026-03-05", 10))
    assert set(holders(case).values()) == {"returned"}
    case = lifecycle.close(
        case.pk, actor=world.agent, method="phone", rating=5, note="满意", at=at("2026-03-09")
    )
    assert case.state == State.CLOSED and case.rating.level == 5

    trail = list(
        case.events.values_list("seq", "action", "from_state", "to_state", "actor__username")
    )
    assert trail == [
        (1, "created", "", "pending", "agent_dachang"),
        (2, "accepted", "pending", "in_progress", "agent_dachang"),
        (3, "handed_over", "in_progress", "in_progress", "agent_dachang"),
        (4, "received", "in_progress", "in_progress", "clerk_finance"),
        (5, "result_recorded", "in_progress", "result_ready", "clerk_finance"),
        (6, "handed_over", "result_ready", "result_ready", "clerk_finance"),
        (7, "received", "result_ready", "result_ready", "agent_dachang"),
        (8, "replied", "result_ready", "replied", "agent_dachang"),
        (9, "closed", "replied", "closed", "agent_dachang"),
        (10, "rated", "closed", "closed", "agent_dachang"),
    ]
    assert case.version == 10
    passbook = case.papers.get(name__startswith="原补贴存折")
    moves = [
        (str(m.to_user or m.to_department or m.to_resident), m.at) for m in passbook.moves.all()
    ]
    assert moves == [
        ("agent_dachang", at("2026-03-02", 10)),
        ("大厂壮族乡财政所", at("2026-03-03", 11)),
        ("agent_dachang", at("2026-03-05", 9)),
        ("胡建荣", at("2026-03-05", 10)),
    ]


def test_county_item_needs_the_county_before_it_is_granted(world):
    case = factories.at_department(world, item=world.subsistence)
    with translation.override("en"), pytest.raises(NotAllowed, match="decided by the county"):
        lifecycle.record_result(case.pk, actor=world.clerk_civil_affairs, granted=True)

    lifecycle.hand_over(
        case.pk,
        actor=world.clerk_civil_affairs,
        to_department=world.county_civil_affairs,
        at=at("2026-03-03"),
    )
    county_hop = Hop.objects.get(case=case, ended_at__isnull=True)
    assert county_hop.due_date == D(2026, 3, 13)  # eight county working days after Tue 3
    # The township agent carries the file to the county bureau and back.
    lifecycle.confirm_receipt(case.pk, actor=world.township_agent, at=at("2026-03-03", 15))
    lifecycle.hand_over(
        case.pk, actor=world.township_agent, to_department=world.civil_affairs, at=at("2026-03-10")
    )
    lifecycle.confirm_receipt(case.pk, actor=world.clerk_civil_affairs, at=at("2026-03-10", 11))
    case = lifecycle.record_result(case.pk, actor=world.clerk_civil_affairs, granted=True)
    assert case.state == State.RESULT_READY and case.outcome == "granted"
    # Originals stayed at the township while the application went to the county.
    assert set(holders(case).values()) == {"大厂壮族乡民政所"}


def test_a_county_item_may_be_denied_at_the_township(world):
    case = factories.at_department(world, item=world.subsistence)
    with pytest.raises(Invalid):
        lifecycle.record_result(case.pk, actor=world.clerk_civil_affairs, granted=False, reason=" ")
    case = lifecycle.record_result(
        case.pk, actor=world.clerk_civil_affairs, granted=False, reason="家庭收入超过当地低保标准"
    )
    assert case.outcome == "denied" and case.outcome_reason == "家庭收入超过当地低保标准"


def test_refusal_states_its_reason(world):
    case = factories.started(world)
    with pytest.raises(Invalid):
        lifecycle.refuse(case, actor=world.agent, reason="")
    case = lifecycle.refuse(case, actor=world.agent, reason="该事项须到县政务服务中心现场办理")
    assert case.state == State.REFUSED and case.ended_at is not None
    assert case.events.last().note == "该事项须到县政务服务中心现场办理"
    assert case.number is None


def test_supplement_before_acceptance_lists_everything_then_acceptance(world):
    case = factories.started(world)
    required = complete_checklist(world.passbook)
    with pytest.raises(Invalid):
        lifecycle.request_supplement(case, actor=world.agent, missing=[])
    notice = lifecycle.request_supplement(
        case,
        actor=world.agent,
        missing=[Missing(required[0].material_id, "原存折"), Missing(required[3].material_id)],
        note="两样一起带来",
        at=at("2026-03-02"),
    )
    assert [m["name"] for m in notice.missing] == ["原补贴存折（“一卡通”）", "村委会证明"]
    assert not notice.pauses_clock
    case = Case.objects.get(pk=case.pk)
    assert case.state == State.AWAITING_MATERIALS
    with pytest.raises(NotAllowed, match="never accepted|从未受理|未受理"):
        lifecycle.resume(case, actor=world.agent)
    case = lifecycle.accept(
        case,
        actor=world.agent,
        received=required,
        entrustment=factories.entrusted(world, "2026-03-05"),
        at=at("2026-03-05"),
    )
    assert case.state == State.IN_PROGRESS
    assert case.due_date == D(2026, 3, 12)  # the clock starts at acceptance
    notice.refresh_from_db()
    assert notice.resolved_at == at("2026-03-05")


def test_supplement_midway_pauses_the_clock_across_national_day(world):
    case = factories.at_department(world, item=world.birth, day="2026-09-28")
    assert case.due_date == D(2026, 10, 8)  # Tue 29, Wed 30, then 1–7 Oct off, Thu 8
    hop = Hop.objects.get(case=case, ended_at__isnull=True)
    assert hop.due_date == D(2026, 9, 29)
    material = complete_checklist(world.birth)[2].material_id
    notice = lifecycle.request_supplement(
        case.pk,
        actor=world.clerk_family_planning,
        missing=[Missing(material, "结婚证复印件不清晰")],
        at=at("2026-09-29"),
    )
    assert notice.pauses_clock
    with pytest.raises(NotAllowed):
        lifecycle.record_result(case.pk, actor=world.clerk_family_planning, granted=True)
    case = lifecycle.resume(
        case.pk,
        actor=world.clerk_family_planning,
        received=[Received(material, copies=1)],
        at=at("2026-10-09"),
    )
    # Paused: Wed 30 Sep, Thu 8 and Fri 9 Oct — three working days, holidays not counted.
    assert case.paused_days == 3
    assert case.due_date == D(2026, 10, 12)  # 9 Oct, Saturday 10 Oct (make-up day), Monday 12
    assert Hop.objects.get(pk=hop.pk).due_date == D(2026, 10, 9)  # 29 Sep moved by the same 3
    assert case.checklist.get(material_id=material).copies == 2
    assert case.events.last().data["paused_days"] == 3


def test_withdrawal_before_the_result_and_papers_returned_after(world):
    case = factories.at_department(world)
    case = lifecycle.withdraw(case.pk, actor=world.agent, reason="群众家中有变，申请撤回")
    assert case.state == State.WITHDRAWN
    assert not case.hops.filter(ended_at__isnull=True).exists()
    outstanding = list(Paper.objects.filter(case=case, returned_at__isnull=True))
    assert {str(p.holder) for p in outstanding} == {"大厂壮族乡财政所"}
    with pytest.raises(Exception, match="财政所"):
        lifecycle.return_papers(
            case.pk, actor=world.agent, paper_ids=[p.pk for p in outstanding], signed_by="胡建荣"
        )
    lifecycle.return_papers(
        case.pk,
        actor=world.clerk_finance,
        paper_ids=[p.pk for p in outstanding],
        signed_by="胡建荣",
    )
    assert not Paper.objects.filter(case=case, returned_at__isnull=True).exists()
    assert Case.objects.get(pk=case.pk).state == State.WITHDRAWN


def test_reply_refused_while_an_original_is_elsewhere(world):
    case = factories.with_result(world)
    # The clerk sends the file back but keeps the household register.
    register = case.papers.get(name="居民户口簿")
    others = list(case.papers.exclude(pk=register.pk).values_list("pk", flat=True))
    lifecycle.hand_over(case.pk, actor=world.clerk_finance, to_user=world.agent, paper_ids=others)
    lifecycle.confirm_receipt(case.pk, actor=world.agent)
    with translation.override("en"), pytest.raises(NotAllowed, match="居民户口簿"):
        lifecycle.reply(case.pk, actor=world.agent, signed_by="胡建荣")
    assert Case.objects.get(pk=case.pk).state == State.RESULT_READY


def test_acceptance_checks_entrustment_and_every_required_material(world):
    case = factories.started(world)
    required = complete_checklist(world.passbook)
    with pytest.raises(Invalid) as caught:
        lifecycle.accept(case, actor=world.agent, received=required, entrustment=None)
    assert "entrustment" in caught.value.fields
    with translation.override("en"), pytest.raises(Invalid) as caught:
        lifecycle.accept(
            case, actor=world.agent, received=required[1:], entrustment=factories.entrusted(world)
        )
    assert caught.value.fields["materials"] == ["原补贴存折（“一卡通”）"]
    copy_instead = [Received(required[0].material_id, copies=1), *required[1:]]
    with pytest.raises(Invalid):
        lifecycle.accept(
            case, actor=world.agent, received=copy_instead, entrustment=factories.entrusted(world)
        )
    future = EntrustmentIn(signed_by="胡建荣", signed_on=D(2099, 1, 1))
    with pytest.raises(Invalid):
        lifecycle.accept(case, actor=world.agent, received=required, entrustment=future)
    with pytest.raises(Invalid):
        lifecycle.accept(
            case,
            actor=world.agent,
            received=[Received(999999, originals=1)],
            entrustment=factories.entrusted(world),
        )
    case = Case.objects.get(pk=case.pk)
    assert case.state == State.PENDING and case.version == 1
    assert (
        not case.papers.exists() and not Event.objects.filter(case=case, action="accepted").exists()
    )


def test_items_that_need_the_resident_in_person_cannot_be_accepted(world):
    case = factories.started(world, item=world.marriage)
    with translation.override("en"), pytest.raises(NotAllowed, match="cannot be done by an agent"):
        lifecycle.accept(
            case,
            actor=world.agent,
            received=complete_checklist(world.marriage),
            entrustment=factories.entrusted(world),
        )


def test_case_keeps_the_guide_version_it_was_accepted_under(world):
    first = factories.accepted(world)
    world.passbook.promised_days = 3
    world.passbook.save()
    second = factories.accepted(world, day="2026-03-03")
    assert first.item_version.number == 1 and second.item_version.number == 2
    assert first.item_version.snapshot["promised_days"] == 5
    assert second.item_version.snapshot["promised_days"] == 3
    assert second.due_date == D(2026, 3, 6)
    assert second.number == "459901101-2026-00002"


def test_starting_twice_with_the_same_uid_makes_one_case(world):
    uid = uuid.uuid4()
    kwargs = {"actor": world.agent, "resident": world.resident, "item": world.passbook, "uid": uid}
    first = lifecycle.start_case(**kwargs)
    again = lifecycle.start_case(**kwargs)
    assert first.pk == again.pk and Case.objects.count() == 1


def test_director_can_act_for_any_village_of_the_township(world):
    case = lifecycle.start_case(
        actor=world.director, resident=world.other_resident, item=world.passbook
    )
    assert case.agent == world.other_agent  # the village's own agent stays responsible
    lifecycle.accept(
        case,
        actor=world.director,
        received=complete_checklist(world.passbook),
        entrustment=EntrustmentIn(signed_by="韦秀英", signed_on=D(2026, 3, 2)),
    )

"""Drive a case to any state through the lifecycle itself, as the named people would."""

import datetime
import io

from PIL import Image

from daiban.cases import lifecycle
from daiban.cases.inputs import EntrustmentIn, Missing
from daiban.cases.models import Case, State
from daiban.cases.selectors import complete_checklist
from daiban.testing.world import World, at


def entrusted(world: World, day="2026-03-02") -> EntrustmentIn:
    return EntrustmentIn(signed_by=world.resident.name, signed_on=datetime.date.fromisoformat(day))


def started(world: World, item=None, day="2026-03-02") -> Case:
    return lifecycle.start_case(
        actor=world.agent, resident=world.resident, item=item or world.passbook, at=at(day, 9)
    )


def accepted(world: World, item=None, day="2026-03-02") -> Case:
    item = item or world.passbook
    case = started(world, item, day)
    return lifecycle.accept(
        case,
        actor=world.agent,
        received=complete_checklist(item),
        entrustment=entrusted(world, day),
        at=at(day, 10),
    )


def at_department(world: World, item=None, day="2026-03-02") -> Case:
    """Accepted, handed to the responsible department with every original, received there."""
    case = accepted(world, item, day)
    department = {"finance": world.finance, "family_planning": world.family_planning}.get(
        case.item.department_kind, world.civil_affairs
    )
    clerk = {
        "finance": world.clerk_finance,
        "family_planning": world.clerk_family_planning,
    }.get(case.item.department_kind, world.clerk_civil_affairs)
    lifecycle.hand_over(
        case.pk,
        actor=world.agent,
        to_department=department,
        paper_ids=list(case.papers.values_list("pk", flat=True)),
        at=at(day, 15),
    )
    lifecycle.confirm_receipt(case.pk, actor=clerk, at=at(day, 16))
    return Case.objects.get(pk=case.pk)


def with_result(world: World, day="2026-03-02", granted=True) -> Case:
    case = at_department(world, day=day)
    return lifecycle.record_result(
        case.pk,
        actor=world.clerk_finance,
        granted=granted,
        reason="" if granted else "不符合条件",
        at=at(day, 17),
    )


def back_with_agent(world: World, day="2026-03-03") -> Case:
    case = with_result(world, day="2026-03-02")
    lifecycle.hand_over(
        case.pk,
        actor=world.clerk_finance,
        to_user=world.agent,
        paper_ids=list(case.papers.values_list("pk", flat=True)),
        at=at(day, 9),
    )
    lifecycle.confirm_receipt(case.pk, actor=world.agent, at=at(day, 10))
    return Case.objects.get(pk=case.pk)


def replied(world: World) -> Case:
    case = back_with_agent(world)
    return lifecycle.reply(case.pk, actor=world.agent, signed_by="胡建荣", at=at("2026-03-03", 11))


def in_state(world: World, state: str) -> Case:
    """A case of 粮食直补存折更名 in the given state (awaiting materials: accepted, paused)."""
    if state == State.PENDING:
        return started(world)
    if state == "awaiting_before_acceptance":
        case = started(world)
        material = complete_checklist(world.passbook)[0].material_id
        lifecycle.request_supplement(
            case, actor=world.agent, missing=[Missing(material)], at=at("2026-03-02", 10)
        )
        return Case.objects.get(pk=case.pk)
    if state == State.AWAITING_MATERIALS:
        case = at_department(world)
        material = complete_checklist(world.passbook)[0].material_id
        lifecycle.request_supplement(
            case.pk, actor=world.clerk_finance, missing=[Missing(material)], at=at("2026-03-03")
        )
        return Case.objects.get(pk=case.pk)
    if state == State.REFUSED:
        return lifecycle.refuse(started(world), actor=world.agent, reason="不属于代办范围")
    if state == State.IN_PROGRESS:
        return at_department(world)
    if state == State.RESULT_READY:
        return with_result(world)
    if state == State.REPLIED:
        return replied(world)
    if state == State.CLOSED:
        return lifecycle.close(replied(world).pk, actor=world.agent, method="phone", rating=5)
    if state == State.WITHDRAWN:
        return lifecycle.withdraw(accepted(world), actor=world.agent, reason="群众申请撤回")
    if state == State.TRANSFERRING:
        return transferring(world)
    raise ValueError(state)


def far_agent(world: World):
    """The agent of 青石社区 (青石镇), the village a transfer goes to."""
    from daiban.people.models import Role, User
    from daiban.people.services import create_staff

    return User.objects.filter(username="agent_qingshi").first() or create_staff(
        username="agent_qingshi",
        password="x",
        display_name="农青石",
        role=Role.VILLAGE_AGENT,
        village=world.far_village,
    )


def transferring(world: World, case: Case | None = None) -> Case:
    """At the finance office, then sent by the director to 青石社区 in 青石镇."""
    far_agent(world)
    case = case or at_department(world)
    lifecycle.send_transfer(
        case.pk,
        actor=world.director,
        to_village=world.far_village,
        reason="群众已迁居青石镇",
        at=at("2026-03-03", 9),
    )
    return Case.objects.get(pk=case.pk)


def png(width=40, height=30) -> bytes:
    """A small red picture, as a phone's camera would send a scan."""
    buffer = io.BytesIO()
    image = Image.new("RGB", (width, height), (200, 30, 30))
    image.save(buffer, format="PNG", pnginfo=None)
    return buffer.getvalue()

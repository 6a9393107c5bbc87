"""Inquiries, opening a case, acceptance and refusal."""

import datetime
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from daiban.audit import trail
from daiban.cases import hooks, rules
from daiban.cases.inputs import EntrustmentIn, Received
from daiban.cases.lifecycle.base import (
    _commit,
    _date,
    _lock,
    _now,
    _reason,
    _require_take,
)
from daiban.cases.models import (
    Case,
    Checklist,
    Entrustment,
    Event,
    Hop,
    Inquiry,
    Paper,
    PaperMove,
    State,
    SupplementNotice,
)
from daiban.cases.numbers import new_tracking_code, next_case_number
from daiban.catalog.models import ServiceItem
from daiban.catalog.services import ensure_current_version
from daiban.core.errors import Conflict, Forbidden, Invalid, NotAllowed
from daiban.people.models import Resident, Role, User
from daiban.places.models import Village
from daiban.workdays.calendar import WorkCalendar


def record_inquiry(
    *,
    actor: User,
    village: Village,
    question: str,
    answer: str = "",
    item: ServiceItem | None = None,
    resident: Resident | None = None,
    asker_name: str = "",
    uid: uuid.UUID | None = None,
    at: datetime.datetime | None = None,
) -> Inquiry:
    if uid is not None:
        existing = Inquiry.objects.filter(uid=uid).first()
        if existing is not None:
            return existing
    if actor.role not in (
        Role.VILLAGE_AGENT,
        Role.PETITION_AGENT,
        Role.CENTER_DIRECTOR,
        Role.ADMINISTRATOR,
    ):
        raise Forbidden(_("Only agents and center directors record inquiries."))
    if actor.village_id not in (None, village.id) or (
        actor.role == Role.CENTER_DIRECTOR and actor.township_id != village.township_id
    ):
        raise Forbidden(_("You answer inquiries for your own village only."))
    question = (question or "").strip()
    if not question:
        raise Invalid(_("Write down the question."), {"question": [_("Write down the question.")]})
    if resident is not None and resident.village_id != village.id:
        raise Invalid(
            _("The resident does not live in this village."), {"resident": [_("Wrong village.")]}
        )
    return Inquiry.objects.create(
        uid=uid or uuid.uuid4(),
        village=village,
        agent=actor,
        resident=resident,
        asker_name=asker_name or (resident.name if resident else ""),
        item=item,
        question=question,
        answer=(answer or "").strip(),
        asked_at=_now(at),
    )


@transaction.atomic
def start_case(
    *,
    actor: User,
    resident: Resident,
    item: ServiceItem,
    inquiry: Inquiry | None = None,
    uid: uuid.UUID | None = None,
    at: datetime.datetime | None = None,
) -> Case:
    """Open a case awaiting acceptance. With a uid, a retry returns the first result."""
    at = _now(at)
    if uid is not None:
        existing = Case.objects.filter(uid=uid).first()
        if existing is not None:
            if existing.resident_id != resident.id or existing.item_id != item.id:
                raise Conflict(_("This case id was already used for another case."))
            return existing
    if not item.is_active:
        raise Invalid(
            _("%(item)s is no longer offered.") % {"item": item}, {"item": [_("Not offered.")]}
        )
    village = resident.village
    _require_take(actor, village, item)
    if inquiry is not None:
        if inquiry.village_id != village.id:
            raise Invalid(
                _("The inquiry was asked in another village."), {"inquiry": [_("Wrong village.")]}
            )
        if Case.objects.filter(inquiry=inquiry).exists():
            raise NotAllowed(_("This inquiry has already become a case."))
    agent = actor if actor.role in (Role.VILLAGE_AGENT, Role.PETITION_AGENT) else None
    agent = agent or rules.responsible_agent(village, item) or actor
    case = Case(
        uid=uid or uuid.uuid4(),
        state=State.PENDING,
        item=item,
        resident=resident,
        village=village,
        township_id=village.township_id,
        agent=agent,
        inquiry=inquiry,
        is_petition=item.is_petition,
        created_at=at,
    )
    if uid is None:
        case.save()  # a new random uid: no race on it, so no savepoint to catch one
    else:
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError:
            if Case.objects.filter(uid=uid).exists():
                return Case.objects.get(uid=uid)
            raise
    event = Event.objects.create(
        case=case,
        seq=1,
        action=Event.Action.CREATED,
        actor=actor,
        at=at,
        from_state="",
        to_state=State.PENDING,
    )
    case.created_event = event  # the API answers from it instead of reading the case back
    trail.record(
        f"case.{Event.Action.CREATED}",
        user=actor,
        obj=case,
        detail={"to": State.PENDING, "event": 1},
    )
    # A case being opened adds nothing to any tally until it is accepted.
    hooks.on_commit(hooks.Step(case_id=case.pk, event_id=event.pk, action=event.action))
    return case


def _check_entrustment(entrustment: EntrustmentIn | None, today: datetime.date) -> None:
    if entrustment is None or not (entrustment.signed_by or "").strip():
        raise Invalid(
            _("Record the resident's signed entrustment before accepting."),
            {"entrustment": [_("Who signed the entrustment, and when.")]},
        )
    if entrustment.signed_on > today:
        raise Invalid(
            _("The entrustment cannot be signed in the future."),
            {"entrustment": [_("Check the date of signing.")]},
        )


def _check_received(version_materials: list[dict], received: list[Received]) -> dict[int, Received]:
    known = {m["id"]: m for m in version_materials}
    by_id: dict[int, Received] = {}
    for row in received:
        if row.material_id not in known:
            raise Invalid(
                _("A ticked material is not in this item's guide; reload the page."),
                {"materials": [_("Unknown material.")]},
            )
        if row.originals < 0 or row.copies < 0:
            raise Invalid(
                _("Counts cannot be negative."), {"materials": [_("Counts cannot be negative.")]}
            )
        if row.material_id in by_id:
            raise Invalid(_("A material is listed twice."), {"materials": [_("Listed twice.")]})
        by_id[row.material_id] = row
    return by_id


def _satisfied(material: dict, row: Received | None) -> bool:
    if row is None:
        return False
    if material["kind"] == "original":
        return row.originals >= material["count"]
    return row.originals + row.copies >= material["count"]


def _take_papers(case, actor, at, by_id: dict[int, Received], materials: list[dict], hop=None):
    """Originals the resident gets back enter custody with whoever received them."""
    holder_user = actor if hop is None else hop.holder_user
    holder_department = None if hop is None else hop.holder_department
    for material in materials:
        row = by_id.get(material["id"])
        if row is None or not row.originals or not material["returnable"]:
            continue
        paper = Paper.objects.create(
            case=case,
            name=material["name"],
            count=row.originals,
            holder_user=holder_user,
            holder_department=holder_department,
            held_since=at,
        )
        PaperMove.objects.create(
            paper=paper,
            hop=hop,
            at=at,
            to_user=holder_user,
            to_department=holder_department,
            recorded_by=actor,
        )


@transaction.atomic
def accept(
    case: Case | int,
    *,
    actor: User,
    received: list[Received],
    entrustment: EntrustmentIn | None,
    at: datetime.datetime | None = None,
) -> Case:
    at = _now(at)
    case = _lock(case, "accept")
    if case.is_accepted:
        raise NotAllowed(
            _("This case was already accepted; it is waiting for materials. Resume it instead.")
        )
    item = case.item
    _require_take(actor, case, item)
    if not item.proxy_allowed:
        raise NotAllowed(
            _("%(item)s cannot be done by an agent: %(why)s")
            % {"item": item, "why": item.in_person_note}
        )
    today = _date(at)
    _check_entrustment(entrustment, today)
    version = ensure_current_version(item)
    by_id = _check_received(version.materials, received)
    missing = [
        m["name"] for m in version.required_materials() if not _satisfied(m, by_id.get(m["id"]))
    ]
    if missing:
        raise Invalid(
            _("Still missing: %(names)s. Issue one supplement notice listing them all instead.")
            % {"names": "、".join(missing)},
            {"materials": missing},
        )
    calendar = WorkCalendar.load()
    _commit(
        case,
        actor=actor,
        action=Event.Action.ACCEPTED,
        at=at,
        to=State.IN_PROGRESS,
        item_version=version,
        number=next_case_number(case.township, today.year),
        tracking_code=new_tracking_code(),
        accepted_at=at,
        due_date=calendar.add(today, item.promised_days),
        data={"item_version": version.number},
    )
    SupplementNotice.objects.filter(case=case, resolved_at__isnull=True).update(resolved_at=at)
    Checklist.objects.bulk_create(
        Checklist(
            case=case,
            material_id=m["id"],
            name=m["name"],
            kind=m["kind"],
            count=m["count"],
            required=m["required"],
            originals=by_id[m["id"]].originals if m["id"] in by_id else 0,
            copies=by_id[m["id"]].copies if m["id"] in by_id else 0,
            note=by_id[m["id"]].note if m["id"] in by_id else "",
        )
        for m in version.materials
    )
    Entrustment.objects.create(
        case=case,
        signed_by=entrustment.signed_by.strip(),
        relation=entrustment.relation,
        signed_on=entrustment.signed_on,
        scope=entrustment.scope or item.name,
    )
    _take_papers(case, actor, at, by_id, version.materials)
    Hop.objects.create(
        case=case,
        seq=1,
        holder_user=actor,
        sent_by=actor,
        started_at=at,
        received_by=actor,
        received_at=at,
        due_date=calendar.add(today, settings.DAIBAN_AGENT_HANDOVER_DAYS),
    )
    return case


@transaction.atomic
def refuse(
    case: Case | int, *, actor: User, reason: str, at: datetime.datetime | None = None
) -> Case:
    at = _now(at)
    case = _lock(case, "refuse")
    if case.is_accepted:
        raise NotAllowed(_("An accepted case cannot be refused; record a denial as its result."))
    _require_take(actor, case, case.item)
    reason = _reason(reason, "reason")
    _commit(
        case,
        actor=actor,
        action=Event.Action.REFUSED,
        at=at,
        to=State.REFUSED,
        note=reason,
        refusal_reason=reason,
        ended_at=at,
    )
    SupplementNotice.objects.filter(case=case, resolved_at__isnull=True).update(resolved_at=at)
    return case

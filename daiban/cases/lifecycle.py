"""The case lifecycle: the only code that changes a case's state.

    pending ──accept──▶ in_progress ──record_result──▶ result_ready ──reply──▶ replied ──close──▶ closed
       │  ▲                 │  ▲   (hand_over / confirm_receipt move the file between holders)
       │  └─accept──┐       │  └──resume──┐
       ├─request_supplement─┴─▶ awaiting_materials
       ├─refuse──▶ refused                  withdraw (before the result) ──▶ withdrawn

Each step is one function. It locks and re-reads the case, checks the state and the
actor's right, writes every row in one transaction, bumps the case's version with a
conditional UPDATE, and records an Event. A caller holding an out-of-date copy of the
case gets a Conflict instead of overwriting someone else's step.
"""

import datetime
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daiban.audit import trail
from daiban.cases import hooks, rules
from daiban.cases.inputs import EntrustmentIn, Missing, Received
from daiban.cases.models import (
    Case,
    Checklist,
    Entrustment,
    Event,
    FollowUp,
    HandoverBatch,
    Hop,
    HopPaper,
    Inquiry,
    Outcome,
    Paper,
    PaperMove,
    Rating,
    State,
    SupplementNotice,
)
from daiban.cases.numbers import new_tracking_code, next_case_number
from daiban.cases.selectors import open_hop
from daiban.cases.steps import REGISTRY
from daiban.catalog.models import Level, ServiceItem
from daiban.catalog.services import ensure_current_version
from daiban.core.errors import Conflict, Forbidden, Invalid, NotAllowed
from daiban.people.models import Resident, Role, User
from daiban.places.models import Department, Village
from daiban.workdays.calendar import WorkCalendar

# Steps and the states they start from (cases/steps.py); the messages name both.
STEPS = {
    name: (step.label, step.from_states) for name, step in REGISTRY.items() if step.from_states
}


def _now(at: datetime.datetime | None) -> datetime.datetime:
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise ValueError("lifecycle times must be timezone-aware")
    return at


def _lock(case: Case | int, step: str) -> Case:
    """Re-read the case under a row lock and check the step may start from its state."""
    pk = case.pk if isinstance(case, Case) else case
    fresh = (
        Case.objects.select_for_update(of=("self",))
        .select_related("item", "village", "township", "agent")
        .get(pk=pk)
    )
    if isinstance(case, Case) and case.version != fresh.version:
        raise Conflict(
            _(
                "Someone else changed this case a moment ago; it is now “%(state)s”. "
                "Reload it and try again."
            )
            % {"state": fresh.get_state_display()}
        )
    label, from_states = STEPS[step]
    if fresh.state not in from_states:
        raise NotAllowed(
            _(
                "The case is “%(state)s”, so it cannot %(step)s; that is only possible when %(allowed)s."
            )
            % {
                "state": fresh.get_state_display(),
                "step": label,
                "allowed": _(" or ").join(f"“{State(s).label}”" for s in from_states),
            }
        )
    return fresh


def _commit(case: Case, *, actor: User, action: str, at, to: str, note="", data=None, **fields):
    """Move the case to `to` (possibly its own state) and record the event."""
    before_state, before_version = case.state, case.version
    fields.update(state=to, version=before_version + 1)
    changed = Case.objects.filter(pk=case.pk, state=before_state, version=before_version).update(
        **fields
    )
    if changed != 1:
        raise Conflict(
            _("Someone else changed this case at the same moment. Reload it and try again.")
        )
    for name, value in fields.items():
        setattr(case, name, value)
    event = Event.objects.create(
        case=case,
        seq=case.version,
        action=action,
        actor=actor,
        at=at,
        from_state=before_state,
        to_state=to,
        note=note,
        data=data or {},
    )
    trail.record(
        f"case.{action}",
        user=actor,
        obj=case,
        detail={"from": before_state, "to": to, "event": event.seq},
    )
    # Figures' tallies follow inside the transaction, under the row lock; texts and
    # follow-ups are queued once it commits (cases/hooks.py).
    step = hooks.Step(case_id=case.pk, event_id=event.pk, action=event.action)
    hooks.in_step(step)
    hooks.on_commit(step)


@transaction.atomic
def note(
    case: Case | int,
    *,
    actor: User | None,
    action: str,
    text: str = "",
    data: dict | None = None,
    at: datetime.datetime | None = None,
    **fields,
) -> Case:
    """Put something that is not a change of state on the case's history — a warning, a
    supervision, an extension — optionally moving its due date (`due_date=`)."""
    at = _now(at)
    case = _lock(case, "note")
    allowed = {"due_date"}
    if set(fields) - allowed:
        raise ValueError(f"note() may change only {allowed}")
    _commit(case, actor=actor, action=action, at=at, to=case.state, note=text, data=data, **fields)
    return case


def _require_take(actor: User, case_or_village, item: ServiceItem) -> None:
    village = case_or_village if isinstance(case_or_village, Village) else case_or_village.village
    if not rules.may_take(actor, village, item):
        if item.is_petition:
            raise Forbidden(
                _("Only the village's petition agent or the center director handles petitions.")
            )
        raise Forbidden(
            _("Only the agent of %(village)s or its center director may do this.")
            % {"village": village}
        )


def _require_holder(actor: User, case: Case, hop: Hop | None, *, received=True) -> Hop:
    if hop is None:
        raise NotAllowed(_("Nobody holds the file of this case."))
    if received and hop.received_at is None:
        raise NotAllowed(
            _("%(holder)s has not yet confirmed receiving the file.") % {"holder": hop.holder}
        )
    if not rules.holds(actor, hop, case.township_id):
        raise Forbidden(
            _("The file is with %(holder)s; only they may do this.") % {"holder": hop.holder}
        )
    return hop


def _reason(text: str, field: str) -> str:
    text = (text or "").strip()
    if len(text) < 2:
        raise Invalid(_("Give the reason."), {field: [_("Give the reason in a few words.")]})
    return text


def _date(at: datetime.datetime) -> datetime.date:
    return timezone.localdate(at)


def department_days(item: ServiceItem) -> int:
    """What the promise leaves the township department once the agent's legs are taken out."""
    rest = (
        item.promised_days
        - item.county_days
        - settings.DAIBAN_AGENT_HANDOVER_DAYS
        - settings.DAIBAN_REPLY_DAYS
    )
    return max(rest, 1)


def _hop_days(case: Case, to_user: User | None, to_department: Department | None) -> int:
    if to_user is not None:
        return settings.DAIBAN_REPLY_DAYS
    if to_department.level == Department.Level.COUNTY:
        return case.item.county_days or settings.DAIBAN_DEPARTMENT_DAYS
    return department_days(case.item)


# ─── Inquiry and intake ──────────────────────────────────────────────────────


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
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        if uid is not None and Case.objects.filter(uid=uid).exists():
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


# ─── Supplements ─────────────────────────────────────────────────────────────


@transaction.atomic
def request_supplement(
    case: Case | int,
    *,
    actor: User,
    missing: list[Missing],
    note: str = "",
    at: datetime.datetime | None = None,
) -> SupplementNotice:
    """One notice listing every missing material; an accepted case's clock stops."""
    at = _now(at)
    case = _lock(case, "request_supplement")
    if case.is_accepted:
        _require_holder(actor, case, open_hop(case))
        materials = case.item_version.materials
    else:
        _require_take(actor, case, case.item)
        materials = ensure_current_version(case.item).materials
    names = {m["id"]: m["name"] for m in materials}
    note = (note or "").strip()
    if not missing and not note:
        raise Invalid(
            _("List every missing material (or describe it) on the one notice."),
            {"missing": [_("Nothing listed.")]},
        )
    if any(row.material_id not in names for row in missing):
        raise Invalid(
            _("A listed material is not in this item's guide."),
            {"missing": [_("Unknown material.")]},
        )
    if len({row.material_id for row in missing}) != len(missing):
        raise Invalid(_("A material is listed twice."), {"missing": [_("Listed twice.")]})
    notice = SupplementNotice.objects.create(
        case=case,
        issued_by=actor,
        issued_at=at,
        missing=[
            {"material_id": r.material_id, "name": names[r.material_id], "note": r.note}
            for r in missing
        ],
        note=note,
        pauses_clock=case.is_accepted,
    )
    _commit(
        case,
        actor=actor,
        action=Event.Action.SUPPLEMENT_REQUESTED,
        at=at,
        to=State.AWAITING_MATERIALS,
        note=note,
        data={"notice": notice.pk, "missing": [m["name"] for m in notice.missing]},
    )
    return notice


@transaction.atomic
def resume(
    case: Case | int,
    *,
    actor: User,
    received: list[Received] = (),
    at: datetime.datetime | None = None,
) -> Case:
    """The missing materials arrived: the clock runs again and deadlines move by the pause."""
    at = _now(at)
    case = _lock(case, "resume")
    if not case.is_accepted:
        raise NotAllowed(
            _("This case was never accepted: accept it with the full materials instead.")
        )
    hop = _require_holder(actor, case, open_hop(case))
    notice = SupplementNotice.objects.get(case=case, resolved_at__isnull=True)
    by_id = _check_received(case.item_version.materials, list(received))
    calendar = WorkCalendar.load()
    paused = calendar.between(_date(notice.issued_at), _date(at))
    _commit(
        case,
        actor=actor,
        action=Event.Action.RESUMED,
        at=at,
        to=State.IN_PROGRESS,
        due_date=calendar.add(case.due_date, paused),
        paused_days=case.paused_days + paused,
        data={"notice": notice.pk, "paused_days": paused},
    )
    notice.resolved_at = at
    notice.paused_days = paused
    notice.save(update_fields=["resolved_at", "paused_days"])
    Hop.objects.filter(pk=hop.pk).update(due_date=calendar.add(hop.due_date, paused))
    for row in Checklist.objects.filter(case=case, material_id__in=by_id):
        got = by_id[row.material_id]
        row.originals += got.originals
        row.copies += got.copies
        row.save(update_fields=["originals", "copies"])
    _take_papers(case, actor, at, by_id, case.item_version.materials, hop=hop)
    return case


# ─── Moving the file ─────────────────────────────────────────────────────────


def _check_target(case: Case, to_user: User | None, to_department: Department | None) -> None:
    if (to_user is None) == (to_department is None):
        raise Invalid(
            _("Hand the file to one person or one department."), {"to": [_("Choose one.")]}
        )
    if to_user is not None:
        if (
            to_user.role not in (Role.VILLAGE_AGENT, Role.PETITION_AGENT)
            or to_user.village_id != case.village_id
        ):
            raise Invalid(
                _("A file goes back only to an agent of %(village)s.") % {"village": case.village},
                {"to": [_("Not an agent of this village.")]},
            )
        return
    if (
        to_department.level == Department.Level.TOWNSHIP
        and to_department.township_id != case.township_id
    ):
        raise Invalid(
            _("%(department)s is not in %(township)s.")
            % {"department": to_department, "township": case.township},
            {"to": [_("Another township's department.")]},
        )
    if (
        to_department.level == Department.Level.COUNTY
        and to_department.county_id != case.township.county_id
    ):
        raise Invalid(_("That bureau belongs to another county."), {"to": [_("Another county.")]})


@transaction.atomic
def hand_over(
    case: Case | int,
    *,
    actor: User,
    to_user: User | None = None,
    to_department: Department | None = None,
    paper_ids: list[int] = (),
    note: str = "",
    batch: HandoverBatch | None = None,
    at: datetime.datetime | None = None,
) -> Hop:
    """Send the file (and named originals) to the next holder, who must confirm receipt."""
    at = _now(at)
    case = _lock(case, "hand_over")
    hop = _require_holder(actor, case, open_hop(case))
    _check_target(case, to_user, to_department)
    if (to_user and to_user.id == hop.holder_user_id) or (
        to_department and to_department.id == hop.holder_department_id
    ):
        raise Invalid(_("The file is already there."), {"to": [_("Same holder.")]})
    papers = list(Paper.objects.filter(case=case, pk__in=paper_ids, returned_at__isnull=True))
    if len(papers) != len(set(paper_ids)):
        raise Invalid(
            _("A listed paper is not an outstanding original of this case."),
            {"papers": [_("Unknown paper.")]},
        )
    for paper in papers:
        if (
            paper.holder_user_id != hop.holder_user_id
            or paper.holder_department_id != hop.holder_department_id
        ):
            raise Invalid(
                _("%(paper)s is with %(holder)s, not with the sender.")
                % {"paper": paper, "holder": paper.holder},
                {"papers": [str(paper)]},
            )
    calendar = WorkCalendar.load()
    Hop.objects.filter(pk=hop.pk).update(ended_at=at)
    new_hop = Hop.objects.create(
        case=case,
        seq=hop.seq + 1,
        holder_user=to_user,
        holder_department=to_department,
        sent_by=actor,
        started_at=at,
        due_date=calendar.add(_date(at), _hop_days(case, to_user, to_department)),
        note=(note or "").strip(),
        batch=batch,
    )
    HopPaper.objects.bulk_create(HopPaper(hop=new_hop, paper=p) for p in papers)
    _commit(
        case,
        actor=actor,
        action=Event.Action.HANDED_OVER,
        at=at,
        to=case.state,
        note=new_hop.note,
        data={"hop": new_hop.seq, "to": str(new_hop.holder), "papers": [p.name for p in papers]},
    )
    return new_hop


@transaction.atomic
def confirm_receipt(case: Case | int, *, actor: User, at: datetime.datetime | None = None) -> Hop:
    """The receiver signs for the file; the papers that came with it are theirs now."""
    at = _now(at)
    case = _lock(case, "confirm_receipt")
    hop = open_hop(case)
    if hop is not None and hop.received_at is not None:
        raise NotAllowed(
            _("%(holder)s already confirmed receiving the file.") % {"holder": hop.holder}
        )
    _require_holder(actor, case, hop, received=False)
    hop.received_at, hop.received_by = at, actor
    hop.save(update_fields=["received_at", "received_by"])
    moved = []
    for link in HopPaper.objects.filter(hop=hop).select_related("paper"):
        paper = link.paper
        PaperMove.objects.create(
            paper=paper,
            hop=hop,
            at=at,
            from_user_id=paper.holder_user_id,
            from_department_id=paper.holder_department_id,
            to_user=hop.holder_user,
            to_department=hop.holder_department,
            recorded_by=actor,
        )
        paper.holder_user, paper.holder_department, paper.held_since = (
            hop.holder_user,
            hop.holder_department,
            at,
        )
        paper.save(update_fields=["holder_user", "holder_department", "held_since"])
        moved.append(paper.name)
    _commit(
        case,
        actor=actor,
        action=Event.Action.RECEIVED,
        at=at,
        to=case.state,
        data={"hop": hop.seq, "holder": str(hop.holder), "papers": moved},
    )
    return hop


# ─── Result, reply, close ────────────────────────────────────────────────────


@transaction.atomic
def record_result(
    case: Case | int,
    *,
    actor: User,
    granted: bool,
    reason: str = "",
    document_no: str = "",
    at: datetime.datetime | None = None,
) -> Case:
    at = _now(at)
    case = _lock(case, "record_result")
    hop = _require_holder(actor, case, open_hop(case))
    if hop.holder_department_id is None:
        raise NotAllowed(_("The result is recorded by the department that holds the file."))
    if granted and case.item.decided_by == Level.COUNTY:
        approved = case.hops.filter(
            holder_department__level=Department.Level.COUNTY, received_at__isnull=False
        ).exists()
        if not approved:
            raise NotAllowed(
                _("%(item)s is decided by the county: hand the file to the county bureau first.")
                % {"item": case.item}
            )
    reason = (reason or "").strip()
    if not granted:
        reason = _reason(reason, "reason")
    _commit(
        case,
        actor=actor,
        action=Event.Action.RESULT_RECORDED,
        at=at,
        to=State.RESULT_READY,
        note=reason,
        outcome=Outcome.GRANTED if granted else Outcome.DENIED,
        outcome_reason=reason,
        outcome_document=(document_no or "").strip(),
        decided_at=at,
        data={"outcome": "granted" if granted else "denied", "by": str(hop.holder)},
    )
    return case


def _give_back(papers: list[Paper], *, to: str, actor: User, at, hop: Hop | None = None) -> None:
    """Originals go back to the resident, who signs; custody ends there."""
    PaperMove.objects.bulk_create(
        PaperMove(
            paper=paper,
            hop=hop,
            at=at,
            from_user_id=paper.holder_user_id,
            from_department_id=paper.holder_department_id,
            to_resident=to,
            recorded_by=actor,
        )
        for paper in papers
    )
    Paper.objects.filter(pk__in=[p.pk for p in papers]).update(
        holder_user=None, holder_department=None, returned_at=at, held_since=at
    )


@transaction.atomic
def reply(
    case: Case | int,
    *,
    actor: User,
    signed_by: str,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Case:
    """The result and every original go back to the resident, who signs for them."""
    at = _now(at)
    case = _lock(case, "reply")
    hop = _require_holder(actor, case, open_hop(case))
    if hop.holder_user_id is None:
        raise NotAllowed(_("The file must be back with the village agent before the reply."))
    signed_by = (signed_by or "").strip()
    if not signed_by:
        raise Invalid(_("Who signed for the result?"), {"signed_by": [_("Enter who signed.")]})
    outstanding = list(
        Paper.objects.filter(case=case, returned_at__isnull=True).select_related(
            "holder_department"
        )
    )
    elsewhere = [p for p in outstanding if p.holder_user_id != hop.holder_user_id]
    if elsewhere:
        raise NotAllowed(
            _("Originals still elsewhere: %(papers)s. Get them back first.")
            % {"papers": "、".join(f"{p.name}（{p.holder}）" for p in elsewhere)}
        )
    _give_back(outstanding, to=signed_by, actor=actor, at=at, hop=hop)
    Hop.objects.filter(pk=hop.pk).update(ended_at=at)
    _commit(
        case,
        actor=actor,
        action=Event.Action.REPLIED,
        at=at,
        to=State.REPLIED,
        note=(note or "").strip(),
        replied_at=at,
        reply_signed_by=signed_by,
        data={"papers_returned": [p.name for p in outstanding]},
    )
    return case


@transaction.atomic
def close(
    case: Case | int,
    *,
    actor: User,
    method: str,
    note: str = "",
    rating: int | None = None,
    at: datetime.datetime | None = None,
) -> Case:
    """Close after the follow-up call or visit (回访), with the rating given then, if any."""
    at = _now(at)
    case = _lock(case, "close")
    if not (actor.id == case.agent_id or rules.may_take(actor, case.village, case.item)):
        raise Forbidden(_("The case's agent or the center director does the follow-up."))
    if method not in FollowUp.Method.values:
        raise Invalid(
            _("Say how the follow-up was done."), {"method": [_("Choose call, visit or text.")]}
        )
    if rating is not None and rating not in Rating.Level.values:
        raise Invalid(_("A rating is 1 to 5."), {"rating": [_("A rating is 1 to 5.")]})
    if rating is not None and rules.rating_source(actor, case) is None:
        raise Forbidden(_may_not_rate())
    FollowUp.objects.create(case=case, method=method, by=actor, at=at, note=(note or "").strip())
    _commit(
        case,
        actor=actor,
        action=Event.Action.CLOSED,
        at=at,
        to=State.CLOSED,
        note=(note or "").strip(),
        closed_at=at,
        ended_at=at,
        data={"method": method},
    )
    if rating is not None and rules.may_rate(actor, case):
        channel = Rating.Channel.VISIT if method == FollowUp.Method.VISIT else Rating.Channel.PHONE
        source = rules.rating_source(actor, case)
        _rate(case, level=rating, channel=channel, source=source, comment="", actor=actor, at=at)
    return case


def _may_not_rate() -> str:
    return _(
        "A rating is the villager's: given through the link in the text message, or asked "
        "on the center's follow-up. The case's agent may only note what the villager said."
    )


def _rate(
    case: Case, *, level: int, channel: str, source: str, comment: str, actor: User | None, at
) -> Rating:
    """Record a rating, or put the villager's answer in place of one that does not count
    (an agent's note); the row keeps its id, the history keeps what it replaced."""
    fields = {
        "level": level,
        "channel": channel,
        "source": source,
        "comment": comment,
        "rated_at": at,
        "recorded_by": actor,
        "void": False,
    }
    data = {"level": level, "channel": channel, "source": source}
    previous = Rating.objects.filter(case=case).first()
    if previous is None:
        rating = Rating.objects.create(case=case, **fields)
    else:
        data["replaces"] = {"level": previous.level, "source": previous.source}
        Rating.objects.filter(pk=previous.pk).update(**fields)
        rating = Rating.objects.get(pk=previous.pk)
    _commit(
        case, actor=actor, action=Event.Action.RATED, at=at, to=case.state, note=comment, data=data
    )
    return rating


@transaction.atomic
def rate(
    case: Case | int,
    *,
    level: int,
    channel: str = Rating.Channel.LINK,
    comment: str = "",
    actor: User | None = None,
    at: datetime.datetime | None = None,
) -> Rating:
    """The villager rates the service once, after the reply (好差评): through the link in
    the text message (no actor), or asked on the center's follow-up call or visit, recorded
    by the one who asked. The case's agent may note what the villager said: the note does
    not count, and the villager's own answer later replaces it (`rules.rating_source`)."""
    at = _now(at)
    case = _lock(case, "rate")
    source = rules.rating_source(actor, case)
    if source is None:
        raise Forbidden(_may_not_rate())
    if level not in Rating.Level.values:
        raise Invalid(
            _("Choose one of the five levels."), {"level": [_("Choose one of the five levels.")]}
        )
    if source == Rating.Source.VILLAGER:
        channel = Rating.Channel.LINK
    elif channel not in (Rating.Channel.PHONE, Rating.Channel.VISIT):
        raise Invalid(
            _("Say whether the villager was asked on a call or at a visit."),
            {"channel": [_("Choose call or visit.")]},
        )
    if not rules.may_rate(actor, case):
        raise NotAllowed(_("This case has already been rated. Thank you."))
    return _rate(
        case,
        level=level,
        channel=channel,
        source=source,
        comment=(comment or "").strip()[:500],
        actor=actor,
        at=at,
    )


@transaction.atomic
def withdraw(
    case: Case | int, *, actor: User, reason: str, at: datetime.datetime | None = None
) -> Case:
    """The resident withdraws before the result; originals still out must be returned."""
    at = _now(at)
    case = _lock(case, "withdraw")
    hop = open_hop(case)
    may = rules.may_take(actor, case.village, case.item) or actor.id == case.agent_id
    if not may and not (hop is not None and rules.holds(actor, hop, case.township_id)):
        raise Forbidden(
            _("The case's agent, the file's holder or the center director records a withdrawal.")
        )
    reason = _reason(reason, "reason")
    if hop is not None:
        Hop.objects.filter(pk=hop.pk).update(ended_at=at)
    SupplementNotice.objects.filter(case=case, resolved_at__isnull=True).update(resolved_at=at)
    _commit(
        case,
        actor=actor,
        action=Event.Action.WITHDRAWN,
        at=at,
        to=State.WITHDRAWN,
        note=reason,
        withdrawal_reason=reason,
        ended_at=at,
    )
    return case


@transaction.atomic
def return_papers(
    case: Case | int,
    *,
    actor: User,
    paper_ids: list[int],
    signed_by: str,
    at: datetime.datetime | None = None,
) -> list[Paper]:
    """Give originals back early or after a withdrawal; the holder returns them."""
    at = _now(at)
    locked = _lock(case, "return_papers")
    signed_by = (signed_by or "").strip()
    if not signed_by:
        raise Invalid(_("Who signed for the papers?"), {"signed_by": [_("Enter who signed.")]})
    papers = list(
        Paper.objects.filter(
            case=locked, pk__in=paper_ids, returned_at__isnull=True
        ).select_related("holder_user", "holder_department")
    )
    if not papers or len(papers) != len(set(paper_ids)):
        raise Invalid(
            _("Choose originals of this case that are still out."),
            {"papers": [_("Unknown paper.")]},
        )
    for paper in papers:
        if not rules.holds(actor, paper, locked.township_id):
            raise Forbidden(
                _("%(paper)s is with %(holder)s; only they can return it.")
                % {"paper": paper, "holder": paper.holder}
            )
    _give_back(papers, to=signed_by, actor=actor, at=at)
    _commit(
        locked,
        actor=actor,
        action=Event.Action.PAPERS_RETURNED,
        at=at,
        to=locked.state,
        data={"papers": [p.name for p in papers], "signed_by": signed_by},
    )
    return papers

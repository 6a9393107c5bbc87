"""/api/v1/: the same scoping and the same lifecycle functions as the pages."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from daiban.api import schemas as s
from daiban.api.captured import captured_at, stale
from daiban.api.errors import body as error_body
from daiban.api.idempotency import idempotent
from daiban.api.paging import SEARCH_CAP, Mapped, Pages
from daiban.cases import duplicates, lifecycle
from daiban.cases.inputs import EntrustmentIn, Missing, Received
from daiban.cases.models import Case
from daiban.cases.scoping import visible_cases
from daiban.cases.selectors import custody
from daiban.catalog.county import county_of_user, county_of_village, items_for
from daiban.catalog.models import ServiceItem
from daiban.catalog.selectors import search_items
from daiban.core.errors import Invalid
from daiban.people.models import Role
from daiban.people.selectors import is_number, search_residents, visible_residents
from daiban.people.services import register_resident
from daiban.places.models import Department, Hamlet, Village

router = Router()
ERRORS = {
    400: s.ErrorOut,
    401: s.ErrorOut,
    403: s.ErrorOut,
    404: s.ErrorOut,
    409: s.ErrorOut,
    422: s.ErrorOut,
}
# Lists: a bad filter is 422, a NUL byte anywhere 400 (daiban/core/inputs.py).
LIST_ERRORS = {400: s.ErrorOut, 401: s.ErrorOut, 422: s.ErrorOut}


def item_out(item: ServiceItem) -> dict:
    return {f: getattr(item, f) for f in s.ItemOut.model_fields}


def case_out(case: Case) -> dict:
    return {
        "id": case.pk,
        "uid": str(case.uid),
        "number": case.number,
        "tracking_code": case.tracking_code,
        "state": case.state,
        "version": case.version,
        "item": case.item.code,
        "resident": case.resident_id,
        "village": case.village.code,
        "due_date": case.due_date,
        "created_at": case.created_at,
    }


def case_detail(case: Case) -> dict:
    hops = case.hops.select_related("holder_user", "holder_department")
    return {
        **case_out(case),
        "hops": [
            {
                "seq": h.seq,
                "holder": str(h.holder),
                "started_at": h.started_at,
                "due_date": h.due_date,
                "received_at": h.received_at,
                "ended_at": h.ended_at,
            }
            for h in hops
        ],
        "papers": [
            {
                "id": p.pk,
                "name": p.name,
                "count": p.count,
                "holder": str(p.holder) if p.holder else None,
                "held_since": p.held_since,
                "returned_at": p.returned_at,
            }
            for p in custody(case)
        ],
        "events": [event_out(e) for e in case.events.select_related("actor")],
    }


def event_out(e) -> dict:
    return {
        "seq": e.seq,
        "action": e.action,
        "at": e.at,
        "recorded_at": e.recorded_at,
        "actor": e.actor.username if e.actor else None,
        "from_state": e.from_state,
        "to_state": e.to_state,
        "note": e.note,
    }


def _case(request, case_id: int) -> Case:
    if not 1 <= case_id <= 2**62:
        raise Http404
    return get_object_or_404(
        visible_cases(request.user).select_related("item", "village"), pk=case_id
    )


def _done(case_id: int) -> dict:
    # The case a step just changed, found through `_case` before the step.
    return case_detail(
        Case.objects.unrestricted().select_related("item", "village").get(pk=case_id)
    )


def _opened(case: Case) -> dict:
    """The answer to an intake. A case start_case has just opened has no hops or papers
    and one event, all in hand: the same answer as _done without reading it back (four
    statements, 42 % of an intake). A case it found from before (the same uid) is read."""
    event = getattr(case, "created_event", None)
    if event is None:
        return _done(case.pk)
    return {**case_out(case), "hops": [], "papers": [], "events": [event_out(event)]}


# ─── Catalog ─────────────────────────────────────────────────────────────────


@router.get(
    "/catalog/items",
    response={200: list[s.ItemOut], **LIST_ERRORS},
    tags=["catalog"],
)
@paginate(Pages)
def list_items(request, q: str = ""):
    """The items the caller's county offers (all offered items for a global administrator)."""
    offered = items_for(county_of_user(request.user)).values("pk")
    return [item_out(i) for i in search_items(q).filter(pk__in=offered).order_by("code")]


@router.get("/catalog/items/{code}", response={200: s.ItemDetailOut, **ERRORS}, tags=["catalog"])
def get_item(request, code: str):
    item = get_object_or_404(ServiceItem, code=code, is_active=True)
    materials = [
        {
            "id": m.pk,
            "name": m.name,
            "kind": m.kind,
            "count": m.count,
            "required": m.required,
            "notes": m.notes,
        }
        for m in item.materials.all()
    ]
    return {
        **item_out(item),
        "conditions": item.conditions,
        "legal_basis": item.legal_basis,
        "in_person_note": item.in_person_note,
        "materials": materials,
    }


# ─── Residents and inquiries ─────────────────────────────────────────────────


def resident_out(r) -> dict:
    return {
        "id": r.pk,
        "uid": str(r.uid),
        "name": r.name,
        "id_number_masked": r.id_number_masked,
        "phone_masked": r.phone_masked,
        "village": r.village.code,
    }


@router.get(
    "/residents",
    response={200: list[s.ResidentOut], **LIST_ERRORS},
    tags=["residents"],
)
@paginate(Pages)
def list_residents(request, q: str = ""):
    """By name or pinyin initials. A phone or ID number is never taken from the address,
    where it would land in access logs: search for it with POST /residents/search."""
    if is_number(q):
        raise Invalid(
            _("Search by phone or ID number with POST /api/v1/residents/search."),
            {"q": [_("No numbers in the address.")]},
        )
    return _residents(request.user, q)


@router.post(
    "/residents/search",
    response={200: list[s.ResidentOut], **LIST_ERRORS},
    tags=["residents"],
    operation_id="search_residents",
)
@paginate(Pages)
def search_residents_by_body(request, payload: s.ResidentSearchIn):
    """By name, pinyin initials, phone or ID number, sent in the body."""
    return _residents(request.user, payload.q.strip())


def _residents(user, q: str) -> Mapped:
    found = search_residents(visible_residents(user), q) if q else visible_residents(user)
    return Mapped(
        found.select_related("village").order_by("pk"),
        resident_out,
        cap=SEARCH_CAP if q else None,
    )


@router.post("/residents", response={201: s.ResidentOut, **ERRORS}, tags=["residents"])
@idempotent
def create_resident(request, payload: s.ResidentIn):
    village = Village.objects.filter(code=payload.village).first()
    if village is None:
        raise Invalid(_("Unknown village."), {"village": [_("Unknown village code.")]})
    hamlet = (
        Hamlet.objects.filter(code=payload.hamlet, village=village).first()
        if payload.hamlet
        else None
    )
    try:
        uid = uuid.UUID(payload.uid) if payload.uid else None
    except ValueError:
        raise Invalid(_("uid is not a UUID."), {"uid": [_("Not a UUID.")]}) from None
    try:
        resident = register_resident(
            actor=request.user,
            name=payload.name,
            id_number=payload.id_number,
            phone=payload.phone,
            village=village,
            hamlet=hamlet,
            uid=uid,
        )
    except ValidationError as exc:
        twin = _registered_twin(request.user, payload.id_number, exc)
        if twin is not None:
            # Registered meanwhile (or by someone else): the server's masked record, so a
            # phone's offline queue can use it instead (issue 21).
            return Status(
                409,
                {
                    **error_body("resident_exists", exc.message_dict["id_number"][0]),
                    "resident": resident_out(twin),
                },
            )
        raise Invalid(exc.messages[0], exc.message_dict) from None
    return Status(201, resident_out(resident))


def _registered_twin(user, id_number: str, exc: ValidationError):
    """The resident already registered with this ID number, if the caller may see them."""
    if "id_number" not in getattr(exc, "error_dict", {}):
        return None
    return search_residents(visible_residents(user), id_number).select_related("village").first()


@router.get(
    "/inquiries",
    response={200: list[s.WaitingInquiryOut], **LIST_ERRORS},
    tags=["inquiries"],
)
@paginate(Pages)
def waiting_inquiries(request):
    """Questions still waiting for the agent: neither answered nor turned into a case,
    those filed through Open311 (a hotline) among them. The agent's own; a center director
    sees the township's."""
    from daiban.cases.models import Inquiry

    user = request.user
    waiting = Inquiry.objects.restrict(user, "view").filter(answer="", case__isnull=True)
    if user.role not in (Role.CENTER_DIRECTOR, Role.ADMINISTRATOR):
        waiting = waiting.filter(agent=user)
    return [
        {
            "id": i.pk,
            "uid": str(i.uid),
            "question": i.question,
            "item": i.item.code if i.item else None,
            "resident": i.resident_id,
            "asked_at": i.asked_at,
            "from_hotline": hasattr(i, "open311"),
        }
        for i in waiting.select_related("item", "open311").order_by("asked_at", "pk")
    ]


@router.post("/inquiries", response={201: s.InquiryOut, **ERRORS}, tags=["inquiries"])
@idempotent
def create_inquiry(request, payload: s.InquiryIn):
    resident = (
        get_object_or_404(visible_residents(request.user), pk=payload.resident)
        if payload.resident
        else None
    )
    village = resident.village if resident else request.user.village
    if village is None:
        raise Invalid(_("Give the resident."), {"resident": [_("Required for your role.")]})
    item = get_object_or_404(ServiceItem, code=payload.item) if payload.item else None
    try:
        uid = uuid.UUID(payload.uid) if payload.uid else None
    except ValueError:
        raise Invalid(_("uid is not a UUID."), {"uid": [_("Not a UUID.")]}) from None
    inquiry = lifecycle.record_inquiry(
        actor=request.user,
        village=village,
        question=payload.question,
        answer=payload.answer,
        item=item,
        resident=resident,
        asker_name=payload.asker_name,
        uid=uid,
        at=captured_at(request.user, payload.at),
    )
    return Status(201, {"id": inquiry.pk, "uid": str(inquiry.uid), "question": inquiry.question})


# ─── Cases ───────────────────────────────────────────────────────────────────


class CaseFilter(Schema):
    state: str | None = None
    item: str | None = None
    village: str | None = None
    created_from: datetime.date | None = None
    created_to: datetime.date | None = None


@router.get("/cases", response={200: list[s.CaseOut], **LIST_ERRORS}, tags=["cases"])
@paginate(Pages)
def list_cases(request, filters: Query[CaseFilter]):
    cases = visible_cases(request.user).select_related("item", "village").order_by("-pk")
    if filters.state:
        cases = cases.filter(state=filters.state)
    if filters.item:
        cases = cases.filter(item__code=filters.item)
    if filters.village:
        cases = cases.filter(village__code=filters.village)
    if filters.created_from:
        cases = cases.filter(created_at__date__gte=filters.created_from)
    if filters.created_to:
        cases = cases.filter(created_at__date__lte=filters.created_to)
    return Mapped(cases, case_out)


@router.get("/cases/{case_id}", response={200: s.CaseDetailOut, **ERRORS}, tags=["cases"])
def get_case(request, case_id: s.Id):
    return case_detail(_case(request, case_id))


@router.get("/cases/{case_id}/custody", response={200: list[s.PaperOut], **ERRORS}, tags=["cases"])
def get_custody(request, case_id: s.Id):
    return case_detail(_case(request, case_id))["papers"]


@router.post("/cases", response={201: s.CaseDetailOut, **ERRORS}, tags=["cases"])
@idempotent
def create_case(request, payload: s.CaseIn):
    resident = get_object_or_404(
        visible_residents(request.user).select_related("village__township"), pk=payload.resident
    )
    # An item the resident's county switched off is "not found", as on the pages.
    item = get_object_or_404(items_for(county_of_village(resident.village)), code=payload.item)
    inquiry = None
    if payload.inquiry:
        from daiban.cases.models import Inquiry

        inquiry = get_object_or_404(
            Inquiry.objects.restrict(request.user, "view"),
            pk=payload.inquiry,
            village=resident.village,
        )
    try:
        uid = uuid.UUID(payload.uid) if payload.uid else None
    except ValueError:
        raise Invalid(_("uid is not a UUID."), {"uid": [_("Not a UUID.")]}) from None
    # A retry with the same Idempotency-Key never reaches here: @idempotent replays it.
    if not payload.duplicate_ok:
        duplicates.refuse_duplicate(resident, item, uid)  # 409 naming the open case
    case = lifecycle.start_case(
        actor=request.user,
        resident=resident,
        item=item,
        inquiry=inquiry,
        uid=uid,
        at=captured_at(request.user, payload.at),
    )
    return Status(201, _opened(case))


def _step(path: str, schema, call):
    """Register POST /cases/{id}/<path>: scoped look-up, then the lifecycle step."""

    @router.post(
        f"/cases/{{case_id}}/{path}",
        response={200: s.CaseDetailOut, **ERRORS},
        tags=["lifecycle"],
        operation_id=f"case_{path.replace('-', '_')}",
    )
    @idempotent
    def step(request, case_id: s.Id, payload: schema):
        case = _case(request, case_id)
        if isinstance(payload, s.CapturedStep):
            # Captured offline: the time bounded, and the case as the agent saw it (issue 21).
            payload.at = captured_at(request.user, payload.at)
            why = stale(case, at=payload.at, version=payload.version)
            if why:
                return Status(409, {**error_body("case_changed", why), "case": case_out(case)})
        call(case, request.user, payload)
        return Status(200, _done(case.pk))

    return step


class Empty(Schema):
    pass


accept = _step(
    "accept",
    s.AcceptIn,
    lambda case, user, p: lifecycle.accept(
        case.pk,
        actor=user,
        received=[
            Received(r.material_id, originals=r.originals, copies=r.copies) for r in p.received
        ],
        entrustment=EntrustmentIn(
            signed_by=p.signed_by, signed_on=p.signed_on, relation=p.relation
        ),
        at=p.at,
    ),
)
refuse = _step(
    "refuse",
    s.ReasonIn,
    lambda case, user, p: lifecycle.refuse(case.pk, actor=user, reason=p.reason),
)
supplement = _step(
    "supplement",
    s.SupplementIn,
    lambda case, user, p: lifecycle.request_supplement(
        case.pk, actor=user, missing=[Missing(m) for m in p.missing], note=p.note, at=p.at
    ),
)
resume = _step("resume", Empty, lambda case, user, p: lifecycle.resume(case.pk, actor=user))
hand_over = _step(
    "hand-over",
    s.HandOverIn,
    lambda case, user, p: lifecycle.hand_over(
        case.pk,
        actor=user,
        paper_ids=p.papers,
        note=p.note,
        to_department=get_object_or_404(Department, pk=p.to_department)
        if p.to_department
        else None,
        to_user=get_object_or_404(user.__class__, pk=p.to_user) if p.to_user else None,
    ),
)
recall = _step(
    "recall",
    s.RecallIn,
    lambda case, user, p: lifecycle.recall(case.pk, actor=user, reason=p.reason),
)
confirm = _step(
    "confirm-receipt", Empty, lambda case, user, p: lifecycle.confirm_receipt(case.pk, actor=user)
)
result = _step(
    "result",
    s.ResultIn,
    lambda case, user, p: lifecycle.record_result(
        case.pk, actor=user, granted=p.granted, reason=p.reason, document_no=p.document_no
    ),
)
petition = _step(
    "petition-decision",
    s.PetitionDecisionIn,
    lambda case, user, p: lifecycle.decide_petition(
        case.pk, actor=user, accept=p.accept, reason=p.reason
    ),
)
reply = _step(
    "reply",
    s.ReplyIn,
    lambda case, user, p: lifecycle.reply(
        case.pk, actor=user, signed_by=p.signed_by, note=p.note, at=p.at
    ),
)
close = _step(
    "close",
    s.CloseIn,
    lambda case, user, p: lifecycle.close(
        case.pk, actor=user, method=p.method, rating=p.rating, note=p.note, at=p.at
    ),
)
withdraw = _step(
    "withdraw",
    s.ReasonIn,
    lambda case, user, p: lifecycle.withdraw(case.pk, actor=user, reason=p.reason),
)
return_papers = _step(
    "return-papers",
    s.ReturnPapersIn,
    lambda case, user, p: lifecycle.return_papers(
        case.pk, actor=user, paper_ids=p.papers, signed_by=p.signed_by
    ),
)
rate = _step(
    "rating",
    s.RatingIn,
    lambda case, user, p: lifecycle.rate(
        case.pk, level=p.level, comment=p.comment, channel=p.channel, actor=user
    ),
)


def _village(pk: int) -> Village:
    village = Village.objects.filter(pk=pk).first()
    if village is None:
        raise Invalid(_("No such village."), {"to_village": [_("Unknown village.")]})
    return village


transfer = _step(
    "transfer",
    s.TransferIn,
    lambda case, user, p: lifecycle.send_transfer(
        case.pk, actor=user, to_village=_village(p.to_village), reason=p.reason
    ),
)
accept_transfer = _step(
    "transfer-accept",
    Empty,
    lambda case, user, p: lifecycle.accept_transfer(case.pk, actor=user),
)
return_transfer = _step(
    "transfer-return",
    s.ReasonIn,
    lambda case, user, p: lifecycle.return_transfer(case.pk, actor=user, reason=p.reason),
)


@router.get("/track", response={200: s.TrackOut, 429: s.ErrorOut, **ERRORS}, tags=["tracking"])
def track(request, code: str, digits: str):
    """What the public look-up shows (masked name, steps, holder as an office), for a
    hotline or an app; the same neutral 404 for a wrong code or wrong digits, and the
    same limit on guesses as the tracking page (shared counters; 429 once passed)."""
    from daiban.cases.selectors import find_for_tracking
    from daiban.core import throttle
    from daiban.portal.selectors import progress

    attempt = throttle.take(request, code)
    if not attempt.allowed:
        return Status(
            429,
            {"code": "too_many_tries", "message": throttle.too_many_tries(), "fields": {}},
        )
    case = find_for_tracking(code, digits)
    if case is None:
        raise Http404
    attempt.was_right()
    found = progress(case)
    return {
        "item": found.item,
        "name": found.name,
        "state": found.state,
        "promised": found.promised,
        "holder": found.holder,
        "steps": [{"at": at, "step": text} for at, text in found.steps],
    }

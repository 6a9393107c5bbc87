"""The one supplement notice (一次性告知) and resuming when the materials arrive."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from daiban.cases.inputs import Missing, Received
from daiban.cases.lifecycle.base import (
    _commit,
    _date,
    _lock,
    _now,
    _require_holder,
    _require_take,
)
from daiban.cases.lifecycle.intake import _check_received, _take_papers
from daiban.cases.models import (
    Case,
    Checklist,
    Event,
    Hop,
    State,
    SupplementNotice,
)
from daiban.cases.selectors import open_hop
from daiban.catalog.services import ensure_current_version
from daiban.core.errors import Invalid, NotAllowed
from daiban.people.models import User
from daiban.workdays.calendar import WorkCalendar


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

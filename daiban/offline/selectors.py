"""What an agent's phone keeps for working with no signal (issue 21): the minimum. Names,
masked numbers, the agent's open cases and the service guide; never a full ID number, a
phone number, a scan, or anyone else's data."""

from django.utils import timezone

from daiban.cases.models import OPEN_STATES
from daiban.cases.rules import steps_for
from daiban.cases.scoping import visible_cases
from daiban.cases.selectors import with_open_hops
from daiban.catalog.county import county_of_user, items_for
from daiban.people.models import Role
from daiban.people.selectors import visible_residents
from daiban.places.models import Hamlet

# Offered offline: the steps an agent does at a villager's door.
OFFLINE_STEPS = ("accept", "request_supplement", "reply", "close")
AGENT_ROLES = (Role.VILLAGE_AGENT, Role.PETITION_AGENT)
MAX_RESIDENTS = 3000


def may_work_offline(user) -> bool:
    return user.is_authenticated and user.role in AGENT_ROLES and user.village_id is not None


def _open_hop(case):
    hops = getattr(case, "open_hops", None)  # with_open_hops() put them there
    return hops[0] if hops else None


def snapshot(user) -> dict:
    village = user.village
    residents = (
        visible_residents(user)
        .select_related("hamlet")
        .order_by("name", "pk")
        .only("pk", "name", "id_number_masked", "phone_masked", "hamlet__name")
    )[:MAX_RESIDENTS]
    cases = (
        visible_cases(user)
        .filter(agent=user, state__among=OPEN_STATES)
        .select_related("item", "resident", "village")
        .prefetch_related(with_open_hops())
        .order_by("-pk")
    )
    items = items_for(county_of_user(user)).filter(is_active=True).order_by("code")
    return {
        "user": user.pk,
        "taken_at": timezone.now(),
        "village": {"code": village.code, "name": village.name},
        "hamlets": [
            {"code": h.code, "name": h.name}
            for h in Hamlet.objects.filter(village=village).order_by("name")
        ],
        "residents": [
            {
                # No uid: the phone finds a villager by id (a third of the snapshot's
                # bytes at 3,000 villagers).
                "id": r.pk,
                "name": r.name,
                "id_number_masked": r.id_number_masked,
                "phone_masked": r.phone_masked,
                "hamlet": r.hamlet.name if r.hamlet else "",
            }
            for r in residents
        ],
        "cases": [
            {
                "id": c.pk,
                "uid": str(c.uid),
                "number": c.number or "",
                "tracking_code": c.tracking_code or "",
                "state": c.state,
                "state_label": str(c.get_state_display()),
                "version": c.version,
                "item": c.item.code,
                "item_name": c.item.name,
                "resident": c.resident_id,
                "resident_name": c.resident.name,
                "due_date": c.due_date,
                "steps": sorted(set(OFFLINE_STEPS) & steps_for(user, c, _open_hop(c))),
            }
            for c in cases
        ],
        "items": [
            {
                "code": i.code,
                "name": i.name,
                "group": i.group,
                "proxy_allowed": i.proxy_allowed,
                "in_person_note": i.in_person_note,
                "conditions": i.conditions,
                "promised_days": i.promised_days,
                "fee": i.fee,
                "materials": [
                    {
                        "id": m.pk,
                        "name": m.name,
                        "kind": m.kind,
                        "count": m.count,
                        "required": m.required,
                        "notes": m.notes,
                    }
                    for m in i.materials.all()
                ],
            }
            for i in items.prefetch_related("materials")
        ],
    }

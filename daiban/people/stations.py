"""The village service station (代办点, issue 18): where the agent receives villagers, when,
its phone, its equipment and the yearly office allowance (办公经费) the township pays it.

The township's center director (or the administrator) edits it; the public village page
and the notice-board poster show it. An edit posted from an older copy of the station
(someone saved in between) is refused, so nobody's change is lost silently; the same
values again change nothing.
"""

import decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from daiban.audit import trail
from daiban.core.errors import Conflict, Forbidden, Invalid
from daiban.people.models import Role, User
from daiban.people.phone import national, parse_phone
from daiban.places.models import Village

FIELDS = ("station_address", "station_hours", "station_phone", "station_equipment")
ALLOWANCE_MAX = decimal.Decimal("1000000")


def may_edit(actor: User, village: Village) -> bool:
    return actor.role == Role.ADMINISTRATOR or (
        actor.role == Role.CENTER_DIRECTOR and actor.township_id == village.township_id
    )


def editable_villages(actor: User):
    villages = Village.objects.select_related("township").order_by("code")
    if actor.role == Role.ADMINISTRATOR:
        return villages
    if actor.role == Role.CENTER_DIRECTOR and actor.township_id:
        return villages.filter(township_id=actor.township_id)
    return villages.none()


def phone_display(village: Village) -> str:
    return national(village.station_phone) if village.station_phone else ""


def _clean(data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    clean = {
        "station_address": (data.get("station_address") or "").strip()[:200],
        "station_hours": (data.get("station_hours") or "").strip()[:100],
        "station_equipment": (data.get("station_equipment") or "").strip()[:300],
        "station_phone": "",
        "station_allowance": None,
    }
    phone = (data.get("station_phone") or "").strip()
    if phone:
        try:
            clean["station_phone"] = parse_phone(phone)
        except ValidationError as exc:
            errors["station_phone"] = exc.messages
    allowance = data.get("station_allowance")
    if allowance not in (None, ""):
        try:
            value = decimal.Decimal(str(allowance).strip().replace(",", ""))
        except decimal.InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value < 0 or value >= ALLOWANCE_MAX:
            errors["station_allowance"] = [
                _("Give the yearly allowance in yuan, e.g. 1200 (0 if none).")
            ]
        else:
            clean["station_allowance"] = value.quantize(decimal.Decimal("0.01"))
    if errors:
        raise Invalid(next(iter(errors.values()))[0], errors)
    return clean


@transaction.atomic
def update_station(*, actor: User, village: Village, data: dict, version: int) -> bool:
    """Save the station as edited from the copy at `version`. False if nothing changed."""
    if not may_edit(actor, village):
        raise Forbidden(_("Only the township's center director may edit its village stations."))
    clean = _clean(data)
    fresh = Village.objects.select_for_update().get(pk=village.pk)
    changed = {k: v for k, v in clean.items() if getattr(fresh, k) != v}
    if not changed:
        return False
    if fresh.station_version != version:
        raise Conflict(
            _("Someone else saved this station a moment ago. Reload it and make your change again.")
        )
    changed["station_version"] = fresh.station_version + 1
    Village.objects.filter(pk=fresh.pk).update(**changed)
    trail.record(
        "village.station",
        user=actor,
        obj=fresh,
        detail={k: str(v) for k, v in changed.items()},
    )
    return True

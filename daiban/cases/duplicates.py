"""A second open case for the same villager and item: found before it is opened, so the
page can offer the open one instead and the API can refuse it (409) unless asked."""

from uuid import UUID

from django.utils.translation import gettext as _

from daiban.cases.models import FINAL_STATES, Case, State
from daiban.catalog.models import ServiceItem
from daiban.core.errors import Conflict
from daiban.people.models import Resident

# Open: not yet refused, closed or withdrawn, and not yet handed back to the villager.
OPEN = [s for s in State if s not in FINAL_STATES and s != State.REPLIED]


def open_case_for(resident: Resident, item: ServiceItem) -> Case | None:
    """The villager's open case of this item, if any (the oldest)."""
    return (
        Case.objects.filter(resident=resident, item=item, state__in=OPEN)
        .select_related("item")
        .order_by("pk")
        .first()
    )


def label(case: Case) -> str:
    return case.number or _("case opened on %(date)s") % {"date": case.created_at.date()}


def refuse_duplicate(resident: Resident, item: ServiceItem, uid: UUID | None = None) -> None:
    """Raise Conflict naming the open case (the API: unless `duplicate_ok`). A retry of the
    same request (the same `uid`) is not a second case."""
    if uid is not None and Case.objects.filter(uid=uid).exists():
        return
    case = open_case_for(resident, item)
    if case is not None and (uid is None or case.uid != uid):
        raise Conflict(
            _(
                "%(resident)s already has an open case of %(item)s: %(case)s (id %(id)s). "
                "Open that one, or send duplicate_ok to open another."
            )
            % {"resident": resident.name, "item": item.name, "case": label(case), "id": case.pk},
            {"duplicate_of": [str(case.pk)]},
        )

"""What the public may read: the guide, the agents' work phones, a case by its code,
and totals. Nothing here returns an ID number, a phone of a resident or a staff name
beyond the agents', whose names and work phones are posted on village boards anyway."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from daiban.cases.models import Case, Event, Hop, State
from daiban.cases.selectors import find_for_tracking  # noqa: F401 (the tracking page's)
from daiban.cases.steps import public_wording
from daiban.catalog.county import items_for
from daiban.catalog.models import Group, ServiceItem
from daiban.catalog.selectors import search_items
from daiban.figures.models import VillageTally
from daiban.people.models import Role, User, in_post, mask_name
from daiban.places.models import Township, Village


def guide_groups(query: str = "", county=None) -> list[tuple[str, list[ServiceItem]]]:
    """The guide's items by group, as the county offers them (`catalog.county.items_for`)."""
    items = (
        search_items(query)
        .filter(pk__in=items_for(county).values("pk"))
        .order_by("code")
        .prefetch_related("materials")
    )
    by_group: dict[str, list[ServiceItem]] = {}
    for item in items:
        by_group.setdefault(item.group, []).append(item)
    return [(Group(g).label, by_group[g]) for g in Group.values if g in by_group]


def agents_of(village: Village) -> dict[str, User | None]:
    """The village's agents in post (people.Post): the directory, the poster and the
    booklet name no one who is away or has left; the latest appointed wins."""
    staff = {u.role: u for u in in_post(village.staff.all()).order_by("id")}
    return {
        "agent": staff.get(Role.VILLAGE_AGENT),
        "petition_agent": staff.get(Role.PETITION_AGENT),
    }


def most_used_items(township: Township, limit: int = 8) -> list[ServiceItem]:
    used = list(
        items_for(township.county_id)
        .filter(proxy_allowed=True)
        .exclude(group=Group.PETITION)
        .annotate(n=Count("cases", filter=Q(cases__township=township)))
        .order_by("-n", "code")[:limit]
    )
    return used


def holder_label(hop: Hop | None) -> str:
    """Who has the file, as a role or an office — never a person's name."""
    if hop is None:
        return ""
    if hop.holder_department_id:
        return hop.holder_department.name
    return _("the village agent")


# How the public tracking page words each step's event (declared in cases/steps.py).
PUBLIC_STEPS = public_wording()


@dataclass
class Progress:
    item: str
    name: str
    state: str
    promised: datetime.date | None
    holder: str
    steps: list[tuple[datetime.datetime, str]]


def progress(case: Case) -> Progress:
    hop = case.hops.filter(ended_at__isnull=True).select_related("holder_department").first()
    steps = []
    events = case.events.filter(action__in=list(PUBLIC_STEPS)).order_by("seq")
    received = {
        h.received_at: h
        for h in case.hops.filter(received_at__isnull=False).select_related("holder_department")
    }
    for event in events:
        text = str(PUBLIC_STEPS[event.action])
        if event.action == Event.Action.RECEIVED:
            text = text % {"holder": holder_label(received.get(event.at))}
        steps.append((event.at, text))
    return Progress(
        item=case.item.name,
        name=mask_name(case.resident.name),
        state=case.get_state_display(),
        promised=case.due_date,
        holder=holder_label(hop) if case.state not in (State.CLOSED, State.REPLIED) else "",
        steps=steps,
    )


@dataclass
class Figures:
    township: Township
    month: dict
    year: dict


def _rates(totals: dict) -> dict:
    finished, rated = totals["finished"], totals["rated"]
    totals["on_time_rate"] = round(100 * totals["on_time"] / finished) if finished else None
    totals["satisfaction_rate"] = round(100 * totals["satisfied"] / rated) if rated else None
    return totals


def public_figures(today: datetime.date) -> list[Figures]:
    """Per township: cases accepted this month and this year, finished (result recorded)
    this year, on-time and satisfaction rates — from the monthly tallies, one query.

    Petitions are left out of every public total.
    """
    this_month = today.replace(day=1)
    names = ("accepted", "finished", "on_time", "rated", "satisfied")
    rows = (
        VillageTally.objects.filter(
            is_petition=False, month__gte=today.replace(month=1, day=1), month__lte=this_month
        )
        .values("township_id", "month")
        .annotate(
            accepted=Sum("accepted"),
            finished=Sum("completed"),
            on_time=Sum("on_time"),
            rated=Sum("rated"),
            satisfied=Sum("satisfied"),
        )
    )
    year: dict[int, dict] = {}
    month: dict[int, dict] = {}
    for row in rows:
        for bucket in (year, month) if row["month"] == this_month else (year,):
            totals = bucket.setdefault(row["township_id"], dict.fromkeys(names, 0))
            for name in names:
                totals[name] += row[name]
    return [
        Figures(
            township,
            _rates(month.get(township.pk, dict.fromkeys(names, 0))),
            _rates(year.get(township.pk, dict.fromkeys(names, 0))),
        )
        for township in Township.objects.order_by("code")
    ]

"""通报: the county's monthly commendation and criticism.

Drafted from the month's rankings (the best agents and the best township by its agents'
average score) and from supervision as it stands on the day of drafting (agents with
cases past their promised date, agents with a 不满意 rating whose rectification is past
due). The county supervisor edits the title and text, leaves entries out, and publishes
it; staff of the county read it, and the public site shows the commended names only.

Each write checks who acts, changes the row with a conditional UPDATE (on the status or
on the version the editor saw) and writes the audit trail."""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from daiban.audit import trail
from daiban.cases.definitions import overdue_q
from daiban.cases.models import Case
from daiban.core.errors import Conflict, Forbidden, Invalid, NotAllowed
from daiban.core.periods import first_of_month
from daiban.people.models import Role, User
from daiban.places.models import County, Township
from daiban.supervision.models import Rectification

from .models import Bulletin
from .scores import evaluate, scheme_for

Status = Bulletin.Status
TOP_AGENTS = 3


def may_edit(user: User, county_id: int) -> bool:
    if not user.is_authenticated:
        return False
    if user.role == Role.ADMINISTRATOR:
        return True
    return user.role == Role.COUNTY_SUPERVISOR and user.county_id == county_id


def _require(actor: User, county_id: int) -> None:
    if not may_edit(actor, county_id):
        raise Forbidden(_("The county supervisor drafts, edits and publishes the bulletin."))


def title_for(month: datetime.date) -> str:
    return _("Bulletin on the village proxy service, %(month)s") % {
        "month": f"{month.year}年{month.month}月"
    }


def work_out(county: County, month: datetime.date, today: datetime.date) -> list[dict]:
    """The drafted entries: commended agents and township, criticised agents."""
    entries: list[dict] = []
    rows = evaluate(scheme_for(county), month, month)
    scored = [r for r in rows if r.score is not None]
    for row in scored:
        if row.rank_county is not None and row.rank_county <= TOP_AGENTS:
            entries.append(
                {
                    "key": f"agent:{row.agent.pk}",
                    "side": "commended",
                    "kind": "agent",
                    "name": row.agent.display_name,
                    "place": f"{row.agent.village.township.name}{row.agent.village.name}",
                    "reason": "rank",
                    "rank": row.rank_county,
                    "score": str(row.score),
                    "n": row.counts["completed"],
                }
            )
    by_township: dict[int, list] = {}
    for row in scored:
        by_township.setdefault(row.agent.village.township_id, []).append(row)
    averages = {
        pk: sum((r.score for r in group), Decimal(0)) / len(group)
        for pk, group in by_township.items()
    }
    if averages:
        best = max(averages.values())
        for township in Township.objects.filter(pk__in=averages).order_by("code"):
            if averages[township.pk] == best:
                entries.append(
                    {
                        "key": f"township:{township.pk}",
                        "side": "commended",
                        "kind": "township",
                        "name": township.name,
                        "place": "",
                        "reason": "township",
                        "score": str(best.quantize(Decimal("0.01"))),
                        "n": len(by_township[township.pk]),
                    }
                )
    running = Case.objects.filter(
        overdue_q(today), township__county=county, is_petition=False
    ).values("agent")
    overdue = running.annotate(n=Count("pk")).order_by("agent")
    late = (
        Rectification.objects.filter(
            status=Rectification.Status.OPEN,
            rating__isnull=False,
            due_date__lt=today,
            case__township__county=county,
            case__is_petition=False,
        )
        .values("case__agent")
        .annotate(n=Count("pk"))
        .order_by("case__agent")
    )
    counts = [("overdue", r["agent"], r["n"]) for r in overdue] + [
        ("unrectified", r["case__agent"], r["n"]) for r in late
    ]
    agents = User.objects.select_related("village__township").in_bulk({a for _r, a, _n in counts})
    for reason, agent_id, n in counts:
        agent = agents[agent_id]
        village = agent.village
        entries.append(
            {
                "key": f"{reason}:{agent_id}",
                "side": "criticised",
                "kind": "agent",
                "name": agent.display_name,
                "place": f"{village.township.name}{village.name}" if village else "",
                "reason": reason,
                "n": n,
            }
        )
    return entries


def why(entry: dict) -> str:
    """What an entry is for, in the reader's language."""
    reason = entry["reason"]
    if reason == "rank":
        return _("No. %(rank)s in the county, score %(score)s, %(n)s cases completed") % entry
    if reason == "township":
        return _("Best township: its agents' average score %(score)s") % entry
    if reason == "overdue":
        return _("%(n)s cases past their promised date") % entry
    return _("%(n)s 不满意 ratings not rectified in time") % entry


@transaction.atomic
def draft(county: County, month: datetime.date, *, actor: User) -> Bulletin:
    """The month's draft, made once; asked again while it is a draft, its entries are
    worked out again (the title and text the supervisor wrote stay)."""
    _require(actor, county.pk)
    month = first_of_month(month)
    today = timezone.localdate()
    if month >= first_of_month(today):
        raise Invalid(_("That month is not over yet."), {"month": [_("Choose a past month.")]})
    entries = work_out(county, month, today)
    try:
        with transaction.atomic():
            bulletin = Bulletin.objects.create(
                county=county,
                month=month,
                title=title_for(month),
                entries=entries,
                drafted_at=timezone.now(),
            )
    except IntegrityError:
        bulletin = Bulletin.objects.select_for_update().get(county=county, month=month)
        if bulletin.status != Status.DRAFT:
            raise NotAllowed(_("This month's bulletin is already published.")) from None
        keys = {e["key"] for e in entries}
        Bulletin.objects.filter(pk=bulletin.pk).update(
            entries=entries,
            left_out=[k for k in bulletin.left_out if k in keys],
            drafted_at=timezone.now(),
            version=bulletin.version + 1,
        )
    trail.record("bulletin.draft", user=actor, obj=bulletin, detail={"month": f"{month:%Y-%m}"})
    return Bulletin.objects.get(pk=bulletin.pk)


def edit(
    bulletin_id: int,
    *,
    actor: User,
    version: int,
    title: str,
    body: str,
    left_out: list[str],
) -> Bulletin:
    bulletin = Bulletin.objects.get(pk=bulletin_id)
    _require(actor, bulletin.county_id)
    if bulletin.status != Status.DRAFT:
        raise NotAllowed(_("A published bulletin is not changed."))
    title = (title or "").strip()
    if not title or len(title) > 120:
        raise Invalid(_("Give the bulletin a title."), {"title": [_("Up to 120 characters.")]})
    body = (body or "").strip()
    if len(body) > 5000:
        raise Invalid(_("The text is too long."), {"body": [_("Up to 5,000 characters.")]})
    keys = {e["key"] for e in bulletin.entries}
    if set(left_out) - keys:
        raise Invalid(_("Choose entries of this bulletin."), {"left_out": []})
    changed = Bulletin.objects.filter(pk=bulletin.pk, status=Status.DRAFT, version=version).update(
        title=title,
        body=body,
        left_out=sorted(set(left_out)),
        version=version + 1,
        edited_by=actor,
        edited_at=timezone.now(),
    )
    if not changed:
        raise Conflict(_("Someone else changed the bulletin first. Reload it and try again."))
    trail.record("bulletin.edit", user=actor, obj=bulletin)
    return Bulletin.objects.get(pk=bulletin.pk)


def publish(bulletin_id: int, *, actor: User) -> Bulletin:
    bulletin = Bulletin.objects.get(pk=bulletin_id)
    _require(actor, bulletin.county_id)
    changed = Bulletin.objects.filter(pk=bulletin.pk, status=Status.DRAFT).update(
        status=Status.PUBLISHED, published_by=actor, published_at=timezone.now()
    )
    if not changed:
        raise NotAllowed(_("This bulletin is already published."))
    trail.record("bulletin.publish", user=actor, obj=bulletin)
    return Bulletin.objects.get(pk=bulletin.pk)


def county_of(user: User) -> int | None:
    """The county a member of staff works in."""
    if user.county_id:
        return user.county_id
    if user.township_id:
        return user.township.county_id
    if user.village_id:
        return user.village.township.county_id
    if user.department_id:
        return user.department.county_id
    return None


def visible(user: User):
    """Staff read their county's published bulletins; the county supervisor (and an
    administrator) also the drafts."""
    bulletins = Bulletin.objects.select_related("county", "published_by")
    if not user.is_authenticated:
        return bulletins.none()
    if user.role == Role.ADMINISTRATOR:
        return bulletins
    county_id = county_of(user)
    if county_id is None:
        return bulletins.none()
    bulletins = bulletins.filter(county_id=county_id)
    if user.role == Role.COUNTY_SUPERVISOR:
        return bulletins
    return bulletins.filter(status=Status.PUBLISHED)


def public():
    """What the public site shows: published bulletins, newest first."""
    return Bulletin.objects.filter(status=Status.PUBLISHED).select_related("county")

"""Where a file may go next: the item's route, in one place.

    village agent ──▶ the item's township department ──▶ its county bureau (county-approved
    items; the township agent carries the file there) ──▶ back to the township department
    ──▶ back to the village agent

`targets(case, hop)` lists the next holders from the current one, the usual one first
(the page's default); `check(...)` refuses a target off the route. The hand-over page, the
batch hand-over, the API and the lifecycle's `hand_over` all ask here. Nobody is offered
the holder itself, and a village agent is never offered a county bureau.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from daiban.catalog.county import settings_for
from daiban.catalog.models import Level
from daiban.core.errors import Invalid
from daiban.people.models import Role, User
from daiban.places.models import Department


@dataclass(frozen=True)
class Target:
    user: User | None = None
    department: Department | None = None

    @property
    def key(self) -> str:
        return f"u{self.user.pk}" if self.user else f"d{self.department.pk}"

    @property
    def label(self) -> str:
        if self.user is not None:
            return _("Back to agent %(name)s") % {"name": self.user}
        if self.department.level == Department.Level.COUNTY:
            return _("%(bureau)s (carried by the township agent)") % {
                "bureau": self.department.name
            }
        return self.department.name


def township_department(case) -> Department | None:
    """The item's department in the case's township (a county may name another kind)."""
    here = settings_for(case.township.county_id, case.item)
    kind = here.department.kind if here.department_id else case.item.department_kind
    return Department.objects.filter(
        township_id=case.township_id, level=Department.Level.TOWNSHIP, kind=kind
    ).first()


def county_bureau(case) -> Department | None:
    """The county bureau that approves the item, if the county decides it."""
    if case.item.decided_by != Level.COUNTY:
        return None
    here = settings_for(case.township.county_id, case.item)
    if here.bureau_id:
        return here.bureau
    if not case.item.county_department_kind:
        return None
    return Department.objects.filter(
        county_id=case.township.county_id,
        level=Department.Level.COUNTY,
        kind=case.item.county_department_kind,
    ).first()


def _agents(case) -> list[User]:
    role = Role.PETITION_AGENT if case.item.is_petition else Role.VILLAGE_AGENT
    agents = list(User.objects.filter(village_id=case.village_id, role=role, is_active=True))
    if case.agent_id and all(a.pk != case.agent_id for a in agents):
        agents.insert(0, case.agent)
    agents.sort(key=lambda a: a.pk != case.agent_id)
    return agents


def _visited(case, department: Department) -> bool:
    return case.hops.filter(holder_department=department, received_at__isnull=False).exists()


def targets(case, hop) -> list[Target]:
    """The next holders the file may go to from `hop`'s holder, the usual one first."""
    from daiban.cases.models import State

    agents = [Target(user=a) for a in _agents(case)]
    if hop is None:
        return []
    if hop.holder_user_id is not None:
        department = township_department(case)
        route = [Target(department=department)] if department else []
    else:
        held = hop.holder_department
        department, bureau = township_department(case), county_bureau(case)
        if held.level == Department.Level.COUNTY:
            route = ([Target(department=department)] if department else []) + agents
        elif bureau is not None and case.state == State.IN_PROGRESS:
            if _visited(case, bureau):
                route = [*agents, Target(department=bureau)]
            else:
                route = [Target(department=bureau), *agents]
        else:
            route = agents
    return [
        t
        for t in route
        if not (
            (t.user and t.user.pk == hop.holder_user_id)
            or (t.department and t.department.pk == hop.holder_department_id)
        )
    ]


def check(case, hop, to_user: User | None, to_department: Department | None) -> None:
    """Refuse a target off the item's route (or the holder itself)."""
    if (to_user is None) == (to_department is None):
        raise Invalid(
            _("Hand the file to one person or one department."), {"to": [_("Choose one.")]}
        )
    if (to_user and to_user.pk == hop.holder_user_id) or (
        to_department and to_department.pk == hop.holder_department_id
    ):
        raise Invalid(_("The file is already there."), {"to": [_("Same holder.")]})
    allowed = targets(case, hop)
    for t in allowed:
        if (to_user and t.user and t.user.pk == to_user.pk) or (
            to_department and t.department and t.department.pk == to_department.pk
        ):
            return
    if not allowed:
        raise Invalid(
            _("%(item)s has no department in %(township)s to hand the file to.")
            % {"item": case.item, "township": case.township},
            {"to": [_("No department on the route.")]},
        )
    raise Invalid(
        _("%(target)s is not on this item's route; from here the file goes to %(allowed)s.")
        % {
            "target": to_user or to_department,
            "allowed": _(" or ").join(t.label for t in allowed),
        },
        {"to": [_("Not on the route.")]},
    )

"""A township's readiness for launch, read from what is there (no ticks to forget)."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from daiban.catalog.county import items_for
from daiban.people.models import Role, User, in_post
from daiban.places.models import County, Department, Township
from daiban.rollout.models import TownshipLaunch
from daiban.rollout.vocabulary import kind_word


@dataclass
class Readiness:
    township: Township
    launch: TownshipLaunch | None
    villages: int
    villages_without_agent: list[str]
    missing_departments: list[str]
    departments_without_clerk: list[str]
    has_director: bool
    has_leader: bool
    blockers: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return (
            self.villages > 0
            and not self.villages_without_agent
            and not self.missing_departments
            and not self.departments_without_clerk
            and self.has_director
        )

    @property
    def live(self) -> bool:
        return bool(self.launch and self.launch.live)


def needed_kinds(county: County | None = None) -> list[str]:
    """The department kinds the items the county offers are handled by (an item switched
    off in the county's catalog needs nothing there)."""
    return sorted(
        set(items_for(county).exclude(department_kind="").values_list("department_kind", flat=True))
    )


def county_readiness(county: County) -> list[Readiness]:
    kinds = needed_kinds(county)
    active = Q(staff__is_active=True)
    townships = (
        Township.objects.filter(county=county)
        .select_related("launch")
        .prefetch_related("villages")
        .order_by("code")
    )
    # Only an agent in post counts (people.Post): one who left or is away leaves a gap.
    agents = set(
        in_post(
            User.objects.filter(role=Role.VILLAGE_AGENT, village__township__county=county)
        ).values_list("village_id", flat=True)
    )
    departments = (
        Department.objects.filter(county=county, level=Department.Level.TOWNSHIP)
        .annotate(clerks=Count("staff", filter=active & Q(staff__role=Role.DEPARTMENT_CLERK)))
        .order_by("kind")
    )
    by_township: dict[int, list] = {}
    for d in departments:
        by_township.setdefault(d.township_id, []).append(d)
    heads = set(
        User.objects.filter(township__county=county, is_active=True).values_list(
            "township_id", "role"
        )
    )
    out = []
    for township in townships:
        mine = by_township.get(township.id, [])
        present = {d.kind for d in mine}
        out.append(
            Readiness(
                township=township,
                launch=getattr(township, "launch", None),
                villages=len(township.villages.all()),
                villages_without_agent=[
                    v.name for v in township.villages.all() if v.id not in agents
                ],
                missing_departments=[kind_word(k) for k in kinds if k not in present],
                departments_without_clerk=[d.name for d in mine if not d.clerks],
                has_director=(township.id, Role.CENTER_DIRECTOR) in heads,
                has_leader=(township.id, Role.TOWNSHIP_LEADER) in heads,
            )
        )
    return out

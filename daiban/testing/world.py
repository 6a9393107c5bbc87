"""The fixture county and its named people, shared by every app's tests.

Built once per test database (daiban/conftest.py); each test gets its own copy.

Each test says who acts: `world.agent` (大厂村 village agent) accepts, `world.clerk_finance`
confirms receipt, `world.other_agent` (岩口村) is the outsider, and so on.
"""

import datetime
import json
from dataclasses import dataclass

from django.utils import timezone

from daiban.catalog.models import ServiceItem
from daiban.catalog.services import DEFAULT_CATALOG, load_catalog
from daiban.people.models import Resident, Role, User
from daiban.people.services import create_staff, register_resident
from daiban.places.models import County, Department, Hamlet, ServiceCenter, Township, Village
from daiban.workdays.services import seed_from_package

# Items the tests use, by name, from the default catalog.
TEST_ITEMS = ["粮食直补存折更名", "生育登记", "最低生活保障申请", "信访事项代办", "结婚登记预约"]


@dataclass
class World:
    county: County
    township: Township
    other_township: Township
    village: Village
    other_village: Village
    hamlet: Hamlet
    finance: Department
    family_planning: Department
    civil_affairs: Department
    other_finance: Department
    county_civil_affairs: Department
    agent: User
    other_agent: User
    petition_agent: User
    township_agent: User
    clerk_finance: User
    clerk_family_planning: User
    clerk_civil_affairs: User
    director: User
    leader: User
    other_director: User
    supervisor: User
    admin: User
    resident: Resident
    other_resident: Resident
    passbook: ServiceItem
    birth: ServiceItem
    subsistence: ServiceItem
    petition: ServiceItem
    marriage: ServiceItem
    far_village: Village
    county_health: Department


# Everyone the matrix tests walk, by their World attribute: agents of two villages, the
# petition agent, clerks, the township agent, directors of two townships, the leader, the
# county supervisor and the administrator.
NAMED_PEOPLE = [
    "agent",
    "other_agent",
    "petition_agent",
    "township_agent",
    "clerk_finance",
    "clerk_family_planning",
    "director",
    "leader",
    "other_director",
    "supervisor",
    "admin",
]


def at(day: str, hour: int = 10) -> datetime.datetime:
    """An aware time on a calendar day, e.g. at("2026-03-02")."""
    date = datetime.date.fromisoformat(day)
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour)))


def _staff(username, role, **place):
    return create_staff(username=username, password="x", display_name=username, role=role, **place)


def build_world() -> World:
    seed_from_package()  # a no-op unless a transactional test flushed the calendar
    county = County.objects.create(code="459901000000", name="云岭县")
    township = Township.objects.create(county=county, code="459901101000", name="大厂壮族乡")
    other_township = Township.objects.create(county=county, code="459901102000", name="青石镇")
    ServiceCenter.objects.create(
        township=township, name="大厂壮族乡便民服务中心", phone="0776-6110188"
    )
    village = Village.objects.create(township=township, code="459901101201", name="大厂村委会")
    other_village = Village.objects.create(
        township=township, code="459901101202", name="岩口村委会"
    )
    far_village = Village.objects.create(
        township=other_township, code="459901102201", name="青石社区"
    )
    hamlet = Hamlet.objects.create(village=village, code="45990110120101", name="岩洛场村")

    def dept(kind, name, where=township):
        return Department.objects.create(
            county=county, township=where, level=Department.Level.TOWNSHIP, kind=kind, name=name
        )

    finance = dept("finance", "大厂壮族乡财政所")
    family_planning = dept("family_planning", "大厂壮族乡计生办")
    civil_affairs = dept("civil_affairs", "大厂壮族乡民政所")
    dept("petition", "大厂壮族乡信访办")
    other_finance = dept("finance", "青石镇财政所", other_township)
    county_civil_affairs = Department.objects.create(
        county=county, level=Department.Level.COUNTY, kind="c_civil_affairs", name="云岭县民政局"
    )
    county_health = Department.objects.create(
        county=county, level=Department.Level.COUNTY, kind="c_health", name="云岭县卫生健康委员会"
    )
    entries = json.loads(DEFAULT_CATALOG.read_text(encoding="utf-8"))
    load_catalog([e for e in entries if e["name"] in TEST_ITEMS])
    items = {i.name: i for i in ServiceItem.objects.all()}
    agent = _staff("agent_dachang", Role.VILLAGE_AGENT, village=village)
    world = World(
        county=county,
        township=township,
        other_township=other_township,
        village=village,
        other_village=other_village,
        hamlet=hamlet,
        finance=finance,
        family_planning=family_planning,
        civil_affairs=civil_affairs,
        other_finance=other_finance,
        county_civil_affairs=county_civil_affairs,
        agent=agent,
        other_agent=_staff("agent_yankou", Role.VILLAGE_AGENT, village=other_village),
        petition_agent=_staff("petition_dachang", Role.PETITION_AGENT, village=village),
        township_agent=_staff("township_agent", Role.TOWNSHIP_AGENT, department=civil_affairs),
        clerk_finance=_staff("clerk_finance", Role.DEPARTMENT_CLERK, department=finance),
        clerk_family_planning=_staff("clerk_fp", Role.DEPARTMENT_CLERK, department=family_planning),
        clerk_civil_affairs=_staff("clerk_civil", Role.DEPARTMENT_CLERK, department=civil_affairs),
        director=_staff("director", Role.CENTER_DIRECTOR, township=township),
        leader=_staff("leader", Role.TOWNSHIP_LEADER, township=township),
        other_director=_staff("director_qs", Role.CENTER_DIRECTOR, township=other_township),
        supervisor=_staff("supervisor", Role.COUNTY_SUPERVISOR, county=county),
        admin=_staff("admin", Role.ADMINISTRATOR),
        resident=register_resident(
            actor=agent,
            name="胡建荣",
            id_number="459901198604120032",
            phone="13877160412",
            village=village,
            hamlet=hamlet,
        ),
        other_resident=register_resident(
            actor=None,
            name="韦秀英",
            id_number="360426199101010071",
            phone="0776-6112345",
            village=other_village,
        ),
        passbook=items["粮食直补存折更名"],
        birth=items["生育登记"],
        subsistence=items["最低生活保障申请"],
        petition=items["信访事项代办"],
        marriage=items["结婚登记预约"],
        far_village=far_village,
        county_health=county_health,
    )
    return world


def verified_login(client, user):
    """Log in as someone who has also passed the second factor (needed for supervisors
    and administrators; harmless for everyone else)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, defaults={"name": "test", "confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client

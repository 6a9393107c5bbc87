"""The demo county 云岭县 (fictional): places, departments and staff.

The township 大厂壮族乡 is shaped like the one in the research report: 13 village
committees, one of them 大厂村委会 with the hamlet 岩洛场村, and the eleven
departments the report lists sitting together in the service center.
Every name, phone and ID number here is invented.
"""

import base64
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from daiban.people.models import Role, User
from daiban.people.services import create_staff
from daiban.places.models import County, Department, Hamlet, ServiceCenter, Township, Village

COUNTY_CODE = "459901000000"
DEMO_PASSWORD = "daiban-demo-2026"  # noqa: S105 (printed for the demo)
# The demo's administrator and county supervisor need a second factor; this key (for an
# authenticator app, or `oathtool --totp -b KEY`) is printed with the logins. Demo only.
DEMO_TOTP_KEY = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

TOWNSHIP_DEPARTMENTS = [
    ("finance", "财政所"),
    ("family_planning", "计生办"),
    ("civil_affairs", "民政所"),
    ("aged", "老龄办"),
    ("police", "派出所"),
    ("land", "土管所"),
    ("judicial", "司法所"),
    ("petition", "信访办"),
    ("construction", "城建所"),
    ("rural_economy", "经管中心"),
    ("forestry", "林业站"),
    ("labour", "劳动保障所"),
]

COUNTY_BUREAUS = [
    ("c_police", "云岭县公安局"),
    ("c_natural_resources", "云岭县自然资源局"),
    ("c_education", "云岭县教育局"),
    ("c_hrss", "云岭县人力资源和社会保障局"),
    ("c_civil_affairs", "云岭县民政局"),
    ("c_medical_insurance", "云岭县医疗保障局"),
    ("c_health", "云岭县卫生健康委员会"),
    ("c_forestry", "云岭县林业局"),
    ("c_agriculture", "云岭县农业农村局"),
    ("c_petition", "云岭县信访局"),
    ("c_housing", "云岭县住房和城乡建设局"),
    ("c_finance", "云岭县财政局"),
    ("c_justice", "云岭县司法局"),
    ("c_disabled", "云岭县残疾人联合会"),
]

# (code suffix, name, login prefix, km to township, km to county, hamlets)
TOWNSHIPS = [
    (
        "101",
        "大厂壮族乡",
        "dc",
        [
            ("大厂村委会", "dachang", 0.5, 46, ["岩洛场村", "大厂街", "那良屯", "坡脚屯"]),
            ("岩口村委会", "yankou", 6, 52, ["岩口屯", "弄合屯", "上坡屯"]),
            ("那坡村委会", "napo", 9.5, 55, ["那坡屯", "那伏屯"]),
            ("新寨村委会", "xinzhai", 12, 58, ["新寨屯", "老寨屯", "坡头屯"]),
            ("弄怀村委会", "nonghuai", 15, 61, ["弄怀屯", "弄立屯"]),
            ("坡岩村委会", "poyan", 8, 54, ["坡岩屯", "岩脚屯"]),
            ("平寨村委会", "pingzhai", 4, 50, ["平寨屯", "下寨屯"]),
            ("石门村委会", "shimen", 18, 64, ["石门屯", "门口屯", "石山屯"]),
            ("板洞村委会", "bandong", 21, 67, ["板洞屯", "洞口屯"]),
            ("那伏村委会", "nafu", 11, 57, ["那伏屯", "伏岭屯"]),
            ("洞坪村委会", "dongping", 14, 60, ["洞坪屯", "坪上屯"]),
            ("上林村委会", "shanglin", 7, 53, ["上林屯", "林口屯"]),
            ("古楼村委会", "gulou", 25, 71, ["古楼屯", "楼下屯", "坡上屯"]),
        ],
    ),
    (
        "102",
        "青石镇",
        "qs",
        [
            ("青石社区", "qingshi", 0.3, 22, ["青石街", "新街"]),
            ("龙井村委会", "longjing", 5, 27, ["龙井屯", "井边屯"]),
            ("河口村委会", "hekou", 9, 31, ["河口屯", "渡口屯"]),
            ("石桥村委会", "shiqiao", 13, 35, ["石桥屯", "桥头屯"]),
        ],
    ),
    (
        "103",
        "龙潭乡",
        "lt",
        [
            ("龙潭村委会", "longtan", 0.8, 38, ["龙潭屯", "潭边屯"]),
            ("高峰村委会", "gaofeng", 10, 47, ["高峰屯", "峰下屯"]),
            ("水源村委会", "shuiyuan", 16, 53, ["水源屯", "源头屯"]),
            ("弄岗村委会", "nonggang", 22, 59, ["弄岗屯", "岗上屯"]),
        ],
    ),
]

SURNAMES = "韦黄覃陆蒙农梁李罗莫潘卢廖谢何胡杨刘陈周"
GIVEN = "建荣秀英志强美玲国华丽芳文明春兰海燕永福金凤德贵桂香家宝小红振东玉梅"


@dataclass
class Staff:
    county_supervisor: User
    administrator: User
    by_village: dict[int, dict[str, User]]
    by_township: dict[int, dict[str, User]]
    clerks: dict[tuple[int, str], User]

    @cached_property
    def agents_by_id(self) -> dict[int, User]:
        return {u.id: u for agents in self.by_village.values() for u in agents.values()}


def _name(seed: int) -> str:
    surname = SURNAMES[seed % len(SURNAMES)]
    given = GIVEN[(seed * 7) % len(GIVEN)] + GIVEN[(seed * 13 + 5) % len(GIVEN)]
    return surname + given


def _phone(seed: int) -> str:
    prefixes = ["138", "139", "150", "151", "158", "177", "186", "187", "188", "199"]
    return f"{prefixes[seed % len(prefixes)]}{(seed * 7919 + 1234567) % 100000000:08d}"


def _fare(km, per_km: str) -> Decimal:
    return max(Decimal(str(km)) * Decimal(per_km), Decimal(4)).quantize(Decimal(1))


def build_places() -> County:
    county = County.objects.create(code=COUNTY_CODE, name="云岭县")
    for kind, name in COUNTY_BUREAUS:
        Department.objects.create(
            county=county, level=Department.Level.COUNTY, kind=kind, name=name, phone="0776-6120000"
        )
    for suffix, township_name, _prefix, villages in TOWNSHIPS:
        township = Township.objects.create(
            county=county, code=f"{COUNTY_CODE[:6]}{suffix}000", name=township_name
        )
        ServiceCenter.objects.create(
            township=township,
            name=f"{township_name}便民服务中心",
            address=f"{township_name}人民政府一楼",
            phone=f"0776-61{suffix}88",
            hours="周一至周五 8:00-12:00，14:30-17:30",
        )
        for kind, name in TOWNSHIP_DEPARTMENTS:
            Department.objects.create(
                county=county,
                township=township,
                level=Department.Level.TOWNSHIP,
                kind=kind,
                name=f"{township_name}{name}",
                phone=f"0776-61{suffix}{len(kind):02d}",
            )
        for v, (village_name, _login, km_t, km_c, hamlets) in enumerate(villages, start=1):
            village = Village.objects.create(
                township=township,
                code=f"{township.code[:9]}{200 + v:03d}",
                name=village_name,
                station_address=f"{village_name}办公楼代办站",
                station_hours="每天 8:00-18:00，农忙时电话预约",
                station_phone=f"+86776{int(township.code[6:9]) % 10}62{v:04d}",
                station_equipment="办公桌椅、电脑、打印机、档案柜、群众休息长椅",
                station_allowance=1200,
                km_to_township=km_t,
                km_to_county=km_c,
                # Bus or motorbike-taxi fares, round trip; the last village of each township
                # is left without, to show the estimate from distance.
                fare_to_township=None if v == len(villages) else _fare(km_t, "1.2"),
                fare_to_county=None if v == len(villages) else _fare(km_c, "0.8"),
            )
            for h, hamlet_name in enumerate(hamlets, start=1):
                Hamlet.objects.create(
                    village=village, code=f"{village.code}{h:02d}", name=hamlet_name
                )
    return county


def build_staff(county: County) -> Staff:
    seed = 1000
    by_village: dict[int, dict[str, User]] = {}
    by_township: dict[int, dict[str, User]] = {}
    clerks: dict[tuple[int, str], User] = {}
    password_hash = make_password(DEMO_PASSWORD)

    def make(username, role, **place):
        nonlocal seed
        seed += 1
        return create_staff(
            username=username,
            password_hash=password_hash,
            display_name=_name(seed),
            role=role,
            work_phone=_phone(seed),
            **place,
        )

    for suffix, _township_name, prefix, villages in TOWNSHIPS:
        township = Township.objects.get(code=f"{COUNTY_CODE[:6]}{suffix}000")
        departments = {d.kind: d for d in township.departments.all()}
        by_township[township.id] = {
            "director": make(f"{prefix}_director", Role.CENTER_DIRECTOR, township=township),
            "leader": make(f"{prefix}_leader", Role.TOWNSHIP_LEADER, township=township),
            "township_agent": make(
                f"{prefix}_township_agent",
                Role.TOWNSHIP_AGENT,
                department=departments["civil_affairs"],
            ),
        }
        for kind, department in departments.items():
            clerks[(township.id, kind)] = make(
                f"{prefix}_{kind}", Role.DEPARTMENT_CLERK, department=department
            )
        for village_name, login, *_rest in villages:
            village = Village.objects.get(township=township, name=village_name)
            by_village[village.id] = {
                "agent": make(f"{login}_agent", Role.VILLAGE_AGENT, village=village),
                "petition_agent": make(f"{login}_petition", Role.PETITION_AGENT, village=village),
            }
    supervisor = make("county_supervisor", Role.COUNTY_SUPERVISOR, county=county)
    petition_bureau = make("county_petition", Role.PETITION_BUREAU, county=county)
    admin = make("admin", Role.ADMINISTRATOR)
    key = base64.b32decode(DEMO_TOTP_KEY).hex()
    for person in (supervisor, petition_bureau, admin):
        TOTPDevice.objects.create(user=person, name="demo", key=key, confirmed=True)
    return Staff(supervisor, admin, by_village, by_township, clerks)

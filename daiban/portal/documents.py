"""The village notice-board poster and the township's printed service guide (A4)."""

from django.conf import settings
from django.utils import timezone, translation
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Table

from daiban.catalog.models import ServiceItem
from daiban.documents.pdf import (
    cn_date,
    fields,
    gap,
    grid,
    markup,
    para,
    qr_image,
    render,
    styles,
)
from daiban.people.phone import national
from daiban.places.models import Township, Village
from daiban.portal import selectors


def village_url(village: Village) -> str:
    return f"{settings.DAIBAN_PUBLIC_URL.rstrip('/')}/village/{village.code}/"


def _phone(user) -> str:
    return user.work_phone_display if user else ""


def _station(village: Village) -> list[tuple[str, str]]:
    """The station's phone, equipment and yearly office allowance, where given."""
    rows = [
        ("代办站电话", national(village.station_phone) if village.station_phone else ""),
        ("办公设备", village.station_equipment),
        (
            "年度办公经费",
            f"{village.station_allowance} 元" if village.station_allowance is not None else "",
        ),
    ]
    return [(label, value) for label, value in rows if value]


def poster_pdf(village: Village) -> bytes:
    s = styles()
    big = s["title"].clone("big", fontSize=30, leading=40)
    huge = s["title"].clone("huge", fontSize=36, leading=46)
    people = selectors.agents_of(village)
    agent, petition = people["agent"], people["petition_agent"]
    center = getattr(village.township, "center", None)
    items = selectors.most_used_items(village.township)
    rows = [["常办事项", "自己跑", "找代办员"]] + [
        [item.name, f"{item.trips_without_agent} 趟", f"{item.trips_with_agent} 趟"]
        for item in items
    ]
    story = [
        para(f"{village.township.name}　{village.name}", s["subtitle"]),
        para("有事找代办员", big),
        para("只找一个人　只进一道门", s["title"]),
        para(f"村代办员　{agent.display_name if agent else '（待定）'}", big),
        para(_phone(agent), huge),
        gap(2),
        fields(
            [
                (
                    "信访代办员",
                    f"{petition.display_name}　{_phone(petition)}" if petition else "（待定）",
                ),
                ("代办站", village.station_address or village.name),
                ("服务时间", village.station_hours),
                *_station(village),
                ("便民服务中心", f"{center.address}　{center.phone}" if center else ""),
            ]
        ),
        gap(),
        grid(rows, [110, 30, 30]),
        gap(),
        Table(
            [
                [
                    qr_image(village_url(village), 40),
                    para(
                        "手机扫一扫，查看办事指南、代办员电话和办理进度。代办不收任何费用。",
                        s["body"],
                    ),
                ]
            ],
            colWidths=[46 * mm, None],
        ),
    ]
    return render(story, f"{village.name}代办服务公示")


def _item_block(item: ServiceItem, s) -> KeepTogether:
    materials = "；".join(
        f"{m.name}（{m.get_kind_display()}{m.count}份{'' if m.required else '，如有'}）"
        for m in item.materials.all()
    )
    proxy = "可以代办" if item.proxy_allowed else f"须本人到场：{item.in_person_note}"
    rows = [
        ("办理条件", item.conditions),
        ("申请材料", materials),
        ("办理时限", f"承诺 {item.promised_days} 个工作日（法定 {item.statutory_days} 个工作日）"),
        ("收费", item.fee),
        ("能否代办", proxy),
        ("跑动次数", f"自己办 {item.trips_without_agent} 趟，找代办员 {item.trips_with_agent} 趟"),
        ("办理地点", item.location or "乡镇便民服务中心"),
        ("办理依据", item.legal_basis),
    ]
    return KeepTogether(
        [
            para(markup("<b>{code}　{name}</b>", code=item.code, name=item.name), s["body"]),
            fields(rows),
            gap(3),
        ]
    )


def booklet_pdf(township: Township) -> bytes:
    with translation.override("zh-hans"):
        return _booklet(township)


def _booklet(township: Township) -> bytes:
    s = styles()
    center = getattr(township, "center", None)
    story = [
        gap(40),
        para(township.name, s["title"]),
        para("群众事务代办　办事指南", s["title"].clone("cover", fontSize=28, leading=38)),
        para(
            f"{center.name}　{center.address}　电话 {center.phone}" if center else "", s["subtitle"]
        ),
        para(f"{cn_date(timezone.localdate())}印", s["subtitle"]),
        PageBreak(),
        para("各村代办员", s["title"]),
    ]
    rows = [["村委会", "村代办员", "电话", "信访代办员", "电话"]]
    for village in township.villages.order_by("code"):
        people = selectors.agents_of(village)
        agent, petition = people["agent"], people["petition_agent"]
        rows.append(
            [
                village.name,
                agent.display_name if agent else "",
                _phone(agent),
                petition.display_name if petition else "",
                _phone(petition),
            ]
        )
    story += [grid(rows, [36, 28, 36, 30, 40]), PageBreak()]
    for label, items in selectors.guide_groups(county=township.county_id):
        story.append(para(label, s["title"].clone("group", fontSize=16, leading=24, alignment=0)))
        for item in items:
            story.append(_item_block(item, s))
    return render(story, f"{township.name}办事指南")


def notice_poster(notice, size: str, today) -> bytes:
    """A published notice for the village notice board (公开栏), A4 or A3, with the public
    figures of the month of its township (or of each township of the county). Every
    written word goes through `para` (escaped)."""
    from reportlab.lib.pagesizes import A3, A4

    s = styles()
    scale = 1.4 if size == "A3" else 1.0
    headline = s["title"].clone("headline", fontSize=26 * scale, leading=36 * scale)
    body = s["body"].clone("poster_body", fontSize=13 * scale, leading=22 * scale)
    kind = "典型案例" if notice.kind == "story" else "公告"
    issuer = notice.township.name if notice.township_id else notice.county.name
    shown = [
        f
        for f in selectors.public_figures(today)
        if (f.township.pk == notice.township_id)
        or (notice.township_id is None and f.township.county_id == notice.county_id)
    ]
    rows = [["乡镇", "本月受理", "本年办结", "按时办结率", "满意率"]] + [
        [
            f.township.name,
            str(f.month["accepted"]),
            str(f.year["finished"]),
            "—" if f.year["on_time_rate"] is None else f"{f.year['on_time_rate']}%",
            "—" if f.year["satisfaction_rate"] is None else f"{f.year['satisfaction_rate']}%",
        ]
        for f in shown
    ]
    story = [
        para(f"{issuer}　{kind}", s["subtitle"]),
        para(notice.title, headline),
        gap(4),
        para(notice.body, body),
        gap(8),
        para(f"{today.year}年{today.month}月代办服务公开数据（不含信访）", body),
        grid(rows, [w * (1.41 if size == "A3" else 1) for w in (40, 30, 30, 35, 30)]),
        gap(6),
        para(f"{issuer}　{cn_date(notice.published_at)}", s["right"]),
    ]
    return render(story, f"{kind} {notice.title}", A3 if size == "A3" else A4)

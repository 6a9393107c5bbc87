"""The printed papers of a case, in Chinese, on A4."""

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Table, TableStyle

from daiban.cases.models import Case, HandoverBatch, SupplementNotice
from daiban.cases.selectors import tracking_url
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
from daiban.workdays.calendar import WorkCalendar


def _center(case: Case):
    return getattr(case.township, "center", None)


def _phone(value: str) -> str:
    return national(value) if value.startswith("+") else value


def _agent_line(case: Case) -> str:
    agent = case.agent
    phone = _phone(agent.work_phone) if agent.work_phone else ""
    return f"{agent.display_name}　{phone}".strip()


def _office(case: Case) -> str:
    """The issuing office: the township's service center (or the township)."""
    center = _center(case)
    return center.name if center else case.township.name


def _heading(case: Case, title: str, number: str = "") -> list:
    s = styles()
    story = [para(_office(case), s["subtitle"]), para(title, s["title"])]
    if number:
        story.append(para(f"编号：{number}", s["number"]))
    return story


def paper_number(kind: str, case: Case, serial: int | None = None) -> str:
    """A paper's own number: its kind, the case's number (or id), and a serial when a case
    has several papers of the kind. 委托书 WT-459901101-2026-00001."""
    base = f"{kind}-{case.number or f'0-{case.pk:06d}'}"
    return f"{base}-{serial}" if serial else base


def _signatures(*labels: str) -> Table:
    """Signature lines, each with the date it is signed on."""
    s = styles()
    row = [
        para(f"{label}：＿＿＿＿＿＿＿＿\n日期：＿＿＿＿年＿＿月＿＿日", s["body"])
        for label in labels
    ]
    table = Table([row])
    table.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 14)]))
    return table


def supervision_phone() -> str:
    return getattr(settings, "DAIBAN_SUPERVISION_PHONE", "") or "12345"


def _footer(case: Case, on=None) -> list:
    """Every paper ends with the supervision hotline, the issuing office with the date,
    and a box where its seal goes (盖章处), kept together on one page."""
    s = styles()
    office = _office(case)
    box = Table([[para("（盖章处）", s["seal"])]], colWidths=[36 * mm], rowHeights=[26 * mm])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.5, colors.grey, None, (2, 2)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    hotline = para(
        f"监督电话：{supervision_phone()}\n对代办服务有意见，可拨打监督电话或向{office}反映。",
        s["small"],
    )
    signed = para(f"{office}\n{cn_date(on) if on else '＿＿＿＿年＿＿月＿＿日'}", s["right"])
    table = Table([[hotline, signed, box]], colWidths=[None, 62 * mm, 40 * mm])
    table.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (0, -1), 0)])
    )
    return [gap(4), KeepTogether([table])]


def _authority(case: Case) -> str:
    """Who decides: the county bureau for a county-approved item, else the township's
    department."""
    from daiban.places.models import Department

    item = case.item
    if item.decided_by == "county" and item.county_department_kind:
        found = Department.objects.filter(
            county_id=case.township.county_id,
            level=Department.Level.COUNTY,
            kind=item.county_department_kind,
        ).first()
    else:
        found = Department.objects.filter(
            township_id=case.township_id, kind=item.department_kind
        ).first()
    return found.name if found else ""


def _time_limit(case: Case) -> str:
    item = case.item
    return f"承诺{item.promised_days}个工作日办结（法定{item.statutory_days}个工作日）"


def _address(case: Case) -> str:
    hamlet = case.resident.hamlet.name if case.resident.hamlet_id else ""
    return f"{case.township.name}{case.village.name}{hamlet}"


def receipt(case: Case) -> bytes:
    """受理回执: what the resident keeps to follow the case."""
    s = styles()
    center = _center(case)
    where = case.village.name + (f"{case.resident.hamlet.name}" if case.resident.hamlet_id else "")
    details = fields(
        [
            ("受理编号", case.number),
            ("查询码", case.tracking_code),
            ("代办事项", case.item.name),
            ("申请人", case.resident.name),
            ("身份证号", case.resident.id_number_masked),
            ("住址", where),
            ("受理日期", cn_date(case.accepted_at)),
            ("审批机关", _authority(case)),
            ("办理时限", _time_limit(case)),
            ("承诺办结日期", cn_date(case.due_date)),
            ("代办员", _agent_line(case)),
            ("服务中心电话", center.phone if center else ""),
        ]
    )
    rows = [["已收材料", "原件/复印件", "份数"]]
    for line in case.checklist.all():
        if line.originals:
            rows.append([line.name, "原件", str(line.originals)])
        if line.copies:
            rows.append([line.name, "复印件", str(line.copies)])
    url = tracking_url(case)
    qr = Table(
        [
            [
                qr_image(url),
                para(
                    markup(
                        "扫描二维码，或打开 {url} 输入查询码 <b>{code}</b> "
                        "和手机号后四位，随时查询办理进度。原件由代办员保管并随办理结果一并退还。",
                        url=url.split("?")[0],
                        code=case.tracking_code,
                    ),
                    s["body"],
                ),
            ]
        ],
        colWidths=[40 * mm, None],
    )
    story = [
        *_heading(case, "群众事务代办受理回执"),
        details,
        gap(),
        grid(rows, [100, 40, 30]),
        gap(),
        qr,
        gap(6),
        _signatures("代办员", "申请人"),
        *_footer(case, case.accepted_at),
    ]
    return render(story, f"受理回执 {case.number}")


def entrustment(case: Case, id_number: str | None = None) -> bytes:
    """委托书: the resident entrusts the agent with this one affair. The ID number is masked
    unless the caller revealed it (documents.views.entrustment records that)."""
    s = styles()
    resident, agent = case.resident, case.agent
    text = markup(
        "本人<b>{resident}</b>（身份证号{id_number}，住{village}），"
        "自愿委托本村代办员<b>{agent}</b>代为办理“<b>{item}</b>”事项，"
        "包括代为递交申请材料、代为领取办理结果和退还的原件。委托期限自签字之日起至该事项办结为止。"
        "代办员不得收取任何费用。",
        resident=resident.name,
        id_number=id_number or resident.id_number_masked,
        village=_address(case),
        agent=agent.display_name,
        item=case.item.name,
    )
    signed = getattr(case, "entrustment", None)  # None before the villager signs
    story = [
        *_heading(case, "群众事务代办委托书", paper_number("WT", case)),
        para(text, s["body"]),
        gap(6),
        fields(
            [
                ("委托人", resident.name),
                ("委托人住址", _address(case)),
                ("受托人（代办员）", _agent_line(case)),
                ("委托事项", case.item.name),
                ("受理编号", case.number or "（受理后填写）"),
            ]
        ),
        gap(10),
        _signatures("委托人签字（按手印）", "代办员签字"),
        gap(4),
        para(f"签订日期：{cn_date(signed.signed_on)}" if signed else "", s["body"]),
        *_footer(case, signed.signed_on if signed else None),
    ]
    return render(story, f"委托书 {case.item.name}")


def supplement_notice(notice: SupplementNotice) -> bytes:
    """一次性告知书: every missing material, once."""
    s = styles()
    case = notice.case
    rows = [["序号", "需补齐的材料", "说明"]]
    for i, item in enumerate(notice.missing, start=1):
        rows.append([str(i), item["name"], item.get("note", "")])
    if notice.note:
        rows.append([str(len(rows)), notice.note, ""])
    pause = "补齐材料前，办理时限暂停计算。" if notice.pauses_clock else ""
    bring_by = WorkCalendar.load().add(
        timezone.localdate(notice.issued_at), settings.DAIBAN_SUPPLEMENT_WORKING_DAYS
    )
    center = _center(case)
    story = [
        *_heading(case, "一次性告知书", paper_number("GZ", case, notice.pk)),
        para(
            markup(
                "<b>{resident}</b>：您申请办理的“<b>{item}</b>”事项，"
                "经审查，还需补齐下列材料。现一次性告知如下，请于<b>{bring_by}</b>前补齐后"
                "交本村代办员。{pause}",
                resident=case.resident.name,
                item=case.item.name,
                bring_by=cn_date(bring_by),
                pause=pause,
            ),
            s["body"],
        ),
        gap(),
        grid(rows, [16, 90, 64]),
        gap(),
        fields(
            [
                ("受理编号", case.number or "（尚未受理）"),
                ("告知日期", cn_date(notice.issued_at)),
                ("补齐期限", cn_date(bring_by)),
                ("告知人", notice.issued_by.display_name),
                ("代办员", _agent_line(case)),
                ("服务中心电话", center.phone if center else ""),
            ]
        ),
        gap(8),
        _signatures("告知人", "申请人"),
        *_footer(case, notice.issued_at),
    ]
    return render(story, f"一次性告知书 {case.item.name}")


def refusal_notice(case: Case) -> bytes:
    """不予受理告知书, with the stated reason."""
    s = styles()
    center = _center(case)
    refused = case.events.filter(action="refused").select_related("actor").last()
    story = [
        *_heading(case, "不予受理告知书", paper_number("BY", case)),
        para(
            markup(
                "<b>{resident}</b>：您申请代办的“<b>{item}</b>”事项，"
                "经审查，决定不予受理。理由如下：",
                resident=case.resident.name,
                item=case.item.name,
            ),
            s["body"],
        ),
        gap(),
        grid([[case.refusal_reason]], [170], header=False),
        gap(),
        para(
            "如对本决定有异议，可向"
            f"{center.name if center else case.township.name}反映"
            f"{'（电话 ' + center.phone + '）' if center and center.phone else ''}。",
            s["body"],
        ),
        gap(),
        fields(
            [
                ("告知日期", cn_date(refused.at if refused else case.ended_at)),
                ("经办人", refused.actor.display_name if refused else ""),
            ]
        ),
        gap(8),
        _signatures("经办人", "申请人"),
        *_footer(case, refused.at if refused else case.ended_at),
    ]
    return render(story, f"不予受理告知书 {case.item.name}")


def _date_time(at) -> str:
    if at is None:
        return ""
    local = timezone.localtime(at)
    return f"{cn_date(local)} {local:%H:%M}"


def handover_list(batch: HandoverBatch) -> bytes:
    """材料交接单 for a batch of files taken to the center together."""
    s = styles()
    hops = list(
        batch.hops.select_related("case", "case__item", "case__resident", "holder_department")
        .prefetch_related("hop_papers__paper")
        .order_by("case__number")
    )
    rows = [["序号", "受理编号", "事项", "申请人", "接收部门", "随附原件"]]
    for i, hop in enumerate(hops, start=1):
        papers = (
            "、".join(f"{hp.paper.name}×{hp.paper.count}" for hp in hop.hop_papers.all()) or "无"
        )
        rows.append(
            [
                str(i),
                hop.case.number,
                hop.case.item.name,
                hop.case.resident.name,
                str(hop.holder),
                papers,
            ]
        )
    first = hops[0].case if hops else None
    story = [
        para(_center(first).name if first and _center(first) else "", s["subtitle"]),
        para("代办材料交接单", s["title"]),
        fields(
            [
                ("交接单号", f"JJ-{batch.pk:06d}"),
                ("移交人", f"{batch.sent_by.display_name}（{batch.sent_by.village or ''}代办员）"),
                ("移交时间", _date_time(batch.sent_at)),
                ("件数", f"{len(hops)}件"),
            ]
        ),
        gap(),
        grid(rows, [10, 46, 32, 18, 28, 36]),
        gap(8),
        _signatures("移交人", "接收人"),
        *(_footer(first, batch.sent_at) if first else []),
    ]
    return render(story, f"交接单 JJ-{batch.pk:06d}")


def delivery_receipt(case: Case) -> bytes:
    """送达回证: the villager signs for the result the agent brings back."""
    s = styles()
    outcome = {"granted": "准予", "denied": "不予"}.get(case.outcome, "")
    details = "，".join(
        x for x in (outcome, case.outcome_document and f"文号{case.outcome_document}") if x
    )
    document = f"办理结果（{details}）" if details else "办理结果"
    returned = "、".join(f"{p.name}×{p.count}" for p in case.papers.all()) or "无"
    story = [
        *_heading(case, "送达回证", paper_number("SD", case)),
        fields(
            [
                ("受理编号", case.number or ""),
                ("代办事项", case.item.name),
                ("送达文书", document),
                ("退还原件", returned),
                ("受送达人", case.resident.name),
                ("送达地点", _address(case)),
                ("送达人（代办员）", _agent_line(case)),
                ("送达时间", _date_time(case.replied_at)),
            ]
        ),
        gap(),
        para(
            "以上文书和原件已当面送达。受送达人对办理结果有异议的，可在收到之日起依法申请"
            "复议或提起诉讼；对代办服务不满意的，可拨打监督电话。",
            s["body"],
        ),
        gap(8),
        _signatures("受送达人签收", "送达人"),
        *_footer(case, case.replied_at),
    ]
    return render(story, f"送达回证 {case.number or case.pk}")


def petition_notice(case: Case) -> bytes:
    """信访事项受理告知书 or 不予受理告知书: the written decision the petitioner is given
    within 15 days of the petition's receipt (cases/petitions.py)."""
    from daiban.cases.petitions import HANDLING_DAYS, handling_due

    s = styles()
    decided = case.events.filter(action="petition_decided").select_related("actor").last()
    office = (decided.data.get("by") if decided else "") or _office(case)
    accepted = case.petition_decision == "accepted"
    title = "信访事项受理告知书" if accepted else "信访事项不予受理告知书"
    opening = (
        "<b>{resident}</b>：您于{received}通过本村信访代办员提出的信访事项（登记编号 {number}），"
        "{office}已收悉。经审查，"
    )
    values = {
        "resident": case.resident.name,
        "received": cn_date(case.accepted_at),
        "number": case.number or "",
        "office": office,
    }
    if accepted:
        body = [
            para(
                markup(
                    opening + "符合受理条件，决定予以受理。本机关将自受理之日起{days}日内"
                    "（{due}前）办结，并将处理意见书面答复您。",
                    days=HANDLING_DAYS,
                    due=cn_date(handling_due(case)),
                    **values,
                ),
                s["body"],
            ),
        ]
    else:
        body = [
            para(markup(opening + "决定不予受理。理由如下：", **values), s["body"]),
            gap(),
            grid([[case.outcome_reason]], [170], header=False),
            gap(),
            para(
                "您可以依照法律、法规规定的途径向有关机关提出，或者向上一级信访工作机构反映。",
                s["body"],
            ),
        ]
    story = [
        *_heading(case, title, paper_number("XS" if accepted else "XB", case)),
        *body,
        gap(),
        fields(
            [
                ("决定日期", cn_date(case.petition_decided_at)),
                ("承办机构", office),
                ("经办人", decided.actor.display_name if decided and decided.actor else ""),
            ]
        ),
        gap(8),
        _signatures("经办人", "信访人签收"),
        *_footer(case, case.petition_decided_at),
    ]
    return render(story, f"{title} {case.number or case.pk}")


def complaint_receipt(complaint) -> bytes:
    """投诉受理回执: the complaint's reference number and when the answer is due."""
    s = styles()
    case = complaint.case
    answer_due = (
        complaint.supervisions.order_by("level").values_list("answer_due", flat=True).first()
    )
    story = [
        *_heading(case, "投诉受理回执", complaint.number or ""),
        fields(
            [
                ("投诉编号", complaint.number or ""),
                ("受理编号", case.number or ""),
                ("代办事项", case.item.name),
                ("投诉人", case.resident.name),
                ("投诉内容", complaint.text),
                ("收到时间", _date_time(complaint.created_at)),
                ("答复期限", cn_date(answer_due)),
            ]
        ),
        gap(),
        para(
            f"您的投诉已收到，{_office(case)}将在答复期限前书面答复，答复也会以短信告知。"
            "请凭投诉编号查询或反映。",
            s["body"],
        ),
        *_footer(case, complaint.created_at),
    ]
    return render(story, f"投诉受理回执 {complaint.number or complaint.pk}")

"""The printed papers of a case, in Chinese, on A4."""

from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle

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


def _center(case: Case):
    return getattr(case.township, "center", None)


def _phone(value: str) -> str:
    return national(value) if value.startswith("+") else value


def _agent_line(case: Case) -> str:
    agent = case.agent
    phone = _phone(agent.work_phone) if agent.work_phone else ""
    return f"{agent.display_name}　{phone}".strip()


def _heading(case: Case, title: str) -> list:
    s = styles()
    center = _center(case)
    return [
        para(center.name if center else case.township.name, s["subtitle"]),
        para(title, s["title"]),
    ]


def _signatures(*labels: str) -> Table:
    s = styles()
    table = Table([[para(f"{label}：＿＿＿＿＿＿＿＿", s["body"]) for label in labels]])
    table.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 14)]))
    return table


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
    ]
    return render(story, f"受理回执 {case.number}")


def entrustment(case: Case) -> bytes:
    """委托书: the resident entrusts the agent with this one affair."""
    s = styles()
    resident, agent = case.resident, case.agent
    text = markup(
        "本人 <b>{resident}</b>（身份证号 {id_number}，住 {village}），"
        "自愿委托本村代办员 <b>{agent}</b> 代为办理 <b>{item}</b> 事项，"
        "包括代为递交申请材料、代为领取办理结果和退还的原件。委托期限自签字之日起至该事项办结为止。"
        "代办员不得收取任何费用。",
        resident=resident.name,
        id_number=resident.id_number_masked,
        village=case.village.name,
        agent=agent.display_name,
        item=case.item.name,
    )
    story = [
        *_heading(case, "群众事务代办委托书"),
        para(text, s["body"]),
        gap(6),
        fields(
            [
                ("委托人", resident.name),
                ("受托人（代办员）", _agent_line(case)),
                ("委托事项", case.item.name),
                ("受理编号", case.number or "（受理后填写）"),
            ]
        ),
        gap(10),
        _signatures("委托人签字（按手印）", "代办员签字"),
        gap(4),
        para("日期：　　　　年　　月　　日", s["body"]),
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
    story = [
        *_heading(case, "一次性告知书"),
        para(
            markup(
                "<b>{resident}</b>：您申请办理的 <b>{item}</b> 事项，"
                "经审查，还需补齐下列材料。现一次性告知如下，请补齐后交本村代办员。{pause}",
                resident=case.resident.name,
                item=case.item.name,
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
                ("告知人", notice.issued_by.display_name),
                ("代办员", _agent_line(case)),
            ]
        ),
        gap(8),
        _signatures("告知人", "申请人"),
    ]
    return render(story, f"一次性告知书 {case.item.name}")


def refusal_notice(case: Case) -> bytes:
    """不予受理告知书, with the stated reason."""
    s = styles()
    center = _center(case)
    refused = case.events.filter(action="refused").select_related("actor").last()
    story = [
        *_heading(case, "不予受理告知书"),
        para(
            markup(
                "<b>{resident}</b>：您申请代办的 <b>{item}</b> 事项，"
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
    ]
    return render(story, f"不予受理告知书 {case.item.name}")


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
                ("移交时间", cn_date(batch.sent_at)),
                ("件数", f"{len(hops)} 件"),
            ]
        ),
        gap(),
        grid(rows, [10, 46, 32, 18, 28, 36]),
        gap(8),
        _signatures("移交人", "接收人"),
    ]
    return render(story, f"交接单 JJ-{batch.pk:06d}")

"""Writes of supervision: each records itself on the case's history through the lifecycle."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daiban.cases import lifecycle
from daiban.cases.models import Case, Event, Rating
from daiban.cases.scoping import visible_cases
from daiban.cases.selectors import open_hop
from daiban.cases.steps import EXTENDABLE
from daiban.core.dates import cn_date
from daiban.core.errors import Forbidden, Invalid, NotAllowed
from daiban.notifications import services as sms
from daiban.people.models import Role, User
from daiban.supervision.models import (
    Alert,
    Appeal,
    Complaint,
    Extension,
    Rectification,
    Supervision,
)
from daiban.supervision.people import chain_for, person_for
from daiban.workdays.calendar import WorkCalendar

REVIEWERS = (Role.CENTER_DIRECTOR, Role.TOWNSHIP_LEADER, Role.COUNTY_SUPERVISOR, Role.ADMINISTRATOR)


def _staff_sms(key, template, user, case, **extra):
    if user and user.work_phone:
        sms.queue(
            key=key,
            template=template,
            to=user.work_phone,
            case=case,
            **{**sms.case_values(case), **extra},
        )


def _reviewer(actor: User, case: Case) -> None:
    if actor.role not in REVIEWERS or not visible_cases(actor).filter(pk=case.pk).exists():
        raise Forbidden(_("Only the center director or a leader above may decide this."))


def next_level(case: Case, level: int) -> tuple[int, User] | None:
    """The first level from `level` up with someone in post who may open the case."""
    chain = chain_for(case)
    hop = open_hop(case)
    while level <= len(chain):
        assignee = person_for(chain[level - 1], case, hop)
        if assignee is not None:
            return level, assignee
        level += 1
    return None


def open_supervision(
    case: Case,
    *,
    level: int,
    today: datetime.date,
    alert: Alert | None = None,
    complaint: Complaint | None = None,
) -> Supervision | None:
    """Open the item at `level` of the case's chain (the first level with someone in post
    who may open the case)."""
    chain = chain_for(case)
    found = next_level(case, level)
    if found is None:
        return None
    level, assignee = found
    answer_due = WorkCalendar.load().add(today, settings.DAIBAN_ANSWER_DAYS)
    try:
        with transaction.atomic():
            supervision = Supervision.objects.create(
                case=case,
                alert=alert,
                complaint=complaint,
                level=level,
                role=chain[level - 1],
                assignee=assignee,
                opened_on=today,
                answer_due=answer_due,
            )
    except IntegrityError:
        return None  # opened already, by an earlier run of the same sweep
    action = (
        Event.Action.SUPERVISION_OPENED
        if level == 1 or complaint
        else Event.Action.SUPERVISION_ESCALATED
    )
    lifecycle.note(
        case.pk,
        actor=None,
        action=action,
        text=_("Supervision level %(level)d: %(who)s must answer by %(date)s.")
        % {"level": level, "who": assignee, "date": answer_due},
        data={"supervision": supervision.pk, "level": level},
    )
    template = "staff_complaint" if complaint else "staff_supervision"
    _staff_sms(
        f"supervision:{supervision.pk}", template, assignee, case, answer_due=answer_due.isoformat()
    )
    return supervision


def answer(supervision: Supervision, *, actor: User, text: str) -> Supervision:
    text = (text or "").strip()
    if actor.id != supervision.assignee_id and actor.role != Role.ADMINISTRATOR:
        raise Forbidden(_("Only %(who)s answers this supervision.") % {"who": supervision.assignee})
    if supervision.status != Supervision.Status.OPEN:
        raise NotAllowed(_("This supervision is no longer waiting for an answer."))
    if len(text) < 4:
        raise Invalid(
            _("Answer in writing: what happened and what you will do."), {"text": [_("Too short.")]}
        )
    updated = Supervision.objects.filter(pk=supervision.pk, status=Supervision.Status.OPEN).update(
        status=Supervision.Status.ANSWERED, answer=text, answered_at=timezone.now()
    )
    if not updated:
        raise NotAllowed(_("This supervision is no longer waiting for an answer."))
    lifecycle.note(
        supervision.case_id,
        actor=actor,
        action=Event.Action.SUPERVISION_ANSWERED,
        text=text,
        data={"supervision": supervision.pk},
    )
    if supervision.complaint_id:
        _answer_complaint(supervision, actor, text)
    supervision.refresh_from_db()
    return supervision


def close_supervision(supervision: Supervision, *, actor: User, note: str) -> Supervision:
    _reviewer(actor, supervision.case)
    if supervision.status in (Supervision.Status.CLOSED, Supervision.Status.ESCALATED):
        raise NotAllowed(_("This supervision is already closed."))
    note = (note or "").strip()
    if not note:
        raise Invalid(_("Say why it is closed."), {"note": [_("Say why it is closed.")]})
    Supervision.objects.filter(pk=supervision.pk).update(
        status=Supervision.Status.CLOSED,
        closed_by=actor,
        closed_at=timezone.now(),
        closing_note=note,
    )
    lifecycle.note(
        supervision.case_id,
        actor=actor,
        action=Event.Action.SUPERVISION_CLOSED,
        text=note,
        data={"supervision": supervision.pk},
    )
    supervision.refresh_from_db()
    return supervision


def request_extension(case: Case, *, actor: User, days: int, reason: str) -> Extension:
    reason = (reason or "").strip()
    hop = open_hop(case)
    from daiban.cases import rules

    if not (actor.id == case.agent_id or (hop and rules.holds(actor, hop, case.township_id))):
        raise Forbidden(_("The file's holder or the case's agent asks for an extension."))
    if not 1 <= days <= 30:
        raise Invalid(_("An extension is 1 to 30 working days."), {"days": [_("1 to 30.")]})
    if len(reason) < 4:
        raise Invalid(_("Give the reason for the extension."), {"reason": [_("Give the reason.")]})
    if case.due_date is None or case.state not in EXTENDABLE:
        raise NotAllowed(_("Only a case being processed can be extended."))
    extension = Extension.objects.create(
        case=case, days=days, reason=reason, requested_by=actor, requested_at=timezone.now()
    )
    lifecycle.note(
        case.pk,
        actor=actor,
        action=Event.Action.EXTENSION_REQUESTED,
        text=reason,
        data={"extension": extension.pk, "days": days},
    )
    return extension


def decide_extension(extension: Extension, *, actor: User, approve: bool) -> Extension:
    case = extension.case
    _reviewer(actor, case)
    if actor.id == extension.requested_by_id:
        raise Forbidden(_("Someone other than the requester approves an extension."))
    with transaction.atomic():
        updated = Extension.objects.filter(pk=extension.pk, status=Extension.Status.PENDING).update(
            status=Extension.Status.APPROVED if approve else Extension.Status.REFUSED,
            decided_by=actor,
            decided_at=timezone.now(),
        )
        if not updated:
            raise NotAllowed(_("This extension has been decided already."))
        fields = {}
        if approve:
            fields["due_date"] = WorkCalendar.load().add(case.due_date, extension.days)
            Supervision.objects.filter(case=case, status=Supervision.Status.OPEN).update(
                status=Supervision.Status.CLOSED,
                closed_by=actor,
                closed_at=timezone.now(),
                closing_note=_("New deadline approved."),
            )
        lifecycle.note(
            case.pk,
            actor=actor,
            action=Event.Action.EXTENSION_DECIDED,
            text=extension.reason,
            data={"extension": extension.pk, "approved": approve, "days": extension.days},
            **fields,
        )
    extension.refresh_from_db()
    return extension


def file_complaint(case: Case, *, about: str, text: str) -> Complaint:
    text = (text or "").strip()
    if about not in Complaint.About.values:
        raise Invalid(_("Say what the complaint is about."), {"about": [_("Choose one.")]})
    if len(text) < 4:
        raise Invalid(_("Write what went wrong."), {"text": [_("Write what went wrong.")]})
    today = timezone.localdate()
    with transaction.atomic():
        complaint = Complaint.objects.create(case=case, about=about, text=text[:2000])
        complaint.number = f"TS{today:%Y%m%d}-{complaint.pk:05d}"
        complaint.save(update_fields=["number"])
        lifecycle.note(
            case.pk,
            actor=None,
            action=Event.Action.COMPLAINT,
            text=f"{complaint.number} {text[:2000]}",
            data={"about": about, "complaint": complaint.pk, "number": complaint.number},
        )
        level = chain_for(case).index(Role.CENTER_DIRECTOR) + 1
        supervision = open_supervision(case, level=level, today=today, complaint=complaint)
        due = (
            supervision.answer_due
            if supervision
            else WorkCalendar.load().add(today, settings.DAIBAN_ANSWER_DAYS)
        )
        _resident_sms(
            f"complaint:{complaint.pk}",
            "complaint_received",
            case,
            reference=complaint.number,
            answer_due=cn_date(due),
        )
    return complaint


def _answer_complaint(supervision: Supervision, actor: User, text: str) -> None:
    """The first written answer up a complaint's chain is the resident's answer: kept on
    the complaint, shown on the tracking page and texted to the resident."""
    answered = Complaint.objects.filter(pk=supervision.complaint_id, answered_at=None).update(
        answer=text, answered_at=timezone.now(), answered_by=actor
    )
    if not answered:
        return
    complaint = Complaint.objects.select_related("case__item", "case__resident").get(
        pk=supervision.complaint_id
    )
    _resident_sms(
        f"complaint-answer:{complaint.pk}",
        "complaint_answered",
        complaint.case,
        reference=complaint.number,
        answer=_short(text, SMS_ANSWER_CHARS),
    )


SMS_ANSWER_CHARS = 60


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _resident_sms(key: str, template: str, case: Case, **values) -> None:
    sms.queue(
        key=key,
        template=template,
        to=sms.resident_phone(case),
        case=case,
        **{**sms.case_values(case), **values},
    )


def open_rectification_for_rating(case: Case) -> Rectification | None:
    rating = Rating.objects.filter(case=case, void=False).first()
    if rating is None or not rating.is_bad:
        return None
    owner = person_for(Role.CENTER_DIRECTOR, case, None) or case.agent
    today = timezone.localdate()
    due = WorkCalendar.load().add(today, settings.DAIBAN_RECTIFICATION_DAYS)
    rectification, created = Rectification.objects.get_or_create(
        rating=rating, defaults={"case": case, "owner": owner, "opened_on": today, "due_date": due}
    )
    if created:
        lifecycle.note(
            case.pk,
            actor=None,
            action=Event.Action.RECTIFICATION_OPENED,
            text=_("Rated %(level)s: %(owner)s rectifies by %(date)s.")
            % {"level": rating.get_level_display(), "owner": owner, "date": due},
            data={"rectification": rectification.pk},
        )
        _staff_sms(
            f"rectification:{rectification.pk}",
            "staff_rectification",
            owner,
            case,
            due=due.isoformat(),
        )
    return rectification


def close_rectification(
    rectification: Rectification,
    *,
    actor: User,
    result: str,
    recontacted: bool,
    recontact_note: str,
) -> Rectification:
    if actor.id != rectification.owner_id:
        _reviewer(actor, rectification.case)
    if rectification.status != Rectification.Status.OPEN:
        raise NotAllowed(_("This rectification is not open."))
    errors = {}
    if len((result or "").strip()) < 4:
        errors["result"] = [_("Write what was done.")]
    if not recontacted or len((recontact_note or "").strip()) < 2:
        errors["recontact_note"] = [_("Contact the resident again and note what they said.")]
    if errors:
        raise Invalid(
            _("A rectification closes with a written result and the resident contacted again."),
            errors,
        )
    Rectification.objects.filter(pk=rectification.pk).update(
        status=Rectification.Status.CLOSED,
        result=result.strip(),
        recontacted=True,
        recontact_note=recontact_note.strip(),
        closed_at=timezone.now(),
    )
    lifecycle.note(
        rectification.case_id,
        actor=actor,
        action=Event.Action.RECTIFICATION_CLOSED,
        text=result.strip(),
        data={"rectification": rectification.pk},
    )
    rectification.refresh_from_db()
    return rectification


def file_appeal(rating: Rating, *, actor: User, reason: str) -> Appeal:
    case = rating.case
    if actor.id != case.agent_id and actor.role not in REVIEWERS:
        raise Forbidden(_("The case's agent appeals a rating."))
    if rating.void:
        raise NotAllowed(_("This rating was already set aside."))
    if len((reason or "").strip()) < 4:
        raise Invalid(_("Say why the rating is mistaken."), {"reason": [_("Say why.")]})
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                rating=rating, filed_by=actor, reason=reason.strip(), filed_at=timezone.now()
            )
    except IntegrityError:
        raise NotAllowed(_("This rating has been appealed already.")) from None
    lifecycle.note(
        case.pk,
        actor=actor,
        action=Event.Action.APPEAL_FILED,
        text=reason.strip(),
        data={"appeal": appeal.pk},
    )
    return appeal


def decide_appeal(appeal: Appeal, *, actor: User, overturn: bool, decision: str) -> Appeal:
    rating = appeal.rating
    _reviewer(actor, rating.case)
    if actor.id == appeal.filed_by_id:
        raise Forbidden(_("Someone other than the appellant reviews the appeal."))
    if len((decision or "").strip()) < 4:
        raise Invalid(
            _("Write the reasons for the decision."), {"decision": [_("Write the reasons.")]}
        )
    with transaction.atomic():
        updated = Appeal.objects.filter(pk=appeal.pk, status=Appeal.Status.PENDING).update(
            status=Appeal.Status.OVERTURNED if overturn else Appeal.Status.UPHELD,
            decided_by=actor,
            decided_at=timezone.now(),
            decision=decision.strip(),
        )
        if not updated:
            raise NotAllowed(_("This appeal has been decided already."))
        if overturn:
            Rating.objects.filter(pk=rating.pk).update(void=True)
            Rectification.objects.filter(rating=rating, status=Rectification.Status.OPEN).update(
                status=Rectification.Status.SET_ASIDE, closed_at=timezone.now()
            )
        lifecycle.note(
            rating.case_id,
            actor=actor,
            action=Event.Action.APPEAL_DECIDED,
            text=decision.strip(),
            data={"appeal": appeal.pk, "overturned": overturn},
        )
    appeal.refresh_from_db()
    return appeal

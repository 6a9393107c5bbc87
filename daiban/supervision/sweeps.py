"""The daily sweep: warnings, overdue alerts, escalation, rating reminders.

Run for a given day; running it twice on the same day fires nothing twice (each alert
and supervision is unique per deadline and level). Cases waiting for materials are
skipped: their clock is paused and their deadlines move when they resume.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daiban.cases import lifecycle, petitions
from daiban.cases.definitions import RUNNING
from daiban.cases.models import Case, Event, Hop, Rating, State
from daiban.cases.selectors import open_hop
from daiban.notifications import services as sms
from daiban.supervision import services
from daiban.supervision.follow_ups import rating_url
from daiban.supervision.models import Alert, RatingInvitation, Supervision
from daiban.supervision.people import holder_person
from daiban.workdays.calendar import WorkCalendar


def run(today: datetime.date) -> dict:
    """Alerts and escalations fire on working days only: nobody is texted on a holiday
    about a deadline that cannot move until the next working day anyway."""
    calendar = WorkCalendar.load()
    counts = {"warnings": 0, "overdue": 0, "escalated": 0, "reminders": 0}
    fired = set(
        Alert.objects.filter(case__state__among=RUNNING).values_list(
            "case_id", "target", "kind", "due_date"
        )
    )
    hops = Hop.objects.filter(ended_at__isnull=True, case__state__among=RUNNING).select_related(
        "case__item", "case__agent", "case__township", "holder_user", "holder_department"
    )
    if not calendar.is_workday(today):
        return counts
    for hop in hops.iterator(chunk_size=500):
        start = timezone.localdate(hop.started_at)
        _check(calendar, today, hop.case, hop, f"hop:{hop.seq}", start, hop.due_date, counts, fired)
    # The nightly sweep watches every running case, whoever holds it (core.access).
    cases = (
        Case.objects.unrestricted()
        .filter(state__among=RUNNING, due_date__isnull=False)
        .select_related("item", "agent", "township")
    )
    for case in cases.iterator(chunk_size=500):
        start = timezone.localdate(case.accepted_at)
        _check(calendar, today, case, None, "case", start, case.due_date, counts, fired)
    check_petitions(calendar, today, counts, fired)
    counts["escalated"] = escalate(today)
    counts["reminders"] = remind_ratings(calendar, today)
    return counts


PETITION_CLOCKS = {
    # target: (the cases it runs for, its deadline, its start, how its alerts name it)
    "petition:decide": (
        petitions.awaiting_decision,
        petitions.decision_due,
        lambda case: timezone.localdate(case.accepted_at),
        lambda: _("The decision whether to accept the petition"),
    ),
    "petition:handle": (
        petitions.being_handled,
        petitions.handling_due,
        lambda case: timezone.localdate(case.petition_decided_at),
        lambda: _("The handling of the petition"),
    ),
}


def check_petitions(calendar, today, counts, fired) -> None:
    """A petition's own two clocks, in calendar days (cases/petitions.py): a warning to
    whoever holds the file, and once past, supervision up the petition line."""
    for target, (running, deadline, started, what) in PETITION_CLOCKS.items():
        # The nightly sweep reads every running petition.
        cases = running(Case.objects.unrestricted()).select_related("item", "agent", "township")
        for case in cases.iterator(chunk_size=500):
            hop = open_hop(case)
            _check(
                calendar,
                today,
                case,
                None,
                target,
                started(case),
                deadline(case),
                counts,
                fired,
                what=what(),
                calendar_days=True,
                notify=holder_person(case, hop) if hop else None,
            )


def _fire(case, hop, target, kind, due, today, fired) -> Alert | None:
    if (case.pk, target, kind, due) in fired:
        return None
    try:
        with transaction.atomic():
            return Alert.objects.create(
                case=case, hop=hop, target=target, kind=kind, due_date=due, fired_on=today
            )
    except IntegrityError:
        return None  # fired already for this deadline


def _check(
    calendar,
    today,
    case,
    hop,
    target,
    start,
    due,
    counts,
    fired,
    *,
    what=None,
    calendar_days=False,
    notify=None,
) -> None:
    """Fire the deadline's warning or overdue alert once. A case's own deadline (hop
    None) opens supervision when passed; a hop's texts its holder. `calendar_days`: the
    deadline counts every day (a petition's), not working days."""
    if what is None:
        what = _("The case") if hop is None else str(hop.holder)
    if today > due:
        alert = _fire(case, hop, target, Alert.Kind.OVERDUE, due, today, fired)
        if alert is None:
            return
        counts["overdue"] += 1
        lifecycle.note(
            case.pk,
            actor=None,
            action=Event.Action.OVERDUE,
            text=_("%(what)s passed its deadline %(date)s.") % {"what": what, "date": due},
            data={"alert": alert.pk, "target": target},
        )
        if hop is None:
            services.open_supervision(case, level=1, today=today, alert=alert)
        else:
            person = holder_person(case, hop)
            services._staff_sms(
                f"alert:{alert.pk}",
                "staff_overdue",
                person,
                case,
                due=due.isoformat(),
                answer_due=calendar.add(today, settings.DAIBAN_ANSWER_DAYS).isoformat(),
            )
        return
    if calendar_days:
        allotted, used = (due - start).days, (today - start).days
        used_text = _("%(what)s: %(used)d of %(allotted)d days used; due %(date)s.")
    else:
        allotted, used = calendar.between(start, due), calendar.between(start, today)
        used_text = _("%(used)d of %(allotted)d working days used; due %(date)s.")
    if allotted and used / allotted >= settings.DAIBAN_WARNING_SHARE:
        alert = _fire(case, hop, target, Alert.Kind.WARNING, due, today, fired)
        if alert is None:
            return
        counts["warnings"] += 1
        lifecycle.note(
            case.pk,
            actor=None,
            action=Event.Action.WARNING,
            text=used_text % {"what": what, "used": used, "allotted": allotted, "date": due},
            data={"alert": alert.pk, "target": target},
        )
        person = notify or holder_person(case, hop)
        services._staff_sms(f"alert:{alert.pk}", "staff_warning", person, case, due=due.isoformat())


def escalate(today: datetime.date) -> int:
    """Unanswered supervision past its answer date climbs one level."""
    escalated = 0
    # Every late one, whoever answers it.
    late = (
        Supervision.objects.unrestricted()
        .filter(status=Supervision.Status.OPEN, answer_due__lt=today)
        .select_related("case__township", "alert", "complaint")
    )
    for supervision in late:
        running = supervision.case.state not in (State.CLOSED, State.WITHDRAWN, State.REFUSED)
        if (running or supervision.complaint) and not services.next_level(
            supervision.case, supervision.level + 1
        ):
            # The top of the case's chain: it stays open with its assignee, still on the
            # board, rather than climbing to nobody.
            continue
        moved = (
            Supervision.objects.unrestricted()
            .filter(pk=supervision.pk, status=Supervision.Status.OPEN)
            .update(status=Supervision.Status.ESCALATED)
        )
        if not moved:
            continue
        if (
            supervision.case.state in (State.CLOSED, State.WITHDRAWN, State.REFUSED)
            and supervision.complaint is None
        ):
            continue
        opened = services.open_supervision(
            supervision.case,
            level=supervision.level + 1,
            today=today,
            alert=supervision.alert,
            complaint=supervision.complaint,
        )
        escalated += opened is not None
    return escalated


def remind_ratings(calendar, today: datetime.date) -> int:
    due = [
        invitation
        for invitation in RatingInvitation.objects.filter(reminded_on__isnull=True)
        # An agent's note is no answer: the villager is still reminded.
        .exclude(
            case__in=Rating.objects.unrestricted().filter(source__in=Rating.COUNTED).values("case")
        )
        .select_related("case__item", "case__resident", "case__agent")
        if calendar.add(invitation.sent_on, settings.DAIBAN_RATING_REMINDER_DAYS) <= today
    ]
    for invitation in due:
        if RatingInvitation.objects.filter(pk=invitation.pk, reminded_on__isnull=True).update(
            reminded_on=today
        ):
            case = invitation.case
            sms.queue(
                key=f"rating-reminder:{case.pk}",
                template="rating_reminder",
                to=sms.resident_phone(case),
                case=case,
                **{**sms.case_values(case), "url": rating_url(invitation)},
            )
    return len(due)

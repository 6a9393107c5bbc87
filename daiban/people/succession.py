"""An agent's files handed on in one step (issue 18): for good to a successor (离任), or to
a named stand-in for a period (暂停), after which they come back.

The center director names the other agent (of the same village, with the same post). In
one transaction, under a row lock on the leaving agent's account, every case they answer
for or whose file or originals they hold goes through `lifecycle.reassign_agent`, every
question still waiting for them (hotline ones too) is the new agent's, their post is
marked, and each villager concerned gets one text with the new agent's name and work
phone (queued with the step; sent once it commits). The same request twice changes
nothing the second time; of two directors at once, the second waits for the lock, then
finds the succession made (the same: nothing to do; another successor: a Conflict).

The new agent then confirms receiving the files on their home page (`confirm_receipt`):
the originals that travel with a file change hands then, signed by both sides' records.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from daiban.audit import trail
from daiban.cases import lifecycle
from daiban.cases.models import FINAL_STATES, Case, Hop, Inquiry, Paper
from daiban.core.errors import Conflict, Forbidden, Invalid
from daiban.notifications import services as sms
from daiban.people import crypto
from daiban.people.models import AGENT_ROLES, Post, Resident, Role, Succession, User

TEXT = "new_agent"


def _may_order(actor: User, agent: User) -> bool:
    return actor.role == Role.ADMINISTRATOR or (
        actor.role == Role.CENTER_DIRECTOR
        and actor.township_id is not None
        and actor.township_id == agent.covered_township_id
    )


def candidates(agent: User):
    """Who may take an agent's files: another active agent of the same village and post."""
    same_place = (
        {"department_id": agent.department_id}
        if agent.role == Role.TOWNSHIP_AGENT
        else {"village_id": agent.village_id}
    )
    return User.objects.filter(role=agent.role, is_active=True, **same_place).exclude(pk=agent.pk)


def _case_ids(agent: User, only: set[int] | None = None) -> list[int]:
    """Cases the agent answers for (open), holds the file of, or holds an original of."""
    ids = (
        set(
            Case.objects.filter(agent=agent)
            .exclude(state__in=FINAL_STATES)
            .values_list("pk", flat=True)
        )
        | set(
            Hop.objects.filter(holder_user=agent, ended_at__isnull=True).values_list(
                "case_id", flat=True
            )
        )
        | set(
            Paper.objects.filter(holder_user=agent, returned_at__isnull=True).values_list(
                "case_id", flat=True
            )
        )
    )
    if only is not None:
        ids &= only
    return sorted(ids)  # one order for every caller: locks never cross


def preview(agent: User) -> dict:
    """What a hand-on would move now, in numbers, for the confirmation page."""
    ids = _case_ids(agent)
    waiting = Inquiry.objects.filter(agent=agent, case__isnull=True)
    residents = set(Case.objects.filter(pk__in=ids).values_list("resident_id", flat=True))
    residents |= set(waiting.exclude(resident=None).values_list("resident_id", flat=True))
    return {
        "cases": len(ids),
        "files": Hop.objects.filter(holder_user=agent, ended_at__isnull=True).count(),
        "papers": Paper.objects.filter(holder_user=agent, returned_at__isnull=True).count(),
        "inquiries": waiting.count(),
        "residents": len(residents),
    }


def _require_director(actor: User, agent: User) -> None:
    if not _may_order(actor, agent) or agent.role not in AGENT_ROLES:
        raise Forbidden(_("Only the township's center director may hand an agent's files on."))


def _check(actor: User, agent: User, other: User) -> None:
    _require_director(actor, agent)
    if not candidates(agent).filter(pk=other.pk).exists():
        raise Invalid(
            _("Files go on only to another agent of the same village with the same post."),
            {"to": [_("Not an agent of this village.")]},
        )


def _hand_on(
    succession: Succession,
    *,
    from_user: User,
    to_user: User,
    at: datetime.datetime,
    only: set[int] | None = None,
    key: str = "",
) -> dict:
    """Move what `from_user` has to `to_user` and text the villagers concerned, once each."""
    actor, note = succession.ordered_by, succession.reason
    case_ids = _case_ids(from_user, only)
    for pk in case_ids:
        lifecycle.reassign_agent(
            pk, actor=actor, from_user=from_user, to_user=to_user, note=note, at=at
        )
    inquiries = list(
        Inquiry.objects.filter(agent=from_user, case__isnull=True).values_list("pk", "resident_id")
    )
    lifecycle.reassign_inquiries(actor=actor, from_user=from_user, to_user=to_user, at=at)
    resident_ids = set(
        Case.objects.filter(pk__in=case_ids).values_list("resident_id", flat=True)
    ) | {r for _pk, r in inquiries if r}
    for resident in Resident.objects.filter(pk__in=resident_ids).order_by("pk"):
        sms.queue(
            key=f"succession:{succession.pk}{key}:{resident.pk}",
            template=TEXT,
            to=crypto.decrypt(resident.phone_encrypted),
            name=resident.name,
            agent=to_user.display_name,
            phone=to_user.work_phone_display,
        )
    return {
        "cases": case_ids,
        "inquiries": [pk for pk, _r in inquiries],
        "residents": sorted(resident_ids),
    }


def _post(user: User) -> Post:
    post, _created = Post.objects.get_or_create(
        user=user, defaults={"appointed_by_id": user.covered_township_id}
    )
    return post


def _lock_agent(agent: User) -> User:
    return User.objects.select_for_update().get(pk=agent.pk)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise Invalid(_("Give the reason."), {"reason": [_("Give the reason in a few words.")]})
    return reason


def _hand_everything_on(kind, agent, to_user, *, actor, at, reason, until=None) -> Succession:
    """The record of the hand-on, then everything moved, and what moved kept on it."""
    succession = Succession.objects.create(
        kind=kind,
        from_user=agent,
        to_user=to_user,
        ordered_by=actor,
        at=at,
        reason=reason,
        until=until,
    )
    succession.moved = _hand_on(succession, from_user=agent, to_user=to_user, at=at)
    succession.save(update_fields=["moved"])
    return succession


@transaction.atomic
def succeed(
    *,
    actor: User,
    agent: User,
    successor: User,
    reason: str,
    at: datetime.datetime | None = None,
) -> Succession:
    """The agent leaves the post (离任); the successor takes everything, in one step."""
    at = at or timezone.now()
    _require_director(actor, agent)  # before anything, even a repeat, is answered
    agent = _lock_agent(agent)
    done = Succession.objects.filter(kind=Succession.Kind.SUCCESSION, from_user=agent).first()
    if done is not None:
        if done.to_user_id == successor.pk:
            return done  # the same request again: nothing more to do
        raise Conflict(
            _("%(agent)s was already succeeded by %(successor)s.")
            % {"agent": agent, "successor": done.to_user}
        )
    _check(actor, agent, successor)
    reason = _reason(reason)
    if Succession.objects.filter(
        kind=Succession.Kind.STAND_IN, from_user=agent, returned_at__isnull=True
    ).exists():
        raise Invalid(
            _("%(agent)s is away with a stand-in; end the stand-in first.") % {"agent": agent},
            {"to": [_("End the stand-in first.")]},
        )
    succession = _hand_everything_on(
        Succession.Kind.SUCCESSION, agent, successor, actor=actor, at=at, reason=reason
    )
    post = _post(agent)
    post.status, post.left_on, post.leaving_reason = (
        Post.Status.LEFT,
        timezone.localdate(at),
        reason,
    )
    post.save(update_fields=["status", "left_on", "leaving_reason"])
    new_post = _post(successor)
    if new_post.status != Post.Status.IN_POST or not new_post.appointed_on:
        new_post.status = Post.Status.IN_POST
        new_post.appointed_on = new_post.appointed_on or timezone.localdate(at)
        new_post.title = new_post.title or post.title
        new_post.save(update_fields=["status", "appointed_on", "title"])
    # The one who left signs in no more: their cases are out of their reach.
    User.objects.filter(pk=agent.pk).update(is_active=False)
    trail.record(
        "agent.succeeded",
        user=actor,
        obj=agent,
        detail={"successor": successor.pk, "succession": succession.pk, **_counts(succession)},
    )
    return succession


def _counts(succession: Succession) -> dict:
    return {name: len(succession.moved.get(name, [])) for name in ("cases", "inquiries")}


@transaction.atomic
def stand_in(
    *,
    actor: User,
    agent: User,
    stand_in: User,
    until: datetime.date,
    reason: str,
    at: datetime.datetime | None = None,
) -> Succession:
    """The agent is away (暂停) until `until`; the named stand-in holds the files meanwhile."""
    at = at or timezone.now()
    _require_director(actor, agent)
    agent = _lock_agent(agent)
    open_one = Succession.objects.filter(
        kind=Succession.Kind.STAND_IN, from_user=agent, returned_at__isnull=True
    ).first()
    if open_one is not None:
        if open_one.to_user_id == stand_in.pk and open_one.until == until:
            return open_one
        raise Conflict(
            _("%(agent)s is already away; %(stand_in)s stands in.")
            % {"agent": agent, "stand_in": open_one.to_user}
        )
    _check(actor, agent, stand_in)
    reason = _reason(reason)
    if until < timezone.localdate(at):
        raise Invalid(_("The period ends in the past."), {"until": [_("A later date.")]})
    succession = _hand_everything_on(
        Succession.Kind.STAND_IN, agent, stand_in, actor=actor, at=at, reason=reason, until=until
    )
    post = _post(agent)
    post.status = Post.Status.AWAY
    post.save(update_fields=["status"])
    trail.record(
        "agent.stand_in",
        user=actor,
        obj=agent,
        detail={"stand_in": stand_in.pk, "until": until.isoformat(), **_counts(succession)},
    )
    return succession


@transaction.atomic
def end_stand_in(succession: Succession | int, *, at: datetime.datetime | None = None) -> bool:
    """The period is over: what the stand-in took, and the cases they opened for the village
    meanwhile, go back to the agent. False if it was already over (nothing to do)."""
    at = at or timezone.now()
    pk = succession.pk if isinstance(succession, Succession) else succession
    succession = (
        Succession.objects.select_for_update()
        .select_related("from_user", "to_user", "ordered_by")
        .get(pk=pk, kind=Succession.Kind.STAND_IN)
    )
    if succession.returned_at is not None:
        return False
    agent, stand_in_user = succession.from_user, succession.to_user
    opened = Case.objects.filter(
        Q(agent=stand_in_user, created_at__gte=succession.at)
        | Q(pk__in=succession.moved.get("cases", []))
    ).values_list("pk", flat=True)
    back = _hand_on(
        succession,
        from_user=stand_in_user,
        to_user=agent,
        at=at,
        only=set(opened),
        key=":back",
    )
    succession.returned_at = at
    succession.moved = {**succession.moved, "returned": back}
    succession.save(update_fields=["returned_at", "moved"])
    post = _post(agent)
    post.status = Post.Status.IN_POST
    post.save(update_fields=["status"])
    trail.record(
        "agent.back",
        user=succession.ordered_by,
        obj=agent,
        detail={"succession": succession.pk, "cases": len(back["cases"])},
    )
    return True


def end_due_stand_ins(today: datetime.date | None = None) -> int:
    """Give the files back for every stand-in whose period has ended (the daily task)."""
    today = today or timezone.localdate()
    due = Succession.objects.filter(
        kind=Succession.Kind.STAND_IN, returned_at__isnull=True, until__lt=today
    ).values_list("pk", flat=True)
    return sum(end_stand_in(pk) for pk in list(due))


def files_to_confirm(user: User):
    """Files on their way to this agent, not yet signed for (a predecessor's, or one sent
    back from the center): the agent's home lists them, each with its confirm button."""
    return (
        Hop.objects.filter(holder_user=user, ended_at__isnull=True, received_at__isnull=True)
        .select_related("case__item", "case__resident", "sent_by")
        .prefetch_related("hop_papers__paper")
        .order_by("started_at", "pk")
    )


def register_home_list() -> None:
    from daiban.cases import hooks

    hooks.add_to_agent_home("to_confirm", files_to_confirm)

"""What follows a committed step (run by the worker, at least once, so each is idempotent)."""

import secrets

from django.conf import settings
from django.utils import timezone

from daiban.cases.models import Event, Rating
from daiban.notifications import services as sms
from daiban.supervision import services
from daiban.supervision.models import RatingInvitation

# Steps that have something to follow here; the texts to the resident are sent by
# notifications (notifications/receivers.py).
FOLLOWED_UP = {Event.Action.REPLIED, Event.Action.RATED}


def after_event(event_id: int) -> None:
    event = Event.objects.select_related("case__item", "case__resident", "case__agent").get(
        pk=event_id
    )
    case = event.case
    if event.action == Event.Action.REPLIED:
        invite_rating(case)
    # A bad rating opens a rectification; an agent's note does not, until the villager's
    # own answer (which replaces it) is bad too.
    counts = event.data.get("source", Rating.Source.VILLAGER) in Rating.COUNTED
    if event.action == Event.Action.RATED and counts and event.data.get("level", 5) <= 2:
        services.open_rectification_for_rating(case)


def rating_url(invitation: RatingInvitation) -> str:
    return f"{settings.DAIBAN_PUBLIC_URL.rstrip('/')}/rate/{invitation.token}/"


def invite_rating(case) -> RatingInvitation:
    invitation, created = RatingInvitation.objects.get_or_create(
        case=case, defaults={"token": secrets.token_urlsafe(16), "sent_on": timezone.localdate()}
    )
    if created:
        sms.queue(
            key=f"rating-invitation:{case.pk}",
            template="rating_invitation",
            to=sms.resident_phone(case),
            case=case,
            **{**sms.case_values(case), "url": rating_url(invitation)},
        )
    return invitation

"""Work captured on a phone with no signal and sent later (issue 21): the time it was
captured (`at`) is believed only within bounds, and a step on a case the agent saw at an
older version is a conflict answered with the server's version, never applied blindly."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from daiban.cases.models import Case, Event
from daiban.core.errors import Invalid

# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = datetime.timedelta(minutes=5)


def max_age() -> datetime.timedelta:
    return datetime.timedelta(days=settings.DAIBAN_OFFLINE_MAX_DAYS)


def _start_of_post(user) -> datetime.datetime | None:
    """When the person could first act: the appointment (its day), or the account's opening."""
    post = getattr(user, "post", None)  # no appointment recorded: None
    appointed = getattr(post, "appointed_on", None)
    if appointed is not None:
        return timezone.make_aware(datetime.datetime.combine(appointed, datetime.time.min))
    return user.date_joined


def captured_at(user, at: datetime.datetime | None) -> datetime.datetime | None:
    """The captured time, checked: not in the future beyond a small clock skew, not older
    than DAIBAN_OFFLINE_MAX_DAYS, not before the person's appointment. None: now."""
    if at is None:
        return None
    if timezone.is_naive(at):
        raise Invalid(
            _("Give the time it was captured with its time zone."),
            {"at": [_("Add the time zone, e.g. +08:00.")]},
        )
    now = timezone.now()
    if at > now + CLOCK_SKEW:
        raise Invalid(
            _("The time it was captured is in the future; check the phone's clock."),
            {"at": [_("In the future.")]},
        )
    days = settings.DAIBAN_OFFLINE_MAX_DAYS
    if at < now - max_age():
        message = ngettext(
            "It was captured more than %(days)d day ago; enter it on the case page instead.",
            "It was captured more than %(days)d days ago; enter it on the case page instead.",
            days,
        ) % {"days": days}
        raise Invalid(message, {"at": [_("Too old.")]})
    start = _start_of_post(user)
    if start is not None and at < start:
        raise Invalid(
            _("The time it was captured is before your appointment."),
            {"at": [_("Before your appointment.")]},
        )
    return at


def stale(case: Case, *, at: datetime.datetime | None, version: int | None) -> str | None:
    """Why a step captured offline no longer fits the case, or None: the case moved on
    since the agent saw it (another version), or something happened after the capture."""
    if version is not None and version != case.version:
        return _(
            "This case changed after you captured the step: it is now “%(state)s”. "
            "Look at it and decide again."
        ) % {"state": case.get_state_display()}
    if at is not None:
        last = Event.objects.filter(case=case).order_by("-seq").values_list("at", flat=True).first()
        if last is not None and at < last:
            return _(
                "Something happened to this case after you captured the step; it is now "
                "“%(state)s”. Look at it and decide again."
            ) % {"state": case.get_state_display()}
    return None

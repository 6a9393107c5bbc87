"""Supervision's background jobs (huey): they take ids, and each can run twice without harm."""

from django.utils import timezone, translation
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task(retries=3, retry_delay=30)
def on_event(event_id: int) -> None:
    """What follows a committed step: the rating invitation, a rectification."""
    from daiban.supervision import follow_ups

    with translation.override("zh-hans"):
        follow_ups.after_event(event_id)


@db_periodic_task(crontab(minute="*/30"))
def sweep() -> dict:
    """Deadlines, escalation and rating reminders, every half hour."""
    from daiban.supervision import sweeps

    with translation.override("zh-hans"):
        return sweeps.run(timezone.localdate())

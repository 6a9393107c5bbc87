"""Background tasks (huey): they take ids, and each can run twice without harm."""

from django.utils import timezone, translation
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from daiban.notifications import services


@db_task(retries=3, retry_delay=30)
def deliver_sms(sms_id: int) -> bool:
    return services.deliver(sms_id)


@db_task(retries=3, retry_delay=30)
def on_event(event_id: int) -> None:
    """Whatever follows a committed step: messages to the resident, rectifications."""
    from daiban.supervision import follow_ups

    with translation.override("zh-hans"):
        follow_ups.after_event(event_id)


@db_periodic_task(crontab(minute="*/30"))
def sweep() -> dict:
    """Deadlines, escalation, rating reminders and stuck messages, every half hour."""
    from daiban.supervision import sweeps

    with translation.override("zh-hans"):
        result = sweeps.run(timezone.localdate())
    services.release_stuck()
    return result

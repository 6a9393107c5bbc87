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
    """Deadlines, escalation and rating reminders, every half hour."""
    from daiban.supervision import sweeps

    with translation.override("zh-hans"):
        return sweeps.run(timezone.localdate())


@db_periodic_task(crontab(minute="*"))
def release_stuck_sms() -> list[int]:
    """Every minute: messages whose sending worker died (its claim not renewed within
    services.LEASE) are queued again."""
    return services.release_stuck()


@db_periodic_task(crontab(minute="*"))
def send_after_quiet_hours() -> list[int]:
    """Every minute: texts held back by the quiet hours go once they are over."""
    from daiban.notifications import schedule

    return schedule.send_waiting()


@db_periodic_task(crontab(minute="*/10"))
def pull_sms_receipts() -> dict:
    """Every ten minutes: the provider's delivery receipts into the outbox."""
    from daiban.notifications import schedule

    return schedule.pull_receipts()

"""Background tasks (huey): they take ids, and each can run twice without harm."""

from django.utils import translation
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from daiban.notifications import services


@db_task(retries=3, retry_delay=30)
def deliver_sms(sms_id: int) -> bool:
    return services.deliver(sms_id)


@db_task(retries=3, retry_delay=30)
def text_resident(event_id: int) -> None:
    """After a committed step: the text to the resident (acceptance, notice, result, reply)."""
    from daiban.notifications import receivers

    with translation.override("zh-hans"):
        receivers.text_resident(event_id)


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

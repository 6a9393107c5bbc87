"""The people app's background job: stand-ins whose period is over give the files back."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from daiban.people import succession


@db_periodic_task(crontab(minute="15", hour="0"))
def end_due_stand_ins() -> int:
    return succession.end_due_stand_ins()

"""The monthly report's drafts, written by the background worker on the 2nd."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from daiban.figures import monthly


@db_periodic_task(crontab(day="2", hour="6", minute="0"))
def generate_monthly_reports() -> int:
    """Every township's report for last month, as a draft for its center director."""
    return monthly.generate(monthly.previous_month(timezone.localdate()))

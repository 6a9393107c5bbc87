"""The monthly report's drafts, written by the background worker on the 2nd."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from daiban.figures import monthly


@db_periodic_task(crontab(day="2", hour="6", minute="0"))
def generate_monthly_reports() -> int:
    """Every township's report for last month, as a draft for its center director."""
    return monthly.generate(monthly.previous_month(timezone.localdate()))


@db_periodic_task(crontab(month="1,4,7,10", day="2", hour="6", minute="10"))
def generate_quarterly_reports() -> int:
    """The quarter just ended, on the 2nd of the quarter's next month (季报)."""
    kind = monthly.Kind.QUARTER
    return monthly.generate(monthly.previous_period(kind, timezone.localdate()), kind)


@db_periodic_task(crontab(month="1", day="2", hour="6", minute="20"))
def generate_yearly_reports() -> int:
    """Last year, on 2 January (年报)."""
    kind = monthly.Kind.YEAR
    return monthly.generate(monthly.previous_period(kind, timezone.localdate()), kind)

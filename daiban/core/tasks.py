from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from daiban.core.database import optimize


@db_periodic_task(crontab(hour="3", minute="40"))
def optimize_database() -> str:
    """Nightly, when nobody works: fresh planner statistics for the day's lists."""
    return optimize()

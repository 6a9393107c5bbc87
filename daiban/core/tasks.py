from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from daiban.core import health
from daiban.core.database import optimize


@db_periodic_task(crontab(minute="*"))
def heartbeat() -> float:
    """Every minute: the worker is alive and taking work (/healthz reads it)."""
    return health.beat()


@db_periodic_task(crontab(hour="3", minute="40"))
def optimize_database() -> str:
    """Nightly, when nobody works: fresh planner statistics for the day's lists."""
    return optimize()

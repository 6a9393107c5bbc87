"""The audit chain's daily anchor, written by the background worker."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from daiban.audit import anchors


@db_periodic_task(crontab(hour="0", minute="10"))
def anchor_audit_trail() -> str:
    """Append the chain's head to the anchors file (and the worker's log), every day."""
    return anchors.write()

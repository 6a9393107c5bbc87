from django.conf import settings

from daiban.offline.selectors import may_work_offline


def offline(request) -> dict:
    """For the agent's pages' offline banner and service worker (templates/base.html)."""
    user = getattr(request, "user", None)
    if user is None or not may_work_offline(user):
        return {}
    return {"offline_agent": True, "offline_idle_seconds": settings.SESSION_COOKIE_AGE}

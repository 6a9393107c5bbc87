"""Log-ins, failed log-ins, log-outs and admin changes: Django reports them as signals."""

from django.contrib.admin.models import LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from daiban.audit import trail
from daiban.core.client import client_address


def _address(request) -> str | None:
    return client_address(request) if request is not None else None


@receiver(user_logged_in)
def logged_in(sender, request, user, **kwargs):
    trail.record("login", user=user, address=_address(request))


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs):
    trail.record("logout", user=user, address=_address(request))


@receiver(user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs):
    trail.record(
        "login",
        outcome="failed",
        username=str(credentials.get("username", ""))[:150],
        address=_address(request),
    )


@receiver(post_save, sender=LogEntry)
def admin_change(sender, instance, created, **kwargs):
    if created:
        trail.record(
            "admin." + {1: "add", 2: "change", 3: "delete"}.get(instance.action_flag, "other"),
            user=instance.user,
            object_type=instance.content_type.model if instance.content_type_id else "",
            object_id=instance.object_id or "",
            detail={"repr": instance.object_repr, "message": instance.get_change_message()},
        )

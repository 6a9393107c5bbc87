from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _text_resident(step) -> None:
    from daiban.notifications.tasks import text_resident

    text_resident(step.event_id)


class NotificationsConfig(AppConfig):
    name = "daiban.notifications"
    label = "notifications"
    verbose_name = _("Text messages")

    def ready(self):
        from daiban.cases import hooks
        from daiban.notifications.receivers import RESIDENT_TEXTS

        # Once a step is committed, the worker texts the resident (acceptance, supplement
        # notice, result, reply).
        hooks.subscribe(hooks.COMMITTED, _text_resident, actions=RESIDENT_TEXTS)

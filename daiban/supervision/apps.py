from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _follow_up(step) -> None:
    from daiban.supervision.tasks import on_event

    on_event(step.event_id)


class SupervisionConfig(AppConfig):
    name = "daiban.supervision"
    label = "supervision"
    verbose_name = _("Tracking and supervision")

    def ready(self):
        from daiban.cases import hooks
        from daiban.supervision.follow_ups import FOLLOWED_UP

        hooks.subscribe(hooks.COMMITTED, _follow_up, actions=FOLLOWED_UP)

        # Who sees which supervision rows (core.access).
        from daiban.supervision import access

        access.register()

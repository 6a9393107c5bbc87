from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "daiban.open311"
    label = "open311"
    verbose_name = _("Open311 GeoReport v2")

    def ready(self):
        from daiban.cases import hooks
        from daiban.open311.services import waiting_for

        # Requests filed through the hotline wait on the agent's home page.
        hooks.add_to_agent_home("hotline", waiting_for)

        # Who sees which Open311 requests (core.access).
        from daiban.open311 import access

        access.register()

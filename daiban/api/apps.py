from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "daiban.api"
    label = "api"
    verbose_name = _("JSON API")

    def ready(self):
        # Who sees which API tokens (core.access).
        from daiban.api import access

        access.register()

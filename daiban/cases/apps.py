from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "daiban.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # Who sees which cases and their rows (core.access).
        from daiban.cases import access

        access.register()

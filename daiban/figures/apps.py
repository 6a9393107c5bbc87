from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _refresh(step) -> None:
    from daiban.figures.services import refresh

    refresh(step.case_id)


class FiguresConfig(AppConfig):
    name = "daiban.figures"
    label = "figures"
    verbose_name = _("Figures and reports")

    def ready(self):
        from daiban.cases import hooks

        # Inside the step's transaction, under its row lock: the tallies commit with it.
        hooks.subscribe(hooks.IN_STEP, _refresh)

        # Who sees which monthly reports (core.access).
        from daiban.figures import access

        access.register()

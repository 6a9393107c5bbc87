from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "daiban.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation and subsidies")

    def ready(self):
        # Who sees which payment sheets (core.access).
        from daiban.evaluation import access

        access.register()

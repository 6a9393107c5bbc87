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

        from daiban.cases import hooks
        from daiban.evaluation.appraisal import director_home_list

        hooks.add_to_director_home("to_replace", director_home_list)

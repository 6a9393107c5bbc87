from typing import Any

from django.apps import AppConfig, apps
from django.db.models import Model
from django.db.models.signals import pre_save


def _check_lengths(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
    if not raw:  # fixtures are loaded as they are
        from daiban.core.inputs import check_lengths

        check_lengths(instance)


class CoreConfig(AppConfig):
    name = "daiban.core"
    label = "core"
    verbose_name = "Daiban"

    def ready(self) -> None:
        from daiban.core import lookups  # noqa: F401  (registers __among)

        # Every Daiban model, whichever path writes it: page, API, Open311, admin, command.
        for model in apps.get_models():
            if model.__module__.startswith("daiban."):
                pre_save.connect(
                    _check_lengths, sender=model, dispatch_uid=f"lengths.{model._meta.label}"
                )

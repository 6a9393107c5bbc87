from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "daiban.core"
    label = "core"
    verbose_name = "Daiban"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "daiban.people"
    label = "people"
    verbose_name = _("People")

    def ready(self):
        # The agent's home lists the files handed to them to sign for (issue 18).
        from daiban.people import succession

        succession.register_home_list()

        # Who sees which residents (core.access).
        from daiban.people import access

        access.register()

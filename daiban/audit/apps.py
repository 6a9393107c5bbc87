from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "daiban.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from daiban.audit import receivers  # noqa: F401  (log-ins, log-outs, admin changes)

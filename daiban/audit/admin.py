from django.contrib import admin

from daiban.audit.models import AuditRecord
from daiban.core.admin import ReadOnlyAdmin


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = [
        "chain",
        "seq",
        "at",
        "username",
        "place",
        "action",
        "object_type",
        "object_id",
        "outcome",
        "address",
    ]
    list_filter = ["action", "outcome", "chain"]
    search_fields = ["username", "object_id", "action"]

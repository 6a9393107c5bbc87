from django.contrib import admin

from daiban.core.admin import ReadOnlyAdmin
from daiban.notifications.models import Sms


@admin.register(Sms)
class SmsAdmin(ReadOnlyAdmin):
    """The outbox: what went to whom (masked) and whether it arrived."""

    list_display = [
        "created_at",
        "template",
        "phone_masked",
        "status",
        "attempts",
        "sent_at",
        "delivery",
    ]
    list_filter = ["status", "delivery", "template"]
    search_fields = ["key"]
    fields = [
        "key",
        "template",
        "phone_masked",
        "body",
        "case",
        "status",
        "attempts",
        "provider_id",
        "error",
        "created_at",
        "sent_at",
        "not_before",
        "delivery",
        "delivered_at",
        "delivery_error",
    ]

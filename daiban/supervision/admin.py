from django.contrib import admin

from daiban.core.admin import ReadOnlyAdmin
from daiban.supervision.models import (
    Alert,
    Appeal,
    Complaint,
    Extension,
    Rectification,
    Supervision,
)


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["case", "target", "kind", "due_date", "fired_on"]
    list_filter = ["kind"]
    list_select_related = ["case"]


@admin.register(Supervision)
class SupervisionAdmin(ReadOnlyAdmin):
    list_display = ["case", "level", "assignee", "status", "opened_on", "answer_due"]
    list_filter = ["status", "level"]
    list_select_related = ["case", "assignee"]


@admin.register(Complaint, Extension, Rectification, Appeal)
class FeedbackAdmin(ReadOnlyAdmin):
    pass

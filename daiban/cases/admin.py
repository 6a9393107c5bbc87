"""Read-only views of cases: every change goes through daiban.cases.lifecycle."""

from django.contrib import admin

from daiban.cases.models import Case, Event, Hop, Inquiry, Paper
from daiban.core.admin import ReadOnlyAdmin


class EventInline(admin.TabularInline):
    model = Event
    fields = ["seq", "at", "actor", "action", "from_state", "to_state", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class HopInline(EventInline):
    model = Hop
    fields = [
        "seq",
        "holder_user",
        "holder_department",
        "started_at",
        "due_date",
        "received_at",
        "ended_at",
    ]
    readonly_fields = fields


class PaperInline(EventInline):
    model = Paper
    fields = ["name", "count", "holder_user", "holder_department", "held_since", "returned_at"]
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "item", "resident", "village", "state", "due_date", "created_at"]
    list_filter = ["state", "township", "is_petition"]
    search_fields = ["number", "tracking_code"]
    list_select_related = ["item", "resident", "village"]
    date_hierarchy = "created_at"
    inlines = [HopInline, PaperInline, EventInline]


@admin.register(Inquiry)
class InquiryAdmin(ReadOnlyAdmin):
    list_display = ["asked_at", "village", "agent", "item", "question"]
    list_select_related = ["village", "agent", "item"]

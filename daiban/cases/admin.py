"""Read-only views of cases: every change goes through daiban.cases.lifecycle."""

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from daiban.cases.models import Case, Event, Hop, Inquiry, Paper
from daiban.core.admin import ReadOnlyAdmin

if TYPE_CHECKING:  # TabularInline takes its models' types in the stubs only
    _TabularInline = admin.TabularInline[Any, Any]
else:
    _TabularInline = admin.TabularInline


class EventInline(_TabularInline):
    model = Event
    fields = ["seq", "at", "actor", "action", "from_state", "to_state", "note"]
    readonly_fields = fields  # type: ignore[assignment]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class HopInline(EventInline):
    model = Hop  # type: ignore[assignment]
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
    model = Paper  # type: ignore[assignment]

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

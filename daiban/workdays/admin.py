from django.contrib import admin

from daiban.workdays.calendar import WorkCalendar
from daiban.workdays.models import CalendarYear, SpecialDay


class InvalidatingAdmin(admin.ModelAdmin):
    """Edits here change deadlines: drop the cached calendar once they commit."""

    def log_change(self, request, obj, message):
        WorkCalendar.invalidate()
        return super().log_change(request, obj, message)

    def log_addition(self, request, obj, message):
        WorkCalendar.invalidate()
        return super().log_addition(request, obj, message)

    def log_deletions(self, request, queryset):
        WorkCalendar.invalidate()
        return super().log_deletions(request, queryset)


@admin.register(CalendarYear)
class CalendarYearAdmin(InvalidatingAdmin):
    list_display = ["year", "source", "note"]


@admin.register(SpecialDay)
class SpecialDayAdmin(InvalidatingAdmin):
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"

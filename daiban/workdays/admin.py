from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from daiban.workdays.calendar import WorkCalendar
from daiban.workdays.forms import HolidayNoticeForm
from daiban.workdays.models import CalendarYear, SpecialDay
from daiban.workdays.services import publish_year


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
    change_list_template = "admin/workdays/calendaryear/change_list.html"

    def get_urls(self):
        publish = self.admin_site.admin_view(self.publish_view)
        return [
            path("publish/", publish, name="workdays_calendaryear_publish"),
            *super().get_urls(),
        ]

    def publish_view(self, request):
        """A year's State Council notice in one form: its holidays and make-up days.
        Due dates already promised stay as they are; new ones count with it."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = HolidayNoticeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                year = publish_year(data["year"], data["holidays"], data["workdays"], data["note"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                from daiban.audit import trail

                trail.record(
                    "calendar.publish",
                    user=request.user,
                    obj=year,
                    detail={
                        "year": year.year,
                        "holidays": len(data["holidays"]),
                        "workdays": len(data["workdays"]),
                    },
                )
                self.log_addition(request, year, [{"added": {}}])
                messages.success(
                    request,
                    _(
                        "The working days of %(year)d are published: %(holidays)d holidays on"
                        " weekdays, %(workdays)d make-up working days. Due dates already"
                        " promised stay as they are."
                    )
                    % {
                        "year": year.year,
                        "holidays": len(data["holidays"]),
                        "workdays": len(data["workdays"]),
                    },
                )
                return redirect("admin:workdays_calendaryear_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Enter the State Council's holiday notice"),
            "form": form,
        }
        return TemplateResponse(request, "admin/workdays/publish.html", context)


@admin.register(SpecialDay)
class SpecialDayAdmin(InvalidatingAdmin):
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"

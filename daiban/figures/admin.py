from django.contrib import admin

from daiban.core.admin import CountyScopedAdmin, ReadOnlyAdmin
from daiban.figures.models import ItemTally, MonthlyReport, VillageTally


@admin.register(VillageTally)
class VillageTallyAdmin(CountyScopedAdmin, ReadOnlyAdmin):
    """Kept by the lifecycle and by `rebuild_figures`; never typed in."""

    county_path = "township__county"
    county_actions = ("view",)

    list_display = ["month", "township", "village", "agent", "accepted", "completed"]
    list_filter = ["township", "month"]
    list_select_related = ["township", "village", "agent"]


@admin.register(ItemTally)
class ItemTallyAdmin(CountyScopedAdmin, ReadOnlyAdmin):
    county_path = "township__county"
    county_actions = ("view",)
    list_display = ["month", "township", "item", "accepted", "completed"]
    list_filter = ["township", "month"]
    list_select_related = ["township", "item"]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdmin):
    """Moved only by its steps (figures/monthly.py): director, leader, county."""

    list_display = ["month", "township", "status", "submitted_at", "signed_at", "received_at"]
    list_filter = ["status", "month"]
    list_select_related = ["township"]

from django.contrib import admin

from daiban.core.admin import ReadOnlyAdmin
from daiban.figures.models import ItemTally, VillageTally


@admin.register(VillageTally)
class VillageTallyAdmin(ReadOnlyAdmin):
    """Kept by the lifecycle and by `rebuild_figures`; never typed in."""

    list_display = ["month", "township", "village", "agent", "accepted", "completed"]
    list_filter = ["township", "month"]
    list_select_related = ["township", "village", "agent"]


@admin.register(ItemTally)
class ItemTallyAdmin(ReadOnlyAdmin):
    list_display = ["month", "township", "item", "accepted", "completed"]
    list_filter = ["township", "month"]
    list_select_related = ["township", "item"]

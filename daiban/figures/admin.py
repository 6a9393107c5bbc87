from django.contrib import admin

from daiban.cases.admin import ReadOnlyAdmin
from daiban.figures.models import Tally


@admin.register(Tally)
class TallyAdmin(ReadOnlyAdmin):
    """Kept by the lifecycle and by `rebuild_figures`; never typed in."""

    list_display = ["month", "township", "village", "item", "agent", "accepted", "completed"]
    list_filter = ["township", "month"]
    list_select_related = ["township", "village", "item", "agent"]

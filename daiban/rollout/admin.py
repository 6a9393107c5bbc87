from django.contrib import admin

from daiban.core.admin import CountyScopedAdmin
from daiban.rollout.models import ItemAlias, TownshipLaunch


@admin.register(TownshipLaunch)
class TownshipLaunchAdmin(CountyScopedAdmin, admin.ModelAdmin):
    county_path = "township__county"
    list_display = [
        "township",
        "launch_date",
        "catalog_confirmed",
        "posters_printed",
        "booklets_printed",
        "live",
    ]
    list_filter = ["live", "township__county"]
    list_editable = [
        "launch_date",
        "catalog_confirmed",
        "posters_printed",
        "booklets_printed",
        "live",
    ]


@admin.register(ItemAlias)
class ItemAliasAdmin(CountyScopedAdmin, admin.ModelAdmin):
    county_path = "county"
    list_display = ["item", "county", "aliases"]

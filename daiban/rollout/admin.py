from django.contrib import admin

from daiban.rollout.models import ItemAlias, Post, TownshipLaunch


@admin.register(TownshipLaunch)
class TownshipLaunchAdmin(admin.ModelAdmin):
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


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["user", "title", "appointed_on"]
    search_fields = ["user__display_name", "user__username", "title"]


@admin.register(ItemAlias)
class ItemAliasAdmin(admin.ModelAdmin):
    list_display = ["item", "county", "aliases"]

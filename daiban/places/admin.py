from django.contrib import admin

from daiban.core.admin import CountyScopedAdmin
from daiban.places.models import County, Department, Hamlet, ServiceCenter, Township, Village


@admin.register(County)
class CountyAdmin(CountyScopedAdmin, admin.ModelAdmin):
    county_path = "pk"
    county_actions = ("view",)
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class ServiceCenterInline(CountyScopedAdmin, admin.StackedInline):
    county_path = "township__county"
    model = ServiceCenter


@admin.register(Township)
class TownshipAdmin(CountyScopedAdmin, admin.ModelAdmin):
    county_path = "county"
    list_display = ["code", "name", "county"]
    list_filter = ["county"]
    search_fields = ["code", "name"]
    list_select_related = ["county"]
    inlines = [ServiceCenterInline]


class HamletInline(CountyScopedAdmin, admin.TabularInline):
    county_path = "village__township__county"
    model = Hamlet
    extra = 0


@admin.register(Village)
class VillageAdmin(CountyScopedAdmin, admin.ModelAdmin):
    county_path = "township__county"
    list_display = ["code", "name", "township", "km_to_township", "km_to_county"]
    list_filter = ["township"]
    search_fields = ["code", "name"]
    list_select_related = ["township"]
    inlines = [HamletInline]


@admin.register(Department)
class DepartmentAdmin(CountyScopedAdmin, admin.ModelAdmin):
    county_path = "county"
    list_display = ["name", "kind", "level", "township", "phone"]
    list_filter = ["level", "township"]
    search_fields = ["name", "kind"]
    list_select_related = ["township"]

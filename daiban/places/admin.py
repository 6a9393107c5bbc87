from django.contrib import admin

from daiban.places.models import County, Department, Hamlet, ServiceCenter, Township, Village


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class ServiceCenterInline(admin.StackedInline):
    model = ServiceCenter


@admin.register(Township)
class TownshipAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "county"]
    list_filter = ["county"]
    search_fields = ["code", "name"]
    list_select_related = ["county"]
    inlines = [ServiceCenterInline]


class HamletInline(admin.TabularInline):
    model = Hamlet
    extra = 0


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "township", "km_to_township", "km_to_county"]
    list_filter = ["township"]
    search_fields = ["code", "name"]
    list_select_related = ["township"]
    inlines = [HamletInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "level", "township", "phone"]
    list_filter = ["level", "township"]
    search_fields = ["name", "kind"]
    list_select_related = ["township"]

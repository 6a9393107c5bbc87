from django.contrib import admin

from daiban.catalog.models import Material, ServiceItem, ServiceItemVersion
from daiban.core.pinyin import initials


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 1


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "group",
        "department_kind",
        "decided_by",
        "proxy_allowed",
        "promised_days",
        "is_active",
    ]
    list_filter = ["group", "decided_by", "proxy_allowed", "is_active"]
    search_fields = ["code", "name", "name_initials"]
    inlines = [MaterialInline]

    def save_model(self, request, obj, form, change):
        obj.name_initials = initials(obj.name)
        super().save_model(request, obj, form, change)


@admin.register(ServiceItemVersion)
class ServiceItemVersionAdmin(admin.ModelAdmin):
    """Frozen copies: cases point at them, so nobody edits or deletes them."""

    list_display = ["item", "number", "created_at"]
    list_select_related = ["item"]
    readonly_fields = ["item", "number", "content_hash", "snapshot", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

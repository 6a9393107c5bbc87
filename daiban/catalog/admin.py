from django.contrib import admin

from daiban.catalog.county import save_settings
from daiban.catalog.models import CountyItem, Material, ServiceItem, ServiceItemVersion
from daiban.core.admin import CountyScopedAdmin
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


@admin.register(CountyItem)
class CountyItemAdmin(CountyScopedAdmin, admin.ModelAdmin):
    """A county's own catalog: switch a template item off, name its department, phone, fee
    and notes. A county administrator sees and edits their county's rows only; deleting a
    row gives the item back as the template says. Changes go to the audit trail."""

    county_path = "county"
    county_actions = ("view", "add", "change", "delete")
    list_display = ["item", "county", "enabled", "department", "bureau", "phone", "fee"]
    list_filter = ["enabled", "county"]
    list_select_related = ["item", "county", "department", "bureau"]
    search_fields = ["item__code", "item__name"]
    fields = ["county", "item", "enabled", "department", "bureau", "phone", "fee", "local_notes"]

    def save_model(self, request, obj, form, change):
        save_settings(obj, actor=request.user, changed=list(form.changed_data))

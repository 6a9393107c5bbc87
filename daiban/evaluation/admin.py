from django.contrib import admin

from daiban.audit import trail
from daiban.core.admin import CountyScopedAdmin, ReadOnlyAdmin
from daiban.evaluation.models import PaymentLine, PaymentSheet, Scheme


@admin.register(Scheme)
class SchemeAdmin(CountyScopedAdmin, admin.ModelAdmin):
    county_path = "county"
    list_display = ["county", "monthly_subsidy", "yearly_fund", "fund_rule", "updated_at"]
    readonly_fields = ["updated_by"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        trail.record(
            "scheme.changed", user=request.user, obj=obj, detail={"fields": form.changed_data}
        )


class LineInline(CountyScopedAdmin, admin.TabularInline):
    county_path = "sheet__township__county"
    county_actions = ("view",)
    model = PaymentLine
    extra = 0
    can_delete = False
    fields = ["agent", "village", "score", "subsidy_fen", "fund_share_fen", "amount_fen"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PaymentSheet)
class PaymentSheetAdmin(CountyScopedAdmin, ReadOnlyAdmin):
    """Sheets are worked out and approved on their own pages, never edited here."""

    county_path = "township__county"
    county_actions = ("view",)
    list_display = ["township", "month", "status", "total_yuan", "approved_by"]
    list_filter = ["status", "township"]
    inlines = [LineInline]

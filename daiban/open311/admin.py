import secrets

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from daiban.api.models import hash_key
from daiban.open311.models import ApiKey


class KeyForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ["name", "active"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "active", "created_at"]
    form = KeyForm

    def save_model(self, request, obj, form, change):
        if not change:
            key = secrets.token_urlsafe(24)
            obj.key_hash = hash_key(key)
            messages.warning(request, _("The api_key, shown only now: %(key)s") % {"key": key})
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False

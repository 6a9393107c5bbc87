"""Admin base classes every app may use."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record kept by the code (a case, a message, an audit row): shown, never edited here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

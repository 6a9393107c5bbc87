"""Admin base classes every app may use."""

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import ImproperlyConfigured
from django.db.models import ForeignKey, Q
from django.http import Http404, HttpRequest

if TYPE_CHECKING:  # ModelAdmin takes its model's type in the stubs only
    _ModelAdmin = admin.ModelAdmin[Any]
    _Mixin = _ModelAdmin  # a mixin put before ModelAdmin is checked as one
else:
    _ModelAdmin = admin.ModelAdmin
    _Mixin = object


class ReadOnlyAdmin(_ModelAdmin):
    """A record kept by the code (a case, a message, an audit row): shown, never edited here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CountyScopedAdmin(_Mixin):
    """Put first in an admin's bases: a county administrator sees and edits only the rows of
    their county, reached through `county_path` (a lookup to the county, or a tuple of
    lookups any of which may match). Choices of related rows, list filters and objects
    opened by id are limited the same way; another county's object is a 404, as missing.

    The permissions of a county administrator are the ones this class gives
    (`county_actions`), not Django's model permissions: an admin without this class stays
    closed to them (the calendar, the audit trail, the shared catalog). Everyone else —
    the global administrator, a superuser — goes through Django's own checks unchanged.
    """

    county_path: str | tuple[str, ...] = ""
    county_actions: tuple[str, ...] = ("view", "add", "change")

    @staticmethod
    def administered_county(request: HttpRequest) -> int | None:
        return getattr(request.user, "administered_county_id", None)

    def county_filter(self, county_id: int) -> Q:
        paths = (self.county_path,) if isinstance(self.county_path, str) else self.county_path
        if not paths or not all(paths):
            raise ImproperlyConfigured(f"{type(self).__name__} needs a county_path.")
        condition = Q()
        for path in paths:
            condition |= Q(**{path: county_id})
        return condition

    def get_queryset(self, request: HttpRequest) -> Any:

        queryset = super().get_queryset(request)
        county = self.administered_county(request)
        if county is None:
            return queryset
        return queryset.filter(self.county_filter(county))

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is None and self.administered_county(request) is not None:
            raise Http404
        return obj

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        county = self.administered_county(request)
        related = self.admin_site._registry.get(db_field.related_model)
        if county is not None and isinstance(related, CountyScopedAdmin):
            kwargs["queryset"] = db_field.related_model._default_manager.filter(
                related.county_filter(county)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_list_filter(self, request: HttpRequest) -> Any:
        filters = super().get_list_filter(request)
        if self.administered_county(request) is None:
            return filters
        # A related filter lists only what the county's rows point at, not every county's.
        out: list[Any] = []
        for entry in filters:
            if isinstance(entry, str) and get_fields_from_path(self.model, entry)[-1].is_relation:
                entry = (entry, admin.RelatedOnlyFieldListFilter)
            out.append(entry)
        return out

    def _county_may(self, request: HttpRequest, action: str) -> bool | None:
        county = self.administered_county(request)
        if county is None:
            return None
        return action in self.county_actions

    def has_module_permission(self, request: HttpRequest) -> bool:
        allowed = self._county_may(request, "view")
        return super().has_module_permission(request) if allowed is None else allowed

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = self._county_may(request, "view")
        return super().has_view_permission(request, obj) if allowed is None else allowed

    def has_add_permission(self, request: HttpRequest, *args: Any, **kwargs: Any) -> bool:
        allowed = self._county_may(request, "add")
        return super().has_add_permission(request, *args, **kwargs) if allowed is None else allowed

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = self._county_may(request, "change")
        return super().has_change_permission(request, obj) if allowed is None else allowed

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = self._county_may(request, "delete")
        return super().has_delete_permission(request, obj) if allowed is None else allowed

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from daiban.core.admin import CountyScopedAdmin
from daiban.people.models import Post, Resident, Role, Succession, Training, User
from daiban.people.services import check_staff_place

PLACES = ("village", "department", "township", "county")


class RolePlaceCheck:
    """The role decides which place field is filled; say so on the form, not with a 500."""

    def clean(self):
        data = super().clean()
        if data.get("role"):
            try:
                check_staff_place(data["role"], **{name: data.get(name) for name in PLACES})
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    self.add_error(field, messages)
        return data


class StaffForm(RolePlaceCheck, forms.ModelForm):
    pass


class StaffCreationForm(RolePlaceCheck, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["username", "display_name", "role", "work_phone", *PLACES]


@admin.register(User)
class StaffAdmin(CountyScopedAdmin, UserAdmin):
    """A county administrator sees their county's staff only: never a global administrator,
    never another county's; they cannot make anyone a global administrator or superuser."""

    county_path = (
        "village__township__county",
        "department__county",
        "township__county",
        "county",
    )
    form = StaffForm
    add_form = StaffCreationForm
    add_fieldsets = [
        (None, {"fields": ["username", "usable_password", "password1", "password2"]}),
        (_("Person"), {"fields": ["display_name", "work_phone"]}),
        (_("Role and place"), {"fields": ["role", *PLACES]}),
    ]
    list_display = [
        "username",
        "display_name",
        "role",
        "village",
        "department",
        "township",
        "is_active",
    ]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "display_name"]
    list_select_related = ["village", "department", "township"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["display_name", "work_phone", "email"]}),
        (_("Role and place"), {"fields": ["role", "village", "department", "township", "county"]}),
        (
            _("Access"),
            {"fields": ["is_active", "is_staff", "is_superuser", "last_login", "date_joined"]},
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.administered_county(request) is not None:
            queryset = queryset.filter(is_superuser=False)
        return queryset

    def get_inlines(self, request, obj):
        # The appointment and training sessions (below), once there is an account.
        return [PostInline, TrainingInline] if obj else []

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self.administered_county(request) is not None:
            fields += ["is_staff", "is_superuser"]
        return fields

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and self.administered_county(request) is not None:
            kwargs["choices"] = [
                (value, label) for value, label in Role.choices if value != Role.ADMINISTRATOR
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        county_admin = self.administered_county(request) is not None
        if county_admin or not change:
            # A new account gets the admin as its role says (as people.services.create_staff
            # does); only the global administrator hands out the keys to everything.
            obj.is_staff = obj.role in (Role.ADMINISTRATOR, Role.COUNTY_ADMINISTRATOR)
            obj.is_superuser = obj.role == Role.ADMINISTRATOR and not county_admin
        super().save_model(request, obj, form, change)


@admin.register(Resident)
class ResidentAdmin(CountyScopedAdmin, admin.ModelAdmin):
    """Residents are registered through the lifecycle pages; the admin shows masks only."""

    county_path = "village__township__county"
    county_actions = ("view",)
    list_display = ["name", "id_number_masked", "phone_masked", "village", "hamlet"]
    list_filter = ["village__township"]
    search_fields = ["name", "name_initials"]
    list_select_related = ["village", "hamlet"]
    fields = [
        "name",
        "gender",
        "id_number_masked",
        "phone_masked",
        "village",
        "hamlet",
        "registered_by",
        "registered_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


STAFF_COUNTY = (
    "user__village__township__county",
    "user__department__county",
    "user__township__county",
    "user__county",
)


class PostInline(CountyScopedAdmin, admin.StackedInline):
    """The appointment on the staff account's page (the account is already in the county)."""

    model = Post
    county_path = STAFF_COUNTY
    county_actions = ("view", "add", "change")
    max_num = 1
    can_delete = False


class TrainingInline(CountyScopedAdmin, admin.TabularInline):
    model = Training
    county_path = STAFF_COUNTY
    county_actions = ("view", "add", "change", "delete")
    extra = 0


@admin.register(Post)
class PostAdmin(CountyScopedAdmin, admin.ModelAdmin):
    county_path = STAFF_COUNTY
    list_display = ["user", "title", "appointed_on", "term_ends_on", "status"]
    list_filter = ["status"]
    search_fields = ["user__display_name", "user__username", "title"]


@admin.register(Training)
class TrainingAdmin(CountyScopedAdmin, admin.ModelAdmin):
    county_path = STAFF_COUNTY
    list_display = ["user", "held_on", "topic", "hours"]
    search_fields = ["user__display_name", "topic"]


@admin.register(Succession)
class SuccessionAdmin(CountyScopedAdmin, admin.ModelAdmin):
    county_path = (
        "from_user__village__township__county",
        "from_user__department__county",
    )
    # Made only by the succession step (people/succession.py), never by hand.
    county_actions = ("view",)
    list_display = ["from_user", "to_user", "kind", "at", "until", "returned_at"]
    readonly_fields = [f.name for f in Succession._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

"""The Django admin is where the catalog and staff are edited: no page may fail."""

import pytest
from django.contrib import admin
from django.urls import reverse

from daiban.people.models import Role, User
from daiban.testing import factories
from daiban.testing.world import verified_login


@pytest.fixture
def admin_client(client, world):
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    verified_login(client, world.admin)
    factories.at_department(world)  # something in every case table
    return client


def test_every_admin_list_and_form_opens(admin_client):
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert admin_client.get(changelist).status_code == 200, changelist
        obj = model.objects.first()
        if obj is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            assert admin_client.get(change).status_code == 200, change
        if model_admin.has_add_permission(_Request(admin_client)):
            add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            assert admin_client.get(add).status_code == 200, add


class _Request:
    def __init__(self, client):
        self.user = User.objects.get(username="admin")


def test_adding_staff_checks_role_and_place(admin_client, world):
    url = reverse("admin:people_user_add")
    form = {
        "username": "new_agent",
        "usable_password": "true",
        "password1": "Dz8#long-enough-pw",
        "password2": "Dz8#long-enough-pw",
        "display_name": "蒙志强",
        "role": Role.VILLAGE_AGENT,
        "township": world.township.pk,
    }
    response = admin_client.post(url, form)
    assert response.status_code == 200  # the form again, with the errors
    assert not User.objects.filter(username="new_agent").exists()
    form.pop("township")
    form["village"] = world.other_village.pk
    response = admin_client.post(url, form)
    assert response.status_code == 302
    assert User.objects.get(username="new_agent").village == world.other_village


def test_cases_cannot_be_edited_in_the_admin(admin_client, world):
    case = world.resident.cases.first()
    url = reverse("admin:cases_case_change", args=[case.pk])
    response = admin_client.post(url, {"state": "closed"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == "in_progress"


def test_the_planner_statistics_are_refreshed(db):
    import io

    from django.core.management import call_command
    from django.db import connection

    out = io.StringIO()
    call_command("optimize_database", stdout=out)
    assert "statistics refreshed" in out.getvalue()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_stat1")
            assert cursor.fetchone()[0] > 0

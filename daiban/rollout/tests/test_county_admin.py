"""A county administrator (县管理员) runs their own county in the admin and on the county
pages, and nothing else: not another county, not a global administrator, not the calendar."""

import io

import pytest
from django.test import Client

from daiban.people.models import Role, User
from daiban.people.services import create_staff
from daiban.places.models import County, Department, Township, Village
from daiban.rollout import importer
from daiban.rollout.models import Upload
from daiban.rollout.tests import books
from daiban.testing.world import verified_login


@pytest.fixture
def elsewhere(world):
    """Another county on the same installation, with one clerk."""
    county = County.objects.create(code="451028000000", name="乐业县")
    township = Township.objects.create(county=county, code="451028102000", name="新化镇")
    village = Village.objects.create(township=township, code="451028102201", name="仁里村委会")
    department = Department.objects.create(
        county=county, township=township, level="township", kind="finance", name="新化镇财政所"
    )
    clerk = create_staff(
        username="xh_finance",
        password="x",
        display_name="新化财政",
        role=Role.DEPARTMENT_CLERK,
        department=department,
    )
    return {"county": county, "township": township, "village": village, "clerk": clerk}


@pytest.fixture
def county_admin(world):
    return create_staff(
        username="yl_admin",
        password="x",
        display_name="云岭县管理员",
        role=Role.COUNTY_ADMINISTRATOR,
        county=world.county,
    )


@pytest.fixture
def client(county_admin):
    return verified_login(Client(), county_admin)


def test_the_role_is_staff_with_a_second_factor_not_superuser(county_admin):
    assert county_admin.is_staff and not county_admin.is_superuser
    assert county_admin.administered_county_id == county_admin.county_id
    page = Client()
    page.force_login(county_admin)
    assert page.get("/admin/").status_code == 302  # to the second factor first


def test_changelists_show_only_their_county(client, world, elsewhere):
    villages = client.get("/admin/places/village/").content.decode()
    assert world.village.name in villages and elsewhere["village"].name not in villages
    townships = client.get("/admin/places/township/").content.decode()
    assert world.township.name in townships and elsewhere["township"].name not in townships
    staff = client.get("/admin/people/user/").content.decode()
    assert world.agent.username in staff and world.supervisor.username in staff
    assert elsewhere["clerk"].username not in staff
    assert f"/admin/people/user/{world.admin.pk}/change/" not in staff  # never a global admin
    # The list filter names only their county's townships.
    assert (
        elsewhere["township"].name not in client.get("/admin/places/department/").content.decode()
    )


def test_another_countys_objects_are_not_found(client, world, elsewhere):
    assert client.get(f"/admin/places/village/{elsewhere['village'].pk}/change/").status_code == 404
    assert client.get(f"/admin/people/user/{elsewhere['clerk'].pk}/change/").status_code == 404
    assert client.get(f"/admin/people/user/{world.admin.pk}/change/").status_code == 404
    assert client.get(f"/admin/people/user/{world.admin.pk}/password/").status_code == 404
    assert client.get(f"/admin/places/village/{world.village.pk}/change/").status_code == 200


def test_nothing_global(client):
    page = client.get("/admin/").content.decode()
    assert "/admin/places/village/" in page
    assert "/admin/workdays/" not in page and "/admin/audit/" not in page
    assert client.get("/admin/workdays/specialday/").status_code == 403
    assert client.get("/admin/catalog/serviceitem/").status_code == 403
    assert client.get("/admin/places/county/add/").status_code == 403


def _new_staff(client, **fields):
    data = {
        "username": "newbie",
        "usable_password": "true",
        "password1": "Lz9-qTx7-Wb2k",
        "password2": "Lz9-qTx7-Wb2k",
        "display_name": "新人",
        "work_phone": "",
        "village": "",
        "department": "",
        "township": "",
        "county": "",
        **fields,
    }
    return client.post("/admin/people/user/add/", data)


def test_cannot_create_staff_elsewhere_nor_an_administrator(client, world, elsewhere):
    response = _new_staff(client, role=Role.VILLAGE_AGENT, village=elsewhere["village"].pk)
    assert list(response.context["adminform"].form.errors) == ["village"]
    response = _new_staff(client, role=Role.ADMINISTRATOR)
    assert list(response.context["adminform"].form.errors) == ["role"]
    assert not User.objects.filter(username="newbie").exists()
    response = _new_staff(client, role=Role.COUNTY_ADMINISTRATOR, county=world.county.pk)
    assert response.status_code == 302
    made = User.objects.get(username="newbie")
    assert made.is_staff and not made.is_superuser and made.county == world.county


def test_cannot_make_anyone_superuser(client, world):
    url = f"/admin/people/user/{world.agent.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="is_superuser"' not in page


def test_launch_and_import_of_their_county_only(client, world, elsewhere):
    assert client.get(f"/county/{world.county.code}/launch/").status_code == 200
    assert client.get(f"/county/{elsewhere['county'].code}/launch/").status_code == 404
    file = io.BytesIO(books.leye()[0][1])
    file.name = "乐业县.xlsx"
    response = client.post("/county/import/", {"workbook": file})
    token = Upload.objects.get().token
    page = client.get(response["Location"]).content.decode()
    assert "451028000000" in page and "/apply/" not in page
    client.post(f"/county/import/{token}/apply/")
    assert not Village.objects.filter(code__startswith="451028").exclude(pk=elsewhere["village"].pk)


def test_the_workbook_makes_county_administrators(db):
    sheets = books.leye_sheets()
    sheets["人员"].append([books.person(501), books.phone(501), "县管理员", "", "", "", ""])
    report = importer.import_county([("x.xlsx", books.xlsx(sheets))])
    assert report.ok, [str(p) for p in report.problems]
    made = User.objects.get(work_phone="+86" + books.phone(501))
    assert made.role == Role.COUNTY_ADMINISTRATOR and made.county.code == "451028000000"
    assert made.is_staff and not made.is_superuser


def test_every_admin_opens_for_them_or_is_closed(client, world, elsewhere):
    """Fails closed: an admin without the county scoping is a 403, never a leak."""
    from django.contrib import admin
    from django.urls import reverse

    from daiban.core.admin import CountyScopedAdmin

    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        expected = 200 if isinstance(model_admin, CountyScopedAdmin) else 403
        assert client.get(changelist).status_code == expected, changelist
        if isinstance(model_admin, CountyScopedAdmin) and "add" in model_admin.county_actions:
            add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            assert client.get(add).status_code == 200, add


def test_launch_needs_only_the_departments_of_the_countys_catalog(world):
    from daiban.catalog.county import items_for
    from daiban.catalog.models import CountyItem
    from daiban.rollout.launch import needed_kinds

    kind = world.birth.department_kind
    assert [i for i in items_for(world.county) if i.department_kind == kind] == [world.birth]
    CountyItem.objects.create(county=world.county, item=world.birth, enabled=False)
    assert kind in needed_kinds() and kind not in needed_kinds(world.county)


def test_the_global_administrator_makes_a_county_administrator(world):
    client = verified_login(Client(), world.admin)
    response = _new_staff(client, role=Role.COUNTY_ADMINISTRATOR, county=world.county.pk)
    assert response.status_code == 302
    made = User.objects.get(username="newbie")
    assert made.is_staff and not made.is_superuser

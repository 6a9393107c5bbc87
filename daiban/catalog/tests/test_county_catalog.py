"""Each county its own catalog: an item switched off in one county is gone from that
county's guide, inquiry page, case start and Open311, and still there in another; the
county's phone and notes show in its guide; no CountyItem rows = the template as it is."""

import pytest
from django.test import Client

from daiban.api.models import hash_key
from daiban.audit.models import AuditRecord
from daiban.catalog.county import items_for, settings_for
from daiban.catalog.models import CountyItem, ServiceItem
from daiban.open311.models import ApiKey
from daiban.people.models import Role
from daiban.people.services import create_staff
from daiban.places.models import County, Department, Township, Village
from daiban.testing.world import verified_login

KEY = "county-catalog-key"


@pytest.fixture
def elsewhere(world):
    """A second county with a township, a village, its agent and a finance station."""
    county = County.objects.create(code="451028000000", name="乐业县")
    township = Township.objects.create(county=county, code="451028102000", name="新化镇")
    village = Village.objects.create(township=township, code="451028102201", name="仁里村委会")
    Department.objects.create(
        county=county, township=township, level="township", kind="finance", name="新化镇财政所"
    )
    agent = create_staff(
        username="renli_agent",
        password="x",
        display_name="仁里代办",
        role=Role.VILLAGE_AGENT,
        village=village,
    )
    return {"county": county, "township": township, "village": village, "agent": agent}


@pytest.fixture
def switched_off(world):
    """云岭县 does not offer the passbook renaming."""
    return CountyItem.objects.create(county=world.county, item=world.passbook, enabled=False)


def test_without_rows_a_county_offers_the_template(world):
    assert set(items_for(world.county)) == set(ServiceItem.objects.filter(is_active=True))
    here = settings_for(world.county, world.passbook)
    assert here.pk is None and here.enabled and here.fee_here == world.passbook.fee


def test_the_guide_of_each_county(world, elsewhere, switched_off):
    public = Client()
    name = world.passbook.name
    assert name not in public.get(f"/guide/?county={world.county.code}").content.decode()
    assert name in public.get(f"/guide/?county={elsewhere['county'].code}").content.decode()
    item = f"/guide/{world.passbook.code}/"
    assert public.get(f"{item}?county={world.county.code}").status_code == 404
    assert public.get(f"{item}?county={elsewhere['county'].code}").status_code == 200
    from daiban.portal.selectors import guide_groups, most_used_items

    def listed(county):
        return {i for __, items in guide_groups(county=county) for i in items}

    # The printed booklet and the poster read the same lists.
    assert world.passbook not in listed(world.county)
    assert world.passbook in listed(elsewhere["county"])
    assert world.passbook not in most_used_items(world.township, limit=100)
    village = public.get(f"/village/{world.village.code}/").content.decode()
    assert f"?county={world.county.code}" in village and name not in village


def test_the_county_phone_fee_and_notes_show_in_its_guide(world, elsewhere):
    CountyItem.objects.create(
        county=elsewhere["county"],
        item=world.birth,
        phone="07767921234",
        fee="工本费5元",
        local_notes="逢圩日到乡计生办办理",
        department=Department.objects.get(name="新化镇财政所"),
    )
    page = Client().get(f"/guide/{world.birth.code}/?county={elsewhere['county'].code}")
    text = page.content.decode()
    assert "07767921234" in text and "工本费5元" in text and "逢圩日" in text
    assert "财政所" in text and "新化镇财政所" not in text  # the kind, in whichever township
    text = Client().get(f"/guide/{world.birth.code}/?county={world.county.code}").content.decode()
    assert "逢圩日" not in text


def test_the_inquiry_page_and_case_start(world, elsewhere, switched_off):
    mine = Client()
    mine.force_login(world.agent)
    page = mine.get("/inquiries/new/", {"q": world.passbook.name})
    assert world.passbook not in list(page.context["items"])
    page = mine.get("/inquiries/new/", {"item": world.passbook.pk, "resident": world.resident.pk})
    assert page.context["item"] is None
    started = mine.post("/cases/new/", {"resident": world.resident.pk, "item": world.passbook.pk})
    assert started.status_code == 404
    switched_off.delete()
    assert (
        mine.post(
            "/cases/new/", {"resident": world.resident.pk, "item": world.passbook.pk}
        ).status_code
        == 302
    )
    switched_off.save()
    theirs = Client()
    theirs.force_login(elsewhere["agent"])
    page = theirs.get("/inquiries/new/", {"q": world.passbook.name})
    assert world.passbook in list(page.context["items"])


def test_open311_lists_what_the_jurisdictions_county_offers(world, elsewhere, switched_off):
    ApiKey.objects.create(name="12345热线", key_hash=hash_key(KEY))
    client = Client()

    def codes(township):
        response = client.get("/open311/v2/services.json", {"jurisdiction_id": township.code})
        return {s["service_code"] for s in response.json()}

    assert world.passbook.code not in codes(world.township)
    assert world.passbook.code in codes(elsewhere["township"])
    request = {
        "api_key": KEY,
        "jurisdiction_id": world.township.code,
        "service_code": world.passbook.code,
        "attribute[village]": world.village.code,
        "attribute[name]": "胡建荣",
        "attribute[phone]": "13877160412",
    }
    filed = client.post("/open311/v2/requests.json", request)
    assert filed.status_code == 400, filed.content
    switched_off.delete()
    assert client.post("/open311/v2/requests.json", request).status_code == 201


def test_county_administrators_edit_their_own_rows(world, elsewhere):
    admin = create_staff(
        username="yl_admin",
        password="x",
        display_name="云岭县管理员",
        role=Role.COUNTY_ADMINISTRATOR,
        county=world.county,
    )
    client = verified_login(Client(), admin)
    data = {
        "county": world.county.pk,
        "item": world.passbook.pk,
        "enabled": "",
        "department": world.finance.pk,
        "bureau": "",
        "phone": "",
        "fee": "",
        "local_notes": "本县暂不办理",
    }
    other = dict(data, department=Department.objects.get(name="新化镇财政所").pk)
    refused = client.post("/admin/catalog/countyitem/add/", other)
    assert list(refused.context["adminform"].form.errors) == ["department"]
    assert client.post("/admin/catalog/countyitem/add/", data).status_code == 302
    setting = CountyItem.objects.get()
    assert not setting.enabled and world.passbook not in items_for(world.county)
    assert AuditRecord.objects.filter(action="catalog.county_item", user_id=admin.pk).exists()
    theirs = CountyItem.objects.create(county=elsewhere["county"], item=world.birth)
    listing = client.get("/admin/catalog/countyitem/").content.decode()
    assert f"/admin/catalog/countyitem/{setting.pk}/change/" in listing
    assert f"/admin/catalog/countyitem/{theirs.pk}/change/" not in listing
    assert client.get(f"/admin/catalog/countyitem/{theirs.pk}/change/").status_code == 404
    assert (
        client.post(
            "/admin/catalog/countyitem/add/",
            dict(data, county=elsewhere["county"].pk, item=world.birth.pk),
        ).status_code
        == 200
    )


def test_the_api_offers_and_accepts_only_the_countys_items(client, world):
    import json

    from daiban.api.models import ApiToken
    from daiban.catalog.models import CountyItem

    CountyItem.objects.create(county=world.county, item=world.birth, enabled=False)
    _, key = ApiToken.issue(world.agent, "phone")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    codes = {
        i["code"] for i in client.get("/api/v1/catalog/items?limit=100", **auth).json()["items"]
    }
    assert world.passbook.code in codes and world.birth.code not in codes
    refused = client.post(
        "/api/v1/cases",
        json.dumps({"resident": world.resident.pk, "item": world.birth.code}),
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 404

"""Open311 without a key shows nothing personal; the key that filed a request reads it
back in full; petitions are not offered; every bad parameter is a clear 400."""

import pytest

from daiban.api.models import hash_key
from daiban.cases.models import Inquiry
from daiban.open311.models import ApiKey, ServiceRequest

KEY, OTHER = "hotline-key", "other-key"
SECRET = "邻居占了我家宅基地的边界"


@pytest.fixture
def keys(world):
    ApiKey.objects.create(name="12345热线", key_hash=hash_key(KEY))
    ApiKey.objects.create(name="省平台", key_hash=hash_key(OTHER))
    return world


def form(world, **extra):
    data = {
        "api_key": KEY,
        "jurisdiction_id": world.township.code,
        "service_code": world.passbook.code,
        "attribute[village]": world.village.code,
        "attribute[name]": "胡建荣",
        "attribute[phone]": "13877160412",
        "description": SECRET,
    }
    return {**data, **extra}


def file(client, world, **extra) -> str:
    response = client.post("/open311/v2/requests.json", form(world, **extra))
    assert response.status_code == 201, response.content
    return response.json()[0]["service_request_id"]


def test_petition_items_are_neither_offered_nor_accepted(client, keys):
    world = keys
    listed = client.get("/open311/v2/services.json").json()
    assert listed and not [s for s in listed if s["service_code"].startswith("XF")]
    assert client.get(f"/open311/v2/services/{world.petition.code}.json").status_code == 404
    refused = client.post(
        "/open311/v2/requests.json", form(world, service_code=world.petition.code)
    )
    assert refused.status_code == 404 and refused.json()[0]["code"] == 404
    assert not Inquiry.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
        "/open311/v2/requests/{id}.json",
        "/open311/v2/requests/{id}.xml",
        "/open311/v2/requests.json?service_request_id={id}",
    ],
)
def test_public_reads_show_nothing_personal(client, keys, path):
    world = keys
    request_id = file(client, world)
    for who in ({}, {"api_key": OTHER}, {"api_key": "wrong"}):
        page = client.get(path.format(id=request_id), who)
        text = page.content.decode()
        assert page.status_code == 200 and request_id in text
        for personal in (
            SECRET,
            "胡建荣",
            "877160412",
            "0412",
            world.village.name,
            world.village.code,
        ):
            assert personal not in text, (who, personal)
        assert world.township.name in text  # where, no finer than the township
    own = client.get(path.format(id=request_id), {"api_key": KEY}).content.decode()
    assert SECRET in own and world.village.name in own


def test_ids_are_not_sequential_and_stored_ids_still_work(client, keys):
    world = keys
    first, second = file(client, world), file(client, world)
    inquiry = ServiceRequest.objects.get(public_id=first).inquiry
    assert first != f"DB{inquiry.pk}" and len(first) >= 16 and first != second
    assert client.get(f"/open311/v2/requests/DB{inquiry.pk}.json").status_code == 404
    # A request filed before the ids were random keeps its DB<n> id.
    ServiceRequest.objects.filter(public_id=first).update(public_id=f"DB{inquiry.pk}")
    old = client.get(f"/open311/v2/requests/DB{inquiry.pk}.json", {"api_key": KEY})
    assert old.status_code == 200 and old.json()[0]["description"] == SECRET


def test_standard_name_and_phone_fields_are_accepted(client, keys):
    world = keys
    data = form(world, first_name="建荣", last_name="胡", phone="13877160412")
    del data["attribute[name]"], data["attribute[phone]"]
    response = client.post("/open311/v2/requests.json", data)
    assert response.status_code == 201, response.content
    inquiry = Inquiry.objects.get()
    assert inquiry.asker_name == "胡建荣" and inquiry.agent == world.agent


BAD_READS = [
    {"start_date": "2026-02-30T00:00:00+08:00"},
    {"start_date": "2026-03-01T00:00:00+25:00"},
    {"end_date": "yesterday"},
    {"status": "lost"},
    {"service_code": "PASS\x00"},
    {"jurisdiction_id": "4599\x00"},
    {"service_request_id": "DB1\x00"},
    {"api_key": "\x00"},
]


@pytest.mark.parametrize("params", BAD_READS)
def test_a_bad_read_parameter_is_a_clear_400(client, keys, params):
    response = client.get("/open311/v2/requests.json", params)
    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400 and error["description"]


BAD_FILINGS = [
    {"attribute[name]": "胡" * 61},
    {"first_name": "建" * 40, "last_name": "胡" * 40, "attribute[name]": ""},
    {"attribute[name]": "胡建\x00荣"},
    {"description": "宅基地\x00"},
    {"service_code": "LS\x00"},
    {"attribute[village]": "4599\x00"},
    {"jurisdiction_id": "4599\x00"},
    {"api_key": "hotline\x00"},
    {"address_string": "岩洛场村" * 100},
    {"lat": "north"},
]


@pytest.mark.parametrize("extra", BAD_FILINGS)
def test_a_bad_filing_is_a_clear_400_and_changes_nothing(client, keys, extra):
    world = keys
    response = client.post("/open311/v2/requests.json", form(world, **extra))
    assert response.status_code == 400, response.content
    [error] = response.json()
    assert error["code"] == 400 and error["description"]
    assert not Inquiry.objects.exists() and not ServiceRequest.objects.exists()


def test_errors_speak_the_users_language(client, keys):
    client.cookies["django_language"] = "en"
    response = client.get("/open311/v2/requests.xml", {"start_date": "2026-02-30"})
    assert response.status_code == 400 and b"<errors><error><code>400</code>" in response.content
    assert b"start_date" in response.content


@pytest.mark.parametrize(
    "path", ["services/PASS%00.json", "requests/DB1%00.json", "tokens/x%00.json"]
)
def test_a_nul_in_the_path_is_a_400(client, keys, path):
    assert client.get(f"/open311/v2/{path}").status_code == 400

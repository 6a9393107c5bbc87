"""Open311 GeoReport v2, driven by the published `georeport` client against a live server."""

import pytest
import requests
from georeport import GeoReport

from daiban.api.models import hash_key
from daiban.cases import lifecycle
from daiban.cases.models import Inquiry
from daiban.cases.selectors import complete_checklist
from daiban.open311.models import ApiKey, ServiceRequest
from daiban.testing import factories

pytestmark = pytest.mark.django_db(transaction=True)
KEY = "test-open311-key"


@pytest.fixture
def endpoint(live_server, shared_world):
    ApiKey.objects.create(name="12345热线", key_hash=hash_key(KEY))
    return f"{live_server.url}/open311/v2", shared_world


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_list_define_file_and_read_back(endpoint, output_format):
    root, world = endpoint
    client = GeoReport(
        root, jurisdiction=world.township.code, api_key=KEY, output_format=output_format
    )
    services = client.get_service_list()
    names = {s["service_name"] for s in services}
    assert "粮食直补存折更名" in names and "结婚登记预约" not in names  # only items an agent can do
    definition = client.get_service_definition(world.passbook.code)
    attributes = (
        definition["attributes"]
        if output_format == "json"
        else definition["attributes"]["attribute"]
    )
    codes = [a["code"] for a in attributes]
    assert codes == ["village", "name", "phone"]

    # georeport cannot post; the specification's POST is a form with the api_key.
    filed = requests.post(
        f"{root}/requests.{output_format}",
        data={
            "api_key": KEY,
            "jurisdiction_id": world.township.code,
            "service_code": world.passbook.code,
            "attribute[village]": world.village.code,
            "attribute[name]": "胡建荣",
            "attribute[phone]": "13877160412",
            "description": "存折户名要改成我",
        },
        timeout=10,
    )
    assert filed.status_code == 201
    request_id = (
        filed.json()[0]["service_request_id"]
        if output_format == "json"
        else filed.text.split("<service_request_id>")[1].split("<")[0]
    )
    inquiry = ServiceRequest.objects.get(public_id=request_id).inquiry
    assert (
        inquiry.agent == world.agent
        and inquiry.item == world.passbook
        and inquiry.asker_name == "胡建荣"
    )

    read = client.get_service_request(request_id)
    record = read[0] if isinstance(read, list) else read
    assert record["service_request_id"] == request_id and record["status"] == "open"

    # The agent meets the resident and opens the case: the request follows it.
    case = lifecycle.start_case(
        actor=world.agent, resident=world.resident, item=world.passbook, inquiry=inquiry
    )
    lifecycle.accept(
        case,
        actor=world.agent,
        received=complete_checklist(world.passbook),
        entrustment=factories.entrusted(world),
    )
    again = requests.get(f"{root}/requests/{request_id}.json", timeout=10).json()[0]
    assert (
        again["status"] == "open"
        and again["expected_datetime"]
        and again["status_notes"] == "办理中"
    )
    listed = client.get_service_requests(service_code=world.passbook.code)
    assert request_id in str(listed)


def test_bad_key_unknown_service_and_unknown_request(endpoint):
    root, world = endpoint
    form = {
        "api_key": "wrong",
        "service_code": world.passbook.code,
        "attribute[village]": world.village.code,
        "attribute[name]": "胡建荣",
        "attribute[phone]": "13877160412",
    }
    assert requests.post(f"{root}/requests.json", data=form, timeout=10).status_code == 403
    form["api_key"] = KEY
    form["service_code"] = "NOPE"
    assert requests.post(f"{root}/requests.json", data=form, timeout=10).status_code == 404
    form["service_code"] = world.passbook.code
    form["attribute[phone]"] = "123"
    bad = requests.post(f"{root}/requests.json", data=form, timeout=10)
    assert bad.status_code == 400 and bad.json()[0]["description"]
    assert requests.get(f"{root}/requests/DB999999.json", timeout=10).status_code == 404
    discovery = requests.get(f"{root}/discovery.json", timeout=10).json()
    assert discovery["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert Inquiry.objects.count() == 0

"""A request filed through Open311 reaches the village agent's home page, and the agent
turns it into a case or records the answer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from daiban.api.models import hash_key
from daiban.audit.models import AuditRecord
from daiban.cases.models import Case
from daiban.open311.models import ApiKey, ServiceRequest

KEY = "hotline-key"


@pytest.fixture
def filed(world, client):
    ApiKey.objects.create(name="12345热线", key_hash=hash_key(KEY))

    def file(name="胡建荣"):
        response = client.post(
            "/open311/v2/requests.json",
            {
                "api_key": KEY,
                "service_code": world.passbook.code,
                "attribute[village]": world.village.code,
                "attribute[name]": name,
                "attribute[phone]": "13877160412",
                "description": "存折户名要改成我",
            },
        )
        assert response.status_code == 201
        return ServiceRequest.objects.get(public_id=response.json()[0]["service_request_id"])

    return file


def test_the_agent_sees_the_request_at_home_and_opens_a_case(world, client, filed):
    sr = filed()
    client.force_login(world.agent)
    home = client.get("/").content.decode()
    assert "胡建荣" in home and world.passbook.name in home and f"/hotline/{sr.public_id}/" in home
    page = client.get(f"/hotline/{sr.public_id}/")
    assert page.status_code == 200 and "存折户名要改成我" in page.content.decode()
    assert "13877160412" not in page.content.decode()  # masked until asked for
    shown = client.post(f"/hotline/{sr.public_id}/", {"reveal": "1"}).content.decode()
    assert "13877160412" in shown
    assert AuditRecord.objects.filter(action="open311.reveal").exists()
    chosen = client.get(f"/hotline/{sr.public_id}/", {"resident": world.resident.pk})
    assert f"/hotline/{sr.public_id}/case/" in chosen.content.decode()
    opened = client.post(f"/hotline/{sr.public_id}/case/", {"resident": world.resident.pk})
    case = Case.objects.get(inquiry=sr.inquiry)
    assert opened.status_code == 302 and opened["Location"] == f"/cases/{case.pk}/accept/"
    assert f"/hotline/{sr.public_id}/" not in client.get("/").content.decode()


def test_the_agent_answers_without_a_case(world, client, filed):
    sr = filed()
    client.force_login(world.agent)
    done = client.post(f"/hotline/{sr.public_id}/answer/", {"answer": "已电话告知所需材料"})
    assert done.status_code == 302
    assert f"/hotline/{sr.public_id}/" not in client.get("/").content.decode()
    again = client.post(f"/hotline/{sr.public_id}/answer/", {"answer": "再答一次"})
    assert again.status_code == 302
    sr.inquiry.refresh_from_db()
    assert sr.inquiry.answer == "已电话告知所需材料"


def test_nobody_else_sees_the_request(world, client, filed):
    sr = filed()
    for outsider in (
        world.other_agent,
        world.petition_agent,
        world.clerk_finance,
        world.other_director,
    ):
        client.force_login(outsider)
        assert f"/hotline/{sr.public_id}/" not in client.get("/").content.decode()
        assert client.get(f"/hotline/{sr.public_id}/").status_code == 404
        assert (
            client.post(f"/hotline/{sr.public_id}/answer/", {"answer": "不是我的"}).status_code
            == 404
        )


def test_the_home_page_reads_requests_in_a_fixed_number_of_queries(world, client, filed):
    filed()
    client.force_login(world.agent)
    with CaptureQueriesContext(connection) as one:
        client.get("/")
    for n in range(4):
        filed(name=f"村民{n}")
    with CaptureQueriesContext(connection) as five:
        page = client.get("/").content.decode()
    assert "村民3" in page and len(five) == len(one)

"""The offline pieces served to an agent's phone (issue 21): who gets them, what they hold
(the minimum, masked), and the logout that wipes them."""

import json

from daiban.cases.models import Case
from daiban.testing import factories
from daiban.testing.world import verified_login


def test_the_shell_is_the_agents_and_names_its_user(client, world):
    assert client.get("/offline/").status_code == 302  # to the login
    client.force_login(world.agent)
    page = client.get("/offline/")
    assert page.status_code == 200
    assert page["X-Daiban-User"] == str(world.agent.pk)
    html = page.content.decode()
    assert 'id="offline-texts" type="application/json"' in html
    assert "<script>" not in html  # CSP: no inline script
    client.force_login(world.clerk_finance)
    assert client.get("/offline/").status_code == 404
    assert client.get("/offline/snapshot.json").status_code == 404


def test_the_snapshot_holds_the_agents_own_masked_villagers_and_open_cases(client, world):
    mine = factories.accepted(world)
    closed = factories.in_state(world, "closed")
    # An open case of the village that another agent carries: not on this phone.
    theirs = factories.started(world)
    Case.objects.filter(pk=theirs.pk).update(agent=world.petition_agent)
    client.force_login(world.agent)
    answer = client.get("/offline/snapshot.json")
    assert answer["Cache-Control"] == "no-store"
    data = answer.json()
    text = json.dumps(data, ensure_ascii=False)
    assert [r["name"] for r in data["residents"]] == ["胡建荣"]
    assert "459901198604120032" not in text and "13877160412" not in text
    assert world.resident.id_number_masked in text and "韦秀英" not in text
    cases = {c["id"] for c in data["cases"]}
    assert mine.pk in cases and closed.pk not in cases and theirs.pk not in cases
    guide = {i["code"]: i for i in data["items"]}
    assert guide[world.passbook.code]["materials"]
    assert data["village"]["code"] == world.village.code
    assert "胡建荣".encode() in answer.content  # Chinese as itself, not escaped: half the bytes


def test_the_snapshot_reads_as_many_statements_for_many_open_cases_as_for_two(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    factories.at_department(world)
    factories.accepted(world)
    client.force_login(world.agent)

    def statements():
        with CaptureQueriesContext(connection) as seen:
            assert client.get("/offline/snapshot.json").status_code == 200
        return len(seen.captured_queries)

    statements()  # the session's once-a-minute renewal
    one = statements()
    for _ in range(4):
        factories.at_department(world)
        factories.accepted(world)
    assert statements() == one


def test_the_service_worker_covers_the_site_and_keeps_one_users_cache(client, world):
    answer = client.get("/sw.js?u=7")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/javascript")
    assert answer["Cache-Control"] == "no-cache"
    body = answer.content.decode()
    assert '"/offline/"' in body and "X-Daiban-User" in body and "&quot;" not in body
    manifest = json.loads(client.get("/offline/manifest.webmanifest").content)
    assert manifest["start_url"] == "/offline/" and manifest["scope"] == "/"
    assert {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}


def test_the_agents_pages_link_the_offline_pieces_and_others_do_not(client, world):
    client.force_login(world.agent)
    home = client.get("/").content.decode()
    assert 'rel="manifest"' in home and 'id="offline-banner"' in home and "offline/page" in home
    verified_login(client, world.director)
    home = client.get("/").content.decode()
    assert 'rel="manifest"' not in home and "offline-banner" not in home


def test_logout_wipes_the_phones_copy(client, world):
    client.force_login(world.agent)
    answer = client.post("/logout/")
    assert answer.status_code == 302
    assert answer["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get("/offline/snapshot.json").status_code == 302

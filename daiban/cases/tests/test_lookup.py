"""The header's one search box, and one id per field on the case page (issue 15)."""

import collections
import re

from daiban.testing import factories


def test_the_header_search_box_posts(client, world):
    client.force_login(world.director)
    html = client.get("/").content.decode()
    form = re.search(r'<form class="find"[^>]*>', html).group(0)
    assert 'method="post"' in form and 'action="/find/"' in form
    # Its own field name and class: a page's search form (form.search, name="q") stays the
    # only one on the page.
    assert html.count('name="q"') == 0 and 'name="find"' in html
    assert 'class="search' not in form


def test_a_case_number_or_tracking_code_opens_the_case(client, world):
    case = factories.accepted(world)
    client.force_login(world.director)
    for typed in (case.number, f" {case.tracking_code.lower()} "):
        answer = client.post("/find/", {"find": typed})
        assert answer.status_code == 302 and answer.url == f"/cases/{case.pk}/", typed


def test_a_case_outside_the_scope_is_not_found(client, world):
    case = factories.accepted(world)
    client.force_login(world.other_director)  # another township
    answer = client.post("/find/", {"q": case.number})
    assert answer.status_code == 200
    assert f"/cases/{case.pk}/" not in answer.content.decode()
    client.force_login(world.other_agent)  # another village of the same township
    assert f"/cases/{case.pk}/" not in client.post("/find/", {"q": "hujianrong"}).content.decode()


def test_the_villager_finds_the_cases_by_name_pinyin_or_phone_ending(client, world):
    case = factories.accepted(world)
    client.force_login(world.agent)
    for typed in ("胡建荣", "hu", "hjr", "0412"):
        html = client.post("/find/", {"q": typed}).content.decode()
        assert f"/cases/{case.pk}/" in html, typed
    # A number never comes from the address.
    assert f"/cases/{case.pk}/" not in client.get("/find/", {"q": case.number}).content.decode()


def test_the_case_page_has_one_id_per_field(client, world):
    for make, who in (
        (factories.accepted, world.agent),
        (factories.at_department, world.clerk_finance),
        (factories.back_with_agent, world.agent),
    ):
        case = make(world)
        client.force_login(who)
        html = client.get(f"/cases/{case.pk}/").content.decode()
        ids = collections.Counter(re.findall(r'\bid="([^"]+)"', html))
        assert [i for i, n in ids.items() if n > 1] == [], make.__name__
        for target in re.findall(r'<label for="([^"]+)"', html):
            assert ids[target] == 1, target


def test_the_disclosure_triangle_is_kept(client):
    from django.contrib.staticfiles import finders

    with open(finders.find("daiban.css"), encoding="utf-8") as f:
        css = f.read()
    summary = re.search(r"summary\{([^}]*)\}", css).group(1)
    assert "display:flex" not in summary and "display:list-item" in summary

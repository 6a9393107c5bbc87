"""Bad input never gives a server error.

A crawler logs in as each named person, follows every link it may follow, and submits every
form it finds with one field at a time replaced by a hostile value: a NUL byte, text far over
any limit, an impossible date, an offset that does not exist, a word where a number belongs.
Every JSON API operation and every Open311 parameter gets the same values. Nothing may
answer 5xx; every answer must be something the person can read.
"""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.test import Client

from daiban.api.models import ApiToken, hash_key
from daiban.api.urls import api
from daiban.testing.factories import accepted, at_department, started, with_result
from daiban.testing.world import verified_login

BAD = [
    "a\x00b",
    "\x00",
    "x" * 100_000,
    "2026-02-30",
    "2026-03-01T10:00:00+25:00",
    "abc",
    "-1",
    "99999999999999999999",
    "１２",
    "<b>'\"&",
]
SKIP_PATHS = ("/logout/", "/admin/", "/i18n/", "/static/", "/api/v1/docs")
SKIP_SUFFIXES = (".pdf", ".xlsx", ".png", ".svg")
MAX_PAGES_PER_PERSON = 45


class Forms(HTMLParser):
    """Links and forms of one page, with the values a browser would send by default."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self.forms.append(
                {
                    "action": a.get("action") or "",
                    "method": (a.get("method") or "get").lower(),
                    "fields": {},
                }
            )
        elif not self.forms:
            return
        elif tag in ("input", "textarea", "button") and a.get("name"):
            kind = a.get("type", "text")
            fields = self.forms[-1]["fields"]
            if kind in ("checkbox", "radio") and "checked" not in a or kind in ("submit", "file"):
                fields.setdefault(a["name"], None)
            else:
                fields[a["name"]] = a.get("value", "")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.forms[-1]["fields"].setdefault(self._select, "")
        elif tag == "option" and self._select:
            fields = self.forms[-1]["fields"]
            if not fields[self._select] or "selected" in a:
                fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


class Probe:
    def __init__(self):
        self.tried = 0
        self.failures: list[str] = []

    def check(self, response, what: str):
        self.tried += 1
        if response.status_code >= 500:
            self.failures.append(f"{response.status_code} {what}")

    def call(self, client, method, url, data=None, **extra):
        send = getattr(client, method)
        try:
            response = send(url, data, **extra) if data is not None else send(url, **extra)
        except Exception as exc:  # the test client re-raises what would have been a 500
            self.tried += 1
            self.failures.append(f"{type(exc).__name__} {method.upper()} {url} {str(exc)[:120]}")
            return None
        self.check(response, f"{method.upper()} {url} {_short(data)}")
        return response


def _short(data) -> str:
    if not data:
        return ""
    if isinstance(data, dict):
        return str(
            {
                k: (v[:20] + "…" if isinstance(v, str) and len(v) > 20 else v)
                for k, v in data.items()
            }
        )
    return str(data)[:80]


def _local(base: str, href: str) -> str | None:
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    path = parts.path
    if path.startswith(SKIP_PATHS) or path.endswith(SKIP_SUFFIXES):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def crawl_and_fuzz(client: Client, probe: Probe, seeds: list[str], fuzzed: set):
    seen: set[str] = set()
    queue = deque(seeds)
    pages = 0
    while queue and pages < MAX_PAGES_PER_PERSON:
        url = queue.popleft()
        shape = re.sub(r"\d+", "N", url.split("?")[0])
        if url in seen:
            continue
        seen.add(url)
        response = probe.call(client, "get", url)
        if response is None or response.status_code != 200:
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        parser = Forms()
        parser.feed(response.content.decode("utf-8", "replace"))
        for href in parser.links:
            local = _local(url, href)
            if local and local not in seen:
                queue.append(local)
        # Query parameters the page's own links use, each made hostile.
        for href in parser.links:
            local = _local(url, href)
            if not local or "?" not in local:
                continue
            path, query = local.split("?", 1)
            params = dict(parse_qsl(query, keep_blank_values=True))
            for name in params:
                key = ("GET", re.sub(r"\d+", "N", path), name)
                if key in fuzzed:
                    continue
                fuzzed.add(key)
                for bad in BAD:
                    probe.call(client, "get", f"{path}?{urlencode({**params, name: bad})}")
        for form in parser.forms:
            action = _local(url, form["action"]) or url
            action_shape = re.sub(r"\d+", "N", action.split("?")[0])
            base = {k: v for k, v in form["fields"].items() if v is not None}
            for name in [*form["fields"], "next"] if form["method"] == "get" else form["fields"]:
                if name == "csrfmiddlewaretoken":
                    continue
                key = (form["method"].upper(), action_shape, name, shape)
                if key in fuzzed:
                    continue
                fuzzed.add(key)
                for bad in BAD:
                    data = {**base, name: bad}
                    if form["method"] == "post":
                        probe.call(client, "post", action, data)
                    else:
                        path = action.split("?")[0]
                        probe.call(client, "get", f"{path}?{urlencode(data)}")


def _cases(world):
    cases = [started(world), accepted(world), at_department(world), with_result(world)]
    return [f"/cases/{c.pk}/" for c in cases] + [f"/cases/{cases[0].pk}/accept/"]


SEEDS = [
    "/",
    "/inquiries/new/",
    "/inquiries/new/?q=存折",
    "/residents/",
    "/residents/new/",
    "/handover/",
    "/supervision/",
    "/manage/",
    "/manage/agents/",
    "/manage/scheme/",
    "/manage/payments/",
    "/guide/",
    "/agents/",
    "/track/",
    "/figures/",
    "/display/?next=abc",
]


@pytest.mark.django_db(transaction=False)
def test_no_page_or_form_answers_5xx_to_bad_input(world, settings):
    probe = Probe()
    fuzzed: set = set()
    case_pages = _cases(world)
    people = [
        world.agent,
        world.petition_agent,
        world.clerk_finance,
        world.township_agent,
        world.director,
        world.leader,
        world.supervisor,
        None,
    ]
    for person in people:
        client = Client()
        if person is not None:
            verified_login(client, person)
        crawl_and_fuzz(client, probe, SEEDS + case_pages, fuzzed)
    # The log-in form and the public forms, as someone not logged in.
    anonymous = Client()
    for bad in BAD:
        probe.call(anonymous, "post", "/login/", {"username": bad, "password": bad})
        probe.call(anonymous, "post", "/track/", {"code": bad, "digits": bad})
        probe.call(anonymous, "get", f"/guide/?{urlencode({'q': bad})}")
        probe.call(anonymous, "get", f"/display/?{urlencode({'next': bad})}")
    print(f"pages and forms: {probe.tried} hostile inputs tried")
    assert probe.failures == [], "\n".join(probe.failures[:40])
    assert probe.tried > 800


def _schema_params(operation) -> list[tuple[str, str]]:
    return [(p["in"], p["name"]) for p in operation.get("parameters", [])]


def _body_fields(schema, operation) -> dict:
    """The JSON body's properties with a plausible value each."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return {}
    ref = content["schema"].get("$ref", "")
    body = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
    sample = {"string": "x", "integer": 1, "number": 1, "boolean": True, "array": [], "object": {}}
    fields = {}
    for name, prop in body.get("properties", {}).items():
        kind = prop.get("type") or "string"
        value = sample.get(kind, "x")
        if prop.get("format") == "date":
            value = "2026-03-02"
        elif prop.get("format") == "date-time":
            value = "2026-03-02T10:00:00+08:00"
        fields[name] = value
    return fields


def test_no_api_operation_answers_5xx_to_bad_input(world):
    probe = Probe()
    case = accepted(world)
    _, token = ApiToken.issue(world.director, "fuzz")
    _, agent_token = ApiToken.issue(world.agent, "fuzz")
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    for bearer in (token, agent_token):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {bearer}")
        for route, methods in schema["paths"].items():
            for method, operation in methods.items():
                url = re.sub(r"\{[^}]+\}", str(case.pk), route)
                params = _schema_params(operation)
                body = _body_fields(schema, operation)
                for bad in BAD:
                    for where, name in params:
                        if where == "path":
                            target = re.sub(r"\{" + name + r"\}", bad.replace("/", ""), route)
                            target = re.sub(r"\{[^}]+\}", str(case.pk), target)
                            if "\x00" in target or len(target) > 2000:
                                continue  # not a URL a client can send
                            probe.call(client, method, target)
                        elif method == "get":
                            probe.call(client, "get", f"{url}?{urlencode({name: bad})}")
                        else:
                            probe.call(
                                client,
                                method,
                                f"{url}?{urlencode({name: bad})}",
                                body,
                                content_type="application/json",
                            )
                    for name in body:
                        probe.call(
                            client,
                            method,
                            url,
                            {**body, name: bad},
                            content_type="application/json",
                        )
    print(f"API: {probe.tried} hostile inputs tried")
    assert probe.failures == [], "\n".join(probe.failures[:40])
    assert probe.tried > 300


OPEN311_POST = [
    "service_code",
    "description",
    "first_name",
    "last_name",
    "phone",
    "email",
    "address_string",
    "address_id",
    "lat",
    "long",
    "device_id",
    "account_id",
    "attribute[village]",
    "attribute[name]",
    "attribute[phone]",
    "media_url",
]
OPEN311_GET = [
    "service_request_id",
    "service_code",
    "start_date",
    "end_date",
    "status",
    "jurisdiction_id",
]


def test_no_open311_parameter_answers_5xx_to_bad_input(world):
    from daiban.open311.models import ApiKey

    probe = Probe()
    ApiKey.objects.create(name="fuzz", key_hash=hash_key("fuzz-key-0001"))
    client = Client()
    for fmt in ("json", "xml"):
        for bad in BAD:
            probe.call(
                client, "get", f"/open311/v2/services.{fmt}?{urlencode({'jurisdiction_id': bad})}"
            )
            probe.call(client, "get", f"/open311/v2/services/{bad[:40].replace('/', '')}.{fmt}")
            for name in OPEN311_GET:
                probe.call(client, "get", f"/open311/v2/requests.{fmt}?{urlencode({name: bad})}")
            for name in OPEN311_POST:
                data = {
                    "api_key": "fuzz-key-0001",
                    "service_code": world.passbook.code,
                    "description": "存折要更名",
                    "attribute[village]": world.village.code,
                    name: bad,
                }
                probe.call(client, "post", f"/open311/v2/requests.{fmt}", data)
            probe.call(client, "get", f"/open311/v2/requests/{bad[:40].replace('/', '')}.{fmt}")
    print(f"Open311: {probe.tried} hostile inputs tried")
    assert probe.failures == [], "\n".join(probe.failures[:40])


def test_a_text_too_long_for_its_field_is_refused_by_name_and_changes_nothing(client, world):
    from daiban.cases.models import Case, Entrustment
    from daiban.cases.selectors import complete_checklist

    case = started(world)
    events = case.events.count()
    _, key = ApiToken.issue(world.agent, "agent")
    received = [
        {"material_id": r.material_id, "originals": r.originals, "copies": r.copies}
        for r in complete_checklist(world.passbook)
    ]
    limit = Entrustment._meta.get_field("signed_by").max_length
    answer = client.post(
        f"/api/v1/cases/{case.pk}/accept",
        {"received": received, "signed_by": "胡" * (limit + 1), "signed_on": "2026-03-02"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["fields"] == {"signed_by": [f"最多 {limit} 个字（现有 {limit + 1} 个）。"]}
    assert body["message"] == "太长或含不允许的字符：签字人。"
    case = Case.objects.get(pk=case.pk)
    assert case.state == "pending" and case.accepted_at is None
    assert not Entrustment.objects.filter(case=case).exists()
    assert case.events.count() == events


def test_a_nul_byte_is_refused_at_the_door_in_the_persons_language(client, world):
    verified_login(client, world.agent)
    before = world.resident.__class__.objects.count()
    page = client.post(
        "/residents/new/",
        {"name": "韦\x00明", "id_number": "11010519491231002X", "village": world.village.pk},
    )
    assert page.status_code == 400
    assert "请求中含有不允许的字符" in page.content.decode()
    assert world.resident.__class__.objects.count() == before
    _, key = ApiToken.issue(world.agent, "agent")
    api_answer = client.post(
        "/api/v1/residents",
        {"name": "韦\x00明"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert api_answer.status_code == 400 and api_answer.json()["code"] == "invalid"
    open311 = client.get("/open311/v2/requests.xml", {"service_code": "a\x00"})
    assert open311.status_code == 400 and b"<errors><error><code>400</code>" in open311.content


def test_ids_and_return_addresses_from_the_browser_are_checked():
    from django.test import RequestFactory

    from daiban.core.inputs import as_id, safe_next

    assert [as_id(v) for v in ("12", " 7 ", "abc", "-1", "0", "１２", "99999999999999999999")] == [
        12,
        7,
        None,
        None,
        None,
        None,
        None,
    ]
    request = RequestFactory().get("/")
    assert safe_next(request, "/cases/3/?a=1") == "/cases/3/?a=1"
    for bad in ("abc", "//evil.example/", "https://evil.example/", "", None, "cases:home"):
        assert safe_next(request, bad, "/guide/") == "/guide/"

"""The staff pages through Django's test client: scoping, steps, errors, query counts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from daiban.cases import lifecycle
from daiban.cases.models import Case, State
from daiban.cases.selectors import complete_checklist
from daiban.testing import factories
from daiban.testing.world import verified_login


def login(client, user):
    return verified_login(client, user)


def queries(client, url) -> int:
    # A first visit renews the session (at most once a minute, core.middleware); the
    # count is of the page itself.
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_pages_need_a_login(client, world):
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_chinese_by_default_english_on_request(client, world):
    login(client, world.agent)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert "我的工作" in page
    client.cookies["django_language"] = "en"
    assert "My work" in client.get("/").content.decode()


def test_agent_list_has_no_n_plus_one(client, world):
    login(client, world.agent)
    factories.at_department(world)
    few = queries(client, "/")
    for _ in range(5):
        factories.at_department(world)
        factories.started(world)
    many = queries(client, "/")
    assert many == few
    assert client.get("/").content.decode().count('<li class="card ') == 11


def test_clerk_queue_has_no_n_plus_one(client, world):
    login(client, world.clerk_finance)
    factories.at_department(world)
    few = queries(client, "/")
    for _ in range(6):
        factories.at_department(world)
    assert queries(client, "/") == few
    page = client.get("/").content.decode()
    assert page.count("粮食直补存折更名") == 7


def test_director_board_has_no_n_plus_one(client, world):
    login(client, world.director)
    factories.at_department(world)
    few = queries(client, "/")
    for _ in range(4):
        factories.at_department(world)
        factories.accepted(world)
    assert queries(client, "/") == few


def test_director_board_counts_each_holders_files(client, world):
    """Two files at the finance office (both received), one with the agent (accepted, not
    yet handed over), each with its originals; all overdue by today (March 2026)."""
    first = factories.at_department(world)
    factories.at_department(world)
    factories.accepted(world)
    originals = sum(p.count for p in first.papers.all())
    login(client, world.director)
    page = client.get("/").content.decode()
    board = page[
        page.index("<h2>案卷在谁手里") : page.index("<h2>", page.index("<h2>案卷在谁手里") + 4)
    ]
    assert f"<strong>{world.finance}</strong>" in board
    lines = re.findall(r"案卷(\d+)件，超期(\d+)件，未确认接收(\d+)件，原件(\d+)份", board)
    assert sorted(lines) == sorted(
        [("2", "2", "0", str(2 * originals)), ("1", "1", "0", str(originals))]
    )


def test_another_villages_case_is_missing(client, world):
    case = factories.at_department(world)
    login(client, world.other_agent)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.get(f"/cases/{case.pk}/receipt.pdf").status_code == 404
    assert client.post(f"/cases/{case.pk}/withdraw/", {"reason": "x"}).status_code == 404
    assert client.get("/cases/999999/").status_code == 404
    login(client, world.clerk_family_planning)  # never addressed to this department
    assert client.get(f"/cases/{case.pk}/").status_code == 404


def test_acceptance_page_accepts_with_every_material(client, world):
    login(client, world.agent)
    response = client.post(
        reverse("cases:start"), {"resident": world.resident.pk, "item": world.passbook.pk}
    )
    case = Case.objects.get()
    assert response.url == f"/cases/{case.pk}/accept/"
    form = {"signed_by": "胡建荣", "relation": "本人", "signed_on": "2026-03-02", "accept": "1"}
    for row in complete_checklist(world.passbook):
        form[f"o_{row.material_id}"] = row.originals
        form[f"c_{row.material_id}"] = row.copies
    response = client.post(f"/cases/{case.pk}/accept/", form)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.IN_PROGRESS and case.number
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert case.tracking_code in page and "打印受理回执" in page


def test_acceptance_with_a_material_missing_changes_nothing(client, world):
    login(client, world.agent)
    case = factories.started(world)
    form = {"signed_by": "胡建荣", "relation": "本人", "signed_on": "2026-03-02", "accept": "1"}
    response = client.post(f"/cases/{case.pk}/accept/", form)
    assert response.status_code == 200
    assert "一次性告知" in response.content.decode()  # the message says what to do instead
    case.refresh_from_db()
    assert case.state == State.PENDING and case.version == 1


def test_bad_numbers_are_a_form_error_not_a_crash(client, world):
    login(client, world.agent)
    case = factories.started(world)
    material = complete_checklist(world.passbook)[0].material_id
    response = client.post(
        f"/cases/{case.pk}/accept/",
        {f"o_{material}": "-3", "signed_on": "not a date", "accept": "1"},
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.state == State.PENDING


def test_supplement_and_refusal_from_the_acceptance_page(client, world):
    login(client, world.agent)
    case = factories.started(world)
    response = client.post(
        f"/cases/{case.pk}/accept/", {"supplement": "1", "relation": "本人", "note": "请带齐"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    notice = case.supplement_notices.get()
    assert case.state == State.AWAITING_MATERIALS and len(notice.missing) == 4
    assert client.get(f"/cases/{case.pk}/notices/{notice.pk}.pdf").status_code == 200

    other = factories.started(world)
    client.post(f"/cases/{other.pk}/accept/", {"refuse": "1", "relation": "本人", "note": ""})
    other.refresh_from_db()
    assert other.state == State.PENDING  # a refusal needs its reason
    client.post(
        f"/cases/{other.pk}/accept/", {"refuse": "1", "relation": "本人", "note": "不属于代办范围"}
    )
    other.refresh_from_db()
    assert other.state == State.REFUSED
    assert client.get(f"/cases/{other.pk}/refusal.pdf")["Content-Type"] == "application/pdf"


def test_a_stale_page_gets_a_conflict(client, world):
    case = factories.accepted(world)
    login(client, world.agent)
    lifecycle.hand_over(case.pk, actor=world.agent, to_department=world.finance)
    response = client.post(
        f"/cases/{case.pk}/withdraw/", {"reason": "群众撤回", "version": case.version}, follow=True
    )
    assert "刷新" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == State.IN_PROGRESS


def test_processing_through_the_pages(client, world):
    case = factories.accepted(world)
    papers = list(case.papers.values_list("pk", flat=True))
    login(client, world.agent)
    client.post(f"/cases/{case.pk}/hand-over/", {"to": f"d{world.finance.pk}", "papers": papers})
    login(client, world.clerk_finance)
    assert "确认接收" in client.get(f"/cases/{case.pk}/").content.decode()
    client.post(f"/cases/{case.pk}/confirm/")
    client.post(f"/cases/{case.pk}/result/", {"granted": "1", "document_no": "财〔2026〕1号"})
    client.post(f"/cases/{case.pk}/hand-over/", {"to": f"u{world.agent.pk}", "papers": papers})
    login(client, world.agent)
    client.post(f"/cases/{case.pk}/confirm/")
    client.post(f"/cases/{case.pk}/reply/", {"signed_by": "胡建荣"})
    client.post(f"/cases/{case.pk}/close/", {"method": "phone", "rating": "5"})
    case.refresh_from_db()
    assert case.state == State.CLOSED
    assert not case.papers.filter(returned_at__isnull=True).exists()


def test_resident_search_by_name_initials_phone_and_id(client, world):
    login(client, world.agent)
    for q in ["胡建", "hjr", "13877160412", "459901198604120032"]:
        page = client.post("/residents/", {"q": q}).content.decode()  # a number stays out of URLs
        assert "胡建荣" in page, q
    # Another village's resident is not found by this agent.
    assert "韦秀英" not in client.post("/residents/", {"q": "0776-6112345"}).content.decode()


def test_registration_gives_specific_messages(client, world):
    login(client, world.agent)
    form = {
        "name": "黄美玲",
        "id_number": "110105194912310021",
        "phone": "1387716",
        "village": world.village.pk,
    }
    page = client.post("/residents/new/", form).content.decode()
    assert "校验码应为 X" in page
    assert "0776-1234567" in page  # the phone message shows what a valid number looks like
    form.update(id_number="11010519491231002X", phone="13977160000")
    assert client.post("/residents/new/", form).status_code == 302
    # The same name again in the same village: a warning first, then on confirmation it goes.
    form.update(id_number="459901199003150046")
    page = client.post("/residents/new/", form).content.decode()
    assert "是否为同一人" in page or "同一" in page
    form["same_person_checked"] = "on"
    assert client.post("/residents/new/", form).status_code == 302


def test_batch_handover_prints_one_list(client, world):
    cases = [factories.accepted(world), factories.accepted(world, item=world.birth)]
    login(client, world.agent)
    response = client.post("/handover/", {"case": [c.pk for c in cases]})
    assert response.status_code == 302
    pdf = client.get(response.url.rstrip("/") + ".pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert {h.holder_department for c in cases for h in c.hops.filter(ended_at__isnull=True)} == {
        world.finance,
        world.family_planning,
    }


def test_the_handover_page_lists_only_the_files_in_ones_own_hands(client, world):
    mine = factories.accepted(world)
    away = factories.at_department(world)
    pending = factories.started(world)
    login(client, world.agent)
    page = client.get("/handover/").content.decode()
    assert f'value="{mine.pk}"' in page
    assert f'value="{away.pk}"' not in page and f'value="{pending.pk}"' not in page
    login(client, world.director)  # the director holds none of them
    page = client.get("/handover/").content.decode()
    assert f'value="{mine.pk}"' not in page


@pytest.mark.parametrize(
    "state",
    [
        "pending",
        "awaiting_materials",
        "in_progress",
        "result_ready",
        "replied",
        "closed",
        "refused",
        "withdrawn",
    ],
)
def test_case_page_opens_in_every_state(client, world, state):
    case = factories.in_state(world, state)
    login(client, world.admin)
    assert client.get(f"/cases/{case.pk}/").status_code == 200


def test_township_agent_sees_the_files_to_carry_to_the_county(client, world):
    case = factories.at_department(world, item=world.subsistence)
    lifecycle.hand_over(
        case.pk, actor=world.clerk_civil_affairs, to_department=world.county_civil_affairs
    )
    login(client, world.township_agent)
    page = client.get("/").content.decode()
    assert "最低生活保障申请" in page and "云岭县民政局" in page


def test_one_tick_per_material_accepts_as_the_guide_asks(client, world):
    login(client, world.agent)
    case = factories.started(world)
    page = client.get(f"/cases/{case.pk}/accept/").content.decode()
    assert 'type="checkbox" name="ok_' in page and "<details>" in page
    assert 'value="0"' not in page  # no rows of zeros to fill in
    assert f'value="{timezone.localdate().isoformat()}"' in page  # a date input can show it
    form = {"signed_by": "胡建荣", "relation": "本人", "signed_on": "2026/03/02", "accept": "1"}
    for row in complete_checklist(world.passbook):
        form[f"ok_{row.material_id}"] = "on"
    assert client.post(f"/cases/{case.pk}/accept/", form).status_code == 302
    case.refresh_from_db()
    assert case.state == State.IN_PROGRESS
    assert case.entrustment.signed_on.isoformat() == "2026-03-02"
    got = {
        c.material_id: (c.originals, c.copies)
        for c in case.checklist.all()
        if c.originals or c.copies
    }
    assert got == {
        r.material_id: (r.originals, r.copies) for r in complete_checklist(world.passbook)
    }


def test_the_signing_date_is_never_guessed(client, world):
    login(client, world.agent)
    case = factories.started(world)
    form = {"signed_by": "胡建荣", "relation": "本人", "signed_on": "", "accept": "1"}
    for row in complete_checklist(world.passbook):
        form[f"ok_{row.material_id}"] = "on"
    for bad in ("", "27.11.2026"):
        response = client.post(f"/cases/{case.pk}/accept/", {**form, "signed_on": bad})
        assert response.status_code == 200
        case.refresh_from_db()
        assert case.state == State.PENDING


def test_the_second_visit_keeps_what_was_received(client, world):
    login(client, world.agent)
    case = factories.started(world)
    first, *rest = complete_checklist(world.passbook)
    client.post(
        f"/cases/{case.pk}/accept/",
        {"supplement": "1", "relation": "本人", f"ok_{first.material_id}": "on"},
    )
    case.refresh_from_db()
    assert case.state == State.AWAITING_MATERIALS
    page = client.get(f"/cases/{case.pk}/accept/").content.decode()
    assert f'name="ok_{first.material_id}" value="on" checked' in page
    for row in rest:
        assert f'name="ok_{row.material_id}" value="on">' in page
    assert page.count('class="card missing"') == len(rest)


def test_a_second_open_case_is_warned_about(client, world):
    login(client, world.agent)
    first = factories.started(world)
    start = {"resident": world.resident.pk, "item": world.passbook.pk}
    response = client.post(reverse("cases:start"), start)
    assert response.status_code == 409
    page = response.content.decode()
    assert f"/cases/{first.pk}/" in page and 'name="duplicate_ok"' in page
    assert Case.objects.count() == 1
    response = client.post(reverse("cases:start"), {**start, "duplicate_ok": "1"})
    assert response.status_code == 302 and Case.objects.count() == 2


def test_the_api_refuses_a_second_open_case_unless_asked(client, world):
    import json

    from daiban.api.models import ApiToken

    first = factories.started(world)
    _, key = ApiToken.issue(world.agent, "dup")

    def post(**extra):
        body = {"resident": world.resident.pk, "item": world.passbook.code, **extra}
        return client.post(
            "/api/v1/cases",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )

    refused = post()
    assert refused.status_code == 409 and str(first.pk) in refused.json()["message"]
    assert post(duplicate_ok=True).status_code == 201


def test_the_directors_home_lists_the_most_urgent_and_says_how_many(client, world, monkeypatch):
    from daiban.cases import views

    monkeypatch.setattr(views, "OVERVIEW", 2)
    for _ in range(3):
        factories.accepted(world)
    login(client, world.director)
    page = client.get("/").content.decode()
    rows = page[page.index("<h2>在办代办件") :]
    assert rows.count('<li class="card ') == 2 and "共3件，仅显示最紧急的2件。" in rows
    login(client, world.agent)  # the agent's own list is not cut to the overview
    assert client.get("/").content.decode().count('<li class="card ') == 3

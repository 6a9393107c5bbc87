"""The permission matrix, generated: every role × every case page × a case inside and
outside the role's place. "Not yours" must look exactly like "missing" (404)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from daiban.api.models import ApiToken
from daiban.cases import attachments, lifecycle
from daiban.cases.models import Case, Rating
from daiban.cases.selectors import complete_checklist
from daiban.people.services import register_resident
from daiban.testing import factories
from daiban.testing.factories import png
from daiban.testing.world import NAMED_PEOPLE, verified_login

ROLES = NAMED_PEOPLE

# Who sees each case (everyone else gets 404 on every page of it).
SEES = {
    # 大厂村's grain-subsidy case, now at the township finance office.
    "ours": {"agent", "clerk_finance", "director", "leader", "supervisor", "admin"},
    # A case of 青石镇, another township of the county.
    "theirs": {"other_director", "supervisor", "admin"},
    # A petition of 大厂村: confidential beyond those who handle it.
    "petition": {"petition_agent", "director", "admin"},
}
# Scans need more than seeing the case: leaders and supervisors never open them.
SCANS_DENIED = {"leader", "supervisor"}
# Revealing a full number concerns the resident, not the case: those who serve the
# village's residents, and a clerk holding one of that resident's files. (胡建荣 is the
# resident of both "ours" and "petition"; 陆国华 lives in 青石镇.)
REVEAL = {
    "ours": {"agent", "petition_agent", "clerk_finance", "director", "admin"},
    "petition": {"agent", "petition_agent", "clerk_finance", "director", "admin"},
    "theirs": {"other_director", "admin"},
}
PAGES = ["detail", "receipt", "entrustment", "scan", "reveal"]


@pytest.fixture
def cases(world, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    ours = factories.at_department(world)
    far = register_resident(
        actor=None,
        name="陆国华",
        id_number="11010519491231002X",
        phone="13977169999",
        village=world.far_village,
    )
    theirs = lifecycle.start_case(actor=world.other_director, resident=far, item=world.passbook)
    theirs = lifecycle.accept(
        theirs,
        actor=world.other_director,
        received=complete_checklist(world.passbook),
        entrustment=factories.entrusted(world),
    )
    petition = lifecycle.start_case(
        actor=world.petition_agent, resident=world.resident, item=world.petition
    )
    petition = lifecycle.accept(
        petition,
        actor=world.petition_agent,
        received=complete_checklist(world.petition),
        entrustment=factories.entrusted(world),
    )
    found = {"ours": Case.objects.get(pk=ours.pk), "theirs": theirs, "petition": petition}
    for name, case in found.items():
        holder = world.admin
        case.scan = attachments.store(
            case, actor=holder, kind="other", upload=SimpleUploadedFile(f"{name}.png", png())
        )
    return found


def request(client, page, case):
    if page == "detail":
        return client.get(f"/cases/{case.pk}/")
    if page == "receipt":
        return client.get(f"/cases/{case.pk}/receipt.pdf")
    if page == "entrustment":
        return client.get(f"/cases/{case.pk}/entrustment.pdf")
    if page == "scan":
        return client.get(f"/cases/{case.pk}/scans/{case.scan.pk}/")
    return client.post(
        f"/residents/{case.resident_id}/reveal/", {"field": "phone", "reason": "核对联系电话"}
    )


def expected(role, page, which) -> int:
    if page == "reveal":
        return 200 if role in REVEAL[which] else 404
    if role not in SEES[which]:
        return 404
    if page == "scan" and role in SCANS_DENIED:
        return 404
    return 200


def test_permission_matrix(client, world, cases):
    cells, leaks = 0, []
    for role in ROLES:
        verified_login(client, getattr(world, role))
        for which, case in cases.items():
            for page in PAGES:
                want = expected(role, page, which)
                got = request(client, page, case).status_code
                cells += 1
                if got != want:
                    leaks.append(f"{role} {page} {which}: {got}, expected {want}")
    assert leaks == []
    assert cells == len(ROLES) * len(cases) * len(PAGES) == 165


def test_work_lists_follow_the_same_scope(client, world, cases):
    for role in ROLES:
        verified_login(client, getattr(world, role))
        page = client.get("/").content.decode()
        for which, case in cases.items():
            listed = case.number in page
            # Clerks' queues list only what is addressed to them; every list is within scope.
            assert not listed or role in SEES[which], (role, which)


def test_petitions_are_left_out_of_totals(client, world, cases):
    from django.utils import timezone

    from daiban.portal.selectors import public_figures

    figures = {f.township.name: f for f in public_figures(timezone.localdate())}
    assert figures["大厂壮族乡"].year["accepted"] == 1  # the petition is not counted


def test_security_headers(client, world):
    response = client.get("/guide/")
    policy = response["Content-Security-Policy"]
    assert (
        "default-src 'self'" in policy
        and "unsafe-inline" not in policy
        and "unsafe-eval" not in policy
    )
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


# Who records a rating on 大厂村's replied case: the center director (the villager's answer on
# the follow-up, counted) and the case's agent (a note, not counted). Everyone else who sees
# the case gets 403 from the API and no form on the page; those who do not see it, 404.
RATERS = {"agent": "agent_note", "director": "follow_up"}


def test_rating_matrix(client, world):
    leaks = []
    for role in ROLES:
        user = getattr(world, role)
        case = factories.replied(world)
        verified_login(client, user)
        page = client.get(f"/cases/{case.pk}/")
        form = f'action="/cases/{case.pk}/rating/"' in page.content.decode()
        _, key = ApiToken.issue(user, "phone")
        api = client.post(
            f"/api/v1/cases/{case.pk}/rating",
            json.dumps({"level": 1, "channel": "phone"}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
        sees = role in SEES["ours"]
        want = (
            200 if sees else 404,
            role in RATERS,
            200 if role in RATERS else 403 if sees else 404,
        )
        got = (page.status_code, form, api.status_code)
        if got != want:
            leaks.append(f"{role}: {got}, expected {want}")
        source = Rating.objects.filter(case=case).values_list("source", flat=True).first()
        if source != RATERS.get(role):
            leaks.append(f"{role}: rating {source}")
    assert leaks == []

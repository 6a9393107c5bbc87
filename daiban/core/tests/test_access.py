"""core.access: one module answers which rows a person may see, for every scoped model,
and it fails closed."""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser

from daiban.api.models import ApiToken
from daiban.cases.models import Case, HandoverBatch, Paper, Rating
from daiban.cases.scoping import visible_cases
from daiban.core import access
from daiban.evaluation.models import PaymentSheet
from daiban.figures.models import MonthlyReport
from daiban.figures.selectors import scope_for
from daiban.people.models import Resident, Role
from daiban.people.services import create_staff
from daiban.places.models import County, Township
from daiban.supervision.models import Complaint, Rectification, Supervision
from daiban.testing import factories

# The models issue 14 names: every one is scoped, with a rule.
NAMED = [
    Case,
    Resident,
    Paper,
    HandoverBatch,
    Rating,
    Complaint,
    Rectification,
    Supervision,
    MonthlyReport,
    PaymentSheet,
    ApiToken,
]


def test_every_named_model_is_scoped():
    scoped = set(access.scoped_models())
    assert set(NAMED) <= scoped
    # And every model with the restricted manager has its rule (no scoped model without one).
    with_manager = {
        m for m in apps.get_models() if isinstance(m._default_manager, access.RestrictedManager)
    }
    assert with_manager == scoped


def test_an_unknown_action_raises(world):
    with pytest.raises(ValueError):
        Case.objects.restrict(world.agent, "delete")
    assert Resident.objects.restrict(world.agent, "reveal").exists()
    with pytest.raises(ValueError):
        Case.objects.restrict(world.agent, "reveal")


def test_a_model_without_a_rule_fails_loudly(world):
    rule = access._rules.pop(Case)
    try:
        with pytest.raises(Exception, match="No access rule"):
            Case.objects.restrict(world.admin)
    finally:
        access._rules[Case] = rule


def test_fails_closed_for_nobody_and_for_roles_without_a_rule(world):
    case = factories.accepted(world)
    county_admin = create_staff(
        username="county_admin",
        password="x",
        display_name="县管理员",
        role=Role.COUNTY_ADMINISTRATOR,
        county=world.county,
    )
    assert list(Case.objects.restrict(world.agent)) == [case]
    assert not Case.objects.restrict(AnonymousUser()).exists()
    assert not Case.objects.restrict(None).exists()
    # The county administrator works in the admin: no case rule names the role.
    assert not Case.objects.restrict(county_admin).exists()
    world.agent.is_active = False
    assert not Case.objects.restrict(world.agent).exists()
    assert not Resident.objects.restrict(world.agent).exists()


def test_visible_cases_is_the_module(world):
    factories.accepted(world)
    for user in (world.agent, world.other_agent, world.clerk_finance, world.supervisor):
        assert list(visible_cases(user)) == list(Case.objects.restrict(user, "view"))


def test_rows_of_a_case_follow_the_case(world):
    case = factories.at_department(world)
    assert Paper.objects.restrict(world.agent).filter(case=case).exists()
    assert Paper.objects.restrict(world.clerk_finance).filter(case=case).exists()
    assert not Paper.objects.restrict(world.other_agent).exists()
    assert not Paper.objects.restrict(world.other_director).exists()
    batch = HandoverBatch.objects.restrict(world.clerk_finance).first()
    assert batch is None or batch.hops.filter(case=case).exists()
    assert not HandoverBatch.objects.restrict(world.other_agent).exists()


def test_tokens_are_their_owners(world):
    mine, _ = ApiToken.issue(world.agent, "phone")
    ApiToken.issue(world.director, "tablet")
    assert list(ApiToken.objects.restrict(world.agent)) == [mine]
    assert ApiToken.objects.restrict(world.admin).count() == 2


def _sheet(township, month, by):
    from django.utils import timezone

    return PaymentSheet.objects.create(
        township=township,
        month=month,
        scheme={},
        fund_fen=0,
        subsidy_total_fen=0,
        fund_paid_fen=0,
        fund_kept_fen=0,
        total_fen=0,
        prepared_by=by,
        prepared_at=timezone.now(),
    )


def test_payment_sheets_and_reports_by_place(world):
    other_county = County.objects.create(code="459902000000", name="外县")
    far = Township.objects.create(county=other_county, code="459902101000", name="外乡")
    month = datetime.date(2026, 3, 1)
    ours, theirs = (_sheet(place, month, world.director) for place in (world.township, far))
    assert list(PaymentSheet.objects.restrict(world.director)) == [ours]
    assert list(PaymentSheet.objects.restrict(world.supervisor)) == [ours]
    # The administrator belongs to no county: every county's, not "the first county's".
    assert set(PaymentSheet.objects.restrict(world.admin)) == {ours, theirs}
    assert not PaymentSheet.objects.restrict(world.agent).exists()
    assert not PaymentSheet.objects.restrict(world.other_director).exists()
    assert not MonthlyReport.objects.restrict(world.agent).exists()


def test_the_administrator_is_given_no_county_among_several(world):
    assert scope_for(world.admin).county == world.county  # the only county
    other_county = County.objects.create(code="459902000000", name="外县")
    far = Township.objects.create(county=other_county, code="459902101000", name="外乡")
    assert scope_for(world.admin) is None
    assert scope_for(world.admin, far.pk).county == other_county
    assert scope_for(world.admin, world.other_township.pk).township == world.other_township
    assert scope_for(world.supervisor, far.pk).township is None  # not theirs


# ─── The guard ───────────────────────────────────────────────────────────────


def _in(module: str, code: str, **names):
    """Run code as if it were written in the module (a view, a service)."""
    scope = {"__name__": module, **names}
    exec(code, scope)  # noqa: S102 (test code, fixed text)
    return scope.get("result")


def test_a_view_reading_a_scoped_model_without_the_module_fails(world, settings):
    settings.DAIBAN_ACCESS_GUARD = True
    case = factories.accepted(world)
    user = world.agent
    for code in (
        "result = list(Case.objects.all())",
        "result = Case.objects.filter(pk=case.pk).exists()",
        "result = Case.objects.count()",
        "result = Case.objects.get(pk=case.pk)",
        "result = Case.objects.values_list('pk', flat=True).first()",
    ):
        for module in ("daiban.cases.views", "daiban.api.endpoints", "daiban.supervision.tasks"):
            with pytest.raises(access.UnrestrictedRead):
                _in(module, code, Case=Case, case=case)
    for code in (
        "result = list(Case.objects.restrict(user).filter(pk=case.pk))",
        "result = list(Case.objects.filter(pk=case.pk).restrict(user))",
        "result = list(Case.objects.unrestricted())",
        "result = list(case.papers.all())",  # reached from a case already found
    ):
        assert _in("daiban.cases.views", code, Case=Case, case=case, user=user)
    # Services and selectors are called with what a surface found; they are not checked.
    assert _in("daiban.cases.services", "result = list(Case.objects.all())", Case=Case)


def test_the_guard_is_off_in_production(world, settings):
    settings.DAIBAN_ACCESS_GUARD = False
    factories.accepted(world)
    assert _in("daiban.cases.views", "result = list(Case.objects.all())", Case=Case)

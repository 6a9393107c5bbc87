import datetime
import io
from decimal import Decimal

from django.core.management import call_command

from daiban.cases import lifecycle
from daiban.cases.models import Rating
from daiban.figures import selectors
from daiban.figures.models import MEASURES, ItemTally, VillageTally
from daiban.figures.services import rebuild
from daiban.supervision import services as supervision
from daiban.supervision.models import Rectification
from daiban.testing.figures import EXPECTED, accept_case, build, send_to, tally_rows
from daiban.testing.world import at

JAN, FEB, MAR = (datetime.date(2026, m, 1) for m in (1, 2, 3))


def _scope(world):
    return selectors.scope_for(world.director)


def test_every_monthly_measure_matches_the_hand_computed_values(world):
    build(world)
    months = selectors.by_month(_scope(world), JAN, MAR)
    for month, figures in months:
        expected = {m: EXPECTED[month].get(m, 0) for m in MEASURES}
        assert dict(figures) == expected, month


def test_period_rates_and_averages(world):
    build(world)
    total = selectors.totals(_scope(world), FEB, MAR)
    assert total["completed"] == 3
    assert total.on_time_rate == Decimal(2) / 3  # A and E on time, B late
    assert total.satisfaction_rate == Decimal(1) / 2  # A 非常满意, B 不满意
    assert total.average_days == Decimal(11) / 3  # 3 + 7 + 1
    assert total.average_rating == Decimal(7) / 2
    # January alone holds only A's acceptance: nothing completed, no rates.
    january = selectors.totals(_scope(world), JAN, JAN)
    assert january["accepted"] == 1 and january.on_time_rate is None


def test_breakdowns_by_item_and_village(world):
    build(world)
    items = dict(selectors.by_item(_scope(world), JAN, MAR))
    assert items[world.passbook]["accepted"] == 3  # A, B, C
    assert items[world.passbook]["completed"] == 2
    assert items[world.birth]["completed"] == 1 and items[world.birth]["granted"] == 0
    assert world.petition not in items
    villages = dict(selectors.by_village(_scope(world), JAN, MAR))
    assert list(villages) == [world.village]
    assert villages[world.village]["trips_saved"] == 8


def test_petitions_are_counted_apart_and_left_out(world):
    build(world)
    assert VillageTally.objects.filter(is_petition=True).get().accepted == 1
    assert ItemTally.objects.filter(is_petition=True).get().item == world.petition
    assert selectors.totals(_scope(world), MAR, MAR)["accepted"] == 3


def test_savings_use_the_villages_fares_or_the_distance(world):
    build(world)
    scheme = selectors.Scheme.objects.create(county=world.county)
    world.village.fare_to_township = Decimal("12.00")
    world.village.hours_to_township = Decimal("3.0")
    world.village.save()
    saved = selectors.savings(_scope(world), JAN, MAR, scheme)
    assert saved.trips == 8
    assert saved.yuan == Decimal("96.00")
    assert saved.hours == Decimal("24.0")
    assert saved.km == world.village.km_to_township * 2 * 8
    # Without a fare: 2 × km × 0.50 yuan, and 2 × km / 25 km/h.
    world.village.fare_to_township = world.village.hours_to_township = None
    world.village.km_to_township = Decimal("15.0")
    world.village.save()
    saved = selectors.savings(_scope(world), JAN, MAR, scheme)
    assert saved.yuan == Decimal("15.00") * 8
    assert saved.hours == Decimal("1.2") * 8


def test_every_figure_opens_onto_exactly_its_cases(world):
    cases = build(world)
    scope = _scope(world)
    total = selectors.totals(scope, JAN, MAR)
    for measure in selectors.DRILLABLE:
        found = selectors.cases_for(world.director, scope, measure, JAN, MAR)
        if measure == "late":
            assert set(found) == {cases["B"]}
        elif measure == "overdue":
            # E's denial is recorded but not yet back with the villager, long past its
            # date: overdue (cases.definitions), though decided.
            assert set(found) == {cases["E"]}
        else:
            assert found.count() == total[measure], measure
    assert set(selectors.cases_for(world.director, scope, "on_time", JAN, MAR)) == {
        cases["A"],
        cases["E"],
    }
    assert set(selectors.cases_for(world.director, scope, "accepted", MAR, MAR)) == {
        cases["B"],
        cases["C"],
        cases["E"],
    }


def test_the_running_tallies_equal_a_rebuild_from_the_cases(world):
    build(world)
    running = tally_rows()
    assert running
    assert rebuild() == 6
    assert tally_rows() == running


def test_a_set_aside_rating_leaves_the_figures(world):
    cases = build(world)

    rating = Rating.objects.get(case=cases["B"])
    appeal = supervision.file_appeal(
        rating, actor=world.agent, reason="评价针对的是部门，不是代办员"
    )
    supervision.decide_appeal(
        appeal, actor=world.director, overturn=True, decision="情况属实，予以撤销"
    )
    march = selectors.totals(_scope(world), MAR, MAR)
    assert march["rated"] == 0 and march["rating_sum"] == 0
    assert march["rectifications"] == 0


def test_scope_follows_the_person(world):
    assert selectors.scope_for(world.director).township == world.township
    assert selectors.scope_for(world.leader).township == world.township
    county = selectors.scope_for(world.supervisor)
    assert county.township is None and county.county == world.county
    assert (
        selectors.scope_for(world.supervisor, world.other_township.pk).township
        == world.other_township
    )
    for person in (world.agent, world.petition_agent, world.clerk_finance, world.township_agent):
        assert selectors.scope_for(person) is None


def test_county_items_save_trips_to_the_county_seat(world):
    case = accept_case(
        world, world.subsistence, "2026-03-02"
    )  # decided by the county; 5 trips saved
    send_to(world, case, world.civil_affairs, world.clerk_civil_affairs, "2026-03-02")
    lifecycle.record_result(
        case.pk,
        actor=world.clerk_civil_affairs,
        granted=False,
        reason="收入超标",
        at=at("2026-03-03"),
    )
    row = VillageTally.objects.get(month=MAR)
    assert (row.trips_saved, row.county_trips) == (5, 5)
    world.village.km_to_county = Decimal("60.0")
    world.village.fare_to_county = Decimal("20.00")
    world.village.save()
    scheme = selectors.Scheme.objects.create(county=world.county)
    saved = selectors.savings(_scope(world), MAR, MAR, scheme)
    assert saved.yuan == Decimal("100.00") and saved.km == Decimal("600.0")
    assert saved.hours == Decimal("4.8") * 5  # 120 km at 25 km/h


def test_the_rebuild_command_reports_what_it_read(world):
    build(world)
    before = tally_rows()
    out = io.StringIO()
    call_command("rebuild_figures", stdout=out)
    assert out.getvalue().startswith("6 cases tallied")
    assert tally_rows() == before


def test_a_closed_rectification_of_a_rating_set_aside_later_leaves_the_figures(world):
    cases = build(world)
    rectification = Rectification.objects.get(case=cases["B"])
    supervision.close_rectification(
        rectification,
        actor=world.director,
        result="已向群众解释并补办",
        recontacted=True,
        recontact_note="群众表示理解",
    )
    rating = Rating.objects.get(case=cases["B"])
    appeal = supervision.file_appeal(
        rating, actor=world.agent, reason="评价针对的是部门，不是代办员"
    )
    supervision.decide_appeal(
        appeal, actor=world.director, overturn=True, decision="情况属实，予以撤销"
    )
    assert Rectification.objects.get(pk=rectification.pk).status == Rectification.Status.CLOSED
    assert selectors.totals(_scope(world), MAR, MAR)["rectifications"] == 0
    assert not selectors.cases_for(
        world.director, _scope(world), "rectifications", MAR, MAR
    ).exists()


def test_only_the_villagers_answers_count_and_a_rebuild_agrees(world):
    """An agent's note at the follow-up counts nowhere; the villager's own answer through
    the link replaces it and counts; a director's follow-up counts. The running tallies
    still equal a rebuild."""
    from daiban.testing.figures import completed_by, replied

    cases = build(world)
    noted = replied(
        world, completed_by(world, world.agent, world.resident, "2026-03-23"), "2026-03-23"
    )
    lifecycle.close(noted.pk, actor=world.agent, method="visit", rating=5, at=at("2026-03-24", 9))
    asked = replied(
        world, completed_by(world, world.agent, world.resident, "2026-03-24"), "2026-03-24"
    )
    lifecycle.rate(asked.pk, actor=world.director, channel="phone", level=4, at=at("2026-03-25", 9))
    march = dict(selectors.by_month(_scope(world), MAR, MAR))[MAR]
    # B (2, by the villager) and the director's follow-up (4); the agent's note is left out.
    assert (march["rated"], march["satisfied"], march["rating_sum"]) == (2, 1, 6)
    assert march.response_rate == Decimal(2) / 4  # B, E and the two new cases completed
    rated = selectors.cases_for(world.director, _scope(world), "rated", MAR, MAR)
    assert set(rated) == {cases["B"], asked}

    # The villager answers through the link after all: the note is replaced and counts.
    lifecycle.rate(noted.pk, level=3, at=at("2026-03-26", 9))
    march = dict(selectors.by_month(_scope(world), MAR, MAR))[MAR]
    assert (march["rated"], march["satisfied"], march["rating_sum"]) == (3, 1, 9)
    running = tally_rows()
    rebuild()
    assert tally_rows() == running


def test_a_case_with_two_supplement_notices_is_listed_once(world):
    from daiban.cases.inputs import Missing, Received
    from daiban.cases.models import State
    from daiban.cases.selectors import complete_checklist
    from daiban.testing import factories

    case = factories.in_state(world, State.AWAITING_MATERIALS)  # the first notice, 3 March
    material = complete_checklist(world.passbook)[0]
    lifecycle.resume(
        case.pk,
        actor=world.clerk_finance,
        received=[Received(material.material_id, material.originals, material.copies)],
        at=at("2026-03-04"),
    )
    lifecycle.request_supplement(
        case.pk,
        actor=world.clerk_finance,
        missing=[Missing(material.material_id)],
        at=at("2026-03-05"),
    )
    assert case.supplement_notices.count() == 2
    found = selectors.cases_for(world.director, _scope(world), "supplements", MAR, MAR)
    assert list(found) == [case]
    assert not selectors.cases_for(world.director, _scope(world), "supplements", FEB, FEB)

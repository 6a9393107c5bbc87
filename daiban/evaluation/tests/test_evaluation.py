import datetime
from decimal import Decimal

from django.utils import translation

from daiban.evaluation.models import Scheme
from daiban.evaluation.scores import AgentRow, _competition_rank, evaluate, scheme_for, score
from daiban.testing.figures import build

JAN, MAR = datetime.date(2026, 1, 1), datetime.date(2026, 3, 1)


def test_the_default_scheme_is_the_reports(world):
    scheme = scheme_for(world.county)
    assert scheme.monthly_subsidy == Decimal("30.00")
    assert scheme.yearly_fund == Decimal("5000.00")
    assert (
        scheme.weight_on_time
        + scheme.weight_satisfaction
        + scheme.weight_volume
        + scheme.weight_complete_papers
        == 100
    )


def test_the_agents_score_and_its_working(world):
    build(world)
    rows = {r.agent: r for r in evaluate(scheme_for(world.county), JAN, MAR)}
    row = rows[world.agent]
    # accepted 4, completed 3 (2 on time), 1 supplement, rated 2 (1 satisfied),
    # 1 complaint, 1 rectification, over 3 months (target 3 × 4 = 12 completed).
    assert row.counts["accepted"] == 4 and row.counts["completed"] == 3
    assert row.score == Decimal("47.17")  # 26.67 + 15.00 + 5.00 + 7.50 − 2 − 5
    assert row.formula == (
        "40×2/3=26.67 + 30×1/2=15.00 + 20×min(3/12,1)=5.00 + 10×(1−1/4)=7.50 − 2×1 − 5×1 = 47.17"
    )
    assert row.rank_township == 1 and row.rank_county == 1
    # 岩口村's agent completed nothing: not scored, not ranked, but listed.
    other = rows[world.other_agent]
    assert other.score is None and other.rank_county is None
    assert other.formula == "不参加评分：办结件数少于1件。"
    # Petition agents are never scored beside the others.
    assert world.petition_agent not in rows


def test_a_county_scheme_changes_the_score(world):
    build(world)
    Scheme.objects.create(
        county=world.county,
        weight_on_time=50,
        weight_satisfaction=50,
        weight_volume=0,
        weight_complete_papers=0,
        complaint_penalty=0,
        rectification_penalty=0,
    )
    row = next(r for r in evaluate(scheme_for(world.county), JAN, MAR) if r.agent == world.agent)
    assert row.score == Decimal("58.33")  # 50×2/3=33.33 + 50×1/2=25.00


def test_score_never_goes_below_zero(world):
    scheme = Scheme(county=world.county, complaint_penalty=Decimal("50"))
    counts = dict.fromkeys(
        ["accepted", "completed", "on_time", "supplements", "rated", "satisfied", "rectifications"],
        0,
    )
    counts.update(accepted=1, completed=1, on_time=1, complaints=3)
    total, text, _parts = score(scheme, counts, 1)
    assert total == Decimal("0")
    assert _parts[1][1] == Decimal("0.00")  # nothing rated: no satisfaction points


def test_ties_share_a_rank():
    rows = [AgentRow(agent=None, counts={}, score=Decimal(s)) for s in ("80", "90", "80", "70")]
    rows.append(AgentRow(agent=None, counts={}))
    _competition_rank(rows, "rank_county")
    assert [r.rank_county for r in rows] == [2, 1, 2, 4, None]


def _counts(**values):
    counts = dict.fromkeys(
        ["accepted", "completed", "on_time", "supplements", "rated", "satisfied", "complaints"],
        0,
    )
    counts.update(rectifications=0, **values)
    return counts


def test_unrated_cases_are_not_satisfied_and_too_few_answers_earn_nothing(world):
    scheme = Scheme(county=world.county)
    assert scheme.min_response_rate == 30
    # Nothing rated: no satisfaction points (it used to be full marks).
    with translation.override("en"):
        total, text, _parts = score(scheme, _counts(accepted=4, completed=4, on_time=4), 1)
    assert total == Decimal("70.00")  # 40 + 0 + 20 + 10
    assert "30×(too few answers: 0 rated of 4 completed, under 30%)=0.00" in text
    # 1 answer out of 4 completed is 25 %: still too few.
    with translation.override("en"):
        total, text, _parts = score(
            scheme, _counts(accepted=4, completed=4, on_time=4, rated=1, satisfied=1), 1
        )
    assert total == Decimal("70.00") and "1 rated of 4 completed" in text
    # 2 of 4 is 50 %: the satisfied share of the rated cases counts, the unrated do not.
    total, text, _parts = score(
        scheme, _counts(accepted=4, completed=4, on_time=4, rated=2, satisfied=1), 1
    )
    assert "30×1/2=15.00" in text and total == Decimal("85.00")
    # The county may lower the minimum; a single answer then counts.
    scheme.min_response_rate = 0
    total, text, _parts = score(
        scheme, _counts(accepted=4, completed=4, on_time=4, rated=1, satisfied=0), 1
    )
    assert "30×0/1=0.00" in text


def test_an_agent_who_notes_full_marks_at_every_visit_gains_nothing(world):
    """The issue's case: the agent whose pay depends on satisfaction records the rating at
    the follow-up. The notes count nowhere; the villagers' link answers would."""
    from daiban.cases import lifecycle
    from daiban.testing.figures import completed_by, replied
    from daiban.testing.world import at

    for day in ("2026-03-03", "2026-03-09", "2026-03-16"):
        case = replied(world, completed_by(world, world.agent, world.resident, day), day)
        lifecycle.close(case.pk, actor=world.agent, method="visit", rating=5, at=at(day, 20))
    row = next(r for r in evaluate(scheme_for(world.county), MAR, MAR) if r.agent == world.agent)
    assert (row.counts["completed"], row.counts["rated"]) == (3, 0)
    assert row.counts.response_rate == 0
    # 40 + 0 (too few answers) + 20×3/4 + 10
    assert row.score == Decimal("65.00")
    assert row.parts[1][1] == Decimal("0.00") and "30×5" not in row.formula

"""The open and running cases are read from partial indexes, on SQLite as on PostgreSQL:
the states are written into the SQL as literals (`__among`), in the order the indexes
name them, because SQLite matches an index's condition only against literal terms. At
2.1 M cases a county's most urgent open cases took 5 s without, 1 ms with."""

import datetime

import pytest
from django.db import OperationalError, connection
from django.db.models import F

from daiban.cases.definitions import RUNNING, overdue_q
from daiban.cases.models import FINAL_STATES, OPEN_STATES, Case, State
from daiban.testing import factories


def _served_by(index: str, queryset) -> bool:
    """Whether the database can answer the query from the partial index. SQLite is told
    to use it (INDEXED BY fails when the query's condition does not imply the index's);
    PostgreSQL is left no other index on those columns and no table scan (all of it
    undone with the test's transaction)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            forced = sql.replace('FROM "cases_case"', f'FROM "cases_case" INDEXED BY "{index}"', 1)
            try:
                cursor.execute("EXPLAIN QUERY PLAN " + forced, params)
            except OperationalError as error:
                assert "no query solution" in str(error)
                return False
            return True
        others = [i.name for i in Case._meta.indexes if i.name != index and "state" in i.fields]
        others += ["case_due_idx", "cases_case_township_id_297cee2c"]
        for other in {o for o in others if o != index}:
            cursor.execute(f'DROP INDEX IF EXISTS "{other}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return index in " ".join(str(row[0]) for row in cursor.fetchall())


def test_among_finds_what_in_finds_and_writes_the_states_into_the_sql(world):
    factories.started(world)
    factories.accepted(world)
    factories.at_department(world)
    Case.objects.filter(pk=factories.started(world).pk).update(state=State.CLOSED)
    for states in (OPEN_STATES, RUNNING, FINAL_STATES):
        among = Case.objects.unrestricted().filter(state__among=states)
        within = Case.objects.unrestricted().filter(state__in=states)
        assert set(among.values_list("pk", flat=True)) == set(within.values_list("pk", flat=True))
    sql = str(Case.objects.unrestricted().filter(state__among=RUNNING).query)
    assert "IN ('in_progress', 'result_ready')" in sql
    assert Case.objects.unrestricted().filter(state__among=RUNNING).count() == 2


@pytest.mark.parametrize("bad", [[], ["closed'; DELETE FROM cases_case; --"], ["Closed"], [1]])
def test_among_takes_only_the_codes_own_identifiers(world, bad):
    with pytest.raises(ValueError, match="__among"):
        list(Case.objects.unrestricted().filter(state__among=bad))


@pytest.mark.parametrize(
    ("name", "states"), [("case_open_due_idx", OPEN_STATES), ("case_running_due_idx", RUNNING)]
)
def test_each_partial_index_names_the_states_in_the_order_the_queries_do(name, states):
    index = next(i for i in Case._meta.indexes if i.name == name)
    (field, listed), *_ = index.condition.children
    assert field == "state__in" and list(listed) == [str(s) for s in states]


def test_the_open_and_the_overdue_cases_are_read_from_their_partial_indexes(world):
    most_urgent = (
        Case.objects.unrestricted()
        .filter(state__among=OPEN_STATES)
        .order_by(F("due_date").asc(nulls_first=True), "pk")[:50]
    )
    assert _served_by("case_open_due_idx", most_urgent)
    overdue = Case.objects.unrestricted().filter(overdue_q(datetime.date(2026, 3, 1)))
    assert _served_by("case_running_due_idx", overdue.order_by("due_date"))
    # A list bound as parameters is what SQLite cannot match.
    bound = Case.objects.unrestricted().filter(state__in=OPEN_STATES).order_by("due_date")
    assert connection.vendor != "sqlite" or not _served_by("case_open_due_idx", bound)


def test_a_case_rows_scope_joins_the_case_and_keeps_the_same_rows(world):
    """Papers, ratings and the supervision rows are scoped through the join to their case
    (SQLite built the list of a county's 2.1 M visible cases for `case IN (…)`)."""
    from daiban.cases.models import Paper
    from daiban.testing.world import NAMED_PEOPLE

    factories.at_department(world)
    factories.accepted(world)
    assert Paper.objects.unrestricted().exists()
    for who in NAMED_PEOPLE:
        user = getattr(world, who)
        scoped = Paper.objects.restrict(user, "view")
        expected = Paper.objects.unrestricted().filter(
            case__in=Case.objects.restrict(user, "view").values("pk")
        )
        assert set(scoped.values_list("pk", flat=True)) == set(
            expected.values_list("pk", flat=True)
        ), who
    # The county's scope is a join to the case, not a list of the county's cases.
    sql = str(Paper.objects.restrict(world.supervisor, "view").query)
    assert 'INNER JOIN "cases_case"' in sql and 'FROM "cases_case"' not in sql


def test_a_case_rule_made_of_expressions_is_refused_rather_than_misread():
    from django.db.models import Exists, OuterRef, Q

    from daiban.cases.access import _through

    assert _through("case", Q(village_id=1) | ~Q(is_petition=True)) == (
        Q(case__village_id=1) | ~Q(case__is_petition=True)
    )
    with pytest.raises(TypeError):
        _through("case", Q(Exists(Case.objects.filter(pk=OuterRef("case_id")))))

"""Finding a villager by the words people use: full pinyin, any reading of the surname,
the given name, the last four digits of the phone."""

import importlib

import pytest
from django.apps import apps

from daiban.people.models import Resident, ResidentNameKey
from daiban.people.selectors import search_residents, visible_residents
from daiban.people.services import register_resident

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(serial: int) -> str:
    body = f"45990119800101{serial:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def names(found) -> set[str]:
    return set(found.values_list("name", flat=True))


@pytest.fixture
def qin(world):
    return register_resident(
        actor=world.agent,
        name="覃德贵",
        id_number=id_number(11),
        phone="13907765821",
        village=world.village,
    )


def test_full_pinyin_and_its_start_find_the_villager(world):
    everyone = Resident.objects.all()
    assert names(search_residents(everyone, "hujianrong")) == {"胡建荣"}
    assert names(search_residents(everyone, "hu")) == {"胡建荣"}
    assert names(search_residents(everyone, "Hu Jianrong")) == {"胡建荣"}
    assert names(search_residents(everyone, "hjr")) == {"胡建荣"}
    assert names(search_residents(everyone, "建荣")) == {"胡建荣"}
    assert names(search_residents(everyone, "胡建")) == {"胡建荣"}


def test_every_reading_of_a_surname_finds_the_villager(world, qin):
    everyone = Resident.objects.all()
    for typed in ("qdg", "tdg", "qindegui", "tandegui", "qin"):
        assert names(search_residents(everyone, typed)) == {"覃德贵"}, typed
    keys = set(ResidentNameKey.objects.filter(resident=qin).values_list("key", flat=True))
    assert {"qdg", "tdg", "qindegui", "tandegui", "覃德贵", "德贵"} <= keys


def test_last_four_digits_of_the_phone_find_the_villager_in_scope(world, qin):
    assert names(search_residents(Resident.objects.all(), "5821")) == {"覃德贵"}
    assert names(search_residents(Resident.objects.all(), "0412")) == {"胡建荣"}
    # 韦秀英 (0776-6112345) is in another village: her agent finds her, ours does not.
    assert names(search_residents(visible_residents(world.other_agent), "2345")) == {"韦秀英"}
    assert not search_residents(visible_residents(world.agent), "2345").exists()
    assert not search_residents(Resident.objects.all(), "9999").exists()
    # Stored as a keyed hash, never the digits themselves.
    assert "5821" not in Resident.objects.get(pk=qin.pk).phone_last4_hash


def test_the_resident_page_finds_by_phone_ending_only_from_the_posted_form(client, world, qin):
    client.force_login(world.agent)
    posted = client.post("/residents/", {"q": "5821"})
    assert "覃" in posted.content.decode()
    linked = client.get("/residents/", {"q": "5821"})
    assert "覃" not in linked.content.decode()


def test_the_migration_fills_the_columns_for_residents_already_registered(world, qin):
    ResidentNameKey.objects.all().delete()
    Resident.objects.update(phone_last4_hash="")
    migration = importlib.import_module("daiban.people.migrations.0005_resident_search_keys")
    migration.fill_search_columns(apps, None)
    everyone = Resident.objects.all()
    assert names(search_residents(everyone, "tdg")) == {"覃德贵"}
    assert names(search_residents(everyone, "hujianrong")) == {"胡建荣"}
    assert names(search_residents(everyone, "5821")) == {"覃德贵"}


def test_name_and_phone_ending_searches_go_through_an_index(world):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the plan is checked on SQLite; PostgreSQL's depends on the table sizes")
    for typed in ("hu", "胡建", "5821"):
        sql, params = search_residents(Resident.objects.all(), typed).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "SCAN" not in plan, (typed, plan)
        if not typed.isdigit():  # the keys and their residents from one index, not the table
            assert "COVERING INDEX name_key_resident_idx" in plan, (typed, plan)


def test_the_register_form_has_no_dashes_for_an_empty_choice(client, world):
    client.force_login(world.director)
    html = client.get("/residents/new/").content.decode()
    assert "---------" not in html

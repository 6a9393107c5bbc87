"""Issue 20: one audit chain per township, so writers in different townships never wait
on one head row, with the same tamper evidence in every chain."""

import datetime
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from daiban.audit import anchors, trail
from daiban.audit.models import AuditHead, AuditRecord


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _write(user, n, start=0):
    for i in range(start, start + n):
        trail.record("test.step", user=user, detail={"i": i}, address="127.0.0.1")


def test_each_township_keeps_its_own_chain_and_the_system_its_own(world):
    _write(world.agent, 3)
    _write(world.other_director, 2)
    _write(world.director, 1)
    _write(None, 2)
    here, there = f"t{world.township.pk}", f"t{world.other_township.pk}"
    chains = list(AuditRecord.objects.values_list("chain", "seq"))
    assert chains == [
        (here, 1),
        (here, 2),
        (here, 3),
        (there, 1),
        (there, 2),
        (here, 4),
        ("", 1),
        ("", 2),
    ]
    assert trail.chain_of(world.township_agent) == here  # a township station
    assert AuditHead.objects.get(chain=here).last_seq == 4
    verdict = trail.verify()
    assert verdict.ok and verdict.checked == 8


def test_a_changed_row_in_a_township_chain_is_named_with_its_chain(world):
    _write(world.agent, 4)
    _write(world.other_director, 4)
    there = f"t{world.other_township.pk}"
    _sql(
        "UPDATE audit_auditrecord SET username = %s WHERE chain = %s AND seq = %s",
        ["mallory", there, 3],
    )
    verdict = trail.verify()
    assert not verdict.ok and verdict.chain == there and verdict.seq == 3
    with pytest.raises(CommandError, match=f"chain {there}: record 3 was changed"):
        call_command("audit_verify")


def test_a_record_moved_to_another_chain_is_found(world):
    _write(world.agent, 2)
    _write(world.other_director, 2)
    here, there = f"t{world.township.pk}", f"t{world.other_township.pk}"
    # Move the other township's second record to the end of this township's chain,
    # with the right number, link and head: only the seal can tell.
    moved = AuditRecord.objects.get(chain=there, seq=2)
    last = AuditRecord.objects.get(chain=here, seq=2)
    _sql(
        "UPDATE audit_auditrecord SET chain = %s, seq = 3, prev_hash = %s WHERE id = %s",
        [here, last.hash, moved.pk],
    )
    _sql(
        "UPDATE audit_audithead SET last_seq = 3, last_hash = %s WHERE chain = %s",
        [moved.hash, here],
    )
    _sql(
        "UPDATE audit_audithead SET last_seq = 1, last_hash = %s WHERE chain = %s",
        [AuditRecord.objects.get(chain=there, seq=1).hash, there],
    )
    verdict = trail.verify()
    assert not verdict.ok and verdict.chain == here and verdict.seq == 3
    assert "changed" in verdict.problem


def test_a_whole_chain_deleted_after_its_anchor_is_found(world, anchor_file):
    _write(world.agent, 2)
    _write(world.other_director, 3)
    text = anchors.write()
    there = f"t{world.other_township.pk}"
    assert f"seq=3 head={AuditHead.objects.get(chain=there).last_hash}" in text
    assert len(text.splitlines()) == 3  # the system chain, and two townships
    assert trail.verify().ok and trail.verify().anchors == 3
    _sql("DELETE FROM audit_auditrecord WHERE chain = %s", [there])
    _sql("DELETE FROM audit_audithead WHERE chain = %s", [there])
    verdict = trail.verify()
    assert not verdict.ok and verdict.chain == there and verdict.seq == 1
    assert "cut off" in verdict.problem


def test_a_record_added_to_a_chain_without_a_head_is_found(world):
    _write(world.agent, 2)
    _sql("DELETE FROM audit_audithead WHERE chain = %s", [f"t{world.township.pk}"])
    verdict = trail.verify()
    assert not verdict.ok and verdict.seq == 1 and "past the chain's head" in verdict.problem


def test_purge_leaves_every_chain_verifiable_and_a_forged_mark_is_found(world):
    start = timezone.make_aware(datetime.datetime(2025, 1, 10, 9))
    with time_machine.travel(start, tick=False):
        _write(world.agent, 3)
        _write(world.other_director, 2)
    with time_machine.travel(start + datetime.timedelta(days=300), tick=False):
        _write(world.agent, 1, start=3)
        _write(world.other_director, 1, start=2)
        assert trail.purge(datetime.date(2025, 2, 1)) == 5
    here, there = f"t{world.township.pk}", f"t{world.other_township.pk}"
    assert list(AuditRecord.objects.values_list("chain", "seq", "action")) == [
        (here, 4, "test.step"),
        (there, 3, "test.step"),
        ("", 1, "audit.purge"),
    ]
    assert AuditRecord.objects.get(action="audit.purge").detail["chains"] == {here: 3, there: 2}
    assert trail.verify().ok
    # A database writer moves this township's purge mark without the key.
    _sql("UPDATE audit_audithead SET anchor_seq = 4 WHERE chain = %s", [here])
    _sql("DELETE FROM audit_auditrecord WHERE chain = %s", [here])
    verdict = trail.verify()
    assert not verdict.ok and verdict.chain == here and "purge mark" in verdict.problem


@pytest.mark.skipif(
    "sqlite" in __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"],
    reason="SQLite has one writer for the whole database",
)
@pytest.mark.django_db(transaction=True)
def test_a_writer_in_one_township_does_not_wait_for_another_township(shared_world):
    world = shared_world
    _write(world.agent, 1)
    _write(world.other_director, 1)
    holding, release = threading.Event(), threading.Event()
    done, errors = [], []

    def slow_step():  # a long step in this township, holding its chain's head
        try:
            with transaction.atomic():
                _write(world.agent, 1, start=1)
                holding.set()
                release.wait(timeout=20)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    def other_township():
        try:
            holding.wait(timeout=20)
            _write(world.other_director, 5, start=1)
            done.append("there")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    first = threading.Thread(target=slow_step)
    second = threading.Thread(target=other_township)
    first.start()
    second.start()
    second.join(timeout=20)
    finished_while_held = done == ["there"] and not release.is_set()
    release.set()
    first.join(timeout=20)
    assert not errors
    assert finished_while_held
    assert AuditHead.objects.get(chain=f"t{world.other_township.pk}").last_seq == 6


@pytest.mark.django_db(transaction=True)
def test_many_writers_in_two_townships_leave_gapless_chains(shared_world):
    world = shared_world
    barrier = threading.Barrier(6)
    errors = []

    def writer(user):
        try:
            barrier.wait(timeout=10)
            _write(user, 5)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    users = [world.agent, world.director, world.other_director] * 2
    threads = [threading.Thread(target=writer, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    for chain, count in ((f"t{world.township.pk}", 20), (f"t{world.other_township.pk}", 10)):
        seqs = sorted(AuditRecord.objects.filter(chain=chain).values_list("seq", flat=True))
        assert seqs == list(range(1, count + 1))
    verdict = trail.verify()
    assert verdict.ok and verdict.checked == 30

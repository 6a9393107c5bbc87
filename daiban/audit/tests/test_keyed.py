"""Issue 13, part 2: the audit trail survives a database writer.

The attacker here can run any SQL but does not hold DAIBAN_AUDIT_KEYS and cannot
rewrite lines of the anchors file already written (it is append-only and shipped off
the machine)."""

import hashlib
import hmac
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from daiban.audit import anchors, seal, trail
from daiban.audit.models import AuditHead, AuditRecord

OLD_KEY = "old-audit-key-kept-in-a-safe-0001"
NEW_KEY = "new-audit-key-kept-in-a-safe-0002"


def _chain(n=6, start=0):
    for i in range(start, start + n):
        trail.record("test.step", detail={"i": i}, address="127.0.0.1")


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _attacker_rewrites(digest, *, first_seq=1):
    """What a database writer does without the key: recompute every hash from
    `first_seq` on with `digest(prev, row)` and move the head to match."""
    rows = list(AuditRecord.objects.order_by("seq"))
    prev = seal.GENESIS
    for row in rows:
        if row.seq >= first_seq:
            row.prev_hash = prev
            row.hash = digest(prev, row)
            _sql(
                "UPDATE audit_auditrecord SET prev_hash = %s, hash = %s WHERE id = %s",
                [row.prev_hash, row.hash, row.pk],
            )
        prev = row.hash
    _sql(
        "UPDATE audit_audithead SET last_seq = %s, last_hash = %s WHERE chain = ''",
        [rows[-1].seq, prev],
    )


def _delete_and_renumber(seq):
    """Delete record `seq` and close the gap, as the attacker of issue 13 did."""
    _sql("DELETE FROM audit_auditrecord WHERE seq = %s", [seq])
    for later in (
        AuditRecord.objects.filter(seq__gt=seq).order_by("seq").values_list("seq", flat=True)
    ):
        _sql("UPDATE audit_auditrecord SET seq = %s WHERE seq = %s", [later - 1, later])


def test_records_are_sealed_with_the_key_named_by_its_fingerprint(db):
    _chain(2)
    first = AuditRecord.objects.get(seq=1)
    assert first.key_id == hashlib.sha256(django_settings.AUDIT_KEYS[0].encode()).hexdigest()[:8]
    # Not a hash anyone can recompute: a plain SHA-256 of the same input differs.
    assert first.hash != seal.legacy_digest(first.prev_hash, first)
    assert trail.verify().ok


def test_a_chain_recomputed_with_plain_sha256_is_caught_at_the_first_record(db):
    _chain(6)
    trail.record("personal_data.reveal", detail={"field": "id_number", "reason": "x"})
    _chain(3, start=6)
    assert trail.verify().ok
    # The attack of issue 13: change a record, delete the record of a reveal, renumber,
    # recompute every hash and the head.
    _sql("UPDATE audit_auditrecord SET username = %s WHERE seq = %s", ["mallory", 2])
    _delete_and_renumber(7)
    _attacker_rewrites(seal.legacy_digest)
    verdict = trail.verify()
    assert not verdict.ok and verdict.seq == 1
    assert "record 1 was changed" in verdict.problem
    with pytest.raises(CommandError, match="record 1 was changed"):
        call_command("audit_verify")


def test_a_chain_recomputed_from_the_changed_record_on_is_caught_there(db):
    _chain(6)
    _sql("UPDATE audit_auditrecord SET detail = %s WHERE seq = %s", ['{"i": 99}', 3])
    _attacker_rewrites(seal.legacy_digest, first_seq=3)
    verdict = trail.verify()
    assert not verdict.ok and verdict.seq == 3 and "changed" in verdict.problem


def test_a_chain_recomputed_with_a_guessed_key_under_the_real_fingerprint_is_caught(db):
    _chain(6)
    key_id = AuditRecord.objects.get(seq=1).key_id

    def forged(prev, row):
        message = f"record|{key_id}|{prev}|{seal.payload(row)}"
        return hmac.new(b"guessed", message.encode(), hashlib.sha256).hexdigest()

    _sql("UPDATE audit_auditrecord SET outcome = %s WHERE seq = %s", ["failed", 4])
    _attacker_rewrites(forged, first_seq=4)
    verdict = trail.verify()
    assert not verdict.ok and verdict.seq == 4


def test_records_cut_off_the_end_after_an_anchor_are_found(db, anchor_file):
    _chain(6)
    line = anchors.write()
    assert "seq=6" in line
    _chain(2, start=6)
    assert trail.verify().ok and trail.verify().anchors == 1
    # Cut records 5..8 and move the head back to record 4: a valid, keyed prefix.
    fourth = AuditRecord.objects.get(seq=4)
    _sql("DELETE FROM audit_auditrecord WHERE seq >= %s", [5])
    _sql(
        "UPDATE audit_audithead SET last_seq = %s, last_hash = %s WHERE chain = ''",
        [4, fourth.hash],
    )
    verdict = trail.verify()
    assert not verdict.ok and verdict.seq == 5 and "cut off" in verdict.problem
    with pytest.raises(CommandError, match="records 5 to 6 are missing"):
        call_command("audit_verify")


def test_an_anchored_record_replaced_by_a_different_one_is_found(db, anchor_file):
    _chain(3)
    anchors.write()
    # The anchors file says record 3 had another HMAC (e.g. a restore behind our back).
    with anchor_file.open("a") as f:
        f.write(f"2026-11-27T00:10:00+08:00 seq=2 head={'a' * 64} key=x\n")
    verdict = trail.verify()
    assert not verdict.ok and verdict.seq == 2 and "anchor" in verdict.problem


def test_anchor_command_appends_and_prints_and_the_file_is_private(db, anchor_file, capsys):
    _chain(2)
    call_command("audit_anchor")
    _chain(1, start=2)
    call_command("audit_anchor")
    out = capsys.readouterr().out
    head = AuditHead.objects.get(chain="")
    assert f"seq=3 head={head.last_hash}" in out
    lines = anchor_file.read_text().splitlines()
    assert len(lines) == 2 and "seq=2 " in lines[0] and "seq=3 " in lines[1]
    assert oct(anchor_file.stat().st_mode & 0o777) == "0o600"
    call_command("audit_verify")
    assert "2 anchors" in capsys.readouterr().out


def test_the_daily_task_writes_an_anchor(db, anchor_file):
    from daiban.audit.tasks import anchor_audit_trail

    _chain(1)
    anchor_audit_trail.call_local()
    assert "seq=1 " in anchor_file.read_text()


def test_rotation_old_records_verify_with_the_old_key_new_ones_use_the_new(db, settings):
    settings.AUDIT_KEYS = [OLD_KEY]
    _chain(3)
    settings.AUDIT_KEYS = [NEW_KEY, OLD_KEY]
    _chain(3, start=3)
    key_ids = list(AuditRecord.objects.values_list("key_id", flat=True))
    assert key_ids == [seal.fingerprint(OLD_KEY)] * 3 + [seal.fingerprint(NEW_KEY)] * 3
    assert trail.verify().ok
    # Dropping the old key too early: the first record it sealed is named.
    settings.AUDIT_KEYS = [NEW_KEY]
    verdict = trail.verify()
    assert (
        not verdict.ok and verdict.seq == 1 and "not sealed with any audit key" in verdict.problem
    )


def test_a_forged_purge_mark_is_found(db):
    _chain(6)
    third = AuditRecord.objects.get(seq=3)
    # "Purge" records 1..3 (the reveal among them) without the key.
    _sql("DELETE FROM audit_auditrecord WHERE seq <= %s", [3])
    _sql(
        "UPDATE audit_audithead SET anchor_seq = %s, anchor_hash = %s WHERE chain = ''",
        [3, third.hash],
    )
    verdict = trail.verify()
    assert not verdict.ok and verdict.seq == 3 and "purge mark" in verdict.problem


def test_records_from_before_the_keys_are_resealed_unless_they_were_changed(db):
    def legacy_chain(n):
        prev = seal.GENESIS
        for i in range(n):
            trail.record("test.step", detail={"i": i}, address="")
        for row in AuditRecord.objects.order_by("seq"):
            row.prev_hash, row.key_id = prev, ""
            row.hash = seal.legacy_digest(prev, row)
            row.save()
            prev = row.hash
        AuditHead.objects.filter(chain="").update(last_hash=prev)

    legacy_chain(5)
    assert not trail.verify().ok  # plain hashes are not sealed
    assert seal.reseal_legacy(AuditRecord, AuditHead) == (5, None)
    assert trail.verify().ok
    AuditRecord.objects.all().delete()
    AuditHead.objects.all().delete()
    legacy_chain(5)
    _sql("UPDATE audit_auditrecord SET username = %s WHERE seq = %s", ["mallory", 3])
    assert seal.reseal_legacy(AuditRecord, AuditHead) == (2, 3)
    verdict = trail.verify()
    assert not verdict.ok and verdict.seq == 3


def test_production_refuses_to_start_without_audit_keys(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DAIBAN_AUDIT_KEYS") and key not in {"DAIBAN_TESTING", "DAIBAN_DEBUG"}
    }
    env.update(
        DAIBAN_PRODUCTION="1",
        DAIBAN_VAR_DIR=str(tmp_path),
        DAIBAN_SECRET_KEY="s" * 50,
        DAIBAN_DATA_KEYS="ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg=",
        DAIBAN_HASH_KEY="h" * 40,
        DAIBAN_ALLOWED_HOSTS="daiban.example.gov.cn",
        DAIBAN_PUBLIC_URL="https://daiban.example.gov.cn",
    )
    probe = [sys.executable, "-c", "import django; django.setup()"]
    run = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        probe,
        env={**env, "DJANGO_SETTINGS_MODULE": "daiban.settings"},
        cwd=Path(django_settings.BASE_DIR),
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0 and "DAIBAN_AUDIT_KEYS" in run.stderr
    run = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        probe,
        env={**env, "DJANGO_SETTINGS_MODULE": "daiban.settings", "DAIBAN_AUDIT_KEYS": NEW_KEY},
        cwd=Path(django_settings.BASE_DIR),
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr


def test_payload_is_stable_json(db):
    _chain(1)
    assert json.loads(seal.payload(AuditRecord.objects.get(seq=1)))["detail"] == {"i": 0}

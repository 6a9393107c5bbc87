"""The audit trail records who did what, and shows any change or deletion afterwards."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from daiban.audit import trail
from daiban.audit.models import AuditRecord
from daiban.testing import factories
from daiban.testing.world import verified_login


def test_every_kind_of_event_is_recorded(client, world):
    client.post(
        "/login/", {"username": "agent_dachang", "password": "wrong"}, REMOTE_ADDR="10.1.1.1"
    )
    client.post("/login/", {"username": "agent_dachang", "password": "x"}, REMOTE_ADDR="10.1.1.1")
    case = factories.accepted(world)
    client.get(f"/cases/{case.pk}/receipt.pdf", REMOTE_ADDR="10.1.1.1")
    client.post(
        f"/residents/{world.resident.pk}/reveal/",
        {"field": "id_number", "reason": "核对户口簿上的号码"},
        REMOTE_ADDR="10.1.1.1",
    )
    client.post("/logout/", REMOTE_ADDR="10.1.1.1")
    admin = verified_login(client, world.admin)
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    admin.post(
        f"/admin/catalog/serviceitem/{world.passbook.pk}/delete/", {"post": "yes"}
    )  # refused: protected
    admin.post(
        f"/admin/places/village/{world.other_village.pk}/change/",
        {
            "township": world.township.pk,
            "code": world.other_village.code,
            "name": "岩口村委会（新）",
            "km_to_township": "6",
            "km_to_county": "50",
            "hamlets-TOTAL_FORMS": "0",
            "hamlets-INITIAL_FORMS": "0",
        },
    )
    actions = list(AuditRecord.objects.values_list("action", "outcome", "username"))
    assert ("login", "failed", "agent_dachang") in actions
    assert ("login", "ok", "agent_dachang") in actions
    assert ("case.created", "ok", "agent_dachang") in actions
    assert ("case.accepted", "ok", "agent_dachang") in actions
    assert ("export.pdf", "ok", "agent_dachang") in actions
    assert ("personal_data.reveal", "ok", "agent_dachang") in actions
    assert ("logout", "ok", "agent_dachang") in actions
    assert ("admin.change", "ok", "admin") in actions
    reveal = AuditRecord.objects.get(action="personal_data.reveal")
    assert reveal.place == "大厂村委会" and reveal.address == "10.1.1.1"
    assert reveal.object_type == "resident" and reveal.object_id == str(world.resident.pk)
    assert reveal.detail == {"field": "id_number", "reason": "核对户口簿上的号码"}
    assert "459901198604120032" not in str(
        list(AuditRecord.objects.values_list("detail", flat=True))
    )
    assert trail.verify().ok


def _chain(n=6):
    for i in range(n):
        trail.record("test.step", detail={"i": i}, address="127.0.0.1")


def test_a_changed_row_is_found(db):
    _chain()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET username = %s WHERE seq = %s", ["mallory", 4])
    verdict = trail.verify()
    assert not verdict.ok and verdict.seq == 4 and "changed" in verdict.problem
    with pytest.raises(CommandError, match="record 4 was changed"):
        call_command("audit_verify")


def test_a_changed_hash_breaks_the_next_link(db):
    _chain()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET detail = %s WHERE seq = %s", ['{"i": 99}', 2])
    verdict = trail.verify()
    assert verdict.seq == 2


def test_a_deleted_row_is_found(db):
    _chain()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditrecord WHERE seq = %s", [3])
    verdict = trail.verify()
    assert not verdict.ok and verdict.seq == 3 and "missing" in verdict.problem


def test_deleting_the_newest_rows_is_found(db):
    _chain()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditrecord WHERE seq >= %s", [5])
    verdict = trail.verify()
    assert not verdict.ok and verdict.seq == 5


def test_recent_records_cannot_be_purged_and_old_ones_leave_a_verifiable_chain(db):
    start = timezone.make_aware(datetime.datetime(2025, 1, 10, 9))
    with time_machine.travel(start, tick=False):
        _chain(3)
    with time_machine.travel(start + datetime.timedelta(days=300), tick=False):
        _chain(2)
        with pytest.raises(trail.PurgeRefused):
            trail.purge(timezone.localdate() - datetime.timedelta(days=100))
        with pytest.raises(CommandError, match="180 days"):
            call_command(
                "audit_purge",
                before=(timezone.localdate() - datetime.timedelta(days=10)).isoformat(),
            )
        assert trail.purge(datetime.date(2025, 2, 1)) == 3
    # The purge itself is the next record.
    assert list(AuditRecord.objects.values_list("seq", "action")) == [
        (4, "test.step"),
        (5, "test.step"),
        (6, "audit.purge"),
    ]
    verdict = trail.verify()
    assert verdict.ok and verdict.checked == 3
    call_command("audit_verify")

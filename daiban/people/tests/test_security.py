"""Log-in protection, the second factor, masking, revealing, key rotation, scans."""

import datetime
import io

import pytest
import time_machine
from cryptography.fernet import Fernet
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from daiban.audit.models import AuditRecord
from daiban.cases import attachments
from daiban.core.errors import Invalid
from daiban.people import crypto
from daiban.people.models import Resident
from daiban.people.services import create_staff
from daiban.testing import factories
from daiban.testing.factories import png
from daiban.testing.world import verified_login


def login(client, username, password="x"):
    return client.post("/login/", {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_account(client, world):
    for _ in range(4):
        assert login(client, "agent_dachang", "wrong").status_code == 200
    assert login(client, "agent_dachang", "wrong").status_code == 429  # the fifth locks
    locked = login(client, "agent_dachang", "x")
    assert locked.status_code == 429
    assert "/" not in locked.get("Location", "")
    assert client.get("/").status_code == 302  # not logged in
    # Another account from the same office is not locked.
    assert login(client, "agent_yankou", "x").status_code == 302


def test_passwords_are_argon2_and_must_be_strong(world):
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"]):
        user = create_staff(
            username="new", password="Daiban-2026!", display_name="蒙", role="administrator"
        )
        assert user.password.startswith("argon2")
    for weak in ["short1A!", "alllowercaseletters", "1234567890123", "daibandaiban"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Yanluo-chang-2026")


def test_argon2_runs_at_the_chosen_cost_and_older_hashes_are_redone_at_log_in(client, world):
    from django.contrib.auth.hashers import Argon2PasswordHasher, identify_hasher

    from daiban.people.hashers import StaffArgon2PasswordHasher

    production = ["daiban.people.hashers.StaffArgon2PasswordHasher"]
    with override_settings(PASSWORD_HASHERS=production):
        agent = world.agent
        # A hash from before: the library's defaults (100 MiB, 8 lanes).
        agent.password = Argon2PasswordHasher().encode("Yanluo-chang-2026", "saltsaltsalt1234")
        agent.save(update_fields=["password"])
        assert "$m=102400,t=2,p=8$" in agent.password
        assert login(client, "agent_dachang", "Yanluo-chang-2026").status_code == 302
        agent.refresh_from_db()
        assert agent.password.startswith("argon2$argon2id$")
        assert "$m=19456,t=2,p=1$" in agent.password
        assert isinstance(identify_hasher(agent.password), StaffArgon2PasswordHasher)
        assert agent.check_password("Yanluo-chang-2026")
        assert not agent.check_password("Yanluo-chang-2025")
        decoded = StaffArgon2PasswordHasher().decode(agent.password)
        assert (decoded["memory_cost"], decoded["time_cost"], decoded["parallelism"]) == (
            19_456,
            2,
            1,
        )


def test_an_idle_session_ends_after_thirty_minutes(client, world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert login(client, "agent_dachang").status_code == 302
        assert client.get("/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=25), tick=False):
        assert client.get("/").status_code == 200  # activity keeps it alive
    with time_machine.travel(start + datetime.timedelta(minutes=56), tick=False):
        response = client.get("/")
        assert response.status_code == 302 and response.url.startswith("/login/")


def test_the_session_is_written_at_most_once_a_minute_and_never_for_the_public(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def session_writes(path):
        with CaptureQueriesContext(connection) as seen:
            assert client.get(path).status_code == 200
        return [
            q["sql"]
            for q in seen.captured_queries
            if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
        ]

    assert session_writes("/guide/") == []  # the public guide, nobody signed in
    assert "sessionid" not in client.cookies
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert login(client, "agent_dachang").status_code == 302
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        assert session_writes("/") == []
        assert session_writes("/find/") == []
    with time_machine.travel(start + datetime.timedelta(seconds=90), tick=False):
        assert len(session_writes("/")) == 1  # renewed: the idle time-out starts again
        assert session_writes("/find/") == []
    # Renewed at 1:30, so alive at 31:20 (renewed again), ended at 61:30.
    with time_machine.travel(start + datetime.timedelta(minutes=30, seconds=80), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=61, seconds=30), tick=False):
        response = client.get("/")
        assert response.status_code == 302 and response.url.startswith("/login/")


def test_supervisors_and_administrators_need_a_second_factor(client, world):
    assert login(client, "supervisor").status_code == 302
    response = client.get("/supervision/")
    assert response.status_code == 302 and response.url.startswith("/otp/")
    enrolment = client.get(response.url).content.decode()
    assert "data:image/png;base64," in enrolment  # the QR code to scan
    device = TOTPDevice.objects.get(user=world.supervisor)
    assert not device.confirmed
    bad = client.post("/otp/?next=/supervision/", {"code": "000000"})
    assert bad.status_code == 200 and client.get("/supervision/").status_code == 302
    # After a wrong code django-otp makes the next try wait a moment (throttling).
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=5), tick=False):
        code = f"{totp(device.bin_key):06d}"
        done = client.post("/otp/?next=/supervision/", {"code": code})
        assert done.status_code == 302 and done.url == "/supervision/"
        assert client.get("/supervision/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditRecord.objects.filter(action="second_factor", outcome="failed").exists()
    # An agent is not asked.
    client.post("/logout/")
    login(client, "agent_dachang")
    assert client.get("/").status_code == 200


def test_pages_show_masks_and_reveal_needs_a_reason_and_is_logged(client, world):
    case = factories.accepted(world)
    verified_login(client, world.agent)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "459901********0032" in page and "138****0412" in page
    assert "459901198604120032" not in page and "13877160412" not in page
    url = f"/residents/{world.resident.pk}/reveal/"
    client.post(url, {"field": "id_number", "reason": ""})
    assert not AuditRecord.objects.filter(action="personal_data.reveal").exists()
    shown = client.post(url, {"field": "id_number", "reason": "核对户口簿"})
    assert "459901198604120032" in shown.content.decode()
    assert shown["Cache-Control"] == "no-store"
    record = AuditRecord.objects.get(action="personal_data.reveal")
    assert (record.username, record.outcome, record.detail["reason"]) == (
        "agent_dachang",
        "ok",
        "核对户口簿",
    )
    # A township leader does not need it: a 404, and the attempt is recorded.
    verified_login(client, world.leader)
    assert client.post(url, {"field": "phone", "reason": "想看看"}).status_code == 404
    assert AuditRecord.objects.filter(
        action="personal_data.reveal", outcome="denied", username="leader"
    ).exists()


def test_key_rotation_keeps_old_data_readable(world, settings):
    old_key = settings.DATA_KEYS[0]
    before = Resident.objects.get(pk=world.resident.pk).id_number_encrypted
    settings.DATA_KEYS = [Fernet.generate_key().decode(), old_key]
    assert crypto.decrypt(before) == "459901198604120032"  # readable before rotating
    call_command("rotate_keys", stdout=io.StringIO())
    after = Resident.objects.get(pk=world.resident.pk)
    assert after.id_number_encrypted != before
    settings.DATA_KEYS = settings.DATA_KEYS[:1]  # the old key is gone
    assert crypto.decrypt(after.id_number_encrypted) == "459901198604120032"
    assert crypto.decrypt(after.phone_encrypted) == "+8613877160412"
    assert AuditRecord.objects.filter(action="keys.rotate").exists()


def test_scans_are_checked_reencoded_encrypted_and_scoped(client, world, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    case = factories.accepted(world)
    scan = attachments.store(
        case,
        actor=world.agent,
        kind="id_card",
        upload=SimpleUploadedFile("card.png", png(), "image/png"),
    )
    stored = attachments.path_of(scan).read_bytes()
    assert b"PNG" not in stored[:16] and b"JFIF" not in stored  # encrypted at rest
    plain = attachments.read(scan, actor=world.agent)
    assert plain[:3] == b"\xff\xd8\xff"  # re-encoded as JPEG
    fake = SimpleUploadedFile("photo.jpg", b"#!/bin/sh\necho not an image\n", "image/jpeg")
    with pytest.raises(Invalid):
        attachments.store(case, actor=world.agent, kind="id_card", upload=fake)
    settings.DAIBAN_UPLOAD_MAX_BYTES = 100
    with pytest.raises(Invalid):
        attachments.store(
            case,
            actor=world.agent,
            kind="id_card",
            upload=SimpleUploadedFile("big.png", png(300, 300)),
        )
    verified_login(client, world.agent)
    assert client.get(f"/cases/{case.pk}/scans/{scan.pk}/")["Content-Type"] == "image/jpeg"
    for outsider in (
        world.other_agent,
        world.leader,
        world.supervisor,
        world.clerk_family_planning,
    ):
        verified_login(client, outsider)
        assert client.get(f"/cases/{case.pk}/scans/{scan.pk}/").status_code == 404


def test_retention_deletes_old_scans_and_erases_old_text_numbers(world, settings, tmp_path):
    from daiban.cases import lifecycle
    from daiban.notifications import services as sms

    settings.VAR_DIR = tmp_path
    case = factories.accepted(world)
    scan = attachments.store(
        case, actor=world.agent, kind="other", upload=SimpleUploadedFile("a.png", png())
    )
    message = sms.queue(
        key="old", template="replied", to="+8613877160412", name="胡建荣", item="生育登记"
    )
    lifecycle.withdraw(case.pk, actor=world.agent, reason="群众撤回")
    later = timezone.now() + datetime.timedelta(days=800)
    with time_machine.travel(later, tick=False):
        call_command("apply_retention", stdout=io.StringIO())
    assert not attachments.path_of(scan).exists()
    message.refresh_from_db()
    assert message.phone_encrypted == "" and "13877160412" not in message.body

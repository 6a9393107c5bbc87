"""Backup and restore, drilled: a backup of a running system restored into an empty
database (SQLite or PostgreSQL, whichever the suite runs on) has every table's rows and
content, the scans (which open), and an intact audit trail; a non-empty database and a
changed file are refused."""

import hashlib
import io
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from PIL import Image

from daiban.cases import attachments
from daiban.core import backup
from daiban.people import crypto
from daiban.testing.factories import accepted

ROOT = Path(settings.BASE_DIR)


def _scan() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile("scan.png", out.getvalue(), content_type="image/png")


def _scratch_database(tmp_path: Path):
    """An empty database of the suite's kind; returns its URL and a drop function."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}", lambda: None
    name = f"daiban_h6_restore_{uuid.uuid4().hex[:8]}"
    db = settings.DATABASES["default"]
    server = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    admin = [
        "psql",
        "-q",
        "-d",
        f"{server}/postgres",
        "-c",
    ]
    subprocess.run([*admin, f'CREATE DATABASE "{name}"'], check=True)  # noqa: S603
    return f"{server}/{name}", lambda: subprocess.run(  # noqa: S603
        [*admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=False
    )


def _manage(args: list[str], *, database_url: str, var_dir: Path):
    """manage.py in another process, on another database and var/, with this system's keys."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DAIBAN_VAR_DIR": str(var_dir),
        "DAIBAN_TESTING": "1",
        "DAIBAN_SECRET_KEY": settings.SECRET_KEY,
        "DAIBAN_DATA_KEYS": ",".join(settings.DATA_KEYS),
        "DAIBAN_HASH_KEY": settings.HASH_KEY,
        "DAIBAN_AUDIT_KEYS": ",".join(settings.AUDIT_KEYS),
        "DAIBAN_BACKUP_KEY": settings.DAIBAN_BACKUP_KEY,
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _restored_connection(url: str):
    """A Django connection to the restored database, like the application's own."""
    import dj_database_url
    from django.db.utils import load_backend

    db = {**settings.DATABASES["default"], **dj_database_url.parse(url)}
    return load_backend(db["ENGINE"]).DatabaseWrapper(db, alias="restored")


@pytest.mark.django_db(transaction=True)
def test_round_trip_into_an_empty_database(shared_world, tmp_path):
    world = shared_world
    case = accepted(world)
    scan = attachments.store(case, actor=world.agent, kind="other", upload=_scan())
    clear = attachments.read(scan, actor=world.agent)
    source = backup.live_digests()

    out = io.StringIO()
    call_command("backup", output=tmp_path / "county.backup", stdout=out, stderr=io.StringIO())
    assert out.getvalue().strip() == str(tmp_path / "county.backup")
    raw = (tmp_path / "county.backup").read_bytes()
    assert raw.startswith(backup.MAGIC)
    assert world.resident.name.encode() not in raw  # encrypted at rest
    assert oct((tmp_path / "county.backup").stat().st_mode & 0o777) == "0o600"

    url, drop = _scratch_database(tmp_path)
    restored_var = tmp_path / "restored-var"
    try:
        done = _manage(
            ["restore", str(tmp_path / "county.backup")], database_url=url, var_dir=restored_var
        )
        assert done.returncode == 0, done.stderr
        assert "audit trail intact" in done.stdout
        assert "match it" in done.stdout

        restored = _restored_connection(url)
        try:
            assert backup.live_digests(db=restored) == source
            with restored.cursor() as cursor:
                cursor.execute("SELECT uid FROM cases_attachment")
                uids = [str(uuid.UUID(str(uid))) for (uid,) in cursor.fetchall()]
        finally:
            restored.close()
        assert source["cases_case"]["rows"] == 1
        # The scan is back beside the data and opens with the keys: the picture stored.
        assert uids == [str(scan.uid)]
        stored = (restored_var / "uploads" / f"{scan.uid}.bin").read_bytes()
        assert (
            hashlib.sha256(crypto.decrypt_bytes(stored)).digest() == hashlib.sha256(clear).digest()
        )
    finally:
        drop()
    # This system's own database holds data: a restore into it is refused, nothing changes.
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", tmp_path / "county.backup", stdout=io.StringIO())
    assert backup.live_digests() == source


@pytest.mark.django_db(transaction=True)
def test_backups_while_others_write(shared_world, tmp_path):
    """The online copy never fails 'database is locked' and each copy is consistent."""
    from daiban.audit import trail

    stop, errors, written = threading.Event(), [], [0]

    def writer():
        try:
            while not stop.is_set():
                trail.record("test.write", detail={"n": written[0]})
                written[0] += 1
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        manifests = [backup.make_backup(tmp_path / f"b{i}.backup") for i in range(4)]
    finally:
        stop.set()
        thread.join()
    assert not errors
    assert written[0] > 0
    counts = [m["tables"]["audit_auditrecord"]["rows"] for m in manifests]
    assert counts == sorted(counts)


def test_a_changed_or_cut_off_file_is_refused(tmp_path, settings):
    settings.DAIBAN_BACKUP_KEY = "x" * 43 + "="
    plain = os.urandom(3 * backup.CHUNK // 2)
    sink = io.BytesIO()
    with backup.EncryptingWriter(sink) as writer:
        writer.write(plain)
    sealed = sink.getvalue()
    assert backup.DecryptingReader(io.BytesIO(sealed)).read() == plain

    changed = bytearray(sealed)
    changed[len(sealed) // 2] ^= 1
    with pytest.raises(backup.BackupError, match="damaged"):
        backup.DecryptingReader(io.BytesIO(bytes(changed))).read()
    with pytest.raises(backup.BackupError, match="cut off"):
        backup.DecryptingReader(io.BytesIO(sealed[: backup.CHUNK])).read()
    settings.DAIBAN_BACKUP_KEY = "y" * 43 + "="
    with pytest.raises(backup.BackupError, match="backup key"):
        backup.DecryptingReader(io.BytesIO(sealed))

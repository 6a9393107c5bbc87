"""One backup file while the system runs, and its restore into an empty database.

A backup is a gzip'd tar, encrypted in 1 MiB chunks with AES-256-GCM under
DAIBAN_BACKUP_KEY, holding:

- `manifest.json`: when, which database, the applied migrations, every table's row
  count and content hash (SHA-256 over its rows in key order), the uploaded files with
  their SHA-256, and the fingerprints of the keys in use (never the keys themselves);
- `database.sqlite3` (SQLite's online backup API: a consistent copy while others
  write, no "database is locked") or `database.dump` (`pg_dump -Fc` inside the same
  REPEATABLE READ snapshot the hashes were computed in);
- `uploads/…`: the scans, as stored (already encrypted with DAIBAN_DATA_KEYS);
- `audit-anchors.log`: the audit chain's anchors.

Restore migrates an empty database to the backup's migrations, loads the rows, puts the
scans back, then checks every table's count and hash against the manifest and runs
`audit_verify`. A database that holds anything beyond what migrations seed is refused.
"""

import base64
import hashlib
import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

MAGIC = b"DAIBAN-BACKUP-1\n"
CHUNK = 1024 * 1024
FORMAT = 1
# Filled by migrations themselves: a freshly migrated database has rows here.
SEEDED_TABLES = {
    "django_migrations",
    "django_content_type",
    "auth_permission",
    "workdays_calendaryear",
    "workdays_specialday",
}


class BackupError(Exception):
    pass


def _fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:8]


def key_fingerprints() -> dict[str, Any]:
    """Which keys this system uses, by fingerprint: restore compares them."""
    return {
        "data": [_fingerprint(k) for k in settings.DATA_KEYS],
        "hash": _fingerprint(settings.HASH_KEY),
        "audit": [_fingerprint(k) for k in settings.AUDIT_KEYS],
        "secret": _fingerprint(settings.SECRET_KEY),
        "backup": _fingerprint(_backup_key_text()),
    }


def _backup_key_text() -> str:
    key = settings.DAIBAN_BACKUP_KEY
    if not key:
        raise BackupError("DAIBAN_BACKUP_KEY (or DAIBAN_BACKUP_KEY_FILE) must be set")
    return key


def _aes_key() -> bytes:
    text = _backup_key_text()
    try:
        raw = base64.urlsafe_b64decode(text.encode())
    except ValueError:
        raw = b""
    return raw if len(raw) == 32 else hashlib.sha256(text.encode()).digest()


# --- the encrypted stream -------------------------------------------------------------


class EncryptingWriter(io.RawIOBase):
    """A write-only stream: `MAGIC, header, (length, AES-GCM chunk)*`; the last chunk is
    marked final in its associated data, so a cut-off file does not decrypt."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out, self._buffer, self._counter = out, bytearray(), 0
        self._aes = AESGCM(_aes_key())
        self._prefix = os.urandom(8)
        header = json.dumps(
            {
                "format": FORMAT,
                "key": _fingerprint(_backup_key_text()),
                "nonce": self._prefix.hex(),
                "created": timezone.now().isoformat(timespec="seconds"),
            }
        ).encode()
        self._header = header
        out.write(MAGIC + struct.pack(">I", len(header)) + header)
        self.bytes_written = len(MAGIC) + 4 + len(header)

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:
            self._emit(bytes(self._buffer[:CHUNK]), final=False)
            del self._buffer[:CHUNK]
        return len(data)

    def _emit(self, plain: bytes, *, final: bool) -> None:
        nonce = self._prefix + struct.pack(">I", self._counter)
        sealed = self._aes.encrypt(nonce, plain, self._header + (b"\x01" if final else b"\x00"))
        self._out.write(struct.pack(">I", len(sealed)) + sealed)
        self.bytes_written += 4 + len(sealed)
        self._counter += 1

    def close(self) -> None:
        if not self.closed:
            self._emit(bytes(self._buffer), final=True)
            self._buffer.clear()
        super().close()


class DecryptingReader(io.RawIOBase):
    def __init__(self, source: IO[bytes]) -> None:
        self._in = source
        if source.read(len(MAGIC)) != MAGIC:
            raise BackupError("not a Daiban backup file")
        (length,) = struct.unpack(">I", source.read(4))
        self._header = source.read(length)
        self.header = json.loads(self._header)
        if self.header["key"] != _fingerprint(_backup_key_text()):
            raise BackupError(
                f"this backup was encrypted with the backup key {self.header['key']},"
                f" DAIBAN_BACKUP_KEY here is {_fingerprint(_backup_key_text())}"
            )
        self._aes = AESGCM(_aes_key())
        self._prefix = bytes.fromhex(self.header["nonce"])
        self._counter, self._plain, self._final = 0, b"", False

    def readable(self) -> bool:
        return True

    def _next(self) -> None:
        raw = self._in.read(4)
        if len(raw) < 4:
            raise BackupError("the backup file is cut off")
        (length,) = struct.unpack(">I", raw)
        sealed = self._in.read(length)
        if len(sealed) < length:
            raise BackupError("the backup file is cut off")
        nonce = self._prefix + struct.pack(">I", self._counter)
        self._counter += 1
        for final in (False, True):
            try:
                self._plain = self._aes.decrypt(
                    nonce, sealed, self._header + (b"\x01" if final else b"\x00")
                )
            except Exception:  # noqa: S112 - try the other marking
                continue
            self._final = final
            return
        raise BackupError("the backup file is damaged or was changed")

    def readinto(self, buffer: Any) -> int:
        while not self._plain and not self._final:
            self._next()
        n = min(len(buffer), len(self._plain))
        buffer[:n] = self._plain[:n]
        self._plain = self._plain[n:]
        return n


# --- table contents --------------------------------------------------------------------


def _normal(value: object) -> object:
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def table_digests(
    cursor: Any,
    tables: list[str],
    pk_columns: Callable[[str], list[str]],
    quote: Callable[[str], str],
    progress: Callable[..., Any],
) -> dict[str, Any]:
    """Row count and SHA-256 of each table's rows in primary-key order."""
    digests = {}
    for table in progress(tables, desc="tables", unit="table"):
        order = ", ".join(quote(c) for c in pk_columns(table)) or "1"
        cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {order}")  # noqa: S608
        digest, rows = hashlib.sha256(), 0
        while batch := cursor.fetchmany(2000):
            for row in batch:
                digest.update(repr(tuple(_normal(v) for v in row)).encode() + b"\n")
                rows += 1
        digests[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return digests


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    return [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
    ]


def _sqlite_pk(db: sqlite3.Connection) -> Callable[[str], list[str]]:
    def pk(table: str) -> list[str]:
        info = db.execute(f'PRAGMA table_info("{table}")').fetchall()
        return [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]]

    return pk


def _sqlite_digests(path: Path, progress: Callable[..., Any]) -> dict[str, Any]:
    db = sqlite3.connect(path)
    try:
        tables = _sqlite_tables(db)
        return table_digests(db.cursor(), tables, _sqlite_pk(db), lambda n: f'"{n}"', progress)
    finally:
        db.close()


def _pg_tables(cursor: Any, db: Any = None) -> list[str]:
    return sorted((db or connection).introspection.table_names(cursor))


def _pg_pk(cursor: Any, db: Any = None) -> Callable[[str], list[str]]:
    def pk(table: str) -> list[str]:
        return (db or connection).introspection.get_primary_key_columns(cursor, table) or []

    return pk


def live_digests(progress: Callable[..., Any] | None = None, db: Any = None) -> dict[str, Any]:
    """The digests of a database as it is now: DATABASE_URL's, or the connection `db`."""
    progress = progress or _quiet
    db = db or connection
    if db.vendor == "sqlite":
        db.close()
        return _sqlite_digests(Path(db.settings_dict["NAME"]), progress)
    with db.cursor() as cursor:
        return table_digests(
            cursor, _pg_tables(cursor, db), _pg_pk(cursor, db), db.ops.quote_name, progress
        )


def _quiet(iterable: Any, **kwargs: Any) -> Any:
    return iterable


# --- files ----------------------------------------------------------------------------


def uploads_folder() -> Path:
    return Path(settings.VAR_DIR) / "uploads"


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _uploads() -> list[Path]:
    folder = uploads_folder()
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _applied_migrations(cursor: Any) -> list[list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [list(row) for row in cursor.fetchall()]


# --- backup ---------------------------------------------------------------------------


def make_backup(output: Path, progress: Callable[..., Any] | None = None) -> dict[str, Any]:
    """Write the backup to `output` (created 0600); return its manifest."""
    progress = progress or _quiet
    work = Path(tempfile.mkdtemp(prefix="backup-", dir=settings.VAR_DIR))
    try:
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(timespec="seconds"),
            "vendor": connection.vendor,
            "keys": key_fingerprints(),
        }
        if connection.vendor == "sqlite":
            db_file = work / "database.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(db_file)
            try:
                # One step: a WAL reader's snapshot, writers carry on meanwhile.
                connection.connection.backup(target)
            finally:
                target.close()
            db = sqlite3.connect(db_file)
            manifest["migrations"] = _applied_migrations(db.cursor())
            db.close()
            manifest["tables"] = _sqlite_digests(db_file, progress)
        else:
            db_file = work / "database.dump"
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                (snapshot,) = cursor.fetchone()
                args, env = _pg_env()
                dump = subprocess.Popen(  # noqa: S603
                    ["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(db_file)]
                    + args,
                    env=env,
                )
                manifest["migrations"] = _applied_migrations(cursor)
                manifest["tables"] = table_digests(
                    cursor,
                    _pg_tables(cursor),
                    _pg_pk(cursor),
                    connection.ops.quote_name,
                    progress,
                )
                if dump.wait() != 0:
                    raise BackupError(f"pg_dump failed (exit {dump.returncode})")
        uploads = _uploads()
        folder = uploads_folder()
        manifest["uploads"] = {
            str(p.relative_to(folder)): _sha256_file(p) for p in progress(uploads, desc="scans")
        }
        anchors = Path(settings.AUDIT_ANCHOR_FILE)
        manifest["anchors"] = anchors.exists()
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".part")
        with partial.open("wb") as raw:
            os.fchmod(raw.fileno(), 0o600)
            sealed = EncryptingWriter(raw)
            with tarfile.open(fileobj=sealed, mode="w|gz") as tar:
                data = json.dumps(manifest, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo("manifest.json")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
                tar.add(db_file, arcname=db_file.name)
                for path in uploads:
                    tar.add(path, arcname=f"uploads/{path.relative_to(folder)}")
                if anchors.exists():
                    tar.add(anchors, arcname="audit-anchors.log")
            sealed.close()
            raw.flush()
            os.fsync(raw.fileno())
        partial.rename(output)
        return manifest
    finally:
        shutil.rmtree(work, ignore_errors=True)


def default_output() -> Path:
    stamp = timezone.localtime().strftime("%Y-%m-%dT%H%M%S")
    return Path(settings.DAIBAN_BACKUP_DIR) / f"daiban-{stamp}.backup"


# --- restore --------------------------------------------------------------------------


def _unpack(path: Path, into: Path) -> dict[str, Any]:
    with path.open("rb") as raw:
        reader = io.BufferedReader(DecryptingReader(raw), CHUNK)
        with tarfile.open(fileobj=reader, mode="r|gz") as tar:
            tar.extractall(into, filter="data")
    manifest: dict[str, Any] = json.loads((into / "manifest.json").read_text())
    return manifest


def _table_names() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def _holding(tables: list[str]) -> list[str]:
    """Tables with rows that migrations did not put there."""
    full = []
    with connection.cursor() as cursor:
        for table in tables:
            if table in SEEDED_TABLES:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                full.append(table)
    return full


def _migrate_to(applied: list[list[str]], out: Any) -> None:
    """Bring an empty database to exactly the backup's migrations."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    wanted = {tuple(m) for m in applied}
    known = set(loader.graph.nodes)
    missing = wanted - known
    if missing:
        raise BackupError(
            "the backup has migrations this version does not know"
            f" ({', '.join(sorted('.'.join(m) for m in missing)[:5])}…): restore with a newer Daiban"
        )
    if wanted == known:
        call_command("migrate", verbosity=0, stdout=out, skip_checks=True)
        return
    for app in sorted({app for app, _name in wanted}):
        names = [n for a, n in wanted if a == app]
        leaves = [
            n
            for n in names
            if not any(c in wanted for c in loader.graph.node_map[(app, n)].children)
        ]
        for name in leaves:
            call_command("migrate", app, name, verbosity=0, stdout=out, skip_checks=True)


def _load_sqlite(snapshot: Path, tables: list[str]) -> None:
    connection.close()
    db = sqlite3.connect(settings.DATABASES["default"]["NAME"], isolation_level=None, timeout=20)
    try:
        db.execute("PRAGMA foreign_keys=OFF")
        db.execute("ATTACH DATABASE ? AS snap", (str(snapshot),))
        db.execute("BEGIN IMMEDIATE")
        for table in tables:
            columns = ", ".join(
                f'"{row[1]}"' for row in db.execute(f'PRAGMA snap.table_info("{table}")')
            )
            db.execute(f'DELETE FROM main."{table}"')  # noqa: S608
            db.execute(
                f'INSERT INTO main."{table}" ({columns}) SELECT {columns} FROM snap."{table}"'  # noqa: S608
            )
        if db.execute("SELECT 1 FROM snap.sqlite_master WHERE name='sqlite_sequence'").fetchone():
            db.execute("DELETE FROM main.sqlite_sequence")
            db.execute("INSERT INTO main.sqlite_sequence SELECT * FROM snap.sqlite_sequence")
        broken = db.execute("PRAGMA main.foreign_key_check").fetchall()
        if broken:
            db.execute("ROLLBACK")
            raise BackupError(f"the restored rows break foreign keys: {broken[:3]}")
        db.execute("COMMIT")
        db.execute("DETACH DATABASE snap")
    finally:
        db.close()


def _load_postgres(dump: Path, tables: list[str]) -> None:
    with connection.cursor() as cursor:
        names = ", ".join(connection.ops.quote_name(t) for t in tables)
        cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    connection.close()
    args, env = _pg_env()
    done = subprocess.run(  # noqa: S603
        ["pg_restore", "--data-only", "--single-transaction", "--exit-on-error", "--no-owner"]
        + args
        + [str(dump)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()[-2000:]}")


def _unreadable_scans(progress: Callable[..., Any]) -> list[str]:
    """Every scan the database names is there and decrypts (a restore without them gave
    a 500 on opening one)."""
    from daiban.cases import attachments
    from daiban.cases.models import Attachment
    from daiban.people import crypto

    bad = []
    for scan in progress(Attachment.objects.only("uid").iterator(), desc="scans opened"):
        try:
            crypto.decrypt_bytes(attachments.path_of(scan).read_bytes())
        except Exception:
            bad.append(str(scan.uid))
    return bad


def restore(
    path: Path,
    *,
    out: Any = None,
    allow_other_keys: bool = False,
    progress: Callable[..., Any] | None = None,
) -> dict[str, Any]:
    """Restore `path` into the (empty) database DATABASE_URL names; verify it; return a
    summary. Raises BackupError and leaves the database as it was when refusing."""
    out = out or sys.stdout
    progress = progress or _quiet
    work = Path(tempfile.mkdtemp(prefix="restore-", dir=settings.VAR_DIR))
    try:
        manifest = _unpack(path, work)
        if manifest["vendor"] != connection.vendor:
            raise BackupError(
                f"this is a {manifest['vendor']} backup; DATABASE_URL names {connection.vendor}"
            )
        here = key_fingerprints()
        theirs = manifest["keys"]
        differences = [
            name
            for name, ok in (
                ("DAIBAN_HASH_KEY", theirs["hash"] == here["hash"]),
                ("DAIBAN_DATA_KEYS", set(theirs["data"]) <= set(here["data"])),
                ("DAIBAN_AUDIT_KEYS", set(theirs["audit"]) <= set(here["audit"])),
            )
            if not ok
        ]
        if differences and not allow_other_keys:
            raise BackupError(
                "the keys here are not the backup's (" + ", ".join(differences) + "): set the"
                " keys the backup was made with; their fingerprints are in its manifest"
            )
        tables = _table_names()
        if tables:
            full = _holding(tables)
            if full:
                raise BackupError(
                    "the database is not empty (rows in " + ", ".join(full[:5]) + "):"
                    " restore into a new, empty database"
                )
            with connection.cursor() as cursor:
                applied = _applied_migrations(cursor)
            if applied != manifest["migrations"]:
                raise BackupError(
                    "the database was migrated to other migrations than the backup's:"
                    " restore into a new, empty database"
                )
        else:
            _migrate_to(manifest["migrations"], out)
        tables = sorted(manifest["tables"])
        if set(_table_names()) != set(tables):
            raise BackupError("the database's tables are not the backup's")
        if manifest["vendor"] == "sqlite":
            _load_sqlite(work / "database.sqlite3", tables)
        else:
            _load_postgres(work / "database.dump", tables)
        # The scans: put back beside the data; a different file of the same name is refused.
        folder = uploads_folder()
        folder.mkdir(parents=True, exist_ok=True)
        for name, sha in progress(sorted(manifest["uploads"].items()), desc="scans"):
            target = folder / name
            if target.exists():
                if _sha256_file(target) != sha:
                    raise BackupError(f"uploads/{name} exists here with other content")
                continue
            source = work / "uploads" / name
            if _sha256_file(source) != sha:
                raise BackupError(f"uploads/{name} in the backup does not match its manifest")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        anchors = Path(settings.AUDIT_ANCHOR_FILE)
        if manifest.get("anchors") and not anchors.exists():
            anchors.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / "audit-anchors.log", anchors)
        # Proof: the same rows, the same content, an intact audit trail.
        now = live_digests(progress)
        mismatched = sorted(t for t in manifest["tables"] if now.get(t) != manifest["tables"][t])
        if mismatched:
            raise BackupError("restored tables differ from the backup: " + ", ".join(mismatched))
        unreadable = _unreadable_scans(progress)
        if unreadable:
            raise BackupError(
                f"{len(unreadable)} scans do not open with DAIBAN_DATA_KEYS here"
                f" (first: {unreadable[0]})"
            )
        from daiban.workdays.calendar import WorkCalendar

        WorkCalendar.invalidate()
        call_command("audit_verify", stdout=out)
        return {
            "tables": len(now),
            "rows": sum(t["rows"] for t in now.values()),
            "uploads": len(manifest["uploads"]),
            "created": manifest["created"],
            "key_differences": differences,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from daiban.core import backup
from daiban.core.progress import bar


class Command(BaseCommand):
    help = (
        "Write one consistent, compressed, encrypted backup (database, scans, audit anchors,"
        " key fingerprints) while the system runs, and print its path."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, help="default: DAIBAN_BACKUP_DIR/daiban-<time>.backup"
        )

    def handle(self, *args: Any, output: Path | None = None, **options: Any) -> None:
        started = time.monotonic()
        output = output or backup.default_output()
        try:
            manifest = backup.make_backup(output, progress=bar)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stderr.write(
            f"{len(manifest['tables'])} tables, {rows} rows, {len(manifest['uploads'])} scans,"
            f" {output.stat().st_size / 1e6:.1f} MB in {time.monotonic() - started:.1f} s"
        )
        self.stdout.write(str(output))

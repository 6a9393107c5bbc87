import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from daiban.core import backup
from daiban.core.progress import bar


class Command(BaseCommand):
    help = (
        "Restore a backup into the empty database DATABASE_URL names (migrating it first),"
        " put the scans back, then check every table's rows and content and the audit trail."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--allow-other-keys",
            action="store_true",
            help="restore although the keys here are not the backup's (the data stays unreadable)",
        )

    def handle(self, *args: Any, file: Path, allow_other_keys: bool, **options: Any) -> None:
        started = time.monotonic()
        try:
            summary = backup.restore(
                file, out=self.stdout, allow_other_keys=allow_other_keys, progress=bar
            )
        except backup.BackupError as exc:
            raise CommandError(f"not restored: {exc}") from exc
        self.stdout.write(
            f"restored the backup of {summary['created']}: {summary['tables']} tables,"
            f" {summary['rows']} rows and {summary['uploads']} scans match it"
            f" ({time.monotonic() - started:.1f} s)"
        )

import datetime

from django.core.management.base import BaseCommand, CommandError

from daiban.audit.trail import PurgeRefused, purge


class Command(BaseCommand):
    help = "Delete audit records older than a date (at least 180 days ago); the chain stays verifiable."

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="YYYY-MM-DD")

    def handle(self, *args, before, **options):
        try:
            before = datetime.date.fromisoformat(str(before))
        except ValueError as exc:
            raise CommandError(f"--before {before!r} is not a date (YYYY-MM-DD)") from exc
        try:
            deleted = purge(before)
        except PurgeRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{deleted} records purged before {before}")

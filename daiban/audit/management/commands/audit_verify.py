from django.core.management.base import BaseCommand, CommandError

from daiban.audit.trail import verify


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; fail at the first changed or missing record."

    def handle(self, *args, **options):
        verdict = verify()
        if not verdict.ok:
            raise CommandError(
                f"audit trail broken: {verdict.problem} ({verdict.checked} records checked before it)"
            )
        self.stdout.write(f"audit trail intact: {verdict.checked} records")

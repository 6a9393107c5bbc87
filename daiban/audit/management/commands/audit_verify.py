from django.core.management.base import BaseCommand, CommandError

from daiban.audit import anchors
from daiban.audit.trail import verify


class Command(BaseCommand):
    help = (
        "Check the audit trail's keyed chain and the anchors kept outside the database;"
        " fail at the first changed, re-computed, missing or cut-off record."
    )

    def handle(self, *args, **options):
        verdict = verify()
        for note in verdict.notes:
            self.stderr.write(f"note: {note}")
        if not verdict.ok:
            raise CommandError(
                f"audit trail broken: {verdict.problem}"
                f" ({verdict.checked} records checked before it;"
                f" {verdict.anchors} anchors in {anchors.path()})"
            )
        self.stdout.write(
            f"audit trail intact: {verdict.checked} records,"
            f" {verdict.anchors} anchors in {anchors.path()}"
        )

from django.core.management.base import BaseCommand

from daiban.audit import anchors


class Command(BaseCommand):
    help = (
        "Append the audit chain's head (time, last record, its HMAC) to the anchors file"
        " and print it; run daily and keep the output and the file off this machine."
    )

    def handle(self, *args, **options):
        line = anchors.write()
        self.stdout.write(f"audit anchor: {line}  ({anchors.path()})")

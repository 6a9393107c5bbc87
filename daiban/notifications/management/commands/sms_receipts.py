from django.core.management.base import BaseCommand

from daiban.notifications import schedule


class Command(BaseCommand):
    help = (
        "Ask the text-message provider which texts of the last three days arrived and record"
        " it in the outbox (the worker does this every ten minutes)."
    )

    def handle(self, *args, **options):
        counts = schedule.pull_receipts()
        self.stdout.write(
            f"{counts['asked']} texts asked about: {counts['delivered']} delivered,"
            f" {counts['undelivered']} not delivered"
        )

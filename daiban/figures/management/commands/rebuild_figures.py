import time

from django.core.management.base import BaseCommand

from daiban.core.database import optimize
from daiban.figures.services import rebuild


class Command(BaseCommand):
    help = "Recompute the monthly tallies behind dashboards and reports from the cases."

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = rebuild()
        optimize()
        self.stdout.write(f"{count} cases tallied in {time.perf_counter() - started:.1f} s")

import time

from django.core.management.base import BaseCommand

from daiban.core.database import optimize
from daiban.core.progress import bar
from daiban.figures.services import rebuild


class Command(BaseCommand):
    help = "Recompute the monthly tallies behind dashboards and reports from the cases."

    def handle(self, *args, **options):
        started = time.perf_counter()
        # Two long steps; the bar shows on a terminal only (core/progress.py), not in cron.
        with bar(total=2, desc="rebuild", unit="step") as progress:
            progress.set_postfix_str("tallies from the cases")
            count = rebuild()
            progress.update(1)
            progress.set_postfix_str("planner statistics")
            optimize()
            progress.update(1)
        self.stdout.write(f"{count} cases tallied in {time.perf_counter() - started:.1f} s")

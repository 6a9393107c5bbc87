import time
from typing import Any

from django.core.management.base import BaseCommand

from daiban.core.database import optimize


class Command(BaseCommand):
    help = "Refresh the query planner's statistics (ANALYZE); run daily, and after bulk loads."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        vendor = optimize()
        self.stdout.write(
            f"{vendor}: statistics refreshed in {time.perf_counter() - started:.1f} s"
        )

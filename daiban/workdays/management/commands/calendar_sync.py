from django.core.management.base import BaseCommand

from daiban.workdays.services import seed_from_package


class Command(BaseCommand):
    help = "Add the years the installed chinesecalendar package knows and the calendar lacks."

    def handle(self, *args, **options):
        added = seed_from_package()
        self.stdout.write(f"{added} year(s) added")

from pathlib import Path

from django.core.management.base import BaseCommand

from daiban.rollout import vocabulary
from daiban.rollout.workbook import template


class Command(BaseCommand):
    help = "Write the empty county setup workbook: headers, an example row, notes."

    def add_arguments(self, parser):
        parser.add_argument("out", help="the .xlsx file to write")

    def handle(self, *args, out, **options):
        Path(out).write_bytes(template(vocabulary.township_kind_words(), vocabulary.role_words()))
        self.stdout.write(out)

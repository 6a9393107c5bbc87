import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from daiban.catalog.services import DEFAULT_CATALOG, load_catalog


class Command(BaseCommand):
    help = "Add the service items of a catalog file (the default guide if none) that are missing."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_CATALOG))

    def handle(self, *args, path, **options):
        try:
            entries = json.loads(Path(path).read_text(encoding="utf-8"))
            created, kept = load_catalog(entries)
        except (OSError, ValueError, KeyError, ValidationError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        self.stdout.write(f"{created} items added, {kept} already there")

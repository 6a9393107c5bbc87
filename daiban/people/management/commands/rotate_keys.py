"""Re-encrypt every stored secret with the first of DAIBAN_DATA_KEYS.

Rotation: put a new key first in DAIBAN_DATA_KEYS (keep the old one after it), run this
command, then remove the old key. Rows are rewritten in batches, each in its own
transaction, so the command can be stopped and run again.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from daiban.audit import trail
from daiban.cases import attachments
from daiban.cases.models import Attachment
from daiban.notifications.models import Sms
from daiban.people import crypto
from daiban.people.models import Resident

BATCH = 500


def _rotate_rows(model, fields) -> int:
    done = 0
    last = 0
    while True:
        rows = list(model.objects.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not rows:
            return done
        with transaction.atomic():
            for row in rows:
                for field in fields:
                    value = getattr(row, field)
                    if value:
                        setattr(row, field, crypto.rotate(value))
            model.objects.bulk_update(rows, fields)
        done += len(rows)
        last = rows[-1].pk


class Command(BaseCommand):
    help = "Re-encrypt ID numbers, phones, text-message numbers and scans with the newest key."

    def handle(self, *args, **options):
        residents = _rotate_rows(Resident, ["id_number_encrypted", "phone_encrypted"])
        messages = _rotate_rows(Sms, ["phone_encrypted"])
        scans = 0
        for attachment in Attachment.objects.iterator():
            attachments.rotate(attachment)
            scans += 1
        trail.record(
            "keys.rotate", detail={"residents": residents, "sms": messages, "scans": scans}
        )
        self.stdout.write(
            f"re-encrypted {residents} residents, {messages} text messages, {scans} scans"
        )

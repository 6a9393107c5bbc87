"""Apply the retention policy (docs/operations.md, "Personal data"):

- scans of a case are deleted DAIBAN_RETENTION_ATTACHMENT_DAYS after the case ended;
- a text message's number and wording are erased DAIBAN_RETENTION_SMS_DAYS after it was
  sent (the row stays, so the count of messages stays true), and its line in the local
  log (var/sms.log) goes.
"""

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from daiban.audit import trail
from daiban.cases import attachments
from daiban.cases.models import Attachment
from daiban.notifications.backends import purge_log
from daiban.notifications.models import Sms


class Command(BaseCommand):
    help = "Delete scans and erase text-message numbers past their retention period."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        scan_cutoff = now - datetime.timedelta(days=settings.DAIBAN_RETENTION_ATTACHMENT_DAYS)
        old_scans = Attachment.objects.filter(case__ended_at__lt=scan_cutoff)
        scans = 0
        for attachment in old_scans.iterator():
            attachments.remove(attachment)
            scans += 1
        sms_cutoff = now - datetime.timedelta(days=settings.DAIBAN_RETENTION_SMS_DAYS)
        erased = (
            Sms.objects.filter(created_at__lt=sms_cutoff)
            .exclude(phone_encrypted="")
            .update(phone_encrypted="", phone_masked="—", body="（已按保留期限删除）", params={})
        )
        log_lines = purge_log(sms_cutoff)
        trail.record(
            "retention.apply",
            detail={"scans_deleted": scans, "sms_erased": erased, "sms_log_lines": log_lines},
        )
        self.stdout.write(
            f"{scans} scans deleted, {erased} text messages erased,"
            f" {log_lines} lines of the text-message log removed"
        )

"""When texts go and whether they arrived: quiet hours, and delivery receipts."""

import datetime
import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from daiban.notifications.models import Sms

logger = logging.getLogger(__name__)
# Receipts are asked for over this many days after sending; later, none will come.
RECEIPT_DAYS = 3


def quiet_until(
    now: datetime.datetime, template: str, urgent: bool = False
) -> datetime.datetime | None:
    """The end of the quiet hours if `now` is inside them (DAIBAN_SMS_QUIET_HOURS, local
    time), else None. Urgent texts, and kinds listed in DAIBAN_SMS_URGENT, never wait."""
    quiet = settings.DAIBAN_SMS_QUIET_HOURS
    if not quiet or urgent or template in settings.DAIBAN_SMS_URGENT:
        return None
    start, end = quiet
    local = timezone.localtime(now)
    clock = local.time()
    inside = (start <= clock or clock < end) if start > end else (start <= clock < end)
    if not inside:
        return None
    morning = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if morning <= local:
        morning += datetime.timedelta(days=1)
    return morning


def due_now(now: datetime.datetime):
    return Q(not_before__isnull=True) | Q(not_before__lte=now)


def send_waiting(now: datetime.datetime | None = None) -> list[int]:
    """Queue the texts whose quiet hours are over (the worker, every minute)."""
    from daiban.notifications.services import _enqueue

    now = now or timezone.now()
    waiting = list(
        Sms.objects.filter(
            status=Sms.Status.QUEUED, not_before__isnull=False, not_before__lte=now
        ).values_list("pk", flat=True)
    )
    for sms_id in waiting:
        transaction.on_commit(partial(_enqueue, sms_id))
    return waiting


def pull_receipts(now: datetime.datetime | None = None) -> dict:
    """Ask the provider whether the texts of the last RECEIPT_DAYS arrived; record it."""
    from daiban.notifications.backends import get_backend
    from daiban.notifications.gateways import Sent
    from daiban.people import crypto

    now = now or timezone.now()
    backend = get_backend()
    if not hasattr(backend, "receipts"):
        return {"asked": 0, "delivered": 0, "undelivered": 0}
    pending = list(
        Sms.objects.filter(
            status=Sms.Status.SENT,
            delivery=Sms.Delivery.PENDING,
            sent_at__gte=now - datetime.timedelta(days=RECEIPT_DAYS),
        )
        .exclude(provider_id="")
        .exclude(phone_encrypted="")
        .order_by("sent_at")[:500]
    )
    sent = [
        Sent(provider_id=m.provider_id, phone=crypto.decrypt(m.phone_encrypted), sent_at=m.sent_at)
        for m in pending
    ]
    counts = {"asked": len(sent), "delivered": 0, "undelivered": 0}
    for receipt in backend.receipts(sent) if sent else []:
        changed = Sms.objects.filter(
            provider_id=receipt.provider_id, delivery=Sms.Delivery.PENDING
        ).update(
            delivery=Sms.Delivery.DELIVERED if receipt.delivered else Sms.Delivery.UNDELIVERED,
            delivered_at=receipt.at or now,
            delivery_error=receipt.error[:200],
        )
        if changed:
            counts["delivered" if receipt.delivered else "undelivered"] += changed
    return counts

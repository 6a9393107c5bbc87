"""Queue a text message once per event, and deliver it once."""

import datetime
from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from daiban.notifications.backends import get_backend
from daiban.notifications.models import Sms
from daiban.notifications.texts import render
from daiban.people import crypto
from daiban.people.phone import mask_phone

MAX_ATTEMPTS = 4
STUCK_AFTER = datetime.timedelta(minutes=10)


def queue(*, key: str, template: str, to: str, case=None, **values) -> Sms | None:
    """Create the message for `key` unless it exists; deliver it after the commit."""
    if not to:
        return None
    sms, created = Sms.objects.get_or_create(
        key=key,
        defaults={
            "template": template,
            "phone_encrypted": crypto.encrypt(to),
            "phone_masked": mask_phone(to),
            "body": render(template, **values),
            "case": case,
        },
    )
    if created:
        transaction.on_commit(partial(_enqueue, sms.pk))
    return sms


def _enqueue(sms_id: int) -> None:
    from daiban.notifications.tasks import deliver_sms

    deliver_sms(sms_id)


def deliver(sms_id: int) -> bool:
    """Send one queued message. False if it was sent already or another worker has it.

    The conditional UPDATE is the claim: of two workers (or a retry racing the first
    try), exactly one moves the row to `sending`.
    """
    claimed = Sms.objects.filter(
        pk=sms_id, status__in=[Sms.Status.QUEUED, Sms.Status.FAILED]
    ).update(status=Sms.Status.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        return False
    sms = Sms.objects.get(pk=sms_id)
    try:
        provider_id = get_backend().send(
            phone=crypto.decrypt(sms.phone_encrypted), body=sms.body, key=sms.key
        )
    except Exception as exc:
        status = Sms.Status.GAVE_UP if sms.attempts >= MAX_ATTEMPTS else Sms.Status.FAILED
        Sms.objects.filter(pk=sms_id).update(status=status, error=repr(exc)[:1000])
        raise
    Sms.objects.filter(pk=sms_id).update(
        status=Sms.Status.SENT, provider_id=provider_id, sent_at=timezone.now(), error=""
    )
    return True


def release_stuck(now: datetime.datetime | None = None) -> list[int]:
    """Messages left `sending` by a worker that died are tried again (with the same key)."""
    now = now or timezone.now()
    stuck = list(
        Sms.objects.filter(status=Sms.Status.SENDING, created_at__lt=now - STUCK_AFTER).values_list(
            "pk", flat=True
        )
    )
    Sms.objects.filter(pk__in=stuck, status=Sms.Status.SENDING).update(status=Sms.Status.FAILED)
    for sms_id in stuck:
        transaction.on_commit(partial(_enqueue, sms_id))
    return stuck


def case_values(case) -> dict:
    from daiban.cases.selectors import tracking_url
    from daiban.documents.pdf import cn_date

    agent = case.agent
    return {
        "name": case.resident.name,
        "item": case.item.name,
        "number": case.number or "",
        "code": case.tracking_code or "",
        "due": cn_date(case.due_date),
        "url": tracking_url(case),
        "agent": agent.display_name,
        "phone": agent.work_phone_display,
    }


def resident_phone(case) -> str:
    return crypto.decrypt(case.resident.phone_encrypted)

"""Queue a text message once per event, and deliver it once."""

import datetime
import logging
import os
import socket
import threading
import uuid
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from daiban.core.dates import cn_date
from daiban.notifications.backends import get_backend
from daiban.notifications.models import Sms
from daiban.notifications.schedule import due_now, quiet_until
from daiban.notifications.texts import params as template_params
from daiban.notifications.texts import render
from daiban.people import crypto
from daiban.people.phone import mask_phone

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
# A sending worker renews its claim every LEASE / 4; a claim not renewed for LEASE
# belongs to a worker that died, and the message is released to be tried again.
LEASE = datetime.timedelta(minutes=2)
# Rows claimed before claims had heartbeats (none are written any more).
STUCK_AFTER = datetime.timedelta(minutes=10)


def queue(
    *, key: str, template: str, to: str, case=None, urgent: bool = False, **values
) -> Sms | None:
    """Create the message for `key` unless it exists; deliver it after the commit, or
    when the quiet hours end (schedule.py) unless it is urgent."""
    if not to:
        return None
    not_before = quiet_until(timezone.now(), template, urgent)
    sms, created = Sms.objects.get_or_create(
        key=key,
        defaults={
            "template": template,
            "phone_encrypted": crypto.encrypt(to),
            "phone_masked": mask_phone(to),
            "body": render(template, **values),
            "params": template_params(template, **values),
            "not_before": not_before,
            "case": case,
        },
    )
    if created and not_before is None:
        transaction.on_commit(partial(_enqueue, sms.pk))
    return sms


def _enqueue(sms_id: int) -> None:
    from daiban.notifications.tasks import deliver_sms

    deliver_sms(sms_id)


def _claim_token() -> str:
    """Who holds a claim: host, process, thread, and a nonce unique to this attempt."""
    nonce = uuid.uuid4().hex[:12]
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{threading.get_ident()}:{nonce}"


class Heartbeat:
    """Renews a claim every LEASE / 4 from its own thread while the provider call runs.

    When the worker dies, the heartbeat dies with it; that, not the message's age, is
    what lets `release_stuck` hand the message to another worker. Inside a transaction
    (tests, an on-commit run in a request) the claim is not visible to anyone else, so
    there is nothing to renew and no second connection is opened.
    """

    def __init__(self, sms_id: int, token: str):
        self.sms_id, self.token = sms_id, token
        self.lost = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self):
        if not connection.in_atomic_block:
            self._thread = threading.Thread(
                target=self._run, name=f"sms-heartbeat-{self.sms_id}", daemon=True
            )
            self._thread.start()
        return self

    def _run(self) -> None:
        try:
            while not self._stop.wait(LEASE.total_seconds() / 4):
                renewed = Sms.objects.filter(
                    pk=self.sms_id, status=Sms.Status.SENDING, claimed_by=self.token
                ).update(heartbeat_at=timezone.now())
                if not renewed:
                    self.lost = True
                    return
        finally:
            connection.close()

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        return False


def deliver(sms_id: int) -> bool:
    """Send one queued message. False if it was sent already or another worker has it.

    The conditional UPDATE is the claim: of two workers (or a retry racing the first
    try), exactly one moves the row to `sending`, under its own token. The claim is
    renewed while the provider works (Heartbeat), and the outcome is written only while
    the claim is still ours, or nobody's: if the claim lapsed and another worker holds
    the message now, we change nothing.
    """
    token, now = _claim_token(), timezone.now()
    claimed = Sms.objects.filter(
        due_now(now), pk=sms_id, status__in=[Sms.Status.QUEUED, Sms.Status.FAILED]
    ).update(
        status=Sms.Status.SENDING,
        attempts=F("attempts") + 1,
        claimed_by=token,
        claimed_at=now,
        heartbeat_at=now,
    )
    if not claimed:
        return False
    sms = Sms.objects.get(pk=sms_id)
    ours = Sms.objects.filter(pk=sms_id, status=Sms.Status.SENDING, claimed_by=token)
    try:
        with Heartbeat(sms_id, token):
            backend = get_backend()
            message = {
                "phone": crypto.decrypt(sms.phone_encrypted),
                "body": sms.body,
                "key": sms.key,
            }
            if getattr(backend, "templated", False):  # a provider of approved templates
                message.update(
                    template=sms.template,
                    code=settings.DAIBAN_SMS_TEMPLATES.get(sms.template, ""),
                    params=sms.params,
                )
            provider_id = backend.send(**message)
    except Exception as exc:
        status = Sms.Status.GAVE_UP if sms.attempts >= MAX_ATTEMPTS else Sms.Status.FAILED
        ours.update(status=status, error=repr(exc)[:1000])
        raise
    # Sent: record it while the claim is ours, or if it was released and nobody has
    # taken it yet (then it must not be sent again).
    marked = (
        Sms.objects.filter(pk=sms_id)
        .filter(
            Q(status=Sms.Status.SENDING, claimed_by=token)
            | Q(status__in=[Sms.Status.QUEUED, Sms.Status.FAILED])
        )
        .update(
            status=Sms.Status.SENT,
            provider_id=provider_id,
            sent_at=timezone.now(),
            error="",
            claimed_by=token,
        )
    )
    if not marked:
        logger.error(
            "text message %s was sent after its claim lapsed and another worker took it;"
            " the provider's idempotency key %s must drop the second",
            sms_id,
            sms.key,
        )
    return True


def release_stuck(now: datetime.datetime | None = None) -> list[int]:
    """Messages whose worker stopped renewing its claim are tried again (same key).

    Not by age: a slow send by a live worker keeps its heartbeat fresh and is left
    alone. Each release is a conditional UPDATE on the same holder and the same stale
    heartbeat, so a worker renewing or finishing at that moment wins or loses cleanly.
    """
    now = now or timezone.now()
    lapsed = Q(heartbeat_at__lt=now - LEASE) | Q(
        heartbeat_at__isnull=True, created_at__lt=now - STUCK_AFTER
    )
    stale = list(
        Sms.objects.filter(lapsed, status=Sms.Status.SENDING).values_list(
            "pk", "claimed_by", "attempts"
        )
    )
    released = []
    for sms_id, holder, attempts in stale:
        status = Sms.Status.GAVE_UP if attempts >= MAX_ATTEMPTS else Sms.Status.FAILED
        if (
            Sms.objects.filter(
                lapsed, pk=sms_id, status=Sms.Status.SENDING, claimed_by=holder
            ).update(
                status=status, error=f"released: {holder or 'a worker'} stopped renewing its claim"
            )
            and status == Sms.Status.FAILED
        ):
            released.append(sms_id)
            transaction.on_commit(partial(_enqueue, sms_id))
    return released


def case_values(case) -> dict:
    from daiban.cases.selectors import tracking_url

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
        "outcome": outcome_words(case),
    }


def outcome_words(case) -> str:
    """准予办理 or 不予办理, with the document number when it was recorded."""
    from daiban.notifications.texts import OUTCOMES

    words = OUTCOMES.get(case.outcome, "")
    if words and case.outcome_document:
        words += f"（文号{case.outcome_document}）"
    return words


def resident_phone(case) -> str:
    return crypto.decrypt(case.resident.phone_encrypted)

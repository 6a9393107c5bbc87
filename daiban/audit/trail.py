"""Write and verify the audit trail.

Each record's hash covers its own fields and the previous record's hash. Writers
serialise on the single AuditHead row (SELECT … FOR UPDATE on PostgreSQL; SQLite's
BEGIN IMMEDIATE), inside the caller's transaction, so a step and its record commit
together or not at all.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from daiban.audit.context import current_address
from daiban.audit.models import AuditHead, AuditRecord

GENESIS = "0" * 64
KEEP_DAYS = 180


def _place(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    for name in ("village", "department", "township", "county"):
        place = getattr(user, name, None)
        if place is not None:
            return str(place)
    return ""


def _payload(record: AuditRecord) -> str:
    return json.dumps(
        {
            "seq": record.seq,
            "at": record.at.isoformat(),
            "user_id": record.user_id,
            "username": record.username,
            "place": record.place,
            "action": record.action,
            "object_type": record.object_type,
            "object_id": record.object_id,
            "outcome": record.outcome,
            "address": record.address,
            "detail": record.detail,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def digest(prev_hash: str, record: AuditRecord) -> str:
    return hashlib.sha256(f"{prev_hash}|{_payload(record)}".encode()).hexdigest()


def record(
    action: str,
    *,
    user=None,
    obj=None,
    object_type: str = "",
    object_id="",
    outcome: str = "ok",
    detail: dict | None = None,
    username: str = "",
    address: str | None = None,
) -> AuditRecord:
    if obj is not None:
        object_type, object_id = obj._meta.model_name, obj.pk
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        # Microseconds survive every database; the JSON detail must round-trip exactly.
        at = timezone.now()
        entry = AuditRecord(
            seq=head.last_seq + 1,
            at=at,
            user_id=user.pk if authenticated else None,
            username=user.get_username() if authenticated else username,
            place=_place(user),
            action=action,
            object_type=object_type,
            object_id=str(object_id or ""),
            outcome=outcome,
            address=current_address() if address is None else address,
            detail=json.loads(json.dumps(detail or {}, ensure_ascii=False, default=str)),
            prev_hash=head.last_hash,
        )
        entry.hash = digest(head.last_hash, entry)
        entry.save()
        AuditHead.objects.filter(pk=1).update(last_seq=entry.seq, last_hash=entry.hash)
    return entry


@dataclass
class Verdict:
    ok: bool
    checked: int
    problem: str = ""
    seq: int | None = None


def verify() -> Verdict:
    """Walk the chain from its anchor; report the first record that does not fit."""
    head, _ = AuditHead.objects.get_or_create(pk=1)
    expected_seq, prev = head.anchor_seq + 1, head.anchor_hash
    checked = 0
    for entry in (
        AuditRecord.objects.filter(seq__gt=head.anchor_seq)
        .order_by("seq")
        .iterator(chunk_size=2000)
    ):
        if entry.seq != expected_seq:
            return Verdict(
                False, checked, f"record {expected_seq} is missing (deleted)", expected_seq
            )
        if entry.prev_hash != prev:
            return Verdict(
                False,
                checked,
                f"record {entry.seq} does not follow record {entry.seq - 1}",
                entry.seq,
            )
        if digest(prev, entry) != entry.hash:
            return Verdict(False, checked, f"record {entry.seq} was changed", entry.seq)
        prev, expected_seq = entry.hash, expected_seq + 1
        checked += 1
    if expected_seq - 1 != head.last_seq or prev != head.last_hash:
        return Verdict(
            False,
            checked,
            f"records {expected_seq} to {head.last_seq} are missing (deleted)",
            expected_seq,
        )
    return Verdict(True, checked)


class PurgeRefused(Exception):
    pass


@transaction.atomic
def purge(before: datetime.date, today: datetime.date | None = None) -> int:
    """Delete records older than `before`, keeping the chain verifiable from an anchor."""
    today = today or timezone.localdate()
    if before > today - datetime.timedelta(days=KEEP_DAYS):
        raise PurgeRefused(f"records younger than {KEEP_DAYS} days cannot be purged")
    cutoff = timezone.make_aware(datetime.datetime.combine(before, datetime.time.min))
    head = AuditHead.objects.select_for_update().get(pk=1)
    last = AuditRecord.objects.filter(at__lt=cutoff).order_by("-seq").first()
    if last is None:
        return 0
    deleted, _ = AuditRecord.objects.filter(seq__lte=last.seq).delete()
    head.anchor_seq, head.anchor_hash = last.seq, last.hash
    head.save(update_fields=["anchor_seq", "anchor_hash"])
    return deleted

"""Write and verify the audit trail.

Each record's HMAC (daiban/audit/seal.py) covers its own fields, the previous record's
HMAC and the key's fingerprint; the key lives outside the database. Writers serialise
on the single AuditHead row (SELECT … FOR UPDATE on PostgreSQL; SQLite's BEGIN
IMMEDIATE), inside the caller's transaction, so a step and its record commit together
or not at all. The head is anchored daily outside the database (daiban/audit/anchors.py).
"""

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from daiban.audit import anchors, seal
from daiban.audit.context import current_address
from daiban.audit.models import AuditHead, AuditRecord

GENESIS = seal.GENESIS
KEEP_DAYS = 180


def _place(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    for name in ("village", "department", "township", "county"):
        place = getattr(user, name, None)
        if place is not None:
            return str(place)
    return ""


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
        entry.key_id = seal.current_key_id()
        entry.hash = seal.seal(head.last_hash, entry, entry.key_id)
        entry.save()
        AuditHead.objects.filter(pk=1).update(last_seq=entry.seq, last_hash=entry.hash)
    return entry


@dataclass
class Verdict:
    ok: bool
    checked: int
    problem: str = ""
    seq: int | None = None
    anchors: int = 0
    notes: list[str] = field(default_factory=list)


def verify() -> Verdict:
    """Walk the chain from its purge mark with the keys, and compare it with the anchors
    kept outside the database; report the first record that does not fit."""
    head, _ = AuditHead.objects.get_or_create(pk=1)
    anchored, unreadable = anchors.read()
    notes = [f"line {n} of {anchors.path()} cannot be read" for n in unreadable]
    if not anchored:
        notes.append(f"no anchors in {anchors.path()}: records cut off the end cannot be seen")

    def broken(checked: int, problem: str, seq: int) -> Verdict:
        return Verdict(False, checked, problem, seq, len(anchored), notes)

    if head.anchor_seq:
        try:
            mark = seal.seal_purge_mark(head.anchor_seq, head.anchor_hash, head.anchor_key)
        except seal.UnknownKey:
            mark = None
        if mark is None or not seal.matches(mark, head.anchor_mac):
            return broken(
                0,
                f"the purge mark at record {head.anchor_seq} is not sealed with an audit key"
                f" (records up to {head.anchor_seq} may have been deleted)",
                head.anchor_seq,
            )
    at_seq = defaultdict(list)
    for anchor in anchored:
        if anchor.seq > head.anchor_seq:
            at_seq[anchor.seq].append(anchor)
        elif anchor.seq == head.anchor_seq and anchor.head != head.anchor_hash:
            return broken(
                0,
                f"the purge mark at record {anchor.seq} differs from the anchor of {anchor.at}",
                anchor.seq,
            )

    expected_seq, prev = head.anchor_seq + 1, head.anchor_hash
    checked = 0
    for entry in (
        AuditRecord.objects.filter(seq__gt=head.anchor_seq)
        .order_by("seq")
        .iterator(chunk_size=2000)
    ):
        if entry.seq != expected_seq:
            return broken(checked, f"record {expected_seq} is missing (deleted)", expected_seq)
        if entry.prev_hash != prev:
            return broken(
                checked, f"record {entry.seq} does not follow record {entry.seq - 1}", entry.seq
            )
        try:
            expected = seal.seal(prev, entry, entry.key_id)
        except seal.UnknownKey:
            return broken(
                checked,
                f"record {entry.seq} was changed: it is not sealed with any audit key"
                f" (key {entry.key_id or 'none'!r} is not in DAIBAN_AUDIT_KEYS)",
                entry.seq,
            )
        if not seal.matches(expected, entry.hash):
            return broken(checked, f"record {entry.seq} was changed", entry.seq)
        for anchor in at_seq.get(entry.seq, ()):
            if anchor.head != entry.hash:
                return broken(
                    checked,
                    f"record {entry.seq} differs from the anchor of {anchor.at}",
                    entry.seq,
                )
        prev, expected_seq = entry.hash, expected_seq + 1
        checked += 1
    last = expected_seq - 1
    latest = max(anchored, key=lambda a: a.seq, default=None)
    if latest is not None and latest.seq > last:
        return broken(
            checked,
            f"records {expected_seq} to {latest.seq} are missing: the chain ends before the"
            f" anchor of {latest.at} (cut off)",
            expected_seq,
        )
    if last > head.last_seq:
        return broken(
            checked,
            f"record {head.last_seq + 1} is past the chain's head (added behind the trail)",
            head.last_seq + 1,
        )
    if last != head.last_seq or prev != head.last_hash:
        return broken(
            checked,
            f"records {expected_seq} to {head.last_seq} are missing (deleted)",
            expected_seq,
        )
    return Verdict(True, checked, anchors=len(anchored), notes=notes)


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
    head.anchor_key = seal.current_key_id()
    head.anchor_mac = seal.seal_purge_mark(last.seq, last.hash, head.anchor_key)
    head.save(update_fields=["anchor_seq", "anchor_hash", "anchor_key", "anchor_mac"])
    record("audit.purge", detail={"through": last.seq, "before": before.isoformat()}, address="")
    return deleted

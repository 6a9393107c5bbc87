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


def chain_of(user) -> str:
    """The chain a person's records go to: their township's, else their county's."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    if getattr(user, "village_id", None):
        return f"t{user.village.township_id}"
    if getattr(user, "department_id", None):
        department = user.department
        if department.township_id:
            return f"t{department.township_id}"
        return f"c{department.county_id}"
    if getattr(user, "township_id", None):
        return f"t{user.township_id}"
    if getattr(user, "county_id", None):
        return f"c{user.county_id}"
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
    place = _place(user)
    chain = chain_of(user)
    # Inside the step's own transaction no savepoint is needed: a failure here fails the
    # step, record and all (two statements fewer per audited write).
    with transaction.atomic(savepoint=False):
        head, _ = AuditHead.objects.select_for_update().get_or_create(chain=chain)
        # Microseconds survive every database; the JSON detail must round-trip exactly.
        at = timezone.now()
        entry = AuditRecord(
            chain=chain,
            seq=head.last_seq + 1,
            at=at,
            user_id=user.pk if authenticated else None,
            username=user.get_username() if authenticated else username,
            place=place,
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
        AuditHead.objects.filter(pk=head.pk).update(last_seq=entry.seq, last_hash=entry.hash)
    return entry


@dataclass
class Verdict:
    ok: bool
    checked: int
    problem: str = ""
    seq: int | None = None
    anchors: int = 0
    notes: list[str] = field(default_factory=list)
    chain: str = ""


def verify() -> Verdict:
    """Walk every chain from its purge mark with the keys, and compare it with the anchors
    kept outside the database; report the first record that does not fit."""
    heads = {head.chain: head for head in AuditHead.objects.all()}
    anchored, unreadable = anchors.read()
    notes = [f"line {n} of {anchors.path()} cannot be read" for n in unreadable]
    if not anchored:
        notes.append(f"no anchors in {anchors.path()}: records cut off the end cannot be seen")
    by_chain = defaultdict(list)
    for anchor in anchored:
        by_chain[anchor.chain].append(anchor)
    chains = set(heads) | set(by_chain)
    chains |= set(AuditRecord.objects.order_by().values_list("chain", flat=True).distinct())
    checked = 0
    for chain in sorted(chains):
        head = heads.get(chain)
        if head is None:  # a chain's head deleted: its records and anchors still count
            head = AuditHead(chain=chain)
        verdict = _verify_chain(head, by_chain.get(chain, []), len(anchored), notes)
        checked += verdict.checked
        if not verdict.ok:
            verdict.checked = checked
            if chain:
                verdict.problem = f"chain {chain}: {verdict.problem}"
            return verdict
    return Verdict(True, checked, anchors=len(anchored), notes=notes)


def _verify_chain(head: AuditHead, anchored: list, count: int, notes: list[str]) -> Verdict:
    chain = head.chain

    def broken(checked: int, problem: str, seq: int) -> Verdict:
        return Verdict(False, checked, problem, seq, count, notes, chain)

    if head.anchor_seq:
        try:
            mark = seal.seal_purge_mark(
                head.anchor_seq, head.anchor_hash, head.anchor_key, chain=chain
            )
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
        AuditRecord.objects.filter(chain=chain, seq__gt=head.anchor_seq)
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
    return Verdict(True, checked, anchors=count, notes=notes, chain=chain)


class PurgeRefused(Exception):
    pass


@transaction.atomic
def purge(before: datetime.date, today: datetime.date | None = None) -> int:
    """Delete records older than `before` from every chain, keeping each chain verifiable
    from a sealed purge mark."""
    today = today or timezone.localdate()
    if before > today - datetime.timedelta(days=KEEP_DAYS):
        raise PurgeRefused(f"records younger than {KEEP_DAYS} days cannot be purged")
    cutoff = timezone.make_aware(datetime.datetime.combine(before, datetime.time.min))
    AuditHead.objects.get_or_create(chain="")
    deleted, through = 0, {}
    for head in AuditHead.objects.select_for_update().order_by("chain"):
        last = AuditRecord.objects.filter(chain=head.chain, at__lt=cutoff).order_by("-seq").first()
        if last is None:
            continue
        count, _ = AuditRecord.objects.filter(chain=head.chain, seq__lte=last.seq).delete()
        deleted += count
        head.anchor_seq, head.anchor_hash = last.seq, last.hash
        head.anchor_key = seal.current_key_id()
        head.anchor_mac = seal.seal_purge_mark(
            last.seq, last.hash, head.anchor_key, chain=head.chain
        )
        head.save(update_fields=["anchor_seq", "anchor_hash", "anchor_key", "anchor_mac"])
        through[head.chain] = last.seq
    if not through:
        return 0
    detail = {"through": through.get(""), "before": before.isoformat()}
    if set(through) != {""}:
        detail["chains"] = through
    record("audit.purge", detail=detail, address="")
    return deleted

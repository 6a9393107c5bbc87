"""The audit trail's keys: every record is sealed with an HMAC, not a plain hash.

A plain SHA-256 chain can be recomputed by anyone who can write to the database; an
HMAC chain only by whoever holds a key from `DAIBAN_AUDIT_KEYS`, which is kept outside
the database. The first key seals new records; every key listed verifies, so a new key
can be put first while records sealed with an older one still verify. Each record
names the key that sealed it by its fingerprint (the first 8 hex digits of the key's
SHA-256), never the key itself.
"""

import hashlib
import hmac
import json
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

GENESIS = "0" * 64


class UnknownKey(Exception):
    """A record names a key that is not (or no longer) in DAIBAN_AUDIT_KEYS."""


def fingerprint(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:8]


def keys() -> dict[str, str]:
    """Fingerprint → key, in the order of DAIBAN_AUDIT_KEYS (the first one seals)."""
    return _keys(tuple(settings.AUDIT_KEYS))


@lru_cache(maxsize=4)
def _keys(configured: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for key in configured:
        fp = fingerprint(key)
        if fp in found and found[fp] != key:
            raise ImproperlyConfigured(f"two DAIBAN_AUDIT_KEYS share the fingerprint {fp}")
        found.setdefault(fp, key)
    if not found:
        raise ImproperlyConfigured("DAIBAN_AUDIT_KEYS is empty")
    return found


def current_key_id() -> str:
    return next(iter(keys()))


def payload(record) -> str:
    """The record's own fields as canonical JSON (works on historical models too).

    The chain's name is sealed too, so a record cannot be moved to another chain; the
    system chain ("") leaves it out, so records from before chains still verify."""
    fields = {
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
    }
    chain = getattr(record, "chain", "")
    if chain:
        fields["chain"] = chain
    return json.dumps(
        fields,
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _mac(key_id: str, message: str) -> str:
    try:
        key = keys()[key_id]
    except KeyError:
        raise UnknownKey(key_id) from None
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def seal(prev_hash: str, record, key_id: str | None = None) -> str:
    """The record's HMAC, chained to the previous record's, under the key `key_id`."""
    key_id = key_id or current_key_id()
    return _mac(key_id, f"record|{key_id}|{prev_hash}|{payload(record)}")


def seal_purge_mark(seq: int, hash_: str, key_id: str | None = None, chain: str = "") -> str:
    """The HMAC of a purge mark: 'records up to `seq` were purged, the last was `hash_`'
    (in the chain `chain`; the system chain's mark reads as before chains)."""
    key_id = key_id or current_key_id()
    where = f"|{chain}" if chain else ""
    return _mac(key_id, f"purged|{key_id}|{seq}|{hash_}{where}")


def matches(expected: str, found: str) -> bool:
    return hmac.compare_digest(expected, found)


def legacy_digest(prev_hash: str, record) -> str:
    """The plain SHA-256 of records written before the trail was keyed (migration 0003)."""
    return hashlib.sha256(f"{prev_hash}|{payload(record)}".encode()).hexdigest()


def reseal_legacy(AuditRecord, AuditHead, batch: int = 1000) -> tuple[int, int | None]:
    """Seal records written before the trail was keyed, with the current key.

    The old plain chain is checked as it goes: resealing stops at the first record that
    does not fit it, and leaves that record and the rest unsealed, so `audit_verify`
    names it instead of the reseal laundering a change. Returns (sealed, first broken seq).
    """
    chained = any(f.name == "chain" for f in AuditHead._meta.fields)
    heads = AuditHead.objects.filter(chain="") if chained else AuditHead.objects.filter(pk=1)
    head = heads.first()
    if head is None:
        return 0, None
    key_id = current_key_id()
    if head.anchor_seq and not head.anchor_mac:
        head.anchor_key = key_id
        head.anchor_mac = seal_purge_mark(head.anchor_seq, head.anchor_hash, key_id)
        head.save(update_fields=["anchor_key", "anchor_mac"])
    old_prev = new_prev = head.anchor_hash
    expected = head.anchor_seq + 1
    sealed, pending, broken = 0, [], None
    fields = ["prev_hash", "hash", "key_id"]
    for entry in (
        AuditRecord.objects.filter(seq__gt=head.anchor_seq, **({"chain": ""} if chained else {}))
        .order_by("seq")
        .iterator(batch)
    ):
        if entry.key_id:  # sealed already (a rerun)
            old_prev = new_prev = entry.hash
            expected = entry.seq + 1
            continue
        if (
            entry.seq != expected
            or entry.prev_hash != old_prev
            or legacy_digest(old_prev, entry) != entry.hash
        ):
            broken = entry.seq if entry.seq == expected else expected
            break
        old_prev = entry.hash
        entry.prev_hash, entry.key_id = new_prev, key_id
        entry.hash = seal(new_prev, entry, key_id)
        new_prev, expected = entry.hash, expected + 1
        pending.append(entry)
        sealed += 1
        if len(pending) >= batch:
            AuditRecord.objects.bulk_update(pending, fields)
            pending = []
    AuditRecord.objects.bulk_update(pending, fields)
    if broken is None and head.last_seq == expected - 1 and head.last_hash == old_prev:
        AuditHead.objects.filter(pk=head.pk).update(last_hash=new_prev)
    elif broken is None:
        broken = expected
    return sealed, broken

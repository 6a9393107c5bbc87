"""Daily anchors of the audit chain, kept outside the database.

Each line of `AUDIT_ANCHOR_FILE` (default `var/audit-anchors.log`) says which record was
a chain's last at that moment and its HMAC; one line per chain (`chain=t12`; the system
chain's lines name none, as before chains). The file is opened for appending only;
operations make it append-only (`chattr +a`) and ship it off the machine. A database
writer who cuts records off the end of the chain and resets its head cannot also
change the lines already written and shipped, and `audit_verify` compares the two.
"""

import datetime
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from daiban.audit.models import AuditHead

logger = logging.getLogger("daiban.audit")

_LINE = re.compile(
    r"^(?P<at>\S+)\s+seq=(?P<seq>\d+)\s+head=(?P<head>[0-9a-f]{64})(?:\s+key=(?P<key>\S*))?(?:\s+chain=(?P<chain>\S+))?\s*$"
)


@dataclass(frozen=True)
class Anchor:
    at: str
    seq: int
    head: str
    line: int
    chain: str = ""


def path() -> Path:
    return Path(settings.AUDIT_ANCHOR_FILE)


def write(now: datetime.datetime | None = None) -> str:
    """Append every chain's current head to the anchors file; return the lines written."""
    now = timezone.localtime(now or timezone.now())
    AuditHead.objects.get_or_create(chain="")
    from daiban.audit.seal import current_key_id

    key = current_key_id()
    lines = [
        f"{now.isoformat(timespec='seconds')} seq={head.last_seq} "
        f"head={head.last_hash} key={key}" + (f" chain={head.chain}" if head.chain else "")
        for head in AuditHead.objects.order_by("chain")
    ]
    text = "\n".join(lines)
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, (text + "\n").encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    for line in lines:
        logger.info("audit anchor %s", line)  # in the worker's log, which operations keep
    return text


def read() -> tuple[list[Anchor], list[int]]:
    """Every anchor in the file, and the numbers of lines that could not be read."""
    target = path()
    if not target.exists():
        return [], []
    anchors, unreadable = [], []
    with target.open(encoding="utf-8", errors="replace") as lines:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            match = _LINE.match(text.strip())
            if match is None:
                unreadable.append(number)
                continue
            anchors.append(
                Anchor(match["at"], int(match["seq"]), match["head"], number, match["chain"] or "")
            )
    return anchors, unreadable

"""Where text messages go. The local backend is real: it appends each message to a log
file under var/ (one JSON line each) — what a county without an SMS contract uses, and
what tests read. To use a provider, write a class with the same `send` and name it in
DAIBAN_SMS_BACKEND (docs/operations.md, "Text messages").

The log is a record that a message went, not a copy of it: the number is masked
(138****0412), and so are the resident's name (胡*荣) and any mobile number or ID
number in the wording. The file is the service's own (0600), and `apply_retention`
drops lines older than DAIBAN_RETENTION_SMS_DAYS (`purge_log`).
"""

import datetime
import fcntl
import json
import os
import re
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from daiban.people.models import mask_name
from daiban.people.phone import mask_phone


class SmsBackend(Protocol):
    # True: `send` also gets the kind (`template`), its registered code and parameters.
    templated: bool

    def send(
        self, *, phone: str, body: str, key: str, template: str, code: str, params: dict
    ) -> str:
        """Deliver one message; return the provider's message id.

        China's providers send only approved templates: `code` is the kind's registered
        template (DAIBAN_SMS_TEMPLATES), `params` its values in the text's order; `body`
        is the same text rendered. `key` is unique per message: pass it to the provider
        as its idempotency key so a retry after a lost answer does not send twice.
        """

    # Optional: receipts(sent: list[gateways.Sent]) -> list[gateways.Receipt]


# Every resident's message opens "【代办】<name>您好" (notifications/texts.py).
_GREETING = re.compile(r"^(【[^】]*】)([^，,【】\s]{1,20}?)(您好)")
_ID_NUMBER = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86)?(1\d{2})\d{4}(\d{4})(?!\d)")


def mask_to(phone: str) -> str:
    try:
        return mask_phone(phone)
    except Exception:  # not a number phonenumbers can read: keep only the last four
        return "****" + phone[-4:] if len(phone) > 4 else "****"


def mask_body(body: str) -> str:
    body = _GREETING.sub(lambda m: m[1] + mask_name(m[2]) + m[3], body)
    body = _ID_NUMBER.sub(lambda m: m[1] + "********" + m[2], body)
    return _MOBILE.sub(lambda m: m[1] + "****" + m[2], body)


def _masked(line: dict) -> dict:
    """Idempotent: masking a masked line changes nothing."""
    if "****" not in str(line.get("to", "")):
        line["to"] = mask_to(str(line.get("to", "")))
    line["body"] = mask_body(str(line.get("body", "")))
    return line


def default_path() -> Path:
    return Path(settings.VAR_DIR) / "sms.log"


@contextmanager
def _locked(path: Path, flags: int):
    """The log opened for this process alone (0600), under an exclusive lock so a
    purge and an append never interleave."""
    fd = os.open(path, flags | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)  # a file left readable by an older version
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)  # also releases the lock


class LogFileBackend:
    templated = True

    def __init__(self, path: Path | None = None):
        self.path = Path(path or default_path())

    def send(
        self,
        *,
        phone: str,
        body: str,
        key: str,
        template: str = "",
        code: str = "",
        params: dict | None = None,
    ) -> str:
        """The parameters are not written: the masked text says the same."""
        message_id = uuid.uuid4().hex
        line = {
            "id": message_id,
            "key": key,
            "to": mask_to(phone),
            "body": mask_body(body),
            "at": timezone.now().isoformat(),
        }
        if template:
            line["template"] = template
        if code:
            line["code"] = code
        data = (json.dumps(line, ensure_ascii=False) + "\n").encode()
        with _locked(self.path, os.O_WRONLY | os.O_APPEND) as fd:
            os.write(fd, data)
        return message_id

    def receipts(self, sent: list) -> list:
        """The log is where the text goes: written is delivered."""
        from daiban.notifications.gateways import Receipt

        return [Receipt(provider_id=m.provider_id, delivered=True, at=m.sent_at) for m in sent]

    def purge(self, before: datetime.datetime) -> int:
        """Drop the lines of messages sent before `before`, mask what stays (lines
        from before masking existed); returns how many lines went."""
        if not self.path.exists():
            return 0
        with _locked(self.path, os.O_RDWR) as fd, os.fdopen(os.dup(fd), "r+b") as log:
            kept, dropped = [], 0
            for raw in log.read().decode("utf-8", errors="replace").splitlines():
                try:
                    line = json.loads(raw)
                    at = datetime.datetime.fromisoformat(line["at"])
                except (ValueError, KeyError, TypeError):
                    dropped += 1  # unreadable: cannot tell its age, so it goes
                    continue
                if at < before:
                    dropped += 1
                else:
                    kept.append(json.dumps(_masked(line), ensure_ascii=False) + "\n")
            log.seek(0)
            log.write("".join(kept).encode())
            log.truncate()
        return dropped


def purge_log(before: datetime.datetime) -> int:
    """Retention for the local log (daiban/core/management/commands/apply_retention.py)."""
    return LogFileBackend().purge(before)


def get_backend() -> SmsBackend:
    return import_string(settings.DAIBAN_SMS_BACKEND)()

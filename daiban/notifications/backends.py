"""Where text messages go. The local backend is real: it appends each message to a log
file under var/ (one JSON line each) — what a county without an SMS contract uses, and
what tests read. To use a provider, write a class with the same `send` and name it in
DAIBAN_SMS_BACKEND (docs/operations.md, "Text messages")."""

import json
import uuid
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SmsBackend(Protocol):
    def send(self, *, phone: str, body: str, key: str) -> str:
        """Deliver one message; return the provider's message id.

        `key` is unique per message: pass it to the provider as its idempotency key so a
        retry after a lost answer does not send twice.
        """


class LogFileBackend:
    def __init__(self, path: Path | None = None):
        self.path = Path(path or Path(settings.VAR_DIR) / "sms.log")

    def send(self, *, phone: str, body: str, key: str) -> str:
        message_id = uuid.uuid4().hex
        line = {
            "id": message_id,
            "key": key,
            "to": phone,
            "body": body,
            "at": timezone.now().isoformat(),
        }
        with self.path.open("a", encoding="utf-8") as log:
            log.write(json.dumps(line, ensure_ascii=False) + "\n")
        return message_id


def get_backend() -> SmsBackend:
    return import_string(settings.DAIBAN_SMS_BACKEND)()

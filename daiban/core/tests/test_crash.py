"""Crash safety of the web process: case intakes sent through the API to a real gunicorn,
which is killed with SIGKILL while requests are in flight and started again. Every intake
that was answered 2xx is there exactly once, and the unanswered ones, retried with the
same Idempotency-Key, are created once too — none lost, none twice.

The worker's side (killed while sending, no text twice and none lost) is drilled in
daiban/notifications/tests/test_claims.py."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from daiban.api.models import ApiToken, IdempotentRequest
from daiban.cases.models import Case

ROOT = Path(settings.BASE_DIR)
INTAKES = 40


def _database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn on this test's database, in its own process group (SIGKILL takes all)."""

    def __init__(self, port: int, var_dir: Path):
        self.port = port
        self.env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "DAIBAN_VAR_DIR": str(var_dir),
            "DAIBAN_TESTING": "1",
            "DAIBAN_SECRET_KEY": settings.SECRET_KEY,
            "DAIBAN_DATA_KEYS": ",".join(settings.DATA_KEYS),
            "DAIBAN_HASH_KEY": settings.HASH_KEY,
            "DAIBAN_AUDIT_KEYS": ",".join(settings.AUDIT_KEYS),
            "DAIBAN_BIND": f"127.0.0.1:{port}",
            "DAIBAN_WEB_WORKERS": "1",
            "DAIBAN_ACCESS_LOG": "/dev/null",
        }
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "-c",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "daiban.wsgi",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


def _intake(port: int, token: str, body: dict, key: str):
    """POST /api/v1/cases; the answer, or None if the connection died without one."""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(
            "POST",
            "/api/v1/cases",
            json.dumps(body),
            {
                "Content-Type": "application/json",
                "Authorization": f"Bearer {token}",
                "Idempotency-Key": key,
            },
        )
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    except (OSError, http.client.HTTPException, json.JSONDecodeError):
        return None


@pytest.mark.django_db(transaction=True)
def test_intakes_survive_a_sigkill_of_the_web_server(shared_world, tmp_path):
    world = shared_world
    _, token = ApiToken.issue(world.agent, "crash drill")
    body_of = {
        # 40 of the same villager's item on purpose: say so, or the second is a 409
        key: {
            "resident": world.resident.pk,
            "item": world.passbook.code,
            "uid": key,
            "duplicate_ok": True,
        }
        for key in (str(uuid.uuid4()) for _ in range(INTAKES))
    }
    keys = list(body_of)
    server = Server(_free_port(), tmp_path / "var")
    server.start()

    answers: dict[str, tuple | None] = {}
    lock, killed = threading.Lock(), threading.Event()

    def client(share: list[str]):
        for key in share:
            if killed.is_set():
                return
            answer = _intake(server.port, token, body_of[key], key)
            with lock:
                answers[key] = answer

    threads = [threading.Thread(target=client, args=(keys[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    while len(answers) < INTAKES // 3:  # a third answered, the rest in flight or waiting
        time.sleep(0.01)
    server.kill()
    killed.set()
    for thread in threads:
        thread.join()

    answered = {k: a for k, a in answers.items() if a is not None}
    assert all(status == 201 for status, _ in answered.values()), answered
    unanswered = [k for k in keys if answers.get(k) is None]
    assert unanswered, "the kill came after the last intake; nothing was in flight"

    # Some of those may have committed with their answer lost in the kill: the retry
    # must get that case back, not make a second one.
    committed_unanswered = dict(Case.objects.filter(uid__in=unanswered).values_list("uid", "pk"))
    server.start()
    try:
        # The client retries what it has no answer to, with the same key.
        for key in unanswered:
            status, payload = _intake(server.port, token, body_of[key], key)
            assert status == 201, payload
            if uuid.UUID(key) in committed_unanswered:
                assert payload["id"] == committed_unanswered[uuid.UUID(key)]
            answered[key] = (status, payload)
        # A retry of an answered intake gets the first answer again, and nothing new.
        for key in list(answered)[:5]:
            assert _intake(server.port, token, body_of[key], key) == answered[key]
    finally:
        server.kill()

    for key, (_status, payload) in answered.items():
        case = Case.objects.get(uid=key)  # exactly one: uid is unique, .get() says so
        assert payload["id"] == case.pk
    assert Case.objects.filter(uid__in=keys).count() == INTAKES
    assert IdempotentRequest.objects.filter(key__in=keys).count() == INTAKES
    print(  # noqa: T201 - the drill's numbers, shown with -s
        f"\n[{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}] crash drill:"
        f" {INTAKES} intakes, {INTAKES - len(unanswered)} answered before SIGKILL,"
        f" {len(unanswered)} retried after the restart ({len(committed_unanswered)} of them"
        f" had committed unanswered), {Case.objects.count()} cases"
    )

"""The worker for real, on the embedded SQLite queue and on Redis at 127.0.0.1:6379:
a message queued inside a transaction is enqueued only on commit, delivered by a real
consumer, retried after the provider fails, and never sent twice."""

import json
import signal
import time
import uuid

import pytest
from django.db import connection, transaction
from huey import RedisHuey, SqliteHuey

from daiban.notifications import services, tasks
from daiban.notifications.backends import LogFileBackend
from daiban.notifications.models import Sms

pytestmark = pytest.mark.django_db(transaction=True)


class FlakyProvider:
    """Stands in for the SMS provider, the one thing outside this machine: it is down for
    the first attempt of each message, then delivers to the local log."""

    calls: list[str] = []

    def send(self, *, phone: str, body: str, key: str) -> str:
        FlakyProvider.calls.append(key)
        if FlakyProvider.calls.count(key) == 1:
            raise ConnectionError("provider unreachable")
        return LogFileBackend().send(phone=phone, body=body, key=key)


@pytest.fixture(params=["sqlite", "redis"])
def queue_backend(request, tmp_path):
    name = f"daiban-test-{uuid.uuid4().hex[:8]}"
    if request.param == "sqlite":
        huey = SqliteHuey(name, filename=str(tmp_path / "tasks.sqlite3"))
    else:
        huey = RedisHuey(name, url="redis://127.0.0.1:6379/15")
    yield huey
    huey.flush()


def deliver_then_close(sms_id: int) -> bool:
    try:
        return services.deliver(sms_id)
    finally:
        connection.close()


@pytest.fixture
def worker(queue_backend, monkeypatch, settings, tmp_path):
    settings.DAIBAN_SMS_BACKEND = f"{__name__}.FlakyProvider"
    settings.VAR_DIR = tmp_path
    FlakyProvider.calls = []
    task = queue_backend.task(retries=2, retry_delay=0, name="deliver_sms")(deliver_then_close)
    monkeypatch.setattr(tasks, "deliver_sms", task)
    consumer = queue_backend.create_consumer(
        workers=2, periodic=False, initial_delay=0.05, max_delay=0.2, check_worker_health=False
    )
    handlers = {
        sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    }
    yield queue_backend, consumer, task
    if consumer.scheduler.is_alive():  # started by the test
        consumer.stop(graceful=True)
    for sig, handler in handlers.items():
        signal.signal(sig, handler)


def wait_for(condition, seconds=15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def log_lines(tmp_path, key):
    path = tmp_path / "sms.log"
    if not path.exists():
        return []
    return [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if json.loads(line)["key"] == key
    ]


def test_enqueued_on_commit_retried_and_sent_once(worker, tmp_path):
    huey, consumer, task = worker
    with transaction.atomic():
        sms = services.queue(
            key="test:accepted:1",
            template="replied",
            to="+8613877160412",
            name="胡建荣",
            item="生育登记",
        )
        assert huey.pending_count() == 0  # nothing leaves before the commit
    assert huey.pending_count() == 1
    consumer.start()
    assert wait_for(lambda: Sms.objects.get(pk=sms.pk).status == Sms.Status.SENT)
    sms.refresh_from_db()
    assert sms.attempts == 2 and sms.provider_id
    assert FlakyProvider.calls == ["test:accepted:1", "test:accepted:1"]
    assert len(log_lines(tmp_path, "test:accepted:1")) == 1
    # The same delivery enqueued again, twice, with two workers: nothing is sent again.
    task(sms.pk)
    task(sms.pk)
    assert wait_for(lambda: huey.pending_count() == 0)
    time.sleep(0.3)
    assert len(log_lines(tmp_path, "test:accepted:1")) == 1
    assert FlakyProvider.calls.count("test:accepted:1") == 2


def test_a_rolled_back_step_sends_nothing(worker):
    huey, consumer, task = worker
    with pytest.raises(RuntimeError), transaction.atomic():
        services.queue(
            key="test:rolled-back",
            template="replied",
            to="+8613877160412",
            name="胡建荣",
            item="生育登记",
        )
        raise RuntimeError("the step failed")
    assert huey.pending_count() == 0
    assert not Sms.objects.filter(key="test:rolled-back").exists()


def test_queueing_twice_for_one_event_makes_one_message(worker):
    huey, consumer, task = worker
    for _ in range(3):
        services.queue(
            key="test:event:7",
            template="replied",
            to="+8613877160412",
            name="胡建荣",
            item="生育登记",
        )
    assert Sms.objects.filter(key="test:event:7").count() == 1
    assert huey.pending_count() == 1

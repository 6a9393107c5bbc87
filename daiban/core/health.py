"""`/healthz` for monitoring: the database, the cache, the task queue, the worker's
heartbeat and the disk, as JSON; 200 when all are well, 503 when any is not.

The answer carries names, yes/no and numbers only — nothing about the data, no error
text — so it can stay public; nginx may still limit it to the monitor's address.
"""

import shutil
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

HEARTBEAT_KEY = "daiban:worker-heartbeat"


def beat() -> float:
    """Written by the worker every minute (core/tasks.py) into the queue's own store, so
    any app server sharing the queue (SQLite file or Redis) reads it."""
    from huey.contrib.djhuey import HUEY

    now = time.time()
    HUEY.put(HEARTBEAT_KEY, now)
    return now


def _timed(check: Callable[[], dict[str, Any] | None]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        result = check() or {}
        ok = result.pop("ok", True)
    except Exception as exc:  # any failure is the answer; its class only, not its text
        result, ok = {"error": type(exc).__name__}, False
    result.update(ok=ok, ms=round((time.perf_counter() - started) * 1000, 1))
    return result


def _database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def _cache() -> dict[str, Any]:
    key, value = f"daiban:health:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, 10)
    ok = cache.get(key) == value
    cache.delete(key)
    return {"ok": ok}


def _worker() -> dict[str, Any]:
    from huey.contrib.djhuey import HUEY

    pending = HUEY.pending_count()
    last = HUEY.get(HEARTBEAT_KEY, peek=True)
    age = None if last is None else round(time.time() - float(last))
    ok = age is not None and age <= settings.DAIBAN_HEALTH_WORKER_SECONDS
    return {"ok": ok, "heartbeat_age_s": age, "queued": pending}


def _disk() -> dict[str, Any]:
    usage = shutil.disk_usage(settings.VAR_DIR)
    free_mb = usage.free // (1024 * 1024)
    free_share = usage.free / usage.total if usage.total else 0
    return {
        "ok": free_mb >= settings.DAIBAN_HEALTH_MIN_FREE_MB and free_share >= 0.05,
        "free_mb": free_mb,
        "free_percent": round(free_share * 100, 1),
    }


CHECKS = {"database": _database, "cache": _cache, "worker": _worker, "disk": _disk}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {name: _timed(check) for name, check in CHECKS.items()}
    healthy = all(c["ok"] for c in checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "fail",
            "time": timezone.now().isoformat(timespec="seconds"),
            "checks": checks,
        },
        status=200 if healthy else 503,
    )

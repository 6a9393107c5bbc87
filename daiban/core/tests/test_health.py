"""/healthz: green when the database, cache, queue, worker and disk are well; 503 and the
failing check named when one is not."""

import collections

import pytest

from daiban.core import health

pytestmark = pytest.mark.django_db


def test_green_after_the_worker_beats(client):
    health.beat()
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "worker", "disk"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["worker"]["heartbeat_age_s"] <= 1
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_silent_worker_is_503(client, settings, monkeypatch):
    health.beat()
    real = health.time.time
    monkeypatch.setattr(
        health.time, "time", lambda: real() + settings.DAIBAN_HEALTH_WORKER_SECONDS + 5
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_a_full_disk_is_503(client, monkeypatch):
    health.beat()
    usage = collections.namedtuple("usage", "total used free")
    monkeypatch.setattr(
        health.shutil, "disk_usage", lambda path: usage(100 * 2**30, 99 * 2**30, 2**30 - 1)
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["disk"] == {
        "ok": False,
        "free_mb": 1023,
        "free_percent": 1.0,
        "ms": response.json()["checks"]["disk"]["ms"],
    }


def test_a_broken_database_is_503_without_its_message(client, monkeypatch):
    health.beat()

    def broken():
        raise RuntimeError("password authentication failed for user secret")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["error"] == "RuntimeError"
    assert b"secret" not in response.content

"""Personal data kept out of logs, addresses and other users' reach: the text-message
log is masked, private and purged; resident search by number never puts the number
in the URL; everything under var/ is the service's own."""

import datetime
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone

from daiban.notifications.backends import LogFileBackend
from daiban.testing.world import verified_login

BODY = "【代办】胡建荣您好，您申请的“粮食直补存折更名”还需补齐：户口簿。请一次带齐交给代办员韦小明（13977161234）。"


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_text_message_log_is_masked_and_private(tmp_path):
    old = os.umask(0o022)  # even where the process would make files readable by all
    try:
        LogFileBackend(tmp_path / "sms.log").send(
            phone="+8613877160412", body=BODY, key="case:1:supplement"
        )
    finally:
        os.umask(old)
    text = (tmp_path / "sms.log").read_text(encoding="utf-8")
    line = json.loads(text)
    assert "13877160412" not in text and "胡建荣" not in text and "13977161234" not in text
    assert line["to"] == "138****0412"
    assert line["body"].startswith("【代办】胡*荣您好") and "139****1234" in line["body"]
    assert line["key"] == "case:1:supplement"
    assert mode(tmp_path / "sms.log") == 0o600


def test_an_old_log_file_readable_by_others_is_made_private(tmp_path):
    path = tmp_path / "sms.log"
    path.write_text("")
    path.chmod(0o644)
    LogFileBackend(path).send(phone="+8613877160412", body=BODY, key="k")
    assert mode(path) == 0o600


def test_retention_purges_old_lines_of_the_log_and_masks_the_rest(world, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    path = tmp_path / "sms.log"
    now = timezone.now()
    old = (now - datetime.timedelta(days=400)).isoformat()
    recent = (now - datetime.timedelta(days=10)).isoformat()
    # Lines written before masking existed: full number and name.
    path.write_text(
        json.dumps(
            {"key": "old", "to": "+8613877160412", "body": BODY, "at": old}, ensure_ascii=False
        )
        + "\n"
        + json.dumps(
            {"key": "recent", "to": "+8613877160412", "body": BODY, "at": recent},
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    path.chmod(0o644)
    call_command("apply_retention", stdout=io.StringIO())
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert [x["key"] for x in lines] == ["recent"]
    assert lines[0]["to"] == "138****0412" and "胡建荣" not in lines[0]["body"]
    assert mode(path) == 0o600


def test_var_database_and_task_queue_are_the_services_own(tmp_path):
    """A fresh start (settings, database, task queue), as `make run` does it."""
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    var.chmod(0o755)
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.db import connection\n"
        "connection.ensure_connection()\n"
        "connection.cursor().execute('create table t (x int)')\n"
        "settings.HUEY.enqueue  # the queue's file\n"
        "settings.HUEY.storage.conn\n"
        "from daiban.cases import attachments\n"
        "(attachments.folder() / 'scan.bin').write_bytes(b'x')\n"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DAIBAN_TESTING", "DAIBAN_REDIS_URL")
    }
    env.update(DAIBAN_VAR_DIR=str(var), DAIBAN_DEBUG="1", DJANGO_SETTINGS_MODULE="daiban.settings")
    subprocess.run(  # noqa: S603 — our own interpreter and a fixed script
        [sys.executable, "-c", script],
        check=True,
        env=env,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert mode(var) == 0o700
    assert mode(var / "daiban.sqlite3") == 0o600
    assert mode(var / "tasks.sqlite3") == 0o600
    assert mode(var / "uploads") == 0o700
    assert mode(var / "uploads" / "scan.bin") == 0o600
    assert mode(var / "secret_key") == 0o600


def test_resident_search_by_number_is_a_post_and_the_number_stays_out_of_the_url(client, world):
    verified_login(client, world.agent)
    page = client.get("/residents/").content.decode()
    assert 'method="post"' in page and "csrfmiddlewaretoken" in page
    for q in ["13877160412", "459901198604120032", "胡建", "hjr"]:
        found = client.post("/residents/", {"q": q}).content.decode()
        assert "胡建荣" in found, q
    # A number in the address is not searched for (it would be in every access log).
    by_get = client.get("/residents/", {"q": "459901198604120032"}).content.decode()
    assert "胡建荣" not in by_get
    by_get = client.get("/residents/", {"q": "13877160412"}).content.decode()
    assert "胡建荣" not in by_get
    # Names still work in a link (after registering, the page opens on the name).
    assert "胡建荣" in client.get("/residents/", {"q": "胡建荣"}).content.decode()


def test_the_search_keeps_where_to_go_next(client, world):
    verified_login(client, world.agent)
    found = client.post(
        "/residents/", {"q": "13877160412", "next": "/inquiries/new/?item=1"}
    ).content.decode()
    assert f"/inquiries/new/?item=1&resident={world.resident.pk}" in found


def test_the_csrf_token_is_required_to_search(world):
    from django.test import Client

    client = verified_login(Client(enforce_csrf_checks=True), world.agent)
    assert client.post("/residents/", {"q": "13877160412"}).status_code == 403

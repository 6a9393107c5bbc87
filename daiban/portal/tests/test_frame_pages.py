"""What a visitor meets first or when something fails (issue 15): the front door links to
the public pages, 404 and 500 are Chinese pages of the site with a way back, and in
development the public address follows the port served."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import RequestFactory

ROOT = Path(__file__).resolve().parents[3]


def test_the_front_door_shows_the_public_pages_beside_the_staff_log_in(client, db):
    page = client.get("/", follow=True)
    html = page.content.decode()
    assert 'name="password"' in html
    for address in ("/guide/", "/agents/", "/track/"):
        assert f'href="{address}"' in html, address
    assert "办事指南" in html and "查办理进度" in html  # in Chinese, whatever the browser says


def test_a_missing_page_is_a_chinese_page_of_the_site_with_a_way_back(client, db):
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    html = page.content.decode()
    assert 'lang="zh-hans"' in html and "工作人员登录" in html  # the site's frame, in Chinese
    assert 'href="/"' in html and 'href="/guide/"' in html
    assert "<h1>Not Found</h1>" not in html


def test_a_case_that_is_not_yours_gets_the_same_page(client, world):
    client.force_login(world.other_agent)
    from daiban.testing import factories

    case = factories.accepted(world)
    page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 404 and 'href="/"' in page.content.decode()


def test_the_server_error_page_needs_neither_a_database_nor_the_request():
    # No `db` fixture: any query here fails the test.
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override("zh-hans"):
        page = server_error(RequestFactory().get("/cases/1/"))
    html = page.content.decode()
    assert page.status_code == 500
    assert 'lang="zh-hans"' in html and "办事指南" in html
    assert 'href="/"' in html and "daiban.css" in html and "Server Error" not in html


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_in_development_the_public_address_follows_the_port_served(tmp_path):
    # `make run` with a stand-in python that prints the address each command would use.
    fake = tmp_path / "python"
    fake.write_text('#!/bin/sh\necho "$* $DAIBAN_PUBLIC_URL"\n')
    fake.chmod(0o755)
    stamp = tmp_path / "installed"  # newer than pyproject.toml: make installs nothing
    stamp.touch()
    env = {k: v for k, v in os.environ.items() if k != "DAIBAN_PUBLIC_URL"}
    env["PORT"] = "8611"
    ran = subprocess.run(  # noqa: S603 (fixed arguments)
        [
            shutil.which("make"),
            "-s",
            "--no-print-directory",
            "run",
            f"BIN={tmp_path}",
            f"STAMP={stamp}",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        start_new_session=True,  # the recipe's `kill 0` ends its own group only
    )
    lines = [line for line in ran.stdout.splitlines() if line.startswith("manage.py")]
    # (the worker, started in the background, may be ended before it prints)
    for command in ("load_demo", "runserver 127.0.0.1:8611"):
        assert any(command in line for line in lines), (command, ran.stdout, ran.stderr)
    assert all(line.endswith(" http://127.0.0.1:8611") for line in lines), ran.stdout


def test_an_item_done_without_a_trip_says_so_and_shows_its_common_names(client, world):
    world.passbook.trips_with_agent = 0
    world.passbook.save()
    html = client.get(f"/guide/{world.passbook.code}/").content.decode()
    assert "0 trips" not in html and "只跑0趟" not in html
    assert "粮补" in html  # a built-in common name


def test_the_history_names_the_system_when_nobody_acted(client, world):
    from daiban.cases.models import Event
    from daiban.testing import factories

    case = factories.accepted(world)
    Event.objects.filter(case=case).update(actor=None)
    client.force_login(world.agent)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "· ·" not in html and " ·  · " not in html

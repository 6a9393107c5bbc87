"""Bytes a staff page costs on the wire: the HTML plus every stylesheet and script it
links, each gzip-compressed as the reverse proxy sends it. Goal: under 60 KB.

    DAIBAN_TESTING=1 .venv/bin/python bench/page_weight.py

Runs on a throwaway SQLite database with the demo county (120 cases) in a temp dir.
"""

import gzip
import io
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daiban.settings")
os.environ["DAIBAN_TESTING"] = "1"
os.environ["DAIBAN_VAR_DIR"] = tempfile.mkdtemp(prefix="daiban-bench-")

import django  # noqa: E402

django.setup()

from django.contrib.staticfiles import finders  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from daiban.cases.models import Case, Hop, State  # noqa: E402
from daiban.catalog.models import ServiceItem  # noqa: E402
from daiban.people.models import Resident, User  # noqa: E402

LIMIT = 60 * 1024
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+)"')


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def weigh(client: Client, path: str) -> tuple[int, int, int]:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 200, (path, response.status_code)
    html = response.content
    assets = 0
    for url in set(ASSET.findall(html.decode())):
        found = finders.find(url.removeprefix("/static/"))
        assets += gz(Path(found).read_bytes())
    return len(html), gz(html), assets


def main():
    call_command("migrate", verbosity=0)
    call_command("load_demo", cases=120, stdout=io.StringIO())
    agent = User.objects.get(username="dachang_agent")
    resident = Resident.objects.filter(village=agent.village).first()
    item = ServiceItem.objects.get(name="粮食直补存折更名")
    own = Case.objects.filter(village=agent.village, is_petition=False)
    open_case = (
        own.exclude(state__in=[State.CLOSED, State.REFUSED, State.WITHDRAWN]).first() or own.first()
    )
    pending = own.filter(state=State.PENDING).first()
    clerk_hop = (
        Hop.objects.filter(holder_department__kind="finance", ended_at__isnull=True)
        .select_related("case")
        .first()
    )
    pages = {
        "dachang_agent": [
            ("home", "/"),
            ("inquiry + guide", f"/inquiries/new/?item={item.pk}&resident={resident.pk}"),
            ("residents search", "/residents/?q=h"),
            ("register resident", "/residents/new/"),
            ("case page", f"/cases/{open_case.pk}/"),
            ("handover", "/handover/"),
            ("offline shell", "/offline/"),
        ],
        "dc_finance": [("queue", "/")]
        + ([("case page", f"/cases/{clerk_hop.case_id}/")] if clerk_hop else []),
        "dc_director": [
            ("center", "/"),
            ("dashboard", "/manage/"),
            ("figure's cases", "/manage/cases/?measure=completed"),
            ("agents' ranking", "/manage/agents/"),
            ("payment sheets", "/manage/payments/"),
            ("scheme", "/manage/scheme/"),
        ],
        "dc_leader": [("dashboard", "/manage/")],
    }
    if pending:
        pages["dachang_agent"].append(("acceptance", f"/cases/{pending.pk}/accept/"))
    print(
        f"{'login':<15} {'page':<20} {'html':>8} {'html gz':>8} {'css+js gz':>10} {'total gz':>9}"
    )
    worst = 0
    for username, paths in pages.items():
        client = Client()
        client.force_login(User.objects.get(username=username))
        for name, path in paths:
            raw, html_gz, assets = weigh(client, path)
            total = html_gz + assets
            worst = max(worst, total)
            flag = "" if total <= LIMIT else "  OVER 60 KB"
            print(f"{username:<15} {name:<20} {raw:>8} {html_gz:>8} {assets:>10} {total:>9}{flag}")
    # What the offline shell adds once (issue 21): its service worker, the manifest, and the
    # snapshot it keeps of the agent's villagers, open cases and guide.
    client = Client()
    client.force_login(User.objects.get(username="dachang_agent"))
    for name, path in [
        ("service worker", "/sw.js?u=1"),
        ("manifest", "/offline/manifest.webmanifest"),
        ("snapshot", "/offline/snapshot.json"),
    ]:
        body = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-CN").content
        print(f"{'dachang_agent':<15} {name:<20} {len(body):>8} {gz(body):>8}")
    print(f"heaviest page: {worst} bytes ({worst / 1024:.1f} KB) of {LIMIT // 1024} KB allowed")


if __name__ == "__main__":
    main()

"""Intake against the framework floor: POST /api/v1/cases beside a bare Django view doing
the same INSERT into cases_case, through the same middleware, in one process.

    .venv/bin/python bench/intake.py                         # SQLite, a fresh var dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/daiban_he_intake \\
        .venv/bin/python bench/intake.py                     # PostgreSQL (made if absent)

Production settings (DEBUG off, Argon2 hasher, the real task queue: SQLite file or
Redis), not the test profile, which runs the worker's tasks inline. The demo county is
loaded; one village agent opens cases for residents of their village with an API token.
Blocks of the two alternate, so a busy neighbour slows both alike. Prints each one's
median time per request, requests a second, the statements each sends, and the ratio
(API requests/s ÷ bare requests/s). Issue 20 asks for ≥ 0.5 on both databases.
"""

import argparse
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(var_dir: str) -> None:
    from cryptography.fernet import Fernet

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daiban.settings")
    for name in ("DAIBAN_TESTING", "DAIBAN_DEBUG", "DAIBAN_PRODUCTION", "DAIBAN_REDIS_URL"):
        os.environ.pop(name, None)
    os.environ.update(
        DAIBAN_VAR_DIR=var_dir,
        DAIBAN_SECRET_KEY=secrets.token_urlsafe(50),
        DAIBAN_DATA_KEYS=Fernet.generate_key().decode(),
        DAIBAN_HASH_KEY=secrets.token_urlsafe(32),
        DAIBAN_AUDIT_KEYS=secrets.token_urlsafe(32),
        DAIBAN_ALLOWED_HOSTS="testserver,127.0.0.1",
        DAIBAN_SMS_QUIET_HOURS="off",
    )
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        server, name = url.rsplit("/", 1)
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                admin.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()


def bare_intake(request):
    """The floor: parse the same JSON, one INSERT of the same row, a JSON answer."""
    from django.http import JsonResponse
    from django.utils import timezone

    from daiban.cases.models import Case, State

    body = json.loads(request.body)
    case = Case.objects.create(
        uid=uuid.uuid4(),
        state=State.PENDING,
        item_id=body["item_id"],
        resident_id=body["resident"],
        village_id=body["village_id"],
        township_id=body["township_id"],
        agent_id=body["agent_id"],
        created_at=timezone.now(),
    )
    return JsonResponse({"id": case.pk, "uid": str(case.uid), "state": case.state}, status=201)


def _urls():
    from django.urls import path
    from django.views.decorators.csrf import csrf_exempt

    import daiban.urls

    module = type(sys)("bench_intake_urls")
    module.urlpatterns = [
        path("bench/bare-intake", csrf_exempt(bare_intake)),
        *daiban.urls.urlpatterns,
    ]
    for name in ("handler400", "handler403", "handler404", "handler500"):
        if hasattr(daiban.urls, name):
            setattr(module, name, getattr(daiban.urls, name))
    sys.modules["bench_intake_urls"] = module
    return "bench_intake_urls"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--block", type=int, default=50, help="requests per block")
    parser.add_argument("--var", help="var dir (default: a new temporary one)")
    args = parser.parse_args()
    _setup(args.var or tempfile.mkdtemp(prefix="daiban-intake-"))

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from daiban.api.models import ApiToken
    from daiban.catalog.models import ServiceItem
    from daiban.people.models import Resident, Role, User

    call_command("migrate", verbosity=0)
    if not User.objects.filter(role=Role.VILLAGE_AGENT).exists():
        call_command("load_demo", verbosity=0)
    settings.ROOT_URLCONF = _urls()
    agent = User.objects.filter(role=Role.VILLAGE_AGENT).order_by("pk").first()
    residents = list(Resident.objects.filter(village=agent.village).values_list("pk", flat=True))
    item = next(
        i
        for i in ServiceItem.objects.filter(is_active=True, proxy_allowed=True).order_by("pk")
        if not i.is_petition
    )
    _, key = ApiToken.issue(agent, "bench")
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    api_body = {"item": item.code, "duplicate_ok": True}
    bare_body = {
        "item_id": item.pk,
        "village_id": agent.village_id,
        "township_id": agent.village.township_id,
        "agent_id": agent.pk,
    }

    def api(i):
        body = json.dumps({**api_body, "resident": residents[i % len(residents)]})
        response = client.post("/api/v1/cases", body, content_type="application/json", **auth)
        assert response.status_code == 201, response.content[:300]

    def bare(i):
        body = json.dumps({**bare_body, "resident": residents[i % len(residents)]})
        response = client.post("/bench/bare-intake", body, content_type="application/json")
        assert response.status_code == 201, response.content[:300]

    def block(call):
        started = time.perf_counter()
        for i in range(args.block):
            call(i)
        return (time.perf_counter() - started) * 1000 / args.block

    statements = {}
    for name, call in (("api", api), ("bare", bare)):
        for i in range(5):  # warm: imports, caches, the token's last-used write
            call(i)
        with CaptureQueriesContext(connection) as seen:
            call(0)
        statements[name] = len(seen.captured_queries)
        reset_queries()
    times = {"api": [], "bare": []}
    for _ in range(args.rounds):
        times["api"].append(block(api))
        times["bare"].append(block(bare))
    api_ms, bare_ms = statistics.median(times["api"]), statistics.median(times["bare"])
    print(f"intake on {connection.vendor}, {args.rounds} rounds × {args.block} requests each")
    print(f"  {'':34} {'ms/request':>10} {'req/s':>7} {'statements':>10}")
    print(
        f"  {'POST /api/v1/cases':34} {api_ms:>10.2f} {1000 / api_ms:>7.0f} {statements['api']:>10}"
    )
    print(
        f"  {'bare view, same INSERT':34} {bare_ms:>10.2f} {1000 / bare_ms:>7.0f}"
        f" {statements['bare']:>10}"
    )
    print(f"  ratio (API req/s ÷ bare req/s): {bare_ms / api_ms:.2f}× (goal ≥ 0.5×)")


if __name__ == "__main__":
    main()

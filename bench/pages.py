"""Every staff page and API list, timed for each kind of staff, on a generated county.

    DATABASE_URL=postgres://postgres@127.0.0.1/daiban_2m DAIBAN_TESTING=1 \\
        .venv/bin/python bench/pages.py --keep /tmp/b2m
    DAIBAN_TESTING=1 .venv/bin/python bench/pages.py --keep /tmp/b20k   # SQLite

The county comes from bench/dashboard.py (the same --keep directory; on PostgreSQL the
same DATABASE_URL). Each page without parameters in the URL map, plus the case pages of
one case in the person's scope, is opened as a village agent, a center director, a
township leader and the county supervisor: the median of --repeat requests after one
warm request, the statements it sent and its size. Pages over --slow ms are marked.
Issue 20 asks for every staff page and API list under 200 ms at 2 M cases, flat from 20 k.
"""

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import dashboard  # noqa: E402

# Not pages a person opens to work: files, the admin, log-out, the offline shell's parts.
SKIPPED = ("admin/", "i18n/", "logout/", "healthz", "sw.js", "manifest", "static/", "media/")
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
API_LISTS = (
    "/api/v1/cases?limit=20",
    "/api/v1/cases?limit=20&state=in_progress",
    "/api/v1/residents?limit=20",
    "/api/v1/residents?limit=20&q=韦",
    "/api/v1/catalog/items",
)


def _routes(patterns, prefix=""):
    from django.urls import URLPattern, URLResolver

    for entry in patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED) or "^" in route:
            continue
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def _people():
    from daiban.cases.models import Case, State
    from daiban.people.models import Role, User

    people = []
    for role in (
        Role.VILLAGE_AGENT,
        Role.CENTER_DIRECTOR,
        Role.TOWNSHIP_LEADER,
        Role.COUNTY_SUPERVISOR,
    ):
        user = User.objects.filter(role=role, is_active=True).order_by("pk").first()
        if user is None:
            continue
        cases = Case.objects.unrestricted().filter(state=State.IN_PROGRESS)
        if user.village_id:
            cases = cases.filter(village_id=user.village_id)
        elif user.township_id:
            cases = cases.filter(township_id=user.township_id)
        case_pk = cases.order_by("-pk").values_list("pk", flat=True).first() or 1
        people.append((role, user, case_pk))
    return people


class StatementClock:
    """Times each statement of a request (connection.execute_wrapper)."""

    def __init__(self):
        self.taken = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.taken.append(((time.perf_counter() - started) * 1000, sql))

    def slowest(self, n: int = 3) -> list[tuple[float, str]]:
        return sorted(self.taken, key=lambda t: t[0], reverse=True)[:n]


def measure(repeat: int, slow: float, only: str, statements: bool = False) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import get_resolver

    from daiban.cases.models import Case

    print(f"{Case.objects.count():,} cases ({connection.vendor}); median of {repeat}")
    routes = sorted(set(_routes(get_resolver().url_patterns)))
    over = []
    for role, user, case_pk in _people():
        client = dashboard.logged_in(user)
        print(f"\n{role} {user.username} (case {case_pk})")
        urls = []
        for route in routes:
            params = PARAM.findall(route)
            if any(kind != "int" or "case" not in name and name != "pk" for kind, name in params):
                continue
            if params and not route.startswith("cases/"):
                continue
            urls.append("/" + PARAM.sub(str(case_pk), route))
        for url in [*urls, *API_LISTS]:
            if only and only not in url:
                continue
            response = client.get(url)  # warm, and whether the person may open it at all
            if response.status_code != 200 or response.get("Content-Type", "").startswith(
                ("application/pdf", "application/vnd")
            ):
                continue
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as seen:
                    client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            median = statistics.median(times)
            mark = " <-- over" if median > slow else ""
            if mark:
                over.append((median, role, url))
            print(
                f"  {url[:60]:<60} {median:8.1f} ms {len(seen.captured_queries):4d} stmts"
                f" {len(response.content) / 1024:6.1f} KB{mark}"
            )
            if mark and statements:
                clock = StatementClock()
                with connection.execute_wrapper(clock):
                    client.get(url)
                for taken, sql in clock.slowest():
                    print(f"      {taken:8.1f} ms  {sql[:400]}")
    print(f"\n{len(over)} over {slow:.0f} ms")
    for median, role, url in sorted(over, reverse=True):
        print(f"  {median:8.1f} ms  {role:<18} {url}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", required=True, help="the bench/dashboard.py --keep directory")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--slow", type=float, default=200.0)
    parser.add_argument("--only", default="", help="only URLs containing this")
    parser.add_argument(
        "--statements", action="store_true", help="print the slowest statements of a slow page"
    )
    args = parser.parse_args()
    dashboard._setup(str(Path(args.keep).resolve()))
    measure(args.repeat, args.slow, args.only, args.statements)


if __name__ == "__main__":
    main()

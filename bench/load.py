"""Many village agents at once against a running server: requests a second and the
50th, 95th and 99th percentile of the time to answer, per page and overall.

Two steps. `prepare` runs with the server's settings (its DATABASE_URL and keys) and
writes a plan: the agents to log in as, an API token for each, the cases each may open
and the villagers of each one's village. `run` is plain HTTP against the server.

    # the production profile: gunicorn (4 sync workers), PostgreSQL, the demo county
    PORT=8611 DATABASE_URL=postgres://postgres@127.0.0.1:5432/daiban_he_serve \\
      DAIBAN_VAR_DIR=/tmp/serve DAIBAN_WEB_WORKERS=4 DAIBAN_DB_CONN_MAX_AGE=60 deploy/serve-local &
    set -a; . /tmp/serve/serve.env; set +a
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/daiban_he_serve DAIBAN_VAR_DIR=/tmp/serve \\
      DAIBAN_PRODUCTION=1 DAIBAN_SSL_REDIRECT=0 DAIBAN_PUBLIC_URL=http://example.org \\
      .venv/bin/python bench/load.py prepare --plan /tmp/serve/plan.json
    .venv/bin/python bench/load.py run --plan /tmp/serve/plan.json \\
      --url http://127.0.0.1:8611 --agents 50 --seconds 180

Each simulated agent logs in (the login page, then the form: the password check is part
of the mix), then goes round: home, a case page, a villager search, a case page again,
the API's case list (?limit=20) and one case through the API; every fifth round it logs
out and in again. No pause between clicks unless --think (seconds): a closed loop, as
issue 20 measured. The client runs in one process with a thread per agent; on a 2-core
machine it takes CPU from the server, so the numbers are a floor.
"""

import argparse
import json
import os
import random
import re
import statistics
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _behind_tls(session) -> None:
    """The production profile marks its cookies Secure (nginx ends TLS in front of it);
    this client talks plain HTTP to gunicorn on the machine, so it sends them anyway."""
    for cookie in session.cookies:
        cookie.secure = False


def prepare(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daiban.settings")
    import django

    django.setup()
    from daiban.api.models import ApiToken
    from daiban.cases.scoping import visible_cases
    from daiban.demo.county import DEMO_PASSWORD
    from daiban.people.models import Resident, Role, User

    agents = []
    users = User.objects.filter(role=Role.VILLAGE_AGENT, is_active=True).select_related("village")
    if args.reset_password:
        # A generated bench county (bench/dashboard.py) was written with the test profile's
        # hasher; the server checks with its own, so the agents get the password again.
        from django.contrib.auth.hashers import make_password

        users.update(password=make_password(args.password))
    for user in users.order_by("pk")[: args.accounts]:
        cases = list(visible_cases(user).order_by("-pk").values_list("pk", flat=True)[:30])
        names = list(
            Resident.objects.filter(village=user.village).values_list("name", flat=True)[:30]
        )
        if not cases or not names:
            continue
        _, key = ApiToken.issue(user, "bench/load.py")
        agents.append(
            {
                "username": user.username,
                "password": args.password or DEMO_PASSWORD,
                "token": key,
                "cases": cases,
                "names": names,
            }
        )
    Path(args.plan).write_text(json.dumps({"agents": agents}, ensure_ascii=False))
    print(f"{len(agents)} agents with their cases, villagers and API tokens → {args.plan}")


class Agent(threading.Thread):
    def __init__(self, n, plan, url, until, think, results, lock):
        super().__init__(daemon=True)
        self.account = plan["agents"][n % len(plan["agents"])]
        self.url, self.until, self.think = url.rstrip("/"), until, think
        self.results, self.lock = results, lock
        self.random = random.Random(n)

    def timed(self, kind, method, path, ok=(200,), **kwargs):
        import requests

        started = time.perf_counter()
        try:
            response = self.session.request(
                method, self.url + path, timeout=30, allow_redirects=False, **kwargs
            )
            error = None if response.status_code in ok else f"{kind} HTTP {response.status_code}"
            _behind_tls(self.session)
        except requests.RequestException as exc:
            response, error = None, f"{kind} {type(exc).__name__}"
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.results["times"][kind].append(elapsed)
            if error:
                self.results["errors"][error] += 1
        if self.think:
            time.sleep(self.random.uniform(0, 2 * self.think))
        return response

    def log_in(self):
        import requests

        self.session = requests.Session()
        page = self.timed("login page", "GET", "/login/")
        token = CSRF.search(page.text) if page is not None else None
        self.timed(
            "log in",
            "POST",
            "/login/",
            ok=(302,),
            data={
                "username": self.account["username"],
                "password": self.account["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": self.url + "/login/"},
        )

    def run(self):
        api = {"Authorization": f"Bearer {self.account['token']}"}
        self.log_in()
        rounds = 0
        while time.monotonic() < self.until:
            case = self.random.choice(self.account["cases"])
            self.timed("home", "GET", "/")
            self.timed("case page", "GET", f"/cases/{case}/")
            name = self.random.choice(self.account["names"])
            self.timed("villager search", "GET", "/residents/", params={"q": name})
            self.timed("case page", "GET", f"/cases/{self.random.choice(self.account['cases'])}/")
            self.timed("API case list", "GET", "/api/v1/cases", params={"limit": 20}, headers=api)
            self.timed("API case", "GET", f"/api/v1/cases/{case}", headers=api)
            rounds += 1
            if rounds % 5 == 0 and time.monotonic() < self.until:
                csrf = self.session.cookies.get("csrftoken", "")
                self.timed(
                    "log out",
                    "POST",
                    "/logout/",
                    ok=(302,),
                    data={"csrfmiddlewaretoken": csrf},
                    headers={"Referer": self.url + "/"},
                )
                self.log_in()


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0.0


def run(args) -> None:
    plan = json.loads(Path(args.plan).read_text())
    results = {"times": defaultdict(list), "errors": defaultdict(int)}
    lock = threading.Lock()
    started = time.monotonic()
    until = started + args.seconds
    agents = [
        Agent(n, plan, args.url, until, args.think, results, lock) for n in range(args.agents)
    ]
    for agent in agents:  # all within the first two seconds, as at 08:00
        agent.start()
        time.sleep(2 / len(agents))
    for agent in agents:
        agent.join(timeout=args.seconds + 60)
    elapsed = time.monotonic() - started
    every = [t for times in results["times"].values() for t in times]
    errors = sum(results["errors"].values())
    print(
        f"{args.agents} agents, {elapsed:.0f} s, think {args.think} s, against {args.url}:"
        f" {len(every):,} requests, {len(every) / elapsed:.1f} req/s, {errors} errors"
    )
    print(f"  {'':18} {'n':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    rows = sorted(results["times"].items()) + [("all", every)]
    for kind, times in rows:
        print(
            f"  {kind:18} {len(times):>7,} {statistics.median(times):>8.0f}"
            f" {pct(times, 95):>8.0f} {pct(times, 99):>8.0f} {max(times):>8.0f}"
        )
    for error, count in sorted(results["errors"].items()):
        print(f"  error: {error} × {count}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    steps = parser.add_subparsers(dest="step", required=True)
    p = steps.add_parser("prepare")
    p.add_argument("--plan", required=True)
    p.add_argument("--accounts", type=int, default=200, help="at most this many agent accounts")
    p.add_argument("--password", help="the agents' password (default: the demo's)")
    p.add_argument(
        "--reset-password",
        action="store_true",
        help="set every agent's password to --password first (a generated county only)",
    )
    r = steps.add_parser("run")
    r.add_argument("--plan", required=True)
    r.add_argument("--url", default="http://127.0.0.1:8000")
    r.add_argument("--agents", type=int, default=50)
    r.add_argument("--seconds", type=int, default=180)
    r.add_argument("--think", type=float, default=0.0, help="mean pause between clicks (s)")
    args = parser.parse_args()
    prepare(args) if args.step == "prepare" else run(args)


if __name__ == "__main__":
    main()

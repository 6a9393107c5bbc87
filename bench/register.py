"""How long the register (办件台账) takes: its first page, the next page, filters, a
search, and the Excel export, for a township director and the county supervisor.

    DAIBAN_TESTING=1 .venv/bin/python bench/register.py --demo
    DAIBAN_TESTING=1 .venv/bin/python bench/register.py --cases 200000 --keep /tmp/bench-reg

The county is generated as in bench/dashboard.py (its --keep directory can be shared).
"""

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import dashboard  # noqa: E402


def measure(title: str) -> None:
    from django.db import connection
    from django.test.utils import setup_test_environment

    from daiban.cases.models import Case, State
    from daiban.people.models import Role, User

    setup_test_environment()  # the responses keep their context (the next page's key)
    print(f"\n{title}: {Case.objects.count():,} cases ({connection.vendor})")
    item_id = Case.objects.order_by("pk").values_list("item_id", flat=True).first()
    for role in (Role.CENTER_DIRECTOR, Role.COUNTY_SUPERVISOR):
        user = User.objects.filter(role=role).order_by("pk").first()
        client = dashboard.logged_in(user)
        print(f" {role}:")

        def page(path, client=client):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response

        first = dashboard.timed("register, first page", lambda: page("/register/"))
        import gzip

        from django.contrib.staticfiles import finders

        css = len(gzip.compress(Path(finders.find("daiban.css")).read_bytes()))
        print(
            f"  {'register page weight':<44} {len(first.content) / 1024:8.1f} KB, "
            f"{(len(gzip.compress(first.content)) + css) / 1024:.1f} KB gzipped with its stylesheet"
        )
        cursor = first.context["page"].next_cursor
        if cursor:
            dashboard.timed("register, next page", lambda c=cursor: page(f"/register/?after={c}"))
        dashboard.timed("register, overdue now", lambda: page("/register/?overdue=1"))
        dashboard.timed(
            "register, one item, in progress",
            lambda: page(f"/register/?item={item_id}&state={State.IN_PROGRESS}"),
        )
        dashboard.timed("register, by promised date", lambda: page("/register/?sort=due"))
        dashboard.timed(
            "register, a month accepted",
            lambda: page("/register/?on=accepted&from=2025-03-01&to=2025-03-31"),
        )
        dashboard.timed("register, a name", lambda: page("/register/?q=%E9%9F%A6"))
        dashboard.timed(
            "export, a month accepted",
            lambda: page("/register/export.xlsx?on=accepted&from=2025-03-01&to=2025-03-31"),
            repeat=1,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--keep")
    args = parser.parse_args()
    var_dir = args.keep or tempfile.mkdtemp(prefix="daiban-bench-")
    Path(var_dir).mkdir(parents=True, exist_ok=True)
    dashboard._setup(str(Path(var_dir).resolve()))
    import io

    from django.core.management import call_command

    from daiban.cases.models import Case

    call_command("migrate", verbosity=0)
    if args.demo:
        if not Case.objects.exists():
            call_command("load_demo", stdout=io.StringIO())
        measure("demo county")
        return
    if not Case.objects.exists():
        dashboard.generate(args.cases)
    measure(f"generated county ({dashboard.TOWNSHIPS} townships)")


if __name__ == "__main__":
    main()

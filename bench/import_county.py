"""How long `import_county` takes for a county of 300 villages and 700 staff, in a fresh
database (SQLite by default; PostgreSQL with DATABASE_URL, in a fresh test database).

    .venv/bin/python bench/import_county.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/daiban_bench .venv/bin/python bench/import_county.py

The generated county (fictional codes 4526xx) has 20 townships of 15 villages, two hamlets
for every third village, 12 departments per township and 14 county bureaus; staff are a
village agent and a petition agent per village, and per township a director, a leader, a
township agent and two clerks (600 + 100). Timed: the dry run (read + check), the import,
importing the same file again (a no-op), and a second file changing 10 villages and 10 staff.
The one-time passwords are hashed with `daiban.rollout.hashers.OneTimePasswordHasher` (see
there why not Argon2: 701 Argon2 hashes took 267 s on a shared 2-core machine).
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(var_dir: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daiban.settings")
    os.environ["DAIBAN_TESTING"] = "1"
    os.environ["DAIBAN_VAR_DIR"] = var_dir
    import django

    django.setup()


def sheets(townships: int, villages: int):
    from daiban.rollout.tests import books

    county = ("452699000000", "试验县")
    places = []
    for t in range(townships):
        code = f"452699{101 + t:03d}000"
        vs = [(f"{code[:9]}{201 + v:03d}", f"第{t + 1}乡第{v + 1}村委会") for v in range(villages)]
        places.append((code, f"第{t + 1}乡", vs))
    return books.county_sheets(county, places, clerks=2)


def timed(label, call):
    started = time.perf_counter()
    result = call()
    print(f"  {label:<52} {time.perf_counter() - started:8.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--townships", type=int, default=20)
    parser.add_argument("--villages", type=int, default=15, help="per township")
    args = parser.parse_args()
    _setup(tempfile.mkdtemp(prefix="daiban-bench-import-"))

    from django.db import connection

    from daiban.people.models import User
    from daiban.places.models import Village
    from daiban.rollout import importer
    from daiban.rollout.tests import books

    data = sheets(args.townships, args.villages)
    workbook = timed("write the workbook (openpyxl)", lambda: books.xlsx(data))
    files = [("county.xlsx", workbook)]
    n_villages = sum(1 for r in data["区划"] if r[0] and not r[0].endswith("000"))
    print(
        f"{n_villages} villages, {len(data['人员'])} staff, {len(data['部门'])} departments, "
        f"{len(workbook) // 1024} KB; one-time passwords: pbkdf2 10,000 rounds"
    )
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"database: {connection.vendor} (fresh)")
        report = timed(
            "dry run (read + check everything)", lambda: importer.import_county(files, dry_run=True)
        )
        assert report.ok, report.problems[:5]
        report = timed(
            "import (check, hash passwords, write)", lambda: importer.import_county(files)
        )
        assert report.applied and len(report.credentials) == len(data["人员"])
        assert Village.objects.count() == n_villages and User.objects.count() == len(data["人员"])
        report = timed("import the same file again (no-op)", lambda: importer.import_county(files))
        assert not report.changes_anything
        for row in [r for r in data["区划"] if r[0] and not r[0].endswith("000")][:10]:
            row[1] += "（新）"
        for row in data["人员"][-10:]:
            row[5] = "村委会主任"
        second = [("second.xlsx", books.xlsx(data))]
        report = timed(
            "a second file: 10 villages, 10 staff changed", lambda: importer.import_county(second)
        )
        assert sum(c.action == importer.UPDATE for c in report.changes) == 20
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()

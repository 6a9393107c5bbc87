"""Multiply a generated county's cases in SQL, to reach millions quickly.

    DATABASE_URL=postgres://postgres@127.0.0.1/daiban_2m DAIBAN_TESTING=1 \\
        .venv/bin/python bench/amplify.py --keep /tmp/b2m --times 8
    DAIBAN_TESTING=1 .venv/bin/python bench/amplify.py --keep /tmp/b2m-sqlite --times 7

bench/dashboard.py writes about 500 cases a second through the ORM with their hops,
ratings and notices; two million take more than an hour, and folding them into the
tallies another half hour. This copies the cases already generated (and tallied) k−1
times: each copy keeps the case's village, agent, item, resident and dates, gets its own
id, uid, case number and tracking code, and its hops, rating, supplement notices and
tally contribution. Since every copy contributes exactly what its original does, the
rollups are multiplied by k and stay equal to a rebuild. Complaints are not copied (their
numbers are unique and they are 0.5 % of cases). Run it once, after the tallies exist.
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import dashboard  # noqa: E402

MEASURES = [
    "accepted",
    "refused",
    "withdrawn",
    "supplements",
    "completed",
    "granted",
    "on_time",
    "work_days",
    "trips_saved",
    "county_trips",
    "rated",
    "satisfied",
    "rating_sum",
    "complaints",
    "rectifications",
]


def columns(cursor, table: str) -> list[str]:
    from django.db import connection

    return [c.name for c in connection.introspection.get_table_description(cursor, table)]


def copy_rows(cursor, table: str, shift: int, last: int, copy: int, key: str = "case_id"):
    """Copy the rows of the first `last` cases with their case id shifted; new own ids."""
    names = [c for c in columns(cursor, table) if c != "id"]
    chosen = ", ".join(f'"{c}"' for c in names)
    values = ", ".join(f'"{c}" + {shift}' if c == key else f'"{c}"' for c in names)
    cursor.execute(
        f"INSERT INTO {table} ({chosen}) SELECT {values} FROM {table} WHERE {key} <= %s",  # noqa: S608
        [last],
    )
    return cursor.rowcount


def amplify(times: int) -> None:
    from django.db import connection, transaction

    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id), count(*) FROM cases_case")
        last, count = cursor.fetchone()
        print(f"{count:,} cases (ids up to {last:,}); making {times}× = {count * times:,}")
        case_columns = columns(cursor, "cases_case")
        # Django keeps a UUID as 32 hex digits on SQLite, as a uuid on PostgreSQL.
        new_uid = "gen_random_uuid()" if postgres else "lower(hex(randomblob(16)))"
        padded = (
            "lpad((id + {shift})::text, 11, '0')" if postgres else "printf('%011d', id + {shift})"
        )
        special = {
            "id": "id + {shift}",
            "uid": new_uid,
            "number": "CASE WHEN number IS NULL THEN NULL ELSE number || '-{copy}' END",
            "tracking_code": f"CASE WHEN tracking_code IS NULL THEN NULL ELSE 'C' || {padded} END",
        }
        for copy in range(1, times):
            started = time.perf_counter()
            shift = copy * last
            with transaction.atomic():
                values = ", ".join(
                    special[c].format(shift=shift, copy=copy) if c in special else f'"{c}"'
                    for c in case_columns
                )
                chosen = ", ".join(f'"{c}"' for c in case_columns)
                cursor.execute(
                    f"INSERT INTO cases_case ({chosen}) SELECT {values} FROM cases_case"  # noqa: S608
                    " WHERE id <= %s",
                    [last],
                )
                made = {"cases": cursor.rowcount}
                for table in (
                    "cases_hop",
                    "cases_rating",
                    "cases_supplementnotice",
                    "figures_casetally",
                ):
                    made[table] = copy_rows(cursor, table, shift, last, copy)
            print(f"  copy {copy}: {made} in {time.perf_counter() - started:.0f} s", flush=True)
        with transaction.atomic():
            for table in ("figures_villagetally", "figures_itemtally"):
                sets = ", ".join(f"{m} = {m} * {times}" for m in MEASURES)
                cursor.execute(f"UPDATE {table} SET {sets}")  # noqa: S608
        started = time.perf_counter()
        if postgres:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('cases_case', 'id'),"
                " (SELECT max(id) FROM cases_case))"
            )
            cursor.execute("VACUUM ANALYZE")
        else:  # AUTOINCREMENT follows the largest id by itself
            cursor.execute("ANALYZE")
        print(f"statistics in {time.perf_counter() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", required=True)
    parser.add_argument("--times", type=int, required=True)
    args = parser.parse_args()
    dashboard._setup(str(Path(args.keep).resolve()))
    amplify(args.times)


if __name__ == "__main__":
    main()

"""Keeping the database's query planner informed.

SQLite chooses indexes from statistics it only has after ANALYZE; without them a
county-wide list can scan every case instead of walking the date index (measured on a
million cases: 1.1 s against 3 ms for the first page). PostgreSQL's autovacuum analyzes
by itself; a daily ANALYZE there is cheap and harmless."""

from django.db import connection


def optimize() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Sample at most ~1000 rows per index: seconds on millions of cases.
            cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")
    return connection.vendor

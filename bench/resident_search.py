"""How long finding a villager takes at county scale: name start, given name, pinyin
initials, full pinyin, another reading of the surname and the phone's last four digits,
for a village agent, a township director and the county, on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres daiban_bench_residents
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/daiban_bench_residents \\
        DAIBAN_TESTING=1 .venv/bin/python bench/resident_search.py --residents 1000000

Residents are inserted directly (the keys as `people.services` writes them), once per
database; run again to measure only.
"""

import argparse
import os
import random
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daiban.settings")

SURNAMES = "韦黄覃莫蓝陆梁李农罗卢潘胡曾区单黎谭廖吴杨周陈刘张王"
GIVEN = "建荣德贵秀英志强海明丽华春梅国庆文军玉兰桂芳小红金福成林"


def build(total: int) -> None:
    from django.db import transaction

    from daiban.core.pinyin import search_keys
    from daiban.people import crypto
    from daiban.people.models import Resident, ResidentNameKey
    from daiban.places.models import County, Township, Village

    county, _ = County.objects.get_or_create(code="459901000000", defaults={"name": "云岭县"})
    townships = [
        Township.objects.get_or_create(
            county=county, code=f"4599011{t:02d}000", defaults={"name": f"乡{t}"}
        )[0]
        for t in range(10)
    ]
    villages = [
        Village.objects.get_or_create(
            township=t, code=f"{t.code[:9]}2{v:02d}", defaults={"name": f"{t.name}村{v}"}
        )[0]
        for t in townships
        for v in range(50)
    ]
    have = Resident.objects.count()
    rng = random.Random(have)
    phone4 = {f"{n:04d}": crypto.keyed_hash("phone4", f"{n:04d}") for n in range(10000)}
    started = time.monotonic()
    batch = 5000
    for start in range(have, total, batch):
        rows, names = [], []
        for _ in range(min(batch, total - start)):
            name = rng.choice(SURNAMES) + "".join(
                rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))
            )
            names.append(name)
            rows.append(
                Resident(
                    uid=uuid.uuid4(),
                    name=name,
                    name_initials="",
                    gender="M",
                    id_number_encrypted="-",
                    id_number_hash=uuid.uuid4().hex,
                    id_number_masked="-",
                    phone_encrypted="-",
                    phone_hash=uuid.uuid4().hex,
                    phone_last4_hash=phone4[f"{rng.randrange(10000):04d}"],
                    phone_masked="-",
                    village=rng.choice(villages),
                )
            )
        with transaction.atomic():
            made = Resident.objects.bulk_create(rows)
            ResidentNameKey.objects.bulk_create(
                ResidentNameKey(resident_id=r.pk, key=k) for r in made for k in search_keys(r.name)
            )
    if total > have:
        print(f"inserted {total - have:,} residents in {time.monotonic() - started:.0f} s")


def _scopes() -> dict:
    from daiban.people.models import Resident
    from daiban.places.models import Township, Village

    village = Village.objects.order_by("pk").first()
    township = Township.objects.order_by("pk").first()
    return {
        "village": Resident.objects.filter(village=village),
        "township": Resident.objects.filter(village__township=township),
        "county": Resident.objects.all(),
    }


def measure(repeat: int = 5) -> None:
    from django.db import connection

    from daiban.people.models import Resident
    from daiban.people.selectors import search_residents

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    scopes = _scopes()
    print(
        f"{Resident.objects.count():,} residents ({connection.vendor}); ms per search, "
        f"best of {repeat}, first 20 rows"
    )
    print(f"{'typed':<12}" + "".join(f"{s:>12}" for s in scopes))
    for typed in ("胡", "胡建", "建荣", "hjr", "hu", "hujianrong", "qdg", "tdg", "4321"):
        line = f"{typed:<12}"
        for residents in scopes.values():
            best = None
            for _ in range(repeat):
                t = time.perf_counter()
                list(search_residents(residents, typed).order_by()[:20])
                spent = (time.perf_counter() - t) * 1000
                best = spent if best is None else min(best, spent)
            line += f"{best:>12.1f}"
        print(line)


def trigram(repeat: int = 5) -> None:
    """The alternative issue 20 named: `name LIKE '%…%'` through a pg_trgm GIN index, beside
    the prefix keys above. The index is made here for the comparison only."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        started = time.perf_counter()
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS bench_resident_name_trgm"
            " ON people_resident USING gin (name gin_trgm_ops)"
        )
        cursor.execute("ANALYZE people_resident")
        print(f"trigram index ready in {time.perf_counter() - started:.0f} s")
        cursor.execute("SELECT show_trgm('胡建荣'), current_setting('lc_ctype')")
        shown, ctype = cursor.fetchone()
        print(f"trigrams of 胡建荣 under lc_ctype {ctype}: {shown}")
    scopes = _scopes()
    print(f"{'contains':<12}" + "".join(f"{s:>12}" for s in scopes))
    for typed in ("胡", "胡建", "建荣", "胡建荣"):
        line = f"{typed:<12}"
        for residents in scopes.values():
            best = None
            for _ in range(repeat):
                t = time.perf_counter()
                list(residents.filter(name__contains=typed).order_by()[:20])
                spent = (time.perf_counter() - t) * 1000
                best = spent if best is None else min(best, spent)
            line += f"{best:>12.1f}"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=200_000)
    parser.add_argument(
        "--trigram", action="store_true", help="also time a pg_trgm index (PostgreSQL)"
    )
    parser.add_argument("--measure-only", action="store_true", help="use the residents there")
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command

    if not args.measure_only:
        call_command("migrate", verbosity=0)
        build(args.residents)
    measure()
    if args.trigram:
        trigram()


if __name__ == "__main__":
    main()

"""What a log-in's password check costs: Argon2 at the library's defaults and at the
parameters Daiban uses (daiban/people/hashers.py), time and memory.

    .venv/bin/python bench/passwords.py [--rounds 15]

Each set runs in a fresh process, so its peak resident memory is its own.
"""

import argparse
import json
import subprocess
import sys

SETS = {
    "library default (Django 5.2)": (2, 102_400, 8),
    "Daiban (OWASP baseline)": (2, 19_456, 1),
}

PROBE = r"""
import json, resource, statistics, sys, time
import argon2
t, m, p, rounds = map(int, sys.argv[1:5])
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
ph = argon2.PasswordHasher(time_cost=t, memory_cost=m, parallelism=p)
ph.hash("warm-up")
hash_ms, verify_ms = [], []
for _ in range(rounds):
    s = time.perf_counter(); h = ph.hash("Yanluo-chang-2026"); hash_ms.append((time.perf_counter() - s) * 1e3)
    s = time.perf_counter(); ph.verify(h, "Yanluo-chang-2026"); verify_ms.append((time.perf_counter() - s) * 1e3)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"hash": statistics.median(hash_ms), "verify": statistics.median(verify_ms),
                  "p90": sorted(verify_ms)[int(0.9 * rounds)], "mb": (peak - base) / 1024}))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    print(
        f"{'parameters':32} {'t':>2} {'MiB':>4} {'p':>2} {'hash ms':>8} {'check ms':>9} "
        f"{'check p90':>9} {'+RSS MB':>8}"
    )
    for name, (t, m, p) in SETS.items():
        out = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
            [sys.executable, "-c", PROBE, str(t), str(m), str(p), str(args.rounds)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        r = json.loads(out)
        print(
            f"{name:32} {t:>2} {m // 1024:>4} {p:>2} {r['hash']:>8.1f} {r['verify']:>9.1f} "
            f"{r['p90']:>9.1f} {r['mb']:>8.0f}"
        )


if __name__ == "__main__":
    main()

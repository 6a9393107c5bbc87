"""Staff passwords: Argon2id at a chosen, measured cost (issue 20).

Django's Argon2 hasher takes the library's defaults (time 2, memory 100 MiB, 8 lanes):
0.6–0.8 s a log-in on this project's 2-core machine and 100 MiB a worker while it runs,
so 50 agents logging in at 08:00 queued for seconds and workers grew to ~270 MB. These
parameters are OWASP's Password Storage baseline for Argon2id (19 MiB, 2 passes, one
lane): about 80 ms and 19 MiB a log-in, still memory-hard, salted, one-way — what
等保 level 3 asks of stored authentication data (GB/T 22239-2019 8.1.4.7/8.1.4.8).
Online guessing is stopped by the lock-out (django-axes), not by the hash.

The name stays "argon2", so hashes made with other parameters still verify; Django
re-hashes them with these when the person next logs in (`must_update`).
Measured by bench/passwords.py; docs/scaling.md has the figures.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class StaffArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19_456  # KiB: 19 MiB
    parallelism = 1

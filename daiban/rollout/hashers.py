"""The hasher for the one-time passwords of an import.

A one-time password is 12 characters drawn by `secrets` from 55 (about 69 bits): it cannot
be guessed, however fast the hash, so it does not need Argon2's deliberate slowness, which
for 700 new staff takes minutes (0.1–0.4 s each). It lives until the first log-in: Django
re-hashes it with the preferred hasher (Argon2) as it logs the person in, and the person
must then choose a password of their own anyway.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class OneTimePasswordHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_sha256_onetime"
    iterations = 10_000

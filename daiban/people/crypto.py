"""Encryption at rest for personal data and a keyed hash for exact look-up.

Fernet (AES-128-CBC + HMAC-SHA256) from `cryptography`; MultiFernet lets a new key be
put first while old rows stay readable until re-encrypted.
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.DATA_KEYS))


def encrypt(plain: str) -> str:
    return _current().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    return _current().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    return _current().rotate(token.encode()).decode()


def keyed_hash(kind: str, normalized: str) -> str:
    message = f"{kind}:{normalized}".encode()
    return hmac.new(settings.HASH_KEY.encode(), message, hashlib.sha256).hexdigest()


def encrypt_bytes(plain: bytes) -> bytes:
    return _current().encrypt(plain)


def decrypt_bytes(token: bytes) -> bytes:
    return _current().decrypt(token)


def rotate_bytes(token: bytes) -> bytes:
    return _current().rotate(token)

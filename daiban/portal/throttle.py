"""Counting failed guesses in the cache (Redis in production, so all processes share it)."""

from django.core.cache import cache


def count(key: str, window_seconds: int) -> int:
    """Add one to a counter that expires `window_seconds` after its first hit."""
    cache.add(key, 0, window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window_seconds)
        return 1


def peek(key: str) -> int:
    return cache.get(key, 0)

"""Typed settings from the environment that fail loudly on bad values.

A secret may also be given as NAME_FILE pointing at a file that holds it.
"""

import datetime
import os
from pathlib import Path


class ConfigError(RuntimeError):
    pass


def string(name: str, default: str | None = None) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def boolean(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def integer(name: str, default: int, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from exc
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}={value} must be at least {minimum}")
    return value


def strings(name: str, default: str = "") -> list[str]:
    raw = string(name, default) or ""
    return [part.strip() for part in raw.split(",") if part.strip()]


def time_range(name: str, default: str) -> tuple[datetime.time, datetime.time] | None:
    """'21:00-08:00' (may pass midnight); empty or 'off' for none."""
    raw = (os.environ.get(name, default) or "").strip()
    if raw.lower() in {"", "off", "none"}:
        return None
    try:
        start, end = (datetime.time.fromisoformat(part.strip()) for part in raw.split("-"))
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not a time range like 21:00-08:00") from exc
    if start == end:
        raise ConfigError(f"{name}={raw!r} starts and ends at the same time")
    return start, end

"""The words people call an item by (常用名): 低保 for 最低生活保障申请, 新农合 for the
medical insurance. Built-in ones ship with the default catalog (`data/default_catalog.json`,
by item code); a county adds its own in the admin or the county workbook's 常用名 column
(`rollout.ItemAlias`). Each is found by its text, its pinyin initials (db) or its full
pinyin (dibao), as is the item's own name."""

import json
import re
from functools import lru_cache

from django.apps import apps

from daiban.core.pinyin import initials, name_readings

_SEPARATORS = re.compile(r"[、,，;；/／\s]+")


def split_aliases(text: str) -> list[str]:
    """粮补、粮补存折 / 一折通 → [粮补, 粮补存折, 一折通]."""
    return [a for a in _SEPARATORS.split(text or "") if a]


@lru_cache(maxsize=1)
def built_in() -> dict[str, tuple[str, ...]]:
    """Item code → its built-in common names."""
    from daiban.catalog.services import DEFAULT_CATALOG

    entries = json.loads(DEFAULT_CATALOG.read_text(encoding="utf-8"))
    return {e["code"]: tuple(split_aliases(e.get("aliases", ""))) for e in entries}


def county_aliases() -> dict[int, list[str]]:
    """Item id → the common names counties gave it. The model lives with the county
    import (rollout) for now; looked up by name so the catalog does not import it."""
    try:
        model = apps.get_model("rollout", "ItemAlias")
    except LookupError:
        return {}
    found: dict[int, list[str]] = {}
    for item_id, text in model.objects.values_list("item_id", "aliases"):
        found.setdefault(item_id, []).extend(split_aliases(text))
    return found


@lru_cache(maxsize=4096)
def _spellings(word: str) -> tuple[str, ...]:
    spelled = [word.lower(), initials(word)]
    spelled += ["".join(reading) for reading in name_readings(word)[:1]]
    return tuple(s for s in spelled if s)


def word_matches(word: str, text: str) -> bool:
    """低保 matches 低保, 低, db and dibao; a Chinese text anywhere in the word."""
    text = text.strip().lower()
    if not text:
        return False
    if not text.isascii():
        return text in word
    text = "".join(text.split())
    return any(s.startswith(text) for s in _spellings(word)[1:]) or text in word.lower()


def aliases_of(item) -> list[str]:
    """The item's common names, built-in first, for showing in the guide."""
    names = list(built_in().get(item.code, ()))
    names += [a for a in county_aliases().get(item.pk, []) if a not in names]
    return names


def item_ids_called(items, text: str) -> list[int]:
    """Ids of the items (a queryset) whose common names or full-pinyin name match."""
    by_county = county_aliases()
    defaults = built_in()
    ids = []
    for pk, code, name in items.values_list("pk", "code", "name"):
        words = [name, *defaults.get(code, ()), *by_county.get(pk, ())]
        if any(word_matches(w, text) for w in words):
            ids.append(pk)
    return ids

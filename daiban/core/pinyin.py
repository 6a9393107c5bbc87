"""Pinyin for search: what a villager's or an item's name is found by."""

from pypinyin import Style, lazy_pinyin


def initials(name: str) -> str:
    """Pinyin first letters for search: 胡建荣 → hjr; punctuation dropped."""
    letters = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()
    return "".join(ch for ch in letters if ch.isascii() and ch.isalnum())

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

PO = Path(settings.BASE_DIR) / "daiban" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


@pytest.fixture(scope="module")
def catalog():
    return polib.pofile(str(PO))


def test_every_string_has_a_chinese_translation(catalog):
    missing = [e.msgid for e in catalog if not e.translated() or "fuzzy" in e.flags]
    assert missing == []


def test_translations_keep_their_placeholders(catalog):
    def translated(entry):
        return entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr

    broken = [
        e.msgid
        for e in catalog
        if sorted(PLACEHOLDER.findall(e.msgid)) != sorted(PLACEHOLDER.findall(translated(e)))
    ]
    assert broken == []


def test_every_translatable_string_in_the_code_is_in_the_catalog(catalog):
    """A string added to the code without running makemessages would show in English."""
    known = {e.msgid for e in catalog}
    call = re.compile(r"""(?<![\w.])(?:_|gettext_lazy|gettext)\(\s*"((?:[^"\\]|\\.)+)"\s*\)""")
    missing = []
    for path in (Path(settings.BASE_DIR) / "daiban").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for text in call.findall(path.read_text(encoding="utf-8")):
            if text not in known:
                missing.append(f"{path.name}: {text}")
    assert missing == []

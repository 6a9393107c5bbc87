import pytest


@pytest.fixture(autouse=True)
def anchor_file(settings, tmp_path):
    """Each test keeps its own anchors file."""
    settings.AUDIT_ANCHOR_FILE = tmp_path / "audit-anchors.log"
    return settings.AUDIT_ANCHOR_FILE

"""Debian's Chromium for the browser tests (Playwright never downloads a browser here)
and axe-core's audit of a page."""

import shutil
from importlib import resources

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

AXE = (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


def audit(page) -> list[str]:
    """axe-core's serious and critical violations on the page."""
    page.add_script_tag(content=AXE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['html'][:80]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]

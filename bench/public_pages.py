"""Public pages on a slow line: bytes per page (HTML + CSS, gzip as a proxy sends them;
goal under 40 KB) and the time to first render in Chromium throttled to 400 kbit/s with
a 400 ms round trip.

    .venv/bin/python bench/public_pages.py

Starts its own server on a throwaway SQLite database with the demo county.
"""

import gzip
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8799"))
BASE = f"http://127.0.0.1:{PORT}"
LIMIT = 40 * 1024
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SLOW = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def fetch(path: str) -> bytes:
    with urllib.request.urlopen(BASE + path) as response:  # noqa: S310 (our own local server)
        return response.read()


def weigh(path: str) -> tuple[int, int]:
    html = fetch(path)
    total_raw, total_gz = len(html), gz(html)
    for asset in set(re.findall(rb'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+)"', html)):
        body = fetch(asset.decode())
        total_raw += len(body)
        total_gz += gz(body)
    return total_raw, total_gz


def first_render(browser, path: str) -> float:
    context = browser.new_context(viewport={"width": 360, "height": 640})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW)
    page.goto(BASE + path, wait_until="load")
    fcp = page.evaluate(
        "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? performance.now()"
    )
    context.close()
    return fcp


def main():
    env = dict(
        os.environ, DAIBAN_DEBUG="1", DAIBAN_VAR_DIR=tempfile.mkdtemp(prefix="daiban-bench-")
    )
    python = sys.executable
    manage = [python, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    subprocess.run(
        [*manage, "load_demo", "--cases", "120"], env=env, check=True, stdout=subprocess.DEVNULL
    )
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{PORT}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                fetch("/guide/")
                break
            except OSError:
                time.sleep(0.2)
        code = (
            subprocess.run(
                [
                    *manage,
                    "shell",
                    "-c",
                    "from daiban.cases.models import Case; print(Case.objects.exclude(tracking_code=None).first().tracking_code)",
                ],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        pages = {
            "guide": "/guide/",
            "guide search": "/guide/?q=hk",
            "item": "/guide/NY-001/",
            "find my agent": "/agents/?township=459901101000",
            "village": "/village/459901101201/",
            "track": f"/track/?code={code}",
            "figures": "/figures/",
        }
        from playwright.sync_api import sync_playwright

        print(f"{'page':<15} {'bytes':>8} {'gzip':>8} {'first render, slow 3G':>22}")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            worst = 0
            for name, path in pages.items():
                raw, packed = weigh(path)
                worst = max(worst, packed)
                fcp = first_render(browser, path)
                flag = "" if packed <= LIMIT else "  OVER 40 KB"
                print(f"{name:<15} {raw:>8} {packed:>8} {fcp / 1000:>20.2f} s{flag}")
            browser.close()
        print(
            f"heaviest page: {worst} bytes gzip ({worst / 1024:.1f} KB) of {LIMIT // 1024} KB allowed"
        )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()

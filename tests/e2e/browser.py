"""Finds the Chromium the browser tests drive, or says what to install.

Looked for in this order:
1. `CHROME_PATH` (any Chromium or Chrome binary),
2. `/usr/bin/chromium` (Debian's package),
3. Playwright's own Chromium, after trying `python -m playwright install chromium` (quietly, with a
   time limit: it downloads from the internet, which not every machine can reach).

`python -m tests.e2e.browser` (run by `make browser`, and so by `make test`) prints what it found.
When nothing is found it prints what to install and exits 0, so the browser tests are skipped; with
CI set it exits 1, because in CI a missing browser must fail the run rather than skip tests.
"""

import os
import subprocess
import sys
from pathlib import Path

SYSTEM_CHROMIUM = "/usr/bin/chromium"

# How Chromium is started for every browser test: headless, and quiet on the network (no updates,
# sync or first-run pages) so that the only requests it makes are the ones the tests cause.
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

INSTALL_TIMEOUT_SECONDS = int(os.environ.get("PLAYWRIGHT_INSTALL_TIMEOUT", "300"))

NOT_FOUND = """\
No Chromium found for the browser tests. Install one of these and run again:
  - Debian/Ubuntu:  sudo apt-get install -y chromium
  - any system:     .venv/bin/python -m playwright install chromium
  - or point CHROME_PATH at a Chromium or Google Chrome binary, e.g. CHROME_PATH=/usr/bin/google-chrome"""


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _executable(path: str | os.PathLike | None) -> bool:
    return bool(path) and Path(path).is_file() and os.access(path, os.X_OK)


def playwright_chromium() -> str | None:
    """Where Playwright keeps its own Chromium, if it has been downloaded."""
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            path = playwright.chromium.executable_path
    except Exception:  # no driver, or it cannot start: there is no Playwright browser either
        return None
    return path if _executable(path) else None


def install_playwright_chromium(timeout: int = INSTALL_TIMEOUT_SECONDS) -> bool:
    """Try `python -m playwright install chromium`; True when it finished without error."""
    print("Trying `python -m playwright install chromium` ...", file=sys.stderr)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "playwright", "install", "chromium"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        print(f"  gave up after {timeout} seconds.", file=sys.stderr)
        return False
    if result.returncode != 0:
        last = (result.stderr or "").strip().splitlines()[:1]
        print(f"  it failed{': ' + last[0] if last else ''}", file=sys.stderr)
        return False
    return True


def find_browser(install: bool = False) -> str | None:
    """The path of a Chromium to launch, or None. With `install`, Playwright's own Chromium is
    downloaded when neither CHROME_PATH nor the system Chromium is there."""
    chrome_path = os.environ.get("CHROME_PATH", "").strip()
    if chrome_path:
        # A path someone set on purpose: use it, or say it is wrong, but do not quietly use another.
        return chrome_path if _executable(chrome_path) else None
    if _executable(SYSTEM_CHROMIUM):
        return SYSTEM_CHROMIUM
    path = playwright_chromium()
    if path is None and install and install_playwright_chromium():
        path = playwright_chromium()
    return path


def not_found_message() -> str:
    chrome_path = os.environ.get("CHROME_PATH", "").strip()
    if chrome_path:
        return f"CHROME_PATH is set to {chrome_path!r}, which is not an executable file.\n" + NOT_FOUND
    return NOT_FOUND


def main() -> int:
    path = find_browser(install=True)
    if path:
        print(f"Browser tests use {path}")
        return 0
    print(not_found_message(), file=sys.stderr)
    if in_ci():
        print("CI is set: a missing browser is an error.", file=sys.stderr)
        return 1
    print("The browser tests (marked e2e) will be skipped.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Lighthouse scores for the pages people use most: `make audit` (or `python -m tests.e2e.audit`).

Serves the app on a throwaway SQLite database loaded with the demo account (`flask seed`), signs in
as demo@example.com to get a session cookie, and runs Lighthouse (node_modules/.bin/lighthouse, in the
Chromium that the browser tests use) on the login page, the dashboard and the expense list, with the
desktop and the mobile presets. Prints a table of scores; exits 1 when accessibility or best practices
score below 100 or performance below 95 on any of them.

Each page is measured AUDIT_RUNS times (3 by default) and the median scores count, as Lighthouse's
documentation advises: the performance score of one run moves by several points with whatever else
the machine is doing (its CPU timings are scaled up 4x for the mobile preset).

The app is served gzip-compressed, as the reverse proxy in front of gunicorn serves it in production
(see the README); Flask's own server does not compress. AUDIT_COMPRESS=0 measures it uncompressed.
AUDIT_PRESETS=desktop runs one preset only; AUDIT_REPORTS=some/folder saves each JSON report there
(the Lighthouse viewer opens them).
"""

import gzip
import http.cookiejar
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

from flask_migrate import upgrade

from app import create_app
from app.extensions import db

from .browser import LAUNCH_ARGS, find_browser, not_found_message
from .server import LiveServer

ROOT = Path(__file__).resolve().parents[2]
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-password"  # noqa: S105 - the published demo account

# (name, path, signed in)
PAGES = [("login", "/login", False), ("dashboard", "/", True), ("expenses", "/expenses", True)]
CATEGORIES = {"performance": "Performance", "accessibility": "Accessibility", "best-practices": "Best practices"}
MINIMUM = {"performance": 95, "accessibility": 100, "best-practices": 100}
RUNS = int(os.environ.get("AUDIT_RUNS", "3"))
PRESETS = [preset for preset in os.environ.get("AUDIT_PRESETS", "desktop,mobile").split(",") if preset]
TIMEOUT_SECONDS = 180
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


class Gzip:
    """WSGI middleware that compresses text responses for clients that accept gzip: what nginx's or
    Caddy's `gzip`/`encode` does in front of the app in production."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if "gzip" not in environ.get("HTTP_ACCEPT_ENCODING", ""):
            return self.app(environ, start_response)
        captured = {}

        def capture(status, headers, exc_info=None):
            captured.update(status=status, headers=headers, exc_info=exc_info)
            return lambda data: None  # the app writes through the returned iterable only

        result = self.app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        headers = captured["headers"]
        content_type = next((value for name, value in headers if name.lower() == "content-type"), "")
        encoded = any(name.lower() == "content-encoding" for name, _ in headers)
        if content_type.startswith(COMPRESSED_TYPES) and not encoded and len(body) > 512:
            body = gzip.compress(body, compresslevel=6)
            headers = [(name, value) for name, value in headers if name.lower() != "content-length"]
            headers += [("Content-Encoding", "gzip"), ("Content-Length", str(len(body))), ("Vary", "Accept-Encoding")]
        start_response(captured["status"], headers, captured["exc_info"])
        return [body]


def session_cookie(base_url: str) -> str:
    """Signs in to the served app like a browser (CSRF token from the form) and returns a Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base_url}/login") as response:
        html = response.read().decode()
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', html).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "email": DEMO_EMAIL, "password": DEMO_PASSWORD}).encode()
    with opener.open(f"{base_url}/login", data=form) as response:
        if urllib.parse.urlparse(response.url).path != "/":
            raise RuntimeError(f"signing in as {DEMO_EMAIL} failed: ended on {response.url}")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def lighthouse(url: str, chromium: str, preset: str, cookie: str | None, save_to: Path | None) -> dict[str, int]:
    """Scores (0-100) by category for one page with one preset."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=" + " ".join(LAUNCH_ARGS),
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    for _attempt in range(2):
        result = subprocess.run(
            command,
            env={**os.environ, "CHROME_PATH": chromium},
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
        # Lighthouse sometimes fails to record the trace (NO_NAVSTART) and asks to be run again.
        if result.returncode == 0 or "Please run Lighthouse again" not in result.stderr:
            break
    if result.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url} ({preset}):\n{result.stderr.strip()[-2000:]}")
    report = json.loads(result.stdout)
    if report.get("runtimeError"):
        raise RuntimeError(f"lighthouse could not load {url}: {report['runtimeError'].get('message')}")
    if report["finalDisplayedUrl"].rstrip("/") != url.rstrip("/"):
        raise RuntimeError(f"{url} redirected to {report['finalDisplayedUrl']}: is the session cookie refused?")
    if save_to is not None:
        save_to.write_text(result.stdout, encoding="utf-8")
    scores = {key: round((report["categories"][key]["score"] or 0) * 100) for key in CATEGORIES}
    failing = [
        f"{audit['id']} ({audit['score']})"
        for audit in report["audits"].values()
        if audit.get("score") is not None and audit["score"] < 0.9 and audit.get("scoreDisplayMode") == "binary"
    ]
    if failing:
        print(f"  {url} ({preset}) failing audits: {', '.join(failing)}", file=sys.stderr)
    return scores


def print_table(rows: list[tuple[str, str, dict[str, int]]]) -> None:
    headings = ["Page", "Preset", *CATEGORIES.values()]
    lines = [[page, preset, *(str(scores[key]) for key in CATEGORIES)] for page, preset, scores in rows]
    widths = [max(len(cell) for cell in column) for column in zip(headings, *lines, strict=True)]
    for line in [headings, ["-" * width for width in widths], *lines]:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))


def main() -> int:
    chromium = find_browser()
    if chromium is None:
        print(not_found_message(), file=sys.stderr)
        return 1
    if not LIGHTHOUSE.exists():
        print(f"{LIGHTHOUSE} is missing: run `make assets` (npm ci) first.", file=sys.stderr)
        return 1
    report_dir = Path(os.environ["AUDIT_REPORTS"]) if os.environ.get("AUDIT_REPORTS") else None
    if report_dir is not None:
        report_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app("development", SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(tmp) / 'demo.sqlite'}")
        with app.app_context():
            upgrade()
        print(app.test_cli_runner().invoke(args=["seed"]).output.strip())
        served = Gzip(app) if os.environ.get("AUDIT_COMPRESS", "1") != "0" else app
        with LiveServer(served) as server:
            cookie = session_cookie(server.url)
            for preset in PRESETS:
                for name, path, signed_in in PAGES:
                    runs = [
                        lighthouse(
                            f"{server.url}{path}",
                            chromium,
                            preset,
                            cookie if signed_in else None,
                            report_dir / f"{name}-{preset}-{run}.json" if report_dir else None,
                        )
                        for run in range(1, RUNS + 1)
                    ]
                    scores = {key: statistics.median_low(run[key] for run in runs) for key in CATEGORIES}
                    print(f"{name} ({preset}): performance {', '.join(str(run['performance']) for run in runs)}")
                    rows.append((name, preset, scores))
        with app.app_context():
            for engine in db.engines.values():
                engine.dispose()
    print_table(rows)
    below = [
        f"{name} ({preset}): {CATEGORIES[key]} {scores[key]} < {MINIMUM[key]}"
        for name, preset, scores in rows
        for key in CATEGORIES
        if scores[key] < MINIMUM[key]
    ]
    if below:
        print("\nBelow the targets:\n  " + "\n  ".join(below), file=sys.stderr)
        return 1
    print("\nAll pages meet the targets.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Screenshots of the dashboard for the README: `make screenshots` (or `python -m tests.e2e.screenshots`).

Serves the app on a throwaway SQLite database loaded with the demo account (`flask seed`), signs
in as demo@example.com in Chromium and saves docs/dashboard.png (1280px wide) and
docs/dashboard-mobile.png (390px wide).
"""

import sys
import tempfile
from pathlib import Path

from flask_migrate import upgrade
from playwright.sync_api import sync_playwright

from app import create_app
from app.extensions import db

from .browser import LAUNCH_ARGS, find_browser, not_found_message
from .server import LiveServer

DOCS = Path(__file__).resolve().parents[2] / "docs"
SHOTS = {"dashboard.png": 1280, "dashboard-mobile.png": 390}


def main() -> int:
    chromium = find_browser()
    if chromium is None:
        print(not_found_message(), file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app("development", SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(tmp) / 'demo.sqlite'}")
        with app.app_context():
            upgrade()
        result = app.test_cli_runner().invoke(args=["seed"])
        print(result.output.strip())
        with LiveServer(app) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=LAUNCH_ARGS)
            for name, width in SHOTS.items():
                context = browser.new_context(
                    base_url=server.url, viewport={"width": width, "height": 900}, device_scale_factor=1
                )
                page = context.new_page()
                page.goto("/login")
                page.get_by_label("Email").fill("demo@example.com")
                page.get_by_label("Password", exact=True).fill("demo-password")
                page.get_by_role("button", name="Log in").click()
                page.wait_for_selector('#category-chart[data-rendered="true"]')
                # The whole page in one shot: a window as tall as the page (full_page=True would
                # resize it in the middle of the shot, which blanks the chart's canvas).
                height = page.evaluate("() => document.documentElement.scrollHeight")
                page.set_viewport_size({"width": width, "height": height})
                page.wait_for_timeout(1500)  # let the chart finish its opening animation
                DOCS.mkdir(exist_ok=True)
                page.screenshot(path=DOCS / name)
                print(f"Saved {DOCS / name}")
                context.close()
            browser.close()
        with app.app_context():
            for engine in db.engines.values():
                engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())

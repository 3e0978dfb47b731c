"""Screenshots of every page: `make screenshots` (or `python -m tests.e2e.screenshots`).

Serves the app on a throwaway SQLite database loaded with the demo account (`flask seed`) and, in
Chromium, renders every page a person can open (signed out: login and register; signed in: every
GET page in app.url_map, found there so that new pages are included, plus the quick add dialog and
an error page) at 390px and 1280px wide, in light and dark mode, into screenshots/ at the top of
the repository. It also saves the two pictures the README shows: docs/dashboard.png (light,
1280px, the whole page) and docs/dashboard-mobile.png (dark, the first screen of a 390x844 phone).

`python -m tests.e2e.screenshots login dashboard` renders only the pages whose endpoint contains one
of the words given (the quick add dialog comes with the dashboard).
"""

import random
import shutil
import sys
import tempfile
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import select

from app import create_app
from app.access import personal_ledger
from app.extensions import db
from app.models import READ, Category, Expense, ImportDraft, User
from app.receipts import storage
from app.receipts.files import prepare
from app.receipts.storage import Upload
from app.transactions import run_and_commit
from app.transfer.csv_import import create_draft
from tests.conftest import ledger_of
from tests.ledger_helpers import share_demo
from tests.receipt_images import draw, encode, make_receipt
from tests.test_receipts import RECEIPT

from .browser import LAUNCH_ARGS, find_browser, not_found_message
from .server import LiveServer

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "screenshots"
DOCS = ROOT / "docs"
SAMPLE_CSV = ROOT / "sample_data" / "bank-statement.csv"
DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-password"  # noqa: S105  (the public demo account of `flask seed`)
WIDTHS = (390, 1280)
THEMES = ("light", "dark")
WINDOW_HEIGHT = 900
PHONE_HEIGHT = 844
# The README's pictures: (endpoint, width, theme) -> (file in docs/, the whole page or the first screen).
README_SHOTS = {
    ("expenses.dashboard", 1280, "light"): ("dashboard.png", True),
    ("expenses.dashboard", 390, "dark"): ("dashboard-mobile.png", False),
}

SIGNED_OUT = ("auth.login", "auth.register")
# GET routes that are not pages: files, JSON and the health check.
NOT_PAGES = {
    "static",
    "health.healthz",
    "expenses.export_csv",
    "expenses.export_filtered_csv",
    "expenses.quick_add_options",
    "transfer.download_backup",
    "transfer.download_backup_zip",
    # A receipt's file and thumbnail (the expense page and the receipt form show them).
    "expenses.receipt_file",
    "expenses.receipt_thumbnail",
    # Shown only between the two steps of a login with two-factor sign-in.
    "auth.login_code",
}


def demo_ids(app: Flask) -> dict[str, int | str]:
    """An object of each kind in the demo account, by URL argument name (an import draft is made)."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == DEMO_EMAIL))
        draft = db.session.scalar(select(ImportDraft.id).where(ImportDraft.ledger_id == ledger_of(user.id)))
        if draft is None:
            draft = run_and_commit(create_draft, user, SAMPLE_CSV.name, SAMPLE_CSV.read_bytes()).id
        expense = db.session.scalar(
            select(Expense).where(Expense.ledger_id == ledger_of(user.id)).order_by(Expense.spent_on.desc()).limit(1)
        )
        return {
            "expense_id": expense.id,
            "attachment_id": demo_receipts(user, expense),
            "category_id": db.session.scalar(
                select(Category.id).where(Category.ledger_id == ledger_of(user.id)).order_by(Category.name_key).limit(1)
            ),
            "draft_id": draft,
            "token": share_demo(app, DEMO_EMAIL),
        }


def demo_receipts(user: User, expense: Expense) -> int:
    """Two drawn receipts kept with the expense (its page shows their thumbnails), and one read as
    "New expense from a receipt" would have (the form prefilled from it); returns that one's id."""
    ledger = personal_ledger(user)
    kept = [
        Upload(f"receipt-{n}.jpg", prepare(encode(draw(receipt), "JPEG"), 2400, 320))
        for n, receipt in enumerate(
            (make_receipt(random.Random(1), german=False), make_receipt(random.Random(2), german=True)), 1
        )
    ]
    run_and_commit(storage.keep, ledger, user, kept, expense)
    [waiting] = run_and_commit(
        storage.keep,
        ledger,
        user,
        [Upload("receipt.jpg", prepare(encode(draw(RECEIPT), "JPEG"), 2400, 320))],
        None,
        READ,
    )
    waiting.reading = {
        "total": str(RECEIPT.total),
        "spent_on": RECEIPT.spent_on.isoformat(),
        "merchant": RECEIPT.merchant,
    }
    db.session.commit()
    return waiting.id


def pages(app: Flask, ids: dict[str, int]) -> list[tuple[str, str]]:
    """(endpoint, path) of every page, signed-out ones first, then in the order of their paths."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
            continue
        found.append((rule.endpoint, rule.build({name: ids[name] for name in rule.arguments})[1]))
    found.sort(key=lambda page: page[0] not in SIGNED_OUT)
    return found


def log_in(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(DEMO_EMAIL)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


def settle(page: Page) -> None:
    """Wait for the page's charts to draw (without animation: app.js turns it off) and redraw."""
    charts = page.locator("canvas")
    if charts.count():
        page.wait_for_function(
            "() => [...document.querySelectorAll('canvas')].every((c) => c.dataset.rendered === 'true')"
        )
        page.wait_for_timeout(300)


def shoot_whole_page(page: Page, width: int, path: Path) -> None:
    # A window as tall as the page (full_page=True would resize it in the middle of the shot, which
    # blanks the charts' canvases); the charts redraw at the new size first.
    height = page.evaluate("() => document.documentElement.scrollHeight")
    if height > WINDOW_HEIGHT:
        page.set_viewport_size({"width": width, "height": height})
        settle(page)
    page.screenshot(path=path)
    page.set_viewport_size({"width": width, "height": WINDOW_HEIGHT})


def shoot(browser: Browser, base_url: str, width: int, theme: str, targets, only: list[str]) -> list[Path]:
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": width, "height": WINDOW_HEIGHT},
        device_scale_factor=1,
        color_scheme=theme,  # the theme follows the system setting (no `theme` cookie)
    )
    page = context.new_page()
    saved = []
    signed_in = False
    for number, (endpoint, path) in enumerate(targets, start=1):
        if only and not any(word in endpoint for word in only):
            continue
        if endpoint not in SIGNED_OUT and not signed_in:
            log_in(page)
            signed_in = True
        page.goto(path)
        settle(page)
        name = f"{number:02d}-{endpoint}-{width}-{theme}.png"
        shoot_whole_page(page, width, OUT / name)
        saved.append(OUT / name)
        docs_name, whole_page = README_SHOTS.get((endpoint, width, theme), (None, True))
        if docs_name and whole_page:
            shutil.copyfile(OUT / name, DOCS / docs_name)
            saved.append(DOCS / docs_name)
        elif docs_name:
            page.screenshot(path=DOCS / docs_name, clip={"x": 0, "y": 0, "width": width, "height": PHONE_HEIGHT})
            saved.append(DOCS / docs_name)
        if endpoint == "expenses.dashboard":
            # The quick add dialog, opened with its keyboard shortcut, as it first appears.
            page.keyboard.press("n")
            page.locator("#quick-add.show").wait_for()
            page.wait_for_timeout(400)
            page.screenshot(path=OUT / f"{number:02d}-quick-add-{width}-{theme}.png")
            saved.append(OUT / f"{number:02d}-quick-add-{width}-{theme}.png")
            page.keyboard.press("Escape")
            page.locator("#quick-add").wait_for(state="detached")
    if signed_in and not only:
        page.goto("/no-such-page")
        page.screenshot(path=OUT / f"99-error-page-{width}-{theme}.png")
        saved.append(OUT / f"99-error-page-{width}-{theme}.png")
    context.close()
    return saved


def main(only: list[str]) -> int:
    chromium = find_browser()
    if chromium is None:
        print(not_found_message(), file=sys.stderr)
        return 1
    OUT.mkdir(exist_ok=True)
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app("development", SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(tmp) / 'demo.sqlite'}")
        with app.app_context():
            upgrade()
        result = app.test_cli_runner().invoke(args=["seed"])
        print(result.output.strip())
        targets = pages(app, demo_ids(app))
        saved = []
        with LiveServer(app) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=LAUNCH_ARGS)
            for theme in THEMES:
                for width in WIDTHS:
                    saved += shoot(browser, server.url, width, theme, targets, only)
            browser.close()
        with app.app_context():
            for engine in db.engines.values():
                engine.dispose()
    for path in saved:
        if path.parent == DOCS:
            print(f"Saved {path}")
    print(f"Saved {sum(path.parent == OUT for path in saved)} screenshots in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

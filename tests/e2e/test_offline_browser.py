"""On a phone without signal: the service worker's offline page, quick add kept in IndexedDB and
sent once the connection is back, and what Chromium needs to offer to install the app."""

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Expense
from tests.e2e.browser import LAUNCH_ARGS
from tests.e2e.conftest import register

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
# What Chromium logs for each request made while the context is offline: expected here.
OFFLINE_ERROR = "net::ERR_INTERNET_DISCONNECTED"


@pytest.fixture
def viewport():
    return PHONE


def _rows(app):
    with app.app_context():
        return [
            (e.category.name, e.description, e.amount_cents)
            for e in db.session.scalars(db.select(Expense).order_by(Expense.id))
        ]


def _without_offline_errors(page_errors: list[str]) -> None:
    page_errors[:] = [error for error in page_errors if OFFLINE_ERROR not in error]


def _worker_in_control(page: Page) -> None:
    page.evaluate("navigator.serviceWorker.ready")
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()  # the first page was loaded before the worker existed
    expect(page.locator("html")).to_be_attached()
    assert page.evaluate("navigator.serviceWorker.controller !== null")


def _quick_add(page: Page, amount: str, description: str, category: str) -> None:
    page.locator("#quick-add-button").click()
    dialog = page.get_by_role("dialog", name="Add expense")
    expect(dialog.get_by_label("Amount")).to_be_focused()
    dialog.get_by_label("Amount").fill(amount)
    dialog.get_by_label("Description").fill(description)
    dialog.get_by_label("Category").select_option(label=category)
    dialog.get_by_role("button", name="Add expense").click()
    expect(dialog).to_have_count(0)


def test_two_expenses_added_offline_are_sent_once_each_when_the_connection_returns(page: Page, app, page_errors):
    register(page, "offline@example.com")
    page.goto("/expenses")
    # The dialog's categories are fetched once the page has loaded, for opening it offline later.
    page.wait_for_function("Object.keys(sessionStorage).some((key) => key.startsWith('quickAdd.options.'))")

    page.context.set_offline(True)
    _quick_add(page, "12.50", "Coffee on the train", "Food & groceries")
    expect(page.locator("#quick-add-toast")).to_have_text(
        "No connection: the expense is kept on this device, waiting to send."
    )
    _quick_add(page, "40", "Taxi home", "Transport")
    outbox = page.get_by_role("region", name="Added without a connection")
    items = outbox.get_by_role("listitem")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("Coffee on the train")
    expect(items.nth(0)).to_contain_text("INR 12.50 · Food & groceries · " + date.today().isoformat())
    expect(items.nth(1)).to_contain_text("Taxi home")
    expect(outbox.get_by_text("Waiting to send")).to_have_count(2)
    page.locator("#quick-add-toast").get_by_role("button", name="Close").click()
    expect(page.locator("#quick-add-toast")).to_be_hidden()
    page.screenshot(path=str(_screenshot_dir() / "quick-add-waiting-390.png"), full_page=True)
    assert _rows(app) == []

    page.context.set_offline(False)
    # Both are sent, the list reloads with them, and the outbox is empty.
    expect(page.locator("#quick-add-toast")).to_have_text(
        "Added ₹12.50 for Coffee on the train · Added ₹40.00 for Taxi home"
    )
    expect(page.get_by_role("region", name="Added without a connection")).to_have_count(0)
    rows = page.locator("#expense-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Coffee on the train")).to_have_count(1)
    expect(rows.filter(has_text="Taxi home")).to_have_count(1)
    assert sorted(_rows(app)) == [("Food & groceries", "Coffee on the train", 1250), ("Transport", "Taxi home", 4000)]
    _without_offline_errors(page_errors)


def test_a_page_asked_for_offline_shows_the_offline_page(page: Page, page_errors):
    register(page, "nosignal@example.com")
    _worker_in_control(page)
    page.context.set_offline(True)
    page.goto("/reports")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/reports$"))
    # Drawn with its own stylesheet, kept by the worker: Bootstrap's primary button is blue.
    expect(page.get_by_role("button", name="Try again")).to_have_css("background-color", "rgb(13, 110, 253)")
    # Nothing of the account's: the offline page is the same for everyone.
    expect(page.get_by_text("nosignal@example.com")).to_have_count(0)
    expect(page.get_by_role("link", name="Add expense")).to_have_count(0)
    page.screenshot(path=str(_screenshot_dir() / "offline-390.png"), full_page=True)

    # Back online, the page asked for loads by itself. (Playwright may bring the worker's network
    # back a moment after the page's: the first reload can land here again, and the page tries
    # again while the browser counts itself online.)
    page.context.set_offline(False)
    expect(page.get_by_role("heading", name="Reports")).to_be_visible(timeout=25_000)
    _without_offline_errors(page_errors)


def test_pages_with_data_are_never_kept_by_the_worker(page: Page):
    register(page, "kept@example.com")
    _worker_in_control(page)
    page.goto("/expenses")
    kept = page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) {
                    urls.push(new URL(request.url).pathname + new URL(request.url).search);
                }
            }
            return urls;
        }"""
    )
    pages = [url for url in kept if not url.startswith("/static/")]
    assert pages == ["/offline"]
    assert all(re.search(r"\?v=[0-9a-f]{12}$", url) for url in kept if url.startswith("/static/"))


def test_chromium_finds_nothing_that_stops_installing_the_app(browser, chromium_path, live_server, tmp_path):
    """What Lighthouse's installability audit asked Chromium (Lighthouse 12 dropped the audit). Not
    in Playwright's usual context: Chromium never offers to install from a private window."""
    context = browser.browser_type.launch_persistent_context(
        tmp_path / "profile",
        executable_path=chromium_path,
        headless=True,
        args=LAUNCH_ARGS,
        base_url=live_server.url,
        viewport=PHONE,
    )
    try:
        page = context.new_page()
        register(page, "install@example.com")
        _worker_in_control(page)
        session = context.new_cdp_session(page)
        manifest = session.send("Page.getAppManifest")
        assert manifest["errors"] == []
        assert manifest["url"] == live_server.url + "/manifest.webmanifest"
        assert session.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    finally:
        context.close()


def _screenshot_dir() -> Path:
    folder = Path(__file__).resolve().parents[2] / "screenshots"
    folder.mkdir(exist_ok=True)
    return folder

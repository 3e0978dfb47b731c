"""Fixtures for the browser tests: the app served over HTTP, Chromium driven by Playwright, and a
page that fails the test on any console error, uncaught exception or CSP violation.

The live server wraps the `app` fixture of tests/conftest.py, so each test gets the session's
database (SQLite, or PostgreSQL with TEST_DATABASE_URL) and leaves its tables empty.
"""

import re

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.conftest import PASSWORD

from .browser import LAUNCH_ARGS, find_browser, in_ci, not_found_message
from .server import LiveServer

DESKTOP = {"width": 1280, "height": 800}


def wait_until_open(page: Page, selector: str) -> None:
    """Wait for a Bootstrap collapse to finish opening. It counts as visible from the first frame of
    its animation, while what it holds is still clipped; clicking in it then can miss."""
    expect(page.locator(selector)).to_have_class(re.compile(r"^(?!.*\bcollapsing\b).*\bshow\b"))


@pytest.fixture(scope="session")
def chromium_path():
    path = find_browser()
    if path is None:
        if in_ci():
            pytest.fail(not_found_message(), pytrace=False)
        pytest.skip(not_found_message())
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def page_errors():
    """What the page logged as errors; checked after the test (see pytest_runtest_call)."""
    return []


@pytest.fixture
def viewport():
    return DESKTOP


@pytest.fixture
def context_options():
    """More options for the browser context (a module overrides this, say for a time zone)."""
    return {}


@pytest.fixture
def page(browser, live_server, page_errors, viewport, context_options):
    context = browser.new_context(base_url=live_server.url, viewport=viewport, accept_downloads=True, **context_options)
    context.set_default_timeout(10_000)
    page = context.new_page()

    def on_console(message):
        # Chromium reports CSP violations, failed requests (4xx/5xx) and console.error() here.
        if message.type == "error":
            source = message.location.get("url") or page.url
            page_errors.append(f"console error on {page.url} ({source}): {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page_errors.append(f"uncaught exception on {page.url}: {error}"))
    yield page
    context.close()


def _flush_events(item) -> None:
    """One round trip to the browser, so console events sent before it have been delivered."""
    page = item.funcargs.get("page")
    if page is not None and not page.is_closed():
        page.evaluate("0")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    if "page_errors" in getattr(item, "funcargs", {}):
        _flush_events(item)
        errors = item.funcargs["page_errors"]
        if errors:
            raise AssertionError("The page logged errors:\n" + "\n".join(errors))
    return result


def register(page: Page, email: str) -> None:
    """Create an account through the form; it ends signed in on the dashboard's welcome."""
    page.goto("/register")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("status")).to_contain_text("Your account is ready")

"""The account's time zone comes from the browser at registration, and the browser then shows the
account's today (the server's count), not its own clock's."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import User
from tests.e2e.conftest import register

pytestmark = pytest.mark.e2e

# 20:00 UTC on Nov 30 2026: 01:30 on Dec 1 in Kolkata, noon on Nov 30 in Los Angeles.
EVENING_UTC = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
# Chromium names India's zone by its older IANA name on some versions; both are the same zone.
KOLKATA_NAMES = {"Asia/Kolkata", "Asia/Calcutta"}


@pytest.fixture
def context_options(request):
    return {"timezone_id": getattr(request, "param", "Asia/Kolkata")}


@pytest.fixture
def frozen(monkeypatch):
    # The live server runs in this process: its clock is the one patched here.
    monkeypatch.setattr(clock, "utcnow", lambda: EVENING_UTC)


def _zone_of(app, email: str) -> str:
    with app.app_context():
        return db.session.scalar(select(User.time_zone).where(User.email == email))


# static/quick-add.js shows the key hint once its "n" listener is in place; a key pressed before is lost.
QUICK_ADD_READY = (
    "() => { const hint = document.querySelector('#quick-add-button .quick-add-kbd'); return hint && !hint.hidden; }"
)


def _quick_add_date(page: Page) -> str:
    page.wait_for_function(QUICK_ADD_READY)
    page.keyboard.press("n")
    dialog = page.locator("#quick-add")
    expect(dialog).to_be_visible()
    return dialog.get_by_label("Date").input_value()


def test_registering_in_kolkata_sets_the_accounts_zone_and_its_today(page: Page, app, frozen):
    register(page, "kolkata@example.com")
    zone = _zone_of(app, "kolkata@example.com")
    assert zone in KOLKATA_NAMES
    # Already December there: the dashboard, the full form and the quick add dialog agree.
    expect(page.locator("#period-label")).to_have_text("December 2026")
    assert _quick_add_date(page) == "2026-12-01"
    page.goto("/expenses/new")
    expect(page.get_by_label("Date")).to_have_value("2026-12-01")
    page.goto("/account/settings")
    expect(page.get_by_label("Time zone").locator("option:checked")).to_have_attribute("value", zone)


@pytest.mark.parametrize("context_options", ["America/Los_Angeles"], indirect=True)
def test_registering_in_los_angeles_keeps_november(page: Page, app, frozen):
    register(page, "la@example.com")
    assert _zone_of(app, "la@example.com") == "America/Los_Angeles"
    expect(page.locator("#period-label")).to_have_text("November 2026")
    assert _quick_add_date(page) == "2026-11-30"


def test_quick_add_follows_the_account_not_the_browser(page: Page, app, frozen):
    # The account moved to Los Angeles in Settings; this browser still says Kolkata.
    register(page, "moved@example.com")
    page.goto("/account/settings")
    page.get_by_label("Time zone").select_option("America/Los_Angeles")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_contain_text("Settings saved.")
    assert _zone_of(app, "moved@example.com") == "America/Los_Angeles"
    assert _quick_add_date(page) == "2026-11-30"

"""Issue 18's "done when", in a real browser: a monthly rule dated three months back makes exactly
three expenses, the next one is listed as still due, reloading and `flask recurring run` add
nothing more, and safe to spend per day equals the arithmetic the dashboard writes beside it."""

import re
from datetime import UTC, datetime
from decimal import ROUND_FLOOR, Decimal

import pytest
from playwright.sync_api import Page, expect

from app import clock

from .conftest import register

pytestmark = pytest.mark.e2e

# Sunday 6 December 2026, 10:00 UTC: the live server runs in this process, so it sees this clock.
NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(clock, "utcnow", lambda: NOW)


def _rupees(text: str) -> Decimal:
    return Decimal(text.replace("₹", "").replace(",", ""))


def test_a_rule_three_months_back_posts_three_and_lists_the_next(page: Page, app, frozen):
    register(page, "bills@example.com")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Recurring").click()
    page.get_by_role("link", name="New rule").click()
    page.get_by_label("Amount").fill("1150.00")
    page.get_by_label("Description").fill("Rent")
    page.get_by_label("Category").select_option(label="Housing")
    page.get_by_label("First date").fill("2026-09-07")
    page.get_by_label("Repeat every").fill("1")
    page.get_by_label("Unit").select_option(label="months")
    page.get_by_role("button", name="Save rule").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Saved the rule Rent; it added 3 expenses due since its first date."
    )
    expect(page.locator("#rule-list .rule")).to_have_count(1)
    expect(page.locator("#rule-list .rule-next")).to_have_text("next on Dec 7, 2026")
    expect(page.locator("#rule-list .rule-made")).to_have_text("3 expenses made")

    for _ in range(2):
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
        expect(page.locator("#upcoming li")).to_have_count(1)
        expect(page.locator("#upcoming")).to_contain_text("Rent · Dec 7, 2026")
        expect(page.locator("#upcoming")).to_contain_text("₹1,150.00")
        page.reload()
    assert app.test_cli_runner().invoke(args=["recurring", "run"]).output == (
        "Added 0 recurring expense(s) in 0 ledger(s).\n"
    )

    page.goto("/expenses?from=2026-01-01&to=2026-12-31")
    expect(page.locator("#expense-table tbody tr")).to_have_count(3)
    expect(page.locator("#expense-table tbody")).to_contain_text("Nov 7, 2026")
    expect(page.locator("#expense-table tbody")).to_contain_text("Sep 7, 2026")

    page.goto("/")
    arithmetic = page.locator("#safe-arithmetic").inner_text()
    match = re.fullmatch(
        r"\((₹[\d,.]+) budget − (₹[\d,.]+) spent − (₹[\d,.]+) still due\) ÷ (\d+) days left", arithmetic
    )
    assert match, arithmetic
    budget, spent, due = (_rupees(match.group(n)) for n in (1, 2, 3))
    days = int(match.group(4))
    assert (budget, spent, due, days) == (Decimal("80000.00"), Decimal("0.00"), Decimal("1150.00"), 26)
    per_day = ((budget - spent - due) / days).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)
    assert _rupees(page.locator("#safe-per-day").inner_text()) == per_day == Decimal("3032.69")
    assert page.locator("#projected").inner_text() == "₹1,150.00"

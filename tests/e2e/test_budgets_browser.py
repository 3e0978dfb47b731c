"""A category limit in a real browser: the bar turns amber past 80% and red past 100%."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def _add(page: Page, amount: str, description: str) -> None:
    page.goto("/expenses/new")
    page.get_by_label("Amount").fill(amount)
    page.get_by_label("Description").fill(description)
    page.get_by_label("Category").select_option(label="Transport")
    page.get_by_role("button", name="Add expense", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"Added {description}")


def _transport(page: Page):
    page.goto("/budgets")
    return page.locator("#budget-status li").filter(has_text="Transport")


def test_category_limit_bar_changes_state(page: Page):
    page.goto("/register")
    page.get_by_label("Email").fill("budget@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Budgets").click()
    page.get_by_label("Transport", exact=True).fill("100")
    page.get_by_role("button", name="Save budgets").click()
    expect(page.get_by_role("status")).to_contain_text("Budgets saved (1 changed).")

    _add(page, "79.99", "Bus pass")
    row = _transport(page)
    expect(row.locator(".budget-state")).to_have_attribute("data-state", "ok")
    expect(row.locator(".progress-bar")).to_have_class(re.compile(r"\bbg-success\b"))
    expect(row).to_contain_text("On track")

    _add(page, "0.01", "One paisa more")
    row = _transport(page)
    expect(row.locator(".budget-state")).to_have_attribute("data-state", "warning")
    expect(row.locator(".progress-bar")).to_have_class(re.compile(r"\bbg-warning\b"))
    expect(row).to_contain_text("Nearly at the limit · 80.0% used · ₹20.00 left")
    # The width is set by app.js from data-percent (no inline styles under the CSP).
    assert row.locator(".progress-bar").evaluate("bar => bar.style.width") == "80%"

    _add(page, "20.01", "Taxi")
    row = _transport(page)
    expect(row.locator(".budget-state")).to_have_attribute("data-state", "over")
    expect(row.locator(".progress-bar")).to_have_class(re.compile(r"\bbg-danger\b"))
    expect(row).to_contain_text("Over budget by ₹0.01 · 100.1% used")  # 100.01%: rounded up, never "100.0%"
    assert row.locator(".progress-bar").evaluate("bar => bar.style.width") == "100%"

    # The dashboard shows the same state.
    page.goto("/")
    expect(page.locator("#dashboard-budgets .budget-state")).to_have_attribute("data-state", "over")

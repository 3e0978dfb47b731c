"""Issue 22's "done when", in a real browser: a dinner in Tokyo paid in yen in a euro ledger shows
both amounts in the list, counts in euros in the dashboard's total and budget bars, and brings its
original amount, currency and rate to the CSV export. The form's script works out the rate from the
amount charged, and the amount from a rate, before saving."""

from datetime import UTC, datetime

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


def test_a_dinner_in_tokyo_in_a_euro_ledger(page: Page, frozen):
    register(page, "tokyo@example.com")
    page.goto("/ledger/settings")
    page.get_by_label("Currency").select_option("EUR")
    page.get_by_label("Budget per period").fill("1000.00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Ledger settings saved.")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Budgets").click()
    page.get_by_label("Food & groceries", exact=True).fill("100")
    page.get_by_role("button", name="Save budgets").click()
    expect(page.get_by_role("status")).to_contain_text("Budgets saved (1 changed).")

    page.goto("/expenses/new")
    foreign = page.locator("#foreign-fields")
    expect(foreign).to_be_hidden()
    page.get_by_label("Currency").select_option("JPY")
    expect(foreign).to_be_visible()
    expect(page.locator("#amount-code")).to_have_text("JPY")
    page.get_by_label("Amount", exact=True).fill("4500")
    page.get_by_label("Charged in EUR").fill("27.63")
    # The rate it implies, and the conversion, before saving.
    expect(page.get_by_label("Rate (EUR per unit)")).to_have_value("0.00614")
    expect(page.locator("#conversion-preview")).to_have_text("¥4,500 → €27.63 at 0.00614")
    # A rate typed instead gives the amount: 4500 × 0.00615 = 27.675, half to even 27.68.
    page.get_by_label("Rate (EUR per unit)").fill("0.00615")
    expect(page.get_by_label("Charged in EUR")).to_have_value("27.68")
    expect(page.locator("#conversion-preview")).to_have_text("¥4,500 → €27.68 at 0.00615")
    page.get_by_label("Charged in EUR").fill("27.63")
    expect(page.locator("#conversion-preview")).to_have_text("¥4,500 → €27.63 at 0.00614")
    page.get_by_label("Description").fill("Dinner in Tokyo")
    page.get_by_label("Category").select_option(label="Food & groceries")
    page.get_by_label("Date").fill("2026-12-04")
    page.get_by_role("button", name="Add expense", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Added Dinner in Tokyo (¥4,500 → €27.63 at 0.00614).")

    # The list: both amounts, and the rate.
    row = page.locator("#expense-table tbody tr").filter(has_text="Dinner in Tokyo")
    expect(row.locator("td").nth(3)).to_have_text("€27.63 ¥4,500 → €27.63 at 0.00614", use_inner_text=True)
    expect(page.locator("#list-total")).to_have_text("€27.63")

    # The dashboard: the euro amount in the total and in the budget bars.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.locator("#card-total")).to_contain_text("€27.63")
    expect(page.locator(".conversion")).to_have_text("¥4,500 → €27.63 at 0.00614")
    food = page.locator("#dashboard-budgets > div").filter(has_text="Food & groceries")
    expect(food).to_contain_text("€27.63 of €100.00")
    expect(food.locator(".budget-state")).to_contain_text("27.6% used · €72.37 left")

    # The export: the ledger's amount first, then the original amount, currency and rate.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").first.click()
    with open(download_info.value.path(), "rb") as file:
        content = file.read()
    assert (
        content
        == (
            "\ufeffdate,description,category,amount,currency,original_amount,original_currency,rate\r\n"
            "2026-12-04,Dinner in Tokyo,Food & groceries,27.63,EUR,4500,JPY,0.00614\r\n"
        ).encode()
    )

    # Editing shows the amounts as saved, with the conversion.
    page.goto("/expenses")
    page.get_by_role("link", name="Edit Dinner in Tokyo").click()
    expect(page.get_by_label("Currency")).to_have_value("JPY")
    expect(page.get_by_label("Amount", exact=True)).to_have_value("4500")
    expect(page.locator("#conversion-preview")).to_have_text("¥4,500 → €27.63 at 0.00614")

"""Quick add in a real browser: the `n` key and the navbar button, with and without JavaScript."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Expense
from tests.e2e.conftest import DESKTOP, register

pytestmark = pytest.mark.e2e


def _rows(app):
    """Every expense as (category name, date, description, amount_cents)."""
    with app.app_context():
        return [
            (e.category.name, e.spent_on, e.description, e.amount_cents)
            for e in db.session.scalars(db.select(Expense).order_by(Expense.id))
        ]


def _dialog(page: Page):
    return page.get_by_role("dialog", name="Add expense")


def _listed(page: Page) -> list[tuple[str, ...]]:
    """Description, category and amount of each row of the expense table (1280px wide)."""
    rows = page.locator("#expense-table tbody tr")
    return [
        tuple(cell.strip() for cell in rows.nth(i).locator("td").all_inner_texts()[1:4]) for i in range(rows.count())
    ]


def test_n_opens_quick_add_saves_and_remembers_the_category(page: Page, app):
    register(page, "quick@example.com")
    today = date.today()
    page.goto("/expenses")
    page.keyboard.press("n")
    dialog = _dialog(page)
    expect(dialog).to_be_visible()
    # Amount first and focused; the first category chosen; today's date.
    expect(dialog.get_by_label("Amount")).to_be_focused()
    expect(dialog.get_by_label("Category").locator("option:checked")).to_have_text("Entertainment")
    expect(dialog.get_by_label("Date")).to_have_value(today.isoformat())

    page.keyboard.type("12.50")
    dialog.get_by_label("Description").fill("Coffee")
    dialog.get_by_label("Category").select_option(label="Food & groceries")
    dialog.get_by_role("button", name="Add expense").click()

    # The list shows figures that changed: it reloads with the new row, then says what was added.
    expect(page.locator("#quick-add-toast")).to_have_text("Added ₹12.50 for Coffee")
    expect(page.locator("#quick-add-toast")).to_have_attribute("role", "status")
    expect(dialog).to_have_count(0)
    assert _listed(page) == [("Coffee", "Food & groceries", "₹12.50")]
    assert _rows(app) == [("Food & groceries", today, "Coffee", 1250)]

    # Next time, the category used last time is chosen already; Esc closes and focus goes back.
    page.keyboard.press("n")
    expect(dialog.get_by_label("Category").locator("option:checked")).to_have_text("Food & groceries")
    expect(dialog.get_by_label("Amount")).to_have_value("")
    expect(dialog.get_by_label("Amount")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(page.locator("#quick-add-button")).to_be_focused()
    assert len(_rows(app)) == 1


def test_errors_are_shown_by_their_fields_and_nothing_is_saved(page: Page, app, page_errors):
    register(page, "quick@example.com")
    page.goto("/account/settings")
    page.locator("#quick-add-button").click()
    dialog = _dialog(page)
    amount = dialog.get_by_label("Amount")
    expect(amount).to_be_focused()
    amount.fill("12.505")
    dialog.get_by_role("button", name="Add expense").click()

    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(amount).to_be_focused()
    expect(amount).to_have_accessible_description("Use at most 2 decimal places.")
    description = dialog.get_by_label("Description")
    expect(description).to_have_accessible_description("Describe the expense, for example “Groceries”.")
    expect(description).to_have_attribute("aria-invalid", "true")
    expect(dialog.get_by_label("Category")).not_to_have_attribute("aria-invalid", "true")
    assert _rows(app) == []
    # Chromium logs every 4xx answer to a fetch; this 422 is the refusal the test asked for.
    refused = [e for e in page_errors if "/expenses/quick-add" in e and "status of 422" in e]
    assert len(refused) == 1
    page_errors.remove(refused[0])

    # Corrected: saved; this page shows no expense figures, so it stays as it is.
    amount.fill("7")
    description.fill("Bus")
    dialog.get_by_role("button", name="Add expense").click()
    expect(dialog).to_have_count(0)
    expect(page.locator("#quick-add-toast")).to_have_text("Added ₹7.00 for Bus")
    expect(page).to_have_url(re.compile(r"/account/settings$"))
    expect(page.locator("#quick-add-button")).to_be_focused()
    assert _rows(app) == [("Entertainment", date.today(), "Bus", 700)]


def test_n_is_ignored_while_typing_and_with_modifier_keys(page: Page):
    register(page, "quick@example.com")
    page.goto("/expenses/new")
    expect(page.locator("#amount")).to_be_focused()
    page.keyboard.type("n")
    expect(page.locator("#amount")).to_have_value("n")
    page.locator("h1").click()
    page.keyboard.press("Alt+n")
    page.keyboard.press("Shift+N")
    page.wait_for_timeout(300)
    expect(page.locator("#quick-add")).to_have_count(0)
    page.keyboard.press("n")
    expect(_dialog(page)).to_be_visible()


def test_the_button_advertises_its_shortcut(page: Page):
    register(page, "quick@example.com")
    button = page.locator("#quick-add-button")
    expect(button).to_have_accessible_name("Add expense")
    expect(button).to_have_attribute("aria-keyshortcuts", "n")
    expect(button.locator("kbd")).to_have_text("N")
    expect(button.locator("kbd")).to_be_visible()


def test_without_javascript_the_button_opens_the_full_form(browser, live_server, app):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    register(page, "nojs@example.com")
    page.locator("#quick-add-button").click()
    expect(page).to_have_url(re.compile(r"/expenses/new$"))
    expect(page.locator("#quick-add")).to_have_count(0)
    page.get_by_label("Amount").fill("12.50")
    page.get_by_label("Description").fill("Tea without scripts")
    page.get_by_label("Category").select_option(label="Food & groceries")
    page.get_by_role("button", name="Add expense", exact=True).click()
    expect(page).to_have_url(re.compile(r"/expenses$"))
    expect(page.locator("#expense-table tbody tr")).to_have_count(1)
    expect(page.locator("#expense-table tbody tr td").nth(3)).to_have_text("₹12.50")
    assert _rows(app) == [("Food & groceries", date.today(), "Tea without scripts", 1250)]
    context.close()

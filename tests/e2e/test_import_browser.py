"""The import wizard in a real browser, with the sample bank statement from sample_data/: upload,
columns, formats, preview with a category choice, import, the same file again (recognised and all
duplicates), a backup download, undo, and the backup restored. Every page must also fit a phone.
"""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, AuthActions
from tests.e2e.conftest import wait_until_open

pytestmark = pytest.mark.e2e

EMAIL = "importer@example.com"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "bank-statement.csv"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def alice(app, live_server):
    assert AuthActions(app.test_client()).register(email=EMAIL).status_code == 302


def sign_in(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/$"))


def upload_sample(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Import / export").click()
    expect(page.get_by_role("heading", name="Import expenses from a CSV file")).to_be_visible()
    page.get_by_label("CSV file").set_input_files(SAMPLE)
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.get_by_role("heading", name="Which column is which in bank-statement.csv?")).to_be_visible()


def fits(page: Page) -> None:
    scroll_width, client_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width, f"{page.url} is {scroll_width}px wide on a {client_width}px screen"


def counts(page: Page) -> dict[str, str]:
    return {
        status: page.locator(f"#count-{status}").inner_text() for status in ("new", "duplicate", "income", "invalid")
    }


def test_import_the_sample_statement_undo_it_and_restore_a_backup(page: Page, alice):
    sign_in(page)
    upload_sample(page)

    # Step 2: the columns were guessed from the header names.
    expect(page.locator("#file-sample tbody tr")).to_have_count(5)
    expect(page.get_by_label("Date", exact=True)).to_have_value("0")
    expect(page.get_by_label("Description", exact=True)).to_have_value("1")
    expect(page.get_by_label("Category", exact=True)).to_have_value("3")
    expect(page.get_by_label("Amount", exact=True)).to_have_value("4")
    expect(page.get_by_label("Debit (money out)")).to_have_value("")
    page.get_by_role("button", name="Continue", exact=True).click()

    # Step 3: formats read from the data.
    expect(page.get_by_role("heading", name="How are dates and amounts written?")).to_be_visible()
    expect(page.get_by_label(re.compile(r"^DD\.MM\.YYYY: “01\.11\.2026” is November 1, 2026"))).to_be_checked()
    expect(page.get_by_label("A comma: 1.234,56")).to_be_checked()
    expect(page.get_by_label(re.compile(r"^Negative amounts .* are spending"))).to_be_checked()
    page.get_by_role("button", name="Continue to preview").click()

    # Step 4: the preview counts every row, lists the ones left out, and asks about new categories.
    expect(page.get_by_role("heading", name="Preview of bank-statement.csv")).to_be_visible()
    assert counts(page) == {"new": "11", "duplicate": "0", "income": "2", "invalid": "2"}
    invalid = page.locator("#invalid-rows tbody tr")
    expect(invalid).to_have_count(2)
    expect(invalid.nth(0)).to_contain_text("18")
    expect(invalid.nth(0)).to_contain_text("the date “31.11.2026” does not exist")
    expect(invalid.nth(1)).to_contain_text("looks like a total row, not an expense")
    page.get_by_text("Income rows (2): skipped").click()
    expect(page.locator("#income-rows")).to_contain_text("Salary November")
    expect(page.locator("#import-summary")).to_contain_text("Creates 2 categories: Fitness, Hobbies.")

    page.get_by_label("Hobbies").select_option(label="Put in Entertainment")
    page.get_by_role("button", name="Update preview").click()
    expect(page.locator("#import-summary")).to_contain_text("Creates 1 category: Fitness.")
    expect(page.get_by_label("Hobbies")).to_have_value("category:Entertainment")
    page.get_by_role("button", name="Import 11 expenses (₹1,511.33)").click()

    # The Imports page lists the batch.
    expect(page.get_by_role("status")).to_contain_text("Imported 11 expenses from bank-statement.csv; skipped 4 rows.")
    row = page.locator("#import-batches tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("bank-statement.csv")
    expect(row).to_contain_text("₹1,511.33")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Expenses").click()
    expect(page.locator("#list-count")).to_have_text("11 expenses")
    expect(page.locator("#list-total")).to_have_text("₹1,511.33")

    # The same file again: its layout is recognised, and every row is now a duplicate.
    upload_sample(page)
    expect(page.locator("#saved-mapping")).to_be_visible()
    page.get_by_role("button", name="Continue", exact=True).click()
    page.get_by_role("button", name="Continue to preview").click()
    assert counts(page) == {"new": "0", "duplicate": "11", "income": "2", "invalid": "2"}
    expect(page.locator("#import-button")).to_have_count(0)
    page.get_by_role("button", name="Cancel this import").click()
    expect(page.get_by_role("status")).to_contain_text("Cancelled the import of bank-statement.csv.")

    # A backup with the eleven expenses in it.
    page.get_by_role("navigation", name="Import and export").get_by_role("link", name="Backup & restore").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Only the figures, as JSON").click()
    backup_path = download_info.value.path()
    with open(backup_path, encoding="utf-8") as file:
        backup = json.load(file)
    assert len(backup["expenses"]) == 11 and backup["import_batches"][0]["file_name"] == "bank-statement.csv"

    # Undo in one click.
    page.get_by_role("navigation", name="Import and export").get_by_role("link", name="Imports").click()
    page.get_by_role("button", name="Undo the import of bank-statement.csv").click()
    expect(page.get_by_role("status")).to_contain_text("Undid the import of bank-statement.csv: deleted 11 expenses.")
    expect(page.get_by_text("No imports yet.")).to_be_visible()

    # Restore: the account has categories of its own now (Fitness), but no expenses, budgets or imports.
    page.get_by_role("navigation", name="Import and export").get_by_role("link", name="Backup & restore").click()
    page.get_by_label("Backup file").set_input_files(backup_path)
    page.get_by_role("button", name="Restore backup").click()
    expect(page.get_by_role("status")).to_contain_text("Restored the backup: 11 expenses in 9 categories.")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Expenses").click()
    expect(page.locator("#list-total")).to_have_text("₹1,511.33")


@pytest.mark.parametrize("viewport", [PHONE], ids=["390px"])
def test_every_wizard_step_fits_a_phone(page: Page, alice, viewport):
    sign_in(page)
    page.goto("/import")
    fits(page)
    page.get_by_role("button", name="Show menu").click()
    wait_until_open(page, "#nav-main")
    upload_sample(page)
    fits(page)
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page.get_by_role("heading", name="How are dates and amounts written?")).to_be_visible()
    fits(page)
    page.get_by_role("button", name="Continue to preview").click()
    expect(page.locator("#count-new")).to_have_text("11")
    fits(page)
    page.get_by_role("button", name=re.compile(r"^Import 11 expenses")).click()
    expect(page.locator("#import-batches")).to_be_visible()
    fits(page)
    page.goto("/backup")
    fits(page)

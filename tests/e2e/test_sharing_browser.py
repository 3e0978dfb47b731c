"""Two people keep one set of books, each in their own browser (issue 17): the owner creates a
shared ledger and invites, the flatmate accepts, both add expenses (one paid by the other), the
viewer role shows no buttons and a forged POST is refused, each one's personal ledger stays
invisible to the other, and once removed the flatmate's next page load is refused."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import register

pytestmark = pytest.mark.e2e

OWNER, MATE = "owner@example.com", "mate@example.com"


@pytest.fixture
def mate_page(browser, live_server, page_errors):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("pageerror", lambda error: page_errors.append(f"uncaught exception on {page.url}: {error}"))
    yield page
    context.close()


def _add_expense(page: Page, amount: str, description: str, category: str, paid_by: str | None = None) -> None:
    page.goto("/expenses/new")
    page.get_by_label("Amount").fill(amount)
    page.get_by_label("Description").fill(description)
    page.get_by_label("Category").select_option(label=category)
    if paid_by is not None:
        page.get_by_label("Paid by").select_option(label=paid_by)
    page.get_by_role("button", name="Add expense", exact=True).click()
    expect(page.get_by_role("status").or_(page.get_by_role("alert")).first).to_contain_text(f"Added {description}")


def _switch_to(page: Page, name: str) -> None:
    page.locator("#ledger-switcher").click()
    page.locator(".ledger-switcher .dropdown-item", has_text=name).first.click()
    expect(page.locator(".ledger-switcher-name")).to_have_text(name)


def test_two_accounts_share_a_ledger_from_invitation_to_removal(page: Page, mate_page: Page):
    mate = mate_page
    register(page, OWNER)
    register(mate, MATE)
    # The flatmate's own books first: nobody else may ever see them.
    _add_expense(mate, "45.00", "Birthday present for Sam", "Other")

    page.goto("/ledgers/new")
    page.get_by_label("Name").fill("Flat 3B")
    page.get_by_label("Currency").select_option("EUR")
    page.get_by_label("Budget per period").fill("1500")
    page.get_by_role("button", name="Create ledger").click()
    expect(page.locator(".ledger-switcher-name")).to_have_text("Flat 3B")
    page.goto("/categories")
    page.get_by_label("Name").fill("Groceries")
    page.get_by_role("button", name="Create category").click()
    page.goto("/ledger/invitations")
    page.get_by_label("They join as").select_option("editor")
    page.get_by_role("button", name="Create invitation link").click()
    link = page.locator("#invitation-link").input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/invite/[\w-]+", link), link

    mate.goto(link)
    expect(mate.get_by_text("You are invited to join Flat 3B as editor.")).to_be_visible()
    mate.get_by_role("button", name="Accept and join").click()
    expect(mate.locator(".ledger-switcher-name")).to_have_text("Flat 3B")
    _add_expense(mate, "12.50", "Bread and milk", "Groceries")
    _add_expense(page, "80.00", "Weekly shop", "Groceries", paid_by=MATE)

    page.goto("/expenses")
    expect(page.locator("#list-count")).to_have_text("2 expenses")
    expect(page.locator("#list-total")).to_have_text("€92.50")
    expect(page.locator("#expense-table")).not_to_contain_text("Birthday present")
    expect(page.locator("#expense-table tbody tr", has_text="Weekly shop")).to_contain_text(f"Paid by {MATE}")
    page.goto("/")
    expect(page.locator("#spent-per-member")).to_have_text(re.compile(rf"{MATE}\s+2 expenses\s+€92\.50"))
    # The owner's menu offers only the owner's ledgers; the flatmate's personal one is not there.
    expect(page.locator(".ledger-switcher .dropdown-item", has_text="Personal")).to_have_count(1)

    # Made a viewer: the buttons go, and a POST made by hand is refused.
    page.goto("/ledger/members")
    page.get_by_label(f"Role of {MATE}").select_option("viewer")
    page.locator(f'[data-member="{MATE}"]').get_by_role("button", name="Change role").click()
    expect(page.locator(f'[data-member="{MATE}"]')).to_contain_text("Viewer")
    mate.goto("/expenses")
    expect(mate.locator("#expense-table tbody tr")).to_have_count(2)
    expect(mate.get_by_role("link", name="Add expense")).to_have_count(0)
    expect(mate.locator("#expense-table").get_by_role("link", name=re.compile("^Edit"))).to_have_count(0)
    token = mate.locator('input[name="csrf_token"]').first.input_value()
    forged = mate.request.post(
        "/expenses/new",
        form={
            "csrf_token": token,
            "amount": "1.00",
            "description": "Sneaky",
            "category_id": "1",
            "spent_on": "2026-01-01",
        },
    )
    assert forged.status == 403

    # Removed: the flatmate's very next page of the flat is refused; their own books remain.
    page.goto("/ledger/members")
    page.locator(f'[data-member="{MATE}"]').get_by_role("button", name=re.compile("^Remove")).click()
    expect(page.locator("#member-list")).not_to_contain_text(MATE)
    response = mate.goto("/expenses")
    assert response is not None and response.status == 404
    _switch_to(mate, "Personal")
    mate.goto("/expenses")
    expect(mate.locator("#expense-table")).to_contain_text("Birthday present for Sam")
    expect(mate.locator("#expense-table")).not_to_contain_text("Weekly shop")

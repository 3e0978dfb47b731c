"""What a new user does in a real browser, checked down to the exact figures and CSV bytes.

Any console error, uncaught exception or CSP violation on any page fails these tests (conftest.py).
"""

import re
from datetime import date

import pytest
from flask import url_for
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Category, User
from tests.conftest import add_expense, ledger_of
from tests.e2e.conftest import register, wait_until_open

pytestmark = pytest.mark.e2e

EMAIL = "journey@example.com"


def add_expense_in_form(page: Page, amount: str, description: str, category: str) -> None:
    # The full form (the navbar's button opens the quick add dialog: tests/e2e/test_quick_add_browser.py).
    page.goto("/expenses/new")
    expect(page.get_by_role("heading", name="Add expense")).to_be_visible()
    page.get_by_label("Amount").fill(amount)
    page.get_by_label("Description").fill(description)
    page.get_by_label("Category").select_option(label=category)
    page.get_by_role("button", name="Add expense", exact=True).click()
    expect(page).to_have_url(re.compile(r"/expenses$"))
    expect(page.get_by_role("status")).to_contain_text(f"Added {description}")


def expense_row(page: Page, description: str):
    return page.locator("#expense-table tbody tr").filter(has_text=description)


def test_register_budget_expenses_dashboard_and_csv(page: Page):
    today = date.today().isoformat()
    register(page, EMAIL)
    # A new account: INR, the default budget, nothing spent.
    expect(page.locator("#card-total")).to_have_text("₹0.00")
    expect(page.locator("#card-left")).to_have_text("₹80,000.00")
    expect(page.locator("#card-count")).to_have_text("0")

    # A category of one's own.
    page.get_by_role("link", name="Categories", exact=True).click()
    page.get_by_label("Name").fill("Books")
    page.get_by_label("Colour", exact=True).fill("#ff8800")
    page.get_by_role("button", name="Create category").click()
    expect(page.get_by_role("status")).to_contain_text("Created category Books")
    expect(page.locator("#category-list tbody tr").filter(has_text="Books")).to_have_count(1)

    # Three expenses; one description starts with "@", which a spreadsheet would take as a formula.
    add_expense_in_form(page, "12.50", "@office lunch", "Food & groceries")
    add_expense_in_form(page, "7.25", "Bus ticket", "Transport")
    add_expense_in_form(page, "100.00", "Paperback novel, used", "Books")
    expect(page.locator("#list-count")).to_have_text("3 expenses")
    expect(expense_row(page, "@office lunch").locator("td").nth(3)).to_have_text("₹12.50")
    expect(expense_row(page, "Bus ticket").locator("td").nth(3)).to_have_text("₹7.25")
    expect(expense_row(page, "Paperback novel, used").locator("td").nth(3)).to_have_text("₹100.00")

    # Edit one: the form shows the stored amount exactly; the new one is saved exactly.
    expense_row(page, "@office lunch").get_by_role("link", name=re.compile("^Edit")).click()
    expect(page.get_by_role("heading", name="Edit expense")).to_be_visible()
    expect(page.get_by_label("Amount")).to_have_value("12.50")
    page.get_by_label("Amount").fill("1,045.10")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text("Saved @office lunch")
    expect(expense_row(page, "@office lunch").locator("td").nth(3)).to_have_text("₹1,045.10")

    # Delete one, through its confirmation page.
    expense_row(page, "Bus ticket").get_by_role("link", name=re.compile("^Delete")).click()
    expect(page.get_by_role("heading", name="Delete this expense?")).to_be_visible()
    expect(page.locator("dl")).to_contain_text("₹7.25")
    page.get_by_role("button", name="Delete expense").click()
    expect(page.get_by_role("status")).to_contain_text("Deleted Bus ticket")
    expect(expense_row(page, "Bus ticket")).to_have_count(0)
    expect(page.locator("#list-count")).to_have_text("2 expenses")

    # The dashboard: 1,045.10 + 100.00 spent of 80,000.00.
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.locator("#card-total")).to_have_text("₹1,145.10")
    expect(page.locator("#card-left")).to_have_text("₹78,854.90")
    expect(page.locator("#card-count")).to_have_text("2")
    expect(page.locator("#card-top")).to_have_text("Food & groceries")
    expect(page.locator("#category-chart")).to_have_attribute("data-rendered", "true")
    chart = page.evaluate(
        """() => {
            const chart = window.expenseCharts && window.expenseCharts.category;
            return chart ? {labels: chart.data.labels, data: chart.data.datasets[0].data,
                             width: chart.width, height: chart.height} : null;
        }"""
    )
    assert chart is not None, "window.expenseCharts.category was not created"
    assert chart["labels"] == ["Food & groceries", "Books"]
    assert chart["data"] == [1045.1, 100]
    assert chart["width"] > 0 and chart["height"] > 0

    # The CSV export: oldest first, amounts as plain decimals, the "@" cell neutralised.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"expenses-{today}.csv"
    with open(download.path(), "rb") as file:
        content = file.read()
    expected = (
        "\ufeffdate,description,category,amount,currency,original_amount,original_currency,rate\r\n"
        f"{today},'@office lunch,Food & groceries,1045.10,INR,,,\r\n"
        f'{today},"Paperback novel, used",Books,100.00,INR,,,\r\n'
    )
    assert content == expected.encode()


def _page_paths(app, ids: dict[str, int]) -> list[str]:
    """Every HTML page in the app's URL map that a GET can open, with `ids` filled in."""
    paths = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static" or rule.endpoint.startswith("health."):
                continue
            if rule.rule.startswith("/api/"):
                continue  # JSON for API tokens, not a page
            if "." in rule.rule.rsplit("/", 1)[-1] or not rule.arguments <= ids.keys():
                continue  # a download such as /export.csv, or a page for something not made here
            paths.append(url_for(rule.endpoint, **{name: ids[name] for name in rule.arguments}))
    return sorted(set(paths))


def _assert_fits(page: Page, what: str) -> None:
    scroll_width, client_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width, f"{what} is {scroll_width}px wide on a {client_width}px screen"


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}], ids=["390px"])
def test_pages_fit_a_phone_screen(page: Page, app, viewport):
    register(page, EMAIL)
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.email == EMAIL))
        category_id = db.session.scalar(
            db.select(Category.id).where(Category.ledger_id == ledger_of(user_id), Category.name == "Transport")
        )
    # Long text and large amounts are what push a narrow layout sideways.
    expense_id = add_expense(app, user_id, "Transport", 99_999_999_999, description="A fairly long description " * 7)
    add_expense(app, user_id, "Food & groceries", 1250, description="Tea")

    def check(path: str) -> None:
        response = page.goto(path)
        assert response is not None and response.ok, f"{path} answered {response and response.status}"
        expect(page.locator("main h1").first).to_be_visible()
        if page.locator("#category-chart").count():
            expect(page.locator("#category-chart")).to_have_attribute("data-rendered", "true")
        _assert_fits(page, path)

    signed_in = _page_paths(app, {"expense_id": expense_id, "category_id": category_id})
    assert {"/", "/expenses", "/expenses/new", "/categories"} <= set(signed_in)
    for path in signed_in:
        check(path)

    # The menu collapses behind a toggle on a phone; opening it must not widen the page either.
    page.goto("/")
    page.get_by_role("button", name="Show menu").click()
    wait_until_open(page, "#nav-main")
    expect(page.get_by_role("link", name="Settings", exact=True)).to_be_visible()
    _assert_fits(page, "the dashboard with the menu open")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login"))
    for path in ("/login", "/register"):
        check(path)

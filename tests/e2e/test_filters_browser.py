"""Filtering the expense list in a real browser, then exporting exactly what it shows.

Two categories and a date range are chosen in the filter form, the list is sorted by amount, and
"Export these" downloads a CSV whose bytes are checked. The address carries the whole state, and
the back button returns to the unfiltered list.
"""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD, AuthActions, add_expense, category_id
from tests.e2e.conftest import wait_until_open

pytestmark = pytest.mark.e2e

EMAIL = "filters@example.com"


def expense_rows(page: Page) -> list[list[str]]:
    """(date, description, category, amount) of each row, as shown at desktop width."""
    return page.locator("#expense-table tbody tr").evaluate_all(
        """rows => rows.map(row => {
            const cells = row.querySelectorAll("td");
            const description = cells[1].childNodes[0].textContent.trim();
            return [cells[0].innerText.trim(), description, cells[2].innerText.trim(), cells[3].innerText.trim()];
        })"""
    )


@pytest.fixture
def alice(app, live_server):
    assert AuthActions(app.test_client()).register(email=EMAIL).status_code == 302
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.email == EMAIL))
    for category, cents, spent_on, description in [
        ("Food & groceries", 1250, date(2026, 1, 31), "Coffee before the range"),
        ("Food & groceries", 4599, date(2026, 2, 1), "Weekly groceries"),
        ("Transport", 300, date(2026, 2, 10), "Bus, return"),
        ("Housing", 150000, date(2026, 2, 1), "Rent February"),
        ("Transport", 2000, date(2026, 2, 28), "=Taxi to airport"),
        ("Food & groceries", 875, date(2026, 2, 28), "Coffee with Sam"),
        ("Transport", 2000, date(2026, 3, 1), "Taxi after the range"),
    ]:
        add_expense(app, user_id, category, cents, spent_on, description)
    return user_id


def sign_in(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/$"))


def test_filter_sort_export(page: Page, app, alice):
    food, transport = category_id(app, alice, "Food & groceries"), category_id(app, alice, "Transport")
    sign_in(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Expenses").click()
    expect(page.locator("#list-count")).to_have_text("7 expenses")

    form = page.get_by_role("search", name="Filter expenses")
    form.get_by_label("Food & groceries").check()
    form.get_by_label("Transport").check()
    form.get_by_label("From", exact=True).fill("2026-02-01")
    form.get_by_label("To", exact=True).fill("2026-02-28")
    form.get_by_label("Sort by").select_option(label="Amount")
    form.get_by_role("button", name="Apply filters").click()

    # Only what was chosen reaches the address: no empty fields, no defaults.
    expect(page).to_have_url(
        re.compile(rf"/expenses\?from=2026-02-01&to=2026-02-28&category={food}&category={transport}&sort=amount$")
    )
    expect(page.locator("#list-count")).to_have_text("4 expenses")
    expect(page.locator("#list-total")).to_have_text("₹77.74")
    assert expense_rows(page) == [
        ["Feb 1, 2026", "Weekly groceries", "Food & groceries", "₹45.99"],
        ["Feb 28, 2026", "=Taxi to airport", "Transport", "₹20.00"],
        ["Feb 28, 2026", "Coffee with Sam", "Food & groceries", "₹8.75"],
        ["Feb 10, 2026", "Bus, return", "Transport", "₹3.00"],
    ]
    expect(page.locator("#expense-table th[aria-sort=descending]")).to_contain_text("Amount")
    # The form shows the state it was loaded with.
    expect(form.get_by_label("Food & groceries")).to_be_checked()
    expect(form.get_by_label("Housing")).not_to_be_checked()
    expect(form.get_by_label("From", exact=True)).to_have_value("2026-02-01")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export these").click()
    download = download_info.value
    assert download.suggested_filename == f"expenses-filtered-{date.today().isoformat()}.csv"
    with open(download.path(), "rb") as file:
        content = file.read()
    assert content == (
        "\ufeffdate,description,category,amount,currency,original_amount,original_currency,rate\r\n"
        "2026-02-01,Weekly groceries,Food & groceries,45.99,INR,,,\r\n"
        "2026-02-28,'=Taxi to airport,Transport,20.00,INR,,,\r\n"
        "2026-02-28,Coffee with Sam,Food & groceries,8.75,INR,,,\r\n"
        '2026-02-10,"Bus, return",Transport,3.00,INR,,,\r\n'
    ).encode("utf-8")

    # Clicking the heading flips the order; the back button brings each state back.
    page.locator("#expense-table thead").get_by_role("link", name=re.compile("^Amount")).click()
    expect(page).to_have_url(re.compile(r"sort=amount&dir=asc$"))
    expect(page.locator("#expense-table tbody tr").first).to_contain_text("Bus, return")
    page.go_back()
    expect(page.locator("#expense-table tbody tr").first).to_contain_text("Weekly groceries")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/expenses$"))
    expect(page.locator("#list-count")).to_have_text("7 expenses")


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}], ids=["390px"])
def test_filters_fold_away_on_a_phone(page: Page, alice, viewport):
    sign_in(page)
    page.goto("/expenses")
    form = page.get_by_role("search", name="Filter expenses")
    expect(form).to_be_hidden()
    page.get_by_role("button", name="Filters", exact=True).click()
    expect(form).to_be_visible()
    wait_until_open(page, "#filter-panel")
    form.get_by_label("Description contains").fill("coffee")
    form.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/expenses\?q=coffee$"))
    expect(page.locator("#list-count")).to_have_text("2 expenses")
    # Filters in use stay open, and nothing is wider than the screen.
    expect(form).to_be_visible()
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1]


def test_a_report_bar_opens_its_expenses(page: Page, app, alice):
    housing = category_id(app, alice, "Housing")
    sign_in(page)
    page.goto("/reports?period=2026-02")
    expect(page.locator("#monthly-chart")).to_have_attribute("data-rendered", "true")
    # Click the middle of February's Housing segment (the tall one), wherever Chart.js drew it.
    point = page.evaluate(
        """() => {
            const chart = window.expenseCharts.monthly;
            const dataset = chart.data.datasets.findIndex(set => set.label === "Housing");
            const bar = chart.getDatasetMeta(dataset).data[chart.data.labels.length - 1];
            const box = chart.canvas.getBoundingClientRect();
            const centre = bar.getCenterPoint();
            return {x: box.left + centre.x, y: box.top + centre.y};
        }"""
    )
    page.mouse.click(point["x"], point["y"])
    expect(page).to_have_url(re.compile(rf"/expenses\?category={housing}&from=2026-02-01&to=2026-02-28$"))
    expect(page.locator("#list-count")).to_have_text("1 expense")
    expect(page.locator("#list-total")).to_have_text("₹1,500.00")

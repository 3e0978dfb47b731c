"""The expense list's filters, sort orders and keyset pages, and the export of a filtered list.

Every expectation is written out: the exact rows in their order, the count and the total.
"""

import csv
import html
import io
import random
import re
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import insert, update
from werkzeug.datastructures import MultiDict

from app import money
from app.expense_filters import ExpenseFilter, escape_like
from app.extensions import db
from app.models import Category, Expense, Ledger, User
from app.periods import period_containing
from tests.conftest import AuthActions, add_expense, category_id, ledger_of, personal_ledger_id
from tests.pages import element_text, input_value, selected_option, shown_date, table_rows

# (category, amount in paise, date, description), added in this order (so ids rise down the list).
DATASET = [
    ("Food & groceries", 1250, date(2026, 1, 5), "Coffee beans"),
    ("Transport", 300, date(2026, 1, 10), "Bus 50% off"),
    ("Shopping", 5000, date(2026, 1, 20), "Gift card 500"),
    ("Food & groceries", 4599, date(2026, 2, 1), "Weekly_groceries"),
    ("Housing", 150000, date(2026, 2, 1), "Rent February"),
    ("Entertainment", 1250, date(2026, 2, 14), "Cinema"),
    ("Transport", 2000, date(2026, 3, 3), "Taxi to airport"),
    ("Food & groceries", 875, date(2026, 3, 3), "COFFEE with Sam"),
    ("Health", 10000, date(2026, 3, 20), "Dentist"),
]
NEWEST_FIRST = [
    "Dentist",
    "COFFEE with Sam",
    "Taxi to airport",
    "Cinema",
    "Rent February",
    "Weekly_groceries",
    "Gift card 500",
    "Bus 50% off",
    "Coffee beans",
]


@pytest.fixture
def expenses(app, user):
    return {
        description: add_expense(app, user.id, category, cents, spent_on, description)
        for category, cents, spent_on, description in DATASET
    }


@pytest.fixture
def ids(app, user):
    """Alice's category ids by name."""
    return {name: category_id(app, user.id, name) for name in ("Food & groceries", "Transport", "Housing", "Health")}


def _register_bob(app) -> int:
    assert AuthActions(app.test_client()).register(email="bob@example.com").status_code == 302
    with app.app_context():
        return db.session.scalar(db.select(User.id).where(User.email == "bob@example.com"))


def _get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def listed(page: str) -> list[tuple[str, str, str, str]]:
    """(date, description, category, amount) of each row of the expense table, top to bottom."""
    rows = []
    if 'id="expense-table"' not in page:
        return rows
    for spent_on, description, category, amount, _actions in table_rows(page, "expense-table"):
        assert description.endswith(" " + category)  # repeated for narrow screens
        rows.append((spent_on, description.removesuffix(" " + category), category, amount))
    return rows


def descriptions(page: str) -> list[str]:
    return [row[1] for row in listed(page)]


def summary(page: str) -> tuple[str, str]:
    return element_text(page, "list-count"), element_text(page, "list-total")


def messages(page: str) -> list[str]:
    block = re.search(r'<div class="alert alert-warning" role="alert" id="filter-messages">(.*?)</div>', page, re.S)
    if block is None:
        return []
    return [html.unescape(" ".join(m.split())) for m in re.findall(r"<li>(.*?)</li>", block.group(1), re.S)]


def link(page: str, rel: str) -> str | None:
    match = re.search(rf'<a class="page-link" href="([^"]+)" rel="{rel}">', page)
    return html.unescape(match.group(1)) if match else None


def export_link(page: str) -> str:
    match = re.search(r'id="export-filtered" href="([^"]+)"', page)
    assert match, "no Export these link"
    return html.unescape(match.group(1))


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def checked_categories(page: str) -> set[int]:
    checked = set()
    for tag in re.findall(r'<input\b[^>]*name="category"[^>]*>', page):
        if re.search(r"\bchecked\b", tag):
            checked.add(int(re.search(r'value="(\d+)"', tag).group(1)))
    return checked


def offered_categories(page: str) -> set[int]:
    return {int(value) for value in re.findall(r'<input\b[^>]*name="category" value="(\d+)"', page)}


def test_unfiltered_list_is_everything_newest_first(client, expenses):
    page = _get(client, "/expenses")
    assert descriptions(page) == NEWEST_FIRST
    assert summary(page) == ("9 expenses", "₹1,752.74")
    assert listed(page)[0] == ("Mar 20, 2026", "Dentist", "Health", "₹100.00")
    assert messages(page) == []


SINGLE_FILTERS = [
    ("q=coffee", ["COFFEE with Sam", "Coffee beans"], "2 expenses", "₹21.25"),
    ("q=++Coffee++", ["COFFEE with Sam", "Coffee beans"], "2 expenses", "₹21.25"),
    # LIKE wildcards match literally: "50%" is not "50 then anything", "_" is not any character.
    ("q=50%25", ["Bus 50% off"], "1 expense", "₹3.00"),
    ("q=_", ["Weekly_groceries"], "1 expense", "₹45.99"),
    ("q=%5C", [], "0 expenses", "₹0.00"),
    ("q=nothing+like+this", [], "0 expenses", "₹0.00"),
    ("category={food}", ["COFFEE with Sam", "Weekly_groceries", "Coffee beans"], "3 expenses", "₹67.24"),
    (
        "category={food}&category={transport}",
        ["COFFEE with Sam", "Taxi to airport", "Weekly_groceries", "Bus 50% off", "Coffee beans"],
        "5 expenses",
        "₹90.24",
    ),
    (
        "from=2026-02-01",
        ["Dentist", "COFFEE with Sam", "Taxi to airport", "Cinema", "Rent February", "Weekly_groceries"],
        "6 expenses",
        "₹1,687.24",
    ),
    (
        "to=2026-02-01",
        ["Rent February", "Weekly_groceries", "Gift card 500", "Bus 50% off", "Coffee beans"],
        "5 expenses",
        "₹1,611.49",
    ),
    (
        "from=2026-02-01&to=2026-03-03",
        ["COFFEE with Sam", "Taxi to airport", "Cinema", "Rent February", "Weekly_groceries"],
        "5 expenses",
        "₹1,587.24",
    ),
    ("from=2026-03-03&to=2026-03-03", ["COFFEE with Sam", "Taxi to airport"], "2 expenses", "₹28.75"),
    (
        "min=12.50",
        ["Dentist", "Taxi to airport", "Cinema", "Rent February", "Weekly_groceries", "Gift card 500", "Coffee beans"],
        "7 expenses",
        "₹1,740.99",
    ),
    ("max=12.50", ["COFFEE with Sam", "Cinema", "Bus 50% off", "Coffee beans"], "4 expenses", "₹36.75"),
    (
        "min=12.5&max=45.99",
        ["Taxi to airport", "Cinema", "Weekly_groceries", "Coffee beans"],
        "4 expenses",
        "₹90.99",
    ),
    ("min=1%2C000", ["Rent February"], "1 expense", "₹1,500.00"),
    ("min=0&max=0", [], "0 expenses", "₹0.00"),
]


@pytest.mark.parametrize(("query", "expected", "count", "total"), SINGLE_FILTERS)
def test_each_filter_alone(client, expenses, ids, query, expected, count, total):
    page = _get(client, "/expenses?" + query.format(food=ids["Food & groceries"], transport=ids["Transport"]))
    assert descriptions(page) == expected
    assert summary(page) == (count, total)
    assert messages(page) == []


COMBINED_FILTERS = [
    ("q=coffee&category={food}&from=2026-03-01&min=5", ["COFFEE with Sam"], "1 expense", "₹8.75"),
    (
        "category={food}&category={transport}&from=2026-01-06&to=2026-03-03&sort=amount&dir=asc",
        ["Bus 50% off", "COFFEE with Sam", "Taxi to airport", "Weekly_groceries"],
        "4 expenses",
        "₹77.74",
    ),
    ("q=E&category={housing}&category={health}&max=1000", ["Dentist"], "1 expense", "₹100.00"),
    ("q=coffee&category={transport}", [], "0 expenses", "₹0.00"),
    (
        # "e" is in neither "Gift card 500" nor "Taxi to airport"; COFFEE with Sam is under 10.
        "q=e&from=2026-01-01&to=2026-12-31&min=10&max=1500&sort=category&dir=asc",
        ["Cinema", "Coffee beans", "Weekly_groceries", "Dentist", "Rent February"],
        "5 expenses",
        "₹1,670.99",
    ),
]


@pytest.mark.parametrize(("query", "expected", "count", "total"), COMBINED_FILTERS)
def test_filters_combined(client, expenses, ids, query, expected, count, total):
    url = "/expenses?" + query.format(
        food=ids["Food & groceries"], transport=ids["Transport"], housing=ids["Housing"], health=ids["Health"]
    )
    page = _get(client, url)
    assert descriptions(page) == expected
    assert summary(page) == (count, total)


SORTS = [
    ("sort=date&dir=desc", NEWEST_FIRST),
    ("sort=date&dir=asc", list(reversed(NEWEST_FIRST))),
    # Equal amounts (Coffee beans and Cinema, 12.50 each): the later entry first when descending.
    (
        "sort=amount",
        [
            "Rent February",
            "Dentist",
            "Gift card 500",
            "Weekly_groceries",
            "Taxi to airport",
            "Cinema",
            "Coffee beans",
            "COFFEE with Sam",
            "Bus 50% off",
        ],
    ),
    (
        "sort=amount&dir=asc",
        [
            "Bus 50% off",
            "COFFEE with Sam",
            "Coffee beans",
            "Cinema",
            "Taxi to airport",
            "Weekly_groceries",
            "Gift card 500",
            "Dentist",
            "Rent February",
        ],
    ),
    # By category name, then date, then entry.
    (
        "sort=category&dir=asc",
        [
            "Cinema",
            "Coffee beans",
            "Weekly_groceries",
            "COFFEE with Sam",
            "Dentist",
            "Rent February",
            "Gift card 500",
            "Bus 50% off",
            "Taxi to airport",
        ],
    ),
    (
        "sort=category&dir=desc",
        [
            "Taxi to airport",
            "Bus 50% off",
            "Gift card 500",
            "Rent February",
            "Dentist",
            "COFFEE with Sam",
            "Weekly_groceries",
            "Coffee beans",
            "Cinema",
        ],
    ),
]


@pytest.mark.parametrize(("query", "expected"), SORTS)
def test_sort_orders(client, expenses, query, expected):
    page = _get(client, "/expenses?" + query)
    assert descriptions(page) == expected
    assert summary(page) == ("9 expenses", "₹1,752.74")
    sort = query_of("?" + query)["sort"][0]
    heading = {"date": "Date", "amount": "Amount", "category": "Category"}[sort]
    direction = "ascending" if "dir=asc" in query else "descending"
    assert re.search(rf'<th scope="col"[^>]*aria-sort="{direction}"><a [^>]*>{heading}', page)


def _heading_links(page: str) -> dict[str, str]:
    return {
        label: html.unescape(href)
        for href, label in re.findall(r'<th scope="col"[^>]*><a class="[^"]*" href="([^"]+)">(\w+)', page)
    }


def test_column_headings_sort_and_flip_keeping_the_filters(client, expenses, ids):
    food = ids["Food & groceries"]
    headings = _heading_links(_get(client, f"/expenses?category={food}&sort=amount&dir=desc"))
    assert query_of(headings["Amount"]) == {"category": [str(food)], "sort": ["amount"], "dir": ["asc"]}
    assert query_of(headings["Date"]) == {"category": [str(food)]}  # date, newest first: the defaults
    assert query_of(headings["Category"]) == {"category": [str(food)], "sort": ["category"], "dir": ["asc"]}


def test_dashboard_link_for_a_category_and_period(client, expenses, ids):
    # The dashboard's pie links to the list like this.
    page = _get(client, f"/expenses?category={ids['Food & groceries']}&from=2026-02-01&to=2026-02-28")
    assert listed(page) == [("Feb 1, 2026", "Weekly_groceries", "Food & groceries", "₹45.99")]
    assert summary(page) == ("1 expense", "₹45.99")
    assert checked_categories(page) == {ids["Food & groceries"]}
    assert (input_value(page, "from"), input_value(page, "to")) == ("2026-02-01", "2026-02-28")


def test_url_round_trip(client, expenses, ids):
    food, transport = ids["Food & groceries"], ids["Transport"]
    canonical = {
        "q": ["e"],
        "category": [str(food), str(transport)],
        "from": ["2026-01-01"],
        "to": ["2026-03-31"],
        "min": ["5.00"],
        "max": ["100.00"],
        "sort": ["amount"],
        "dir": ["asc"],
        "per_page": ["50"],
    }
    url = (
        f"/expenses?q=e&category={food}&category={transport}&from=2026-01-01&to=2026-03-31"
        "&min=5&max=100&sort=amount&dir=asc&per_page=50"
    )
    page = _get(client, url)
    assert descriptions(page) == ["COFFEE with Sam", "Coffee beans", "Weekly_groceries"]
    # The form shows the state it came from ...
    assert input_value(page, "q") == "e"
    assert checked_categories(page) == {food, transport}
    assert (input_value(page, "from"), input_value(page, "to")) == ("2026-01-01", "2026-03-31")
    assert (input_value(page, "min"), input_value(page, "max")) == ("5.00", "100.00")
    assert (selected_option(page, "sort"), selected_option(page, "dir")) == ("amount", "asc")
    assert selected_option(page, "per_page") == "50"
    # ... and every link out of the page carries it (the export needs no page size).
    headings = _heading_links(page)
    # Amount, largest first: the heading flips the order (descending is the default, so left out).
    assert query_of(headings["Amount"]) == {name: value for name, value in canonical.items() if name != "dir"}
    # Date, newest first, is the default order, so it is left out of the address.
    assert query_of(headings["Date"]) == {
        name: value for name, value in canonical.items() if name not in ("sort", "dir")
    }
    assert query_of(export_link(page)) == {name: value for name, value in canonical.items() if name != "per_page"}
    again = _get(client, headings["Amount"])
    assert descriptions(again) == list(reversed(descriptions(page)))
    assert summary(again) == summary(page) == ("3 expenses", "₹67.24")


def test_a_form_sent_without_javascript_means_the_same(client, expenses):
    # A plain GET form sends every field, the empty ones too.
    page = _get(client, "/expenses?q=&from=&to=&min=&max=&sort=date&dir=desc&per_page=25")
    assert descriptions(page) == NEWEST_FIRST
    assert messages(page) == []
    assert query_of(export_link(page)) == {}


def test_only_my_categories_are_offered_and_others_are_ignored(app, client, user, expenses, ids):
    bob = _register_bob(app)
    bob_housing = category_id(app, bob, "Housing")
    add_expense(app, bob, "Housing", 99900, date(2026, 2, 1), "Bob's rent")
    with app.app_context():
        mine = set(db.session.scalars(db.select(Category.id).where(Category.ledger_id == ledger_of(user.id))))

    page = _get(client, "/expenses")
    assert offered_categories(page) == mine
    assert bob_housing not in offered_categories(page)

    # Someone else's category alone: ignored, so the list is all of mine, never theirs.
    page = _get(client, f"/expenses?category={bob_housing}")
    assert descriptions(page) == NEWEST_FIRST
    assert summary(page) == ("9 expenses", "₹1,752.74")
    assert messages(page) == ["A category in the address is not one of yours, so it was ignored."]
    assert checked_categories(page) == set()
    assert query_of(export_link(page)) == {}

    # Mixed with one of mine: only mine applies.
    page = _get(client, f"/expenses?category={bob_housing}&category={ids['Housing']}")
    assert descriptions(page) == ["Rent February"]
    assert summary(page) == ("1 expense", "₹1,500.00")
    assert query_of(export_link(page)) == {"category": [str(ids["Housing"])]}

    # And the export behaves the same.
    body = client.get(f"/expenses/export.csv?category={bob_housing}").get_data(as_text=True)
    assert "Bob's rent" not in body
    assert len(_csv_rows(body)) == 9


@pytest.mark.parametrize(
    ("query", "expected_messages"),
    [
        ("min=abc", ["The minimum amount was ignored: Enter the amount as a number, like 12.50."]),
        (
            "max=1e3",
            ["The maximum amount was ignored: Write the amount out in full, without an exponent (1000, not 1e3)."],
        ),
        ("min=-5", ["The minimum amount was ignored: The amount must be more than zero."]),
        ("max=12.345", ["The maximum amount was ignored: Use at most 2 decimal places."]),
        ("max=NaN", ["The maximum amount was ignored: Enter the amount as a number, like 12.50."]),
        ("min=" + "9" * 40, ["The minimum amount was ignored: The largest amount allowed is ₹1,000,000,000.00."]),
        ("from=2026-02-30", ["The start date is not a date like 2026-01-31, so it was ignored."]),
        ("from=yesterday", ["The start date is not a date like 2026-01-31, so it was ignored."]),
        ("to=20260101", ["The end date is not a date like 2026-01-31, so it was ignored."]),
        ("to=1900-01-01", ["The end date must be between 1970-01-01 and 2099-12-31, so it was ignored."]),
        ("from=10000-01-01", ["The start date is not a date like 2026-01-31, so it was ignored."]),
        ("q=" + "x" * 201, ["The search text is longer than 200 characters, so it was ignored."]),
        ("q=a%00b", ["The search text contains a control character, so it was ignored."]),
        ("category=abc", ["A category in the address is not one of yours, so it was ignored."]),
        ("category=99999999999999999999", ["A category in the address is not one of yours, so it was ignored."]),
        ("category=-1", ["A category in the address is not one of yours, so it was ignored."]),
        ("category=", []),
        ("sort=bogus&dir=sideways&per_page=7", []),
        ("per_page=1000000", []),
        ("per_page=-1", []),
        ("range=forever", []),
        ("after=garbage", []),
        ("after=2026-01-01:abc", []),
        ("before=%3A%3A", []),
        ("after=99999999999999999999:1", []),
        ("before=1.2026-01-01:1", []),
        ("last=yes", []),
    ],
)
def test_bad_parameters_are_ignored_with_a_message(client, expenses, query, expected_messages):
    page = _get(client, "/expenses?" + query)
    assert messages(page) == expected_messages
    assert descriptions(page) == NEWEST_FIRST
    assert summary(page) == ("9 expenses", "₹1,752.74")
    export = client.get("/expenses/export.csv?" + query)
    assert export.status_code == 200
    assert len(_csv_rows(export.get_data(as_text=True))) == 9


def test_contradictory_ranges_match_nothing_and_say_why(client, expenses):
    page = _get(client, "/expenses?from=2026-03-01&to=2026-02-01")
    assert messages(page) == ["The start date is after the end date, so no expense can match."]
    assert summary(page) == ("0 expenses", "₹0.00")
    page = _get(client, "/expenses?min=50&max=10")
    assert messages(page) == ["The minimum amount is more than the maximum, so no expense can match."]
    assert summary(page) == ("0 expenses", "₹0.00")
    assert "No expenses match these filters" in page


def test_search_text_is_data_not_sql(client, expenses):
    page = _get(client, "/expenses?q=%27%3B+DROP+TABLE+expenses%3B+--")
    assert summary(page) == ("0 expenses", "₹0.00")
    assert summary(_get(client, "/expenses")) == ("9 expenses", "₹1,752.74")


# Quick date ranges, relative to today and to the user's budget period.


def _quick_range_dataset(app, user_id, period):
    today = date.today()
    days = {
        period.start,
        period.last_day,
        period.start - timedelta(days=1),
        period.shift(-1).start,
        period.shift(-1).start - timedelta(days=1),
        period.shift(-11).start,
        period.shift(-11).start - timedelta(days=1),
        date(today.year, 1, 1),
        date(today.year - 1, 12, 31),
        date(today.year, 12, 31),
    }
    for day in sorted(days):
        add_expense(app, user_id, "Other", 100, day, f"On {day.isoformat()}")
    return sorted(days)


@pytest.mark.parametrize("start_day", [1, 15])
def test_quick_ranges(app, client, user, start_day):
    with app.app_context():
        db.session.execute(update(Ledger).where(Ledger.personal_user_id == user.id).values(period_start_day=start_day))
        db.session.commit()
    today = date.today()
    period = period_containing(today, start_day)
    days = _quick_range_dataset(app, user.id, period)
    ranges = {
        "this-period": (period.start, period.last_day),
        "last-period": (period.shift(-1).start, period.shift(-1).last_day),
        "this-year": (date(today.year, 1, 1), date(today.year, 12, 31)),
        "last-12-months": (period.shift(-11).start, period.last_day),
    }
    for name, (first, last) in ranges.items():
        page = _get(client, f"/expenses?range={name}")
        expected = [f"On {day.isoformat()}" for day in reversed(days) if first <= day <= last]
        assert descriptions(page) == expected, name
        assert summary(page)[0] == f"{len(expected)} expense{'' if len(expected) == 1 else 's'}"
        # The form shows the dates the pick stands for; links keep the pick itself (it stays
        # relative in a bookmark).
        assert (input_value(page, "from"), input_value(page, "to")) == (first.isoformat(), last.isoformat())
        assert query_of(export_link(page)) == {"range": [name]}
        assert re.search(rf'aria-current="true"\s+href="[^"]*range={name}"', page)
    page = _get(client, "/expenses?range=all&from=&to=")
    assert len(descriptions(page)) == len(days)
    assert query_of(export_link(page)) == {}


def test_a_quick_range_sent_with_its_own_dates_stays_a_quick_range(client, user, app):
    period = period_containing(date.today(), 1)
    add_expense(app, user.id, "Other", 100, period.start, "In the period")
    add_expense(app, user.id, "Other", 200, period.start - timedelta(days=1), "Just before")
    same = f"/expenses?range=this-period&from={period.start.isoformat()}&to={period.last_day.isoformat()}"
    page = _get(client, same)
    assert descriptions(page) == ["In the period"]
    assert query_of(export_link(page)) == {"range": ["this-period"]}
    # Dates edited by hand (without JavaScript, the range field is still sent): the dates win.
    edited_from = (period.start - timedelta(days=1)).isoformat()
    page = _get(client, f"/expenses?range=this-period&from={edited_from}&to={period.last_day.isoformat()}")
    assert descriptions(page) == ["In the period", "Just before"]
    assert query_of(export_link(page)) == {"from": [edited_from], "to": [period.last_day.isoformat()]}


# Keyset pages: every row exactly once going forward, and backward from the last page.


def _bulk_expenses(app, user_id, count=130):
    with app.app_context():
        categories = list(db.session.scalars(db.select(Category).where(Category.ledger_id == ledger_of(user_id))))
        numbers = list(range(count))
        random.Random(6).shuffle(numbers)  # ids do not follow dates or amounts
        db.session.execute(
            insert(Expense),
            [
                {
                    "ledger_id": categories[0].ledger_id,
                    "category_id": categories[n % len(categories)].id,
                    "spent_on": date(2026, 1, 1) + timedelta(days=n // 3),  # three a day
                    "description": f"Item {n:03d}",
                    "amount_cents": (n % 7 + 1) * 100,  # many equal amounts
                }
                for n in numbers
            ],
        )
        db.session.commit()
        rows = db.session.execute(
            db.select(Expense.id, Expense.spent_on, Expense.amount_cents, Category.name_key).join(
                Category, Category.id == Expense.category_id
            )
        ).all()
    return rows


def _expected_order(rows, sort, direction):
    key = {
        "date": lambda r: (r.spent_on, r.id),
        "amount": lambda r: (r.amount_cents, r.id),
        "category": lambda r: (r.name_key, r.spent_on, r.id),
    }[sort]
    return [r.id for r in sorted(rows, key=key, reverse=direction == "desc")]


def _ids_on(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/expenses/(\d+)/edit"', page)]


@pytest.mark.parametrize(
    ("sort", "direction", "per_page"),
    [
        ("date", "desc", 25),
        ("date", "asc", 50),
        ("amount", "desc", 25),
        ("amount", "asc", 100),
        ("category", "asc", 25),
        ("category", "desc", 50),
    ],
)
def test_keyset_pages_have_no_gaps_or_repeats(app, client, user, sort, direction, per_page):
    rows = _bulk_expenses(app, user.id)
    expected = _expected_order(rows, sort, direction)
    first_url = f"/expenses?sort={sort}&dir={direction}&per_page={per_page}"

    pages, url = [], first_url
    while url:
        page = _get(client, url)
        assert summary(page)[0] == "130 expenses"  # the whole set, whatever the page
        pages.append(_ids_on(page))
        url = link(page, "next")
        if url:
            assert query_of(url).get("per_page", ["25"]) == [str(per_page)]
    assert [len(p) for p in pages[:-1]] == [per_page] * (len(pages) - 1)
    assert sum(pages, []) == expected
    assert link(page, "last") is None  # on the last page

    # Last, then Previous back to the start: pages counted from the end, then the first page.
    page = _get(client, link(_get(client, first_url), "last"))
    assert _ids_on(page) == expected[-per_page:]
    assert link(page, "next") is None
    end = len(expected) - per_page
    while (url := link(page, "prev")) is not None:
        page = _get(client, url)
        start = max(end - per_page, 0)
        assert _ids_on(page) == expected[start : start + per_page]
        end = start
    assert _ids_on(page) == expected[:per_page]
    assert link(page, "first") is None


def test_stale_cursors_fall_back_to_a_full_page(app, client, user):
    rows = _bulk_expenses(app, user.id, count=40)
    expected = _expected_order(rows, "date", "asc")
    # Past the end: the last page. Before the start: the first page, full.
    assert _ids_on(_get(client, "/expenses?dir=asc&after=2099-12-31:1")) == expected[-25:]
    assert _ids_on(_get(client, "/expenses?dir=asc&before=1970-01-01:1")) == expected[:25]
    # A cursor made for another sort order is no cursor: the first page.
    assert _ids_on(_get(client, "/expenses?dir=asc&after=500:1")) == expected[:25]


def test_the_last_page_of_a_filtered_list(app, client, user):
    rows = _bulk_expenses(app, user.id)
    matching = [r for r in rows if r.amount_cents >= 300]
    expected = _expected_order(matching, "amount", "desc")
    page = _get(client, "/expenses?min=3&sort=amount")
    total = money.format_amount(sum(r.amount_cents for r in matching), "INR")
    assert summary(page) == (f"{len(matching)} expenses", total)
    assert _ids_on(page) == expected[:25]
    last = _get(client, link(page, "last"))
    assert _ids_on(last) == expected[-25:]
    assert summary(last) == (f"{len(matching)} expenses", total)


# The filtered export.


def _csv_rows(body: str) -> list[list[str]]:
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"), newline="")))
    assert rows[0] == [
        "date",
        "description",
        "category",
        "amount",
        "currency",
        "original_amount",
        "original_currency",
        "rate",
    ]
    return rows[1:]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=coffee",
        "category={food}&category={transport}&sort=amount&dir=asc",
        "from=2026-02-01&to=2026-03-03&sort=category",
        "min=12.50&max=100&sort=date&dir=asc",
        "q=nothing+matches",
    ],
)
def test_filtered_export_equals_the_filtered_list(client, expenses, ids, query):
    query = query.format(food=ids["Food & groceries"], transport=ids["Transport"])
    page = _get(client, "/expenses?per_page=100&" + query)
    response = client.get(export_link(page))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    exported = [
        (shown_date(spent_on), description, category, money.format_amount(Decimal(amount), "INR"))
        for spent_on, description, category, amount, _currency, *_original in _csv_rows(response.get_data(as_text=True))
    ]
    assert exported == listed(page)
    assert len(exported) == int(summary(page)[0].split()[0])


def test_filtered_export_bytes(app, client, user, expenses, ids):
    add_expense(app, user.id, "Food & groceries", 99, date(2026, 2, 2), '=HYPERLINK("http://x")')
    add_expense(app, user.id, "Food & groceries", 1000000, date(2026, 2, 3), "  @SUM(1,2)")
    response = client.get(f"/expenses/export.csv?category={ids['Food & groceries']}&from=2026-02-01&to=2026-02-28")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="expenses-filtered-{date.today().isoformat()}.csv"'
    )
    assert (
        response.data
        == (
            "\ufeffdate,description,category,amount,currency,original_amount,original_currency,rate\r\n"
            '2026-02-03,"\'  @SUM(1,2)",Food & groceries,10000.00,INR,,,\r\n'
            '2026-02-02,"\'=HYPERLINK(""http://x"")",Food & groceries,0.99,INR,,,\r\n'
            "2026-02-01,Weekly_groceries,Food & groceries,45.99,INR,,,\r\n"
        ).encode()
    )


def test_filtered_export_is_only_mine_and_needs_a_login(app, client, user, expenses):
    bob = _register_bob(app)
    add_expense(app, bob, "Housing", 99900, date(2026, 2, 1), "Bob's rent")
    body = client.get("/expenses/export.csv?from=2026-02-01&to=2026-02-01").get_data(as_text=True)
    assert [row[1] for row in _csv_rows(body)] == ["Rent February", "Weekly_groceries"]
    anonymous = app.test_client()
    response = anonymous.get("/expenses/export.csv?q=rent")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


# The filter itself, without a request.


def test_escape_like():
    assert escape_like("50%_a\\b") == "50\\%\\_a\\\\b"


def test_params_leave_out_defaults_and_keep_order_of_choice(app, user):
    with app.app_context():
        ledger = db.session.get(Ledger, personal_ledger_id(app, user.id))
        parsed = ExpenseFilter.from_args(
            MultiDict([("category", "3"), ("category", "1"), ("category", "3"), ("min", "1,234.5"), ("dir", "desc")]),
            ledger,
            [1, 2, 3],
        )
    assert parsed.category_ids == (3, 1)
    assert parsed.min_cents == 123450
    assert parsed.params() == {"category": [3, 1], "min": "1234.50"}
    assert ExpenseFilter(currency="INR").params() == {}

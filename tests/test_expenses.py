"""Adding, editing, listing and deleting expenses through the pages, and every input refused."""

import html
import re
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import Expense, User
from tests.conftest import AuthActions, add_expense, category_id, count_rows, expense_rows, post_form
from tests.pages import element_text, field_errors, flashes, input_value, options, selected_option, table_rows


def _register_bob(app) -> int:
    assert AuthActions(app.test_client()).register(email="bob@example.com").status_code == 302
    with app.app_context():
        return db.session.scalar(db.select(User.id).where(User.email == "bob@example.com"))


def _form(app, user, **overrides):
    data = {
        "amount": "1,234.50",
        "description": "Rent",
        "category_id": str(category_id(app, user.id, "Housing")),
        "spent_on": "2026-11-02",
    }
    data.update(overrides)
    return data


def _listed(page):
    """(date, description, category, amount) of each row of the expense table, top to bottom."""
    listed = []
    for spent_on, description, category, amount, _actions in table_rows(page, "expense-table"):
        # The description cell repeats the category for narrow screens.
        assert description.endswith(" " + category)
        listed.append((spent_on, description.removesuffix(" " + category), category, amount))
    return listed


def test_add_expense(app, client, user):
    response = post_form(client, "/expenses/new", _form(app, user, description="  Rent  "))
    assert response.status_code == 302
    assert response.headers["Location"] == "/expenses"
    assert expense_rows(app) == [(user.id, "Housing", date(2026, 11, 2), "Rent", 123450)]
    page = client.get("/expenses").get_data(as_text=True)
    assert flashes(page) == ["Added Rent (₹1,234.50)."]
    assert _listed(page) == [("Nov 2, 2026", "Rent", "Housing", "₹1,234.50")]


def test_add_and_add_another_returns_to_the_form(app, client, user):
    response = post_form(client, "/expenses/new", {**_form(app, user, amount="0.10"), "add_another": "1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/expenses/new"
    assert expense_rows(app) == [(user.id, "Housing", date(2026, 11, 2), "Rent", 10)]


def test_new_expense_form_offers_only_my_categories_and_defaults_to_today(app, client, user):
    bob_category = category_id(app, _register_bob(app), "Housing")
    page = client.get("/expenses/new").get_data(as_text=True)
    offered = options(page, "category_id")
    assert [name for _, name in offered] == [
        "Entertainment",
        "Food & groceries",
        "Health",
        "Housing",
        "Other",
        "Shopping",
        "Transport",
        "Utilities",
    ]
    assert str(bob_category) not in [value for value, _ in offered]
    assert input_value(page, "spent_on") == date.today().isoformat()


def test_new_expense_without_categories_sends_the_user_to_create_one(app, client, user):
    with app.app_context():
        db.session.execute(db.delete(db.metadata.tables["categories"]))
        db.session.commit()
    response = client.get("/expenses/new")
    assert response.status_code == 302
    assert response.headers["Location"] == "/categories"


def test_edit_expense(app, client, user):
    expense_id = add_expense(app, user.id, "Transport", 1250, date(2026, 10, 5), "Bus pass")
    page = client.get(f"/expenses/{expense_id}/edit").get_data(as_text=True)
    assert input_value(page, "amount") == "12.50"
    assert input_value(page, "description") == "Bus pass"
    assert input_value(page, "spent_on") == "2026-10-05"
    assert selected_option(page, "category_id") == str(category_id(app, user.id, "Transport"))

    response = post_form(
        client,
        f"/expenses/{expense_id}/edit",
        _form(app, user, amount="13", description="Monthly bus pass", spent_on="2026-10-06"),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/expenses"
    assert expense_rows(app) == [(user.id, "Housing", date(2026, 10, 6), "Monthly bus pass", 1300)]


def test_edit_with_bad_input_changes_nothing(app, client, user):
    expense_id = add_expense(app, user.id, "Transport", 1250, date(2026, 10, 5), "Bus pass")
    response = post_form(client, f"/expenses/{expense_id}/edit", _form(app, user, amount="0"))
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == {"amount": "The amount must be more than zero."}
    assert expense_rows(app) == [(user.id, "Transport", date(2026, 10, 5), "Bus pass", 1250)]


def test_delete_asks_first_and_deletes_only_on_the_confirming_post(app, client, user):
    keep = add_expense(app, user.id, "Health", 999, date(2026, 9, 1), "Dentist")
    expense_id = add_expense(app, user.id, "Transport", 1250, date(2026, 10, 5), "Bus pass")

    response = client.get(f"/expenses/{expense_id}/delete")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Delete this expense?" in page
    assert '<dd class="col-8 text-break">Bus pass</dd>' in page
    assert '<dd class="col-8">₹12.50</dd>' in page
    assert count_rows(app, Expense) == 2

    # Without the token (a cross-site form) nothing happens.
    assert client.post(f"/expenses/{expense_id}/delete").status_code == 400
    assert count_rows(app, Expense) == 2

    response = post_form(client, f"/expenses/{expense_id}/delete")
    assert response.status_code == 302
    assert response.headers["Location"] == "/expenses"
    assert expense_rows(app) == [(user.id, "Health", date(2026, 9, 1), "Dentist", 999)]
    assert flashes(client.get("/expenses").get_data(as_text=True)) == ["Deleted Bus pass."]

    # Gone is gone: a second delete and an edit are 404.
    assert client.get(f"/expenses/{expense_id}/delete").status_code == 404
    assert post_form(client, f"/expenses/{expense_id}/delete").status_code == 404
    assert client.get(f"/expenses/{expense_id}/edit").status_code == 404
    assert keep


def test_list_is_newest_first_with_ties_broken_by_newest_entry(app, client, user):
    add_expense(app, user.id, "Housing", 2_000_000, date(2026, 9, 1), "Rent September")
    add_expense(app, user.id, "Transport", 500, date(2026, 10, 3), "Bus")
    add_expense(app, user.id, "Food & groceries", 12345, date(2026, 10, 3), "Groceries")
    add_expense(app, user.id, "Health", 99, date(2025, 12, 31), "Plasters")
    add_expense(app, user.id, "Other", 100_000_000_000, date(2026, 10, 4), "Everything")
    page = client.get("/expenses").get_data(as_text=True)
    assert element_text(page, "list-count") == "5 expenses"
    assert element_text(page, "list-total") == "₹1,000,020,129.44"
    assert _listed(page) == [
        ("Oct 4, 2026", "Everything", "Other", "₹1,000,000,000.00"),
        ("Oct 3, 2026", "Groceries", "Food & groceries", "₹123.45"),
        ("Oct 3, 2026", "Bus", "Transport", "₹5.00"),
        ("Sep 1, 2026", "Rent September", "Housing", "₹20,000.00"),
        ("Dec 31, 2025", "Plasters", "Health", "₹0.99"),
    ]


def test_list_shows_only_my_expenses(app, client, user):
    add_expense(app, user.id, "Housing", 100, date(2026, 1, 1), "Mine")
    add_expense(app, _register_bob(app), "Housing", 200, date(2026, 1, 2), "Bob's")
    assert _listed(client.get("/expenses").get_data(as_text=True)) == [("Jan 1, 2026", "Mine", "Housing", "₹1.00")]


def _page_link(page, rel):
    match = re.search(rf'<a class="page-link" href="([^"]+)" rel="{rel}">', page)
    return html.unescape(match.group(1)) if match else None


def test_list_pages_hold_25_expenses(app, client, user):
    first = date(2026, 1, 1)
    for n in range(60):
        add_expense(app, user.id, "Other", n + 1, first + timedelta(days=n // 2), f"Item {n:02d}")
    # Newest date first; two expenses a day, the later entry first.
    expected = [f"Item {n:02d}" for n in reversed(range(60))]

    seen = []
    url = "/expenses"
    while url:
        page = client.get(url).get_data(as_text=True)
        assert element_text(page, "list-count") == "60 expenses"
        assert element_text(page, "list-total") == "₹18.30"  # 1 + 2 + ... + 60 cents
        seen.append([description for _, description, _, _ in _listed(page)])
        url = _page_link(page, "next")
    assert seen == [expected[:25], expected[25:50], expected[50:]]
    assert [amount for *_, amount in _listed(page)] == [f"₹0.{n:02d}" for n in range(10, 0, -1)]

    # And back again from the last page.
    previous = client.get(_page_link(page, "prev")).get_data(as_text=True)
    assert [description for _, description, _, _ in _listed(previous)] == expected[25:50]
    assert _page_link(client.get("/expenses").get_data(as_text=True), "prev") is None


NOT_A_NUMBER = "Enter the amount as a number, like 12.50."
NOT_POSITIVE = "The amount must be more than zero."
CONTROL = "Use ordinary characters only: no tabs, line breaks or control codes."
DATE_RANGE = "Choose a date between Jan 1, 1970 and Dec 31, 2099."
NOT_MINE = "Choose one of your categories."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", "", "Enter an amount."),
        ("amount", "   ", "Enter an amount."),
        ("amount", "-5", NOT_POSITIVE),
        ("amount", "-0", NOT_POSITIVE),
        ("amount", "0", NOT_POSITIVE),
        ("amount", "0.00", NOT_POSITIVE),
        ("amount", "0.001", "Use at most 2 decimal places."),
        ("amount", "NaN", NOT_A_NUMBER),
        ("amount", "sNaN", NOT_A_NUMBER),
        ("amount", "Infinity", NOT_A_NUMBER),
        ("amount", "inf", NOT_A_NUMBER),
        ("amount", "1e3", "Write the amount out in full, without an exponent (1000, not 1e3)."),
        ("amount", "1E3", "Write the amount out in full, without an exponent (1000, not 1e3)."),
        ("amount", "1_000", NOT_A_NUMBER),
        ("amount", "١٢", NOT_A_NUMBER),
        ("amount", "12.5.3", NOT_A_NUMBER),
        ("amount", "1,23", NOT_A_NUMBER),
        ("amount", "1" * 25, "The largest amount allowed is ₹1,000,000,000.00."),
        ("amount", "9" * 30, "The largest amount allowed is ₹1,000,000,000.00."),
        ("amount", "1000000000.01", "The largest amount allowed is ₹1,000,000,000.00."),
        ("amount", "<b>12</b>", NOT_A_NUMBER),
        ("description", "", "Describe the expense, for example “Groceries”."),
        ("description", "   ", "Describe the expense, for example “Groceries”."),
        ("description", "x" * 201, "Keep the description under 201 characters."),
        ("description", "Tab\there", CONTROL),
        ("description", "Line\nbreak", CONTROL),
        ("description", "Null\x00byte", CONTROL),
        ("description", "Escape\x1b[31m", CONTROL),
        ("description", "Bidi \u202eevil", CONTROL),
        ("category_id", "999999", NOT_MINE),
        ("category_id", "abc", NOT_MINE),
        ("category_id", "", NOT_MINE),
        ("category_id", "99999999999999999999999", NOT_MINE),
        ("spent_on", "0001-01-01", DATE_RANGE),
        ("spent_on", "1969-12-31", DATE_RANGE),
        ("spent_on", "2100-01-01", DATE_RANGE),
        ("spent_on", "9999-12-31", DATE_RANGE),
        ("spent_on", "2023-02-29", "Not a valid date value."),
        ("spent_on", "2026-13-01", "Not a valid date value."),
        ("spent_on", "garbage", "Not a valid date value."),
        ("spent_on", "", "Choose the date of the expense."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_written(app, client, user, field, value, message):
    response = post_form(client, "/expenses/new", _form(app, user, **{field: value}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_errors(page) == {field: message}
    assert "Please correct the problem below." in page
    assert count_rows(app, Expense) == 0
    # What was typed is kept in the form, so it can be corrected.
    if field in ("amount", "description", "spent_on"):
        assert input_value(page, field) == value.strip()


def test_description_of_exactly_200_characters_is_accepted(app, client, user):
    response = post_form(client, "/expenses/new", _form(app, user, description="é" * 200))
    assert response.status_code == 302
    assert expense_rows(app) == [(user.id, "Housing", date(2026, 11, 2), "é" * 200, 123450)]


@pytest.mark.parametrize("spent_on", ["1970-01-01", "2099-12-31", "2024-02-29"])
def test_dates_at_the_edges_of_the_range_are_accepted(app, client, user, spent_on):
    response = post_form(client, "/expenses/new", _form(app, user, spent_on=spent_on))
    assert response.status_code == 302
    assert expense_rows(app) == [(user.id, "Housing", date.fromisoformat(spent_on), "Rent", 123450)]


def test_someone_elses_category_is_refused(app, client, user):
    bob_housing = category_id(app, _register_bob(app), "Housing")
    assert bob_housing is not None
    response = post_form(client, "/expenses/new", _form(app, user, category_id=str(bob_housing)))
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == {"category_id": NOT_MINE}
    assert count_rows(app, Expense) == 0

    expense_id = add_expense(app, user.id, "Transport", 1250, date(2026, 10, 5), "Bus pass")
    response = post_form(client, f"/expenses/{expense_id}/edit", _form(app, user, category_id=str(bob_housing)))
    assert response.status_code == 422
    assert expense_rows(app) == [(user.id, "Transport", date(2026, 10, 5), "Bus pass", 1250)]


def test_script_in_a_description_is_shown_as_text(app, client, user):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = post_form(client, "/expenses/new", _form(app, user, description=payload))
    assert response.status_code == 302
    assert expense_rows(app)[0][3] == payload
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
    expense_id = _expense_id(app)
    for path in ("/expenses", "/", f"/expenses/{expense_id}/delete"):
        page = client.get(path).get_data(as_text=True)
        assert escaped in page, path
        assert "<script>alert" not in page, path
        assert "<img src=x" not in page, path


def _expense_id(app):
    with app.app_context():
        return db.session.scalar(db.select(Expense.id))


FIRST_PAGE = ["Item 2", "Item 1", "Item 0"]


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("after=garbage", FIRST_PAGE),
        ("before=2026-99-99:1", FIRST_PAGE),
        ("last=yes", FIRST_PAGE),
        # A cursor past every id: the rows after it in the list's order.
        ("after=2026-01-01:9999999999", ["Item 0"]),
        # Not an amount any expense can have; must not overflow the database's integers.
        ("sort=amount&after=99999999999999999999:1", FIRST_PAGE),
        ("sort=amount&before=-1:1", FIRST_PAGE),
        ("sort=category&after=9999999999.2026-01-01:1", FIRST_PAGE),
    ],
)
def test_a_stale_or_edited_page_cursor_shows_the_list_not_an_error(app, client, user, query, shown):
    for n in range(3):
        add_expense(app, user.id, "Other", 100 + n, date(2026, 1, 1 + n), f"Item {n}")
    response = client.get(f"/expenses?{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert element_text(page, "list-count") == "3 expenses"
    assert [description for _, description, _, _ in _listed(page)] == shown

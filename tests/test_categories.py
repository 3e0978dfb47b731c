"""Categories: the list with counts and totals, create, rename, colours, and deleting without losing
expenses by accident."""

from datetime import date

import pytest

from app.extensions import db
from app.models import Category, Expense, User
from tests.conftest import AuthActions, add_expense, category_id, count_rows, ledger_of, post_form
from tests.pages import field_errors, flashes, input_value, options, swatches, table_rows

STARTER_ROWS = [
    ("Entertainment", "0", "₹0.00"),
    ("Food & groceries", "0", "₹0.00"),
    ("Health", "0", "₹0.00"),
    ("Housing", "0", "₹0.00"),
    ("Other", "0", "₹0.00"),
    ("Shopping", "0", "₹0.00"),
    ("Transport", "0", "₹0.00"),
    ("Utilities", "0", "₹0.00"),
]


def _listed(client):
    """(name, expense count, total) of each category on the categories page, top to bottom."""
    page = client.get("/categories").get_data(as_text=True)
    return [(name, count, total) for name, count, total, _actions in table_rows(page, "category-list")]


def _categories(app, user_id):
    with app.app_context():
        return [
            (c.name, c.name_key, c.color)
            for c in db.session.scalars(
                db.select(Category).where(Category.ledger_id == ledger_of(user_id)).order_by(Category.name_key)
            )
        ]


def _expenses(app, user_id):
    with app.app_context():
        return [
            (e.id, e.category.name, e.description, e.amount_cents)
            for e in db.session.scalars(
                db.select(Expense).where(Expense.ledger_id == ledger_of(user_id)).order_by(Expense.id)
            )
        ]


def _register_bob(app) -> int:
    assert AuthActions(app.test_client()).register(email="bob@example.com").status_code == 302
    with app.app_context():
        return db.session.scalar(db.select(User.id).where(User.email == "bob@example.com"))


def test_list_shows_exact_counts_and_totals(app, client, user):
    add_expense(app, user.id, "Housing", 2_000_000, date(2026, 1, 1))
    add_expense(app, user.id, "Housing", 2_000_001, date(2026, 2, 1))
    add_expense(app, user.id, "Transport", 10, date(2026, 2, 1))
    add_expense(app, user.id, "Transport", 10, date(2026, 2, 2))
    add_expense(app, user.id, "Transport", 10, date(2026, 2, 3))
    # Bob's spending never shows in Alice's figures.
    add_expense(app, _register_bob(app), "Housing", 999_999, date(2026, 2, 1))

    assert _listed(client) == [
        ("Entertainment", "0", "₹0.00"),
        ("Food & groceries", "0", "₹0.00"),
        ("Health", "0", "₹0.00"),
        ("Housing", "2", "₹40,000.01"),
        ("Other", "0", "₹0.00"),
        ("Shopping", "0", "₹0.00"),
        ("Transport", "3", "₹0.30"),
        ("Utilities", "0", "₹0.00"),
    ]
    page = client.get("/categories").get_data(as_text=True)
    assert swatches(page, "category-list") == [
        "#ef6c00",
        "#2e7d32",
        "#c62828",
        "#6a1b9a",
        "#546e7a",
        "#ad1457",
        "#1565c0",
        "#00838f",
    ]


def test_create_category(app, client, user):
    response = post_form(client, "/categories", {"name": "  Pets  ", "color": "#12AB9f"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/categories"
    assert ("Pets", "pets", "#12AB9f") in _categories(app, user.id)
    assert count_rows(app, Category) == 9
    page = client.get("/categories").get_data(as_text=True)
    assert flashes(page) == ["Created category Pets."]
    assert ("Pets", "0", "₹0.00") in [row[:3] for row in table_rows(page, "category-list")]


@pytest.mark.parametrize("name", ["housing", "HOUSING", "  Housing ", "HoUsInG"])
def test_duplicate_name_ignoring_case_is_refused(app, client, user, name):
    response = post_form(client, "/categories", {"name": name, "color": "#123456"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_errors(page) == {"name": "You already have a category with this name."}
    assert input_value(page, "name") == name.strip()
    assert count_rows(app, Category) == 8


def test_casefolding_catches_names_that_differ_only_by_special_casing(app, client, user):
    assert post_form(client, "/categories", {"name": "Straße", "color": "#123456"}).status_code == 302
    response = post_form(client, "/categories", {"name": "STRASSE", "color": "#123456"})
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == {"name": "You already have a category with this name."}
    assert count_rows(app, Category) == 9


def test_the_same_name_is_fine_for_another_user(app, client, user):
    bob = _register_bob(app)
    assert post_form(client, "/categories", {"name": "Pets", "color": "#123456"}).status_code == 302
    bob_client = app.test_client()
    AuthActions(bob_client).login(email="bob@example.com")
    assert post_form(bob_client, "/categories", {"name": "PETS", "color": "#654321"}).status_code == 302
    assert ("PETS", "pets", "#654321") in _categories(app, bob)
    assert ("Pets", "pets", "#123456") in _categories(app, user.id)


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"name": "", "color": "#123456"}, {"name": "Give the category a name."}),
        ({"name": "   ", "color": "#123456"}, {"name": "Give the category a name."}),
        ({"name": "x" * 41, "color": "#123456"}, {"name": "Keep the name under 41 characters."}),
        # casefold() makes "ß" two letters; the stored key must still fit.
        (
            {"name": "ß" * 21, "color": "#123456"},
            {"name": "Keep the name under 41 characters (letters like ß count as two)."},
        ),
        (
            {"name": "Tab\tname", "color": "#123456"},
            {"name": "Use ordinary characters only: no tabs, line breaks or control codes."},
        ),
        (
            {"name": "Nul\x00", "color": "#123456"},
            {"name": "Use ordinary characters only: no tabs, line breaks or control codes."},
        ),
        ({"name": "Pets", "color": "red"}, {"color": "Choose a colour like #1565c0."}),
        ({"name": "Pets", "color": "#12345"}, {"color": "Choose a colour like #1565c0."}),
        ({"name": "Pets", "color": "#1234567"}, {"color": "Choose a colour like #1565c0."}),
        ({"name": "Pets", "color": "#GGGGGG"}, {"color": "Choose a colour like #1565c0."}),
        ({"name": "Pets", "color": "123456"}, {"color": "Choose a colour like #1565c0."}),
        ({"name": "Pets", "color": '#123456" onload="x'}, {"color": "Choose a colour like #1565c0."}),
        ({"name": "Pets", "color": ""}, {"color": "Choose a colour like #1565c0."}),
    ],
)
def test_bad_category_input_is_refused(app, client, user, data, errors):
    response = post_form(client, "/categories", data)
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == errors
    assert count_rows(app, Category) == 8


def test_name_of_exactly_40_characters_is_accepted(app, client, user):
    assert post_form(client, "/categories", {"name": "ß" * 20, "color": "#123456"}).status_code == 302
    assert post_form(client, "/categories", {"name": "y" * 40, "color": "#123456"}).status_code == 302
    names = [name for name, _, _ in _categories(app, user.id)]
    assert "ß" * 20 in names
    assert "y" * 40 in names


def test_rename_category(app, client, user):
    housing = category_id(app, user.id, "Housing")
    expense_id = add_expense(app, user.id, "Housing", 500, date(2026, 1, 1), "Rent")
    page = client.get(f"/categories/{housing}/edit").get_data(as_text=True)
    assert input_value(page, "name") == "Housing"
    assert input_value(page, "color") == "#6a1b9a"

    response = post_form(client, f"/categories/{housing}/edit", {"name": "Home", "color": "#000000"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/categories"
    assert ("Home", "home", "#000000") in _categories(app, user.id)
    assert "Housing" not in [name for name, _, _ in _categories(app, user.id)]
    # The expense follows its category.
    assert _expenses(app, user.id) == [(expense_id, "Home", "Rent", 500)]


def test_rename_to_its_own_name_in_another_case_is_allowed(app, client, user):
    housing = category_id(app, user.id, "Housing")
    response = post_form(client, f"/categories/{housing}/edit", {"name": "HOUSING", "color": "#6a1b9a"})
    assert response.status_code == 302
    assert ("HOUSING", "housing", "#6a1b9a") in _categories(app, user.id)


def test_rename_to_another_categorys_name_is_refused(app, client, user):
    housing = category_id(app, user.id, "Housing")
    response = post_form(client, f"/categories/{housing}/edit", {"name": "transport", "color": "#6a1b9a"})
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == {"name": "You already have a category with this name."}
    assert ("Housing", "housing", "#6a1b9a") in _categories(app, user.id)


def test_edit_with_a_bad_colour_changes_nothing(app, client, user):
    housing = category_id(app, user.id, "Housing")
    response = post_form(client, f"/categories/{housing}/edit", {"name": "Home", "color": "purple"})
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == {"color": "Choose a colour like #1565c0."}
    assert ("Housing", "housing", "#6a1b9a") in _categories(app, user.id)


def test_delete_an_empty_category(app, client, user):
    shopping = category_id(app, user.id, "Shopping")
    page = client.get(f"/categories/{shopping}/delete").get_data(as_text=True)
    assert "It has no expenses. Deleting it cannot be undone." in page
    assert count_rows(app, Category) == 8

    response = post_form(client, f"/categories/{shopping}/delete")
    assert response.status_code == 302
    assert response.headers["Location"] == "/categories"
    assert "Shopping" not in [name for name, _, _ in _categories(app, user.id)]
    assert count_rows(app, Category) == 7
    assert flashes(client.get("/categories").get_data(as_text=True)) == ["Deleted Shopping."]


def _housing_with_expenses(app, user):
    housing = category_id(app, user.id, "Housing")
    first = add_expense(app, user.id, "Housing", 2_000_000, date(2026, 1, 1), "Rent January")
    second = add_expense(app, user.id, "Housing", 2_000_000, date(2026, 2, 1), "Rent February")
    other = add_expense(app, user.id, "Transport", 250, date(2026, 2, 2), "Bus")
    return housing, first, second, other


def test_delete_page_asks_what_happens_to_the_expenses(app, client, user):
    housing, *_ = _housing_with_expenses(app, user)
    response = client.get(f"/categories/{housing}/delete")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This category has <strong>2</strong> expenses. Choose what happens to them." in page
    assert "Delete them too (2 expenses, cannot be undone)" in page
    assert [name for _, name in options(page, "move_to")] == [
        "Entertainment",
        "Food & groceries",
        "Health",
        "Other",
        "Shopping",
        "Transport",
        "Utilities",
    ]
    assert count_rows(app, Category) == 8
    assert count_rows(app, Expense) == 3


def test_delete_moving_the_expenses_to_another_category(app, client, user):
    housing, first, second, other = _housing_with_expenses(app, user)
    response = post_form(
        client,
        f"/categories/{housing}/delete",
        {"fate": "move", "move_to": str(category_id(app, user.id, "Other"))},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/categories"
    assert _expenses(app, user.id) == [
        (first, "Other", "Rent January", 2_000_000),
        (second, "Other", "Rent February", 2_000_000),
        (other, "Transport", "Bus", 250),
    ]
    assert "Housing" not in [name for name, _, _ in _categories(app, user.id)]
    page = client.get("/categories").get_data(as_text=True)
    assert flashes(page) == ["Deleted Housing; moved 2 expenses to Other."]
    assert ("Other", "2", "₹40,000.00") in [row[:3] for row in table_rows(page, "category-list")]


def test_delete_with_its_expenses_when_asked_explicitly(app, client, user):
    housing, _first, _second, other = _housing_with_expenses(app, user)
    response = post_form(client, f"/categories/{housing}/delete", {"fate": "delete"})
    assert response.status_code == 302
    assert _expenses(app, user.id) == [(other, "Transport", "Bus", 250)]
    assert count_rows(app, Category) == 7
    assert flashes(client.get("/categories").get_data(as_text=True)) == ["Deleted Housing and its 2 expenses."]


@pytest.mark.parametrize(
    "data",
    [
        {},  # no choice at all: "move" is the default, and nowhere to move to was chosen
        {"fate": "move"},
        {"fate": "move", "move_to": ""},
        {"fate": "move", "move_to": "abc"},
        {"fate": "move", "move_to": "999999"},
        {"fate": "move", "move_to": "SELF"},
        {"fate": "move", "move_to": "BOB"},
    ],
)
def test_delete_never_removes_expenses_without_a_valid_choice(app, client, user, data):
    housing, first, second, other = _housing_with_expenses(app, user)
    bob_other = category_id(app, _register_bob(app), "Other")
    data = {key: {"SELF": str(housing), "BOB": str(bob_other)}.get(value, value) for key, value in data.items()}
    response = post_form(client, f"/categories/{housing}/delete", data)
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == {
        "move_to": "Choose the category that should take these expenses."
    }
    assert _expenses(app, user.id) == [
        (first, "Housing", "Rent January", 2_000_000),
        (second, "Housing", "Rent February", 2_000_000),
        (other, "Transport", "Bus", 250),
    ]
    assert count_rows(app, Category) == 16


def test_an_unknown_fate_is_refused(app, client, user):
    housing, *_ = _housing_with_expenses(app, user)
    response = post_form(client, f"/categories/{housing}/delete", {"fate": "vanish"})
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == {"fate": "Not a valid choice."}
    assert count_rows(app, Expense) == 3
    assert count_rows(app, Category) == 8


def test_delete_without_the_csrf_token_does_nothing(app, client, user):
    housing, *_ = _housing_with_expenses(app, user)
    response = client.post(f"/categories/{housing}/delete", data={"fate": "delete"})
    assert response.status_code == 400
    assert count_rows(app, Expense) == 3
    assert count_rows(app, Category) == 8


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_another_users_category_is_not_found(app, client, user, action):
    bob = _register_bob(app)
    bob_housing = category_id(app, bob, "Housing")
    add_expense(app, bob, "Housing", 100, date(2026, 1, 1), "Bob's rent")
    assert client.get(f"/categories/{bob_housing}/{action}").status_code == 404
    data = {"name": "Mine now", "color": "#000000"} if action == "edit" else {"fate": "delete"}
    assert post_form(client, f"/categories/{bob_housing}/{action}", data).status_code == 404
    assert ("Housing", "housing", "#6a1b9a") in _categories(app, bob)
    assert len(_categories(app, bob)) == 8
    assert [(e[1], e[2], e[3]) for e in _expenses(app, bob)] == [("Housing", "Bob's rent", 100)]


def test_a_category_that_does_not_exist_is_not_found(client, user):
    for path in ("/categories/999999/edit", "/categories/999999/delete", "/categories/0/edit"):
        assert client.get(path).status_code == 404
        assert post_form(client, path, {"fate": "delete", "name": "x", "color": "#000000"}).status_code == 404


def test_a_user_with_no_categories_sees_an_empty_list(app, client, user):
    for name in [row[0] for row in STARTER_ROWS]:
        cid = category_id(app, user.id, name)
        assert post_form(client, f"/categories/{cid}/delete").status_code == 302
    page = client.get("/categories").get_data(as_text=True)
    assert "No categories yet. Create one to start adding expenses." in page
    assert count_rows(app, Category) == 0

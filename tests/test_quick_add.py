"""Quick add: the dialog's JSON endpoints, refused input, and what every page carries for it."""

from datetime import date

import pytest

from app import clock
from app.extensions import db
from app.models import Category, Expense, Ledger, User
from tests.conftest import (
    AuthActions,
    category_id,
    count_rows,
    csrf_token,
    expense_rows,
    ledger_of,
    personal_ledger_id,
    post_form,
)

URL = "/expenses/quick-add"
OPTIONS_URL = "/expenses/quick-add.json"
CSRF_REFUSED = "This form has expired or did not come from this site."


def _form(app, user, **overrides):
    data = {
        "amount": "12.50",
        "description": "Coffee",
        "category_id": str(category_id(app, user.id, "Food & groceries")),
        "spent_on": "2026-03-14",
    }
    data.update(overrides)
    return data


def test_options_list_my_categories_by_name(app, client, user):
    AuthActions(app.test_client()).register(email="bob@example.com")
    response = client.get(OPTIONS_URL)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert data["currency"] == "INR"
    assert [c["name"] for c in data["categories"]] == [
        "Entertainment",
        "Food & groceries",
        "Health",
        "Housing",
        "Other",
        "Shopping",
        "Transport",
        "Utilities",
    ]
    assert [c["id"] for c in data["categories"]] == [category_id(app, user.id, c["name"]) for c in data["categories"]]


def test_quick_add_saves_exactly_one_expense_and_answers_with_the_formatted_amount(app, client, user):
    response = post_form(client, URL, _form(app, user, amount="1,234.50", description="  Coffee  "))
    assert response.status_code == 201
    assert expense_rows(app) == [(user.id, "Food & groceries", date(2026, 3, 14), "Coffee", 123450)]
    with app.app_context():
        expense_id = db.session.scalar(db.select(Expense.id))
    assert response.get_json() == {
        "expense": {
            "id": expense_id,
            "description": "Coffee",
            "category": "Food & groceries",
            "spent_on": "2026-03-14",
            "amount": "₹1,234.50",
        },
        "message": "Added ₹1,234.50 for Coffee",
    }


def test_quick_add_in_another_currency(app, client, user):
    with app.app_context():
        db.session.get(Ledger, personal_ledger_id(app, user.id)).currency = "JPY"
        db.session.commit()
    response = post_form(client, URL, _form(app, user, amount="1200"))
    assert response.status_code == 201
    assert response.get_json()["message"] == "Added ¥1,200 for Coffee"
    assert expense_rows(app)[0][4] == 1200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", "", "Enter an amount."),
        ("amount", "12.505", "Use at most 2 decimal places."),
        ("amount", "abc", "Enter the amount as a number, like 12.50."),
        ("amount", "0", "The amount must be more than zero."),
        ("amount", "1e3", "Write the amount out in full, without an exponent (1000, not 1e3)."),
        ("description", "", "Describe the expense, for example “Groceries”."),
        ("category_id", "999999", "Choose one of your categories."),
        ("spent_on", "2100-01-01", "Choose a date between Jan 1, 1970 and Dec 31, 2099."),
        ("spent_on", "", "Choose the date of the expense."),
    ],
)
def test_invalid_input_is_refused_field_by_field_and_nothing_is_written(app, client, user, field, value, message):
    response = post_form(client, URL, _form(app, user, **{field: value}))
    assert response.status_code == 422
    assert response.get_json() == {"errors": {field: [message]}}
    assert count_rows(app, Expense) == 0


def test_every_problem_is_reported_at_once(app, client, user):
    response = post_form(client, URL, {"amount": "-1", "description": "", "category_id": "", "spent_on": "x"})
    assert response.status_code == 422
    assert response.get_json() == {
        "errors": {
            "amount": ["The amount must be more than zero."],
            "description": ["Describe the expense, for example “Groceries”."],
            "category_id": ["Choose one of your categories."],
            "spent_on": ["Not a valid date value."],
        }
    }
    assert count_rows(app, Expense) == 0


def test_another_users_category_is_refused(app, client, user):
    assert AuthActions(app.test_client()).register(email="bob@example.com").status_code == 302
    with app.app_context():
        bob_id = db.session.scalar(db.select(User.id).where(User.email == "bob@example.com"))
    bob_food = category_id(app, bob_id, "Food & groceries")
    response = post_form(client, URL, _form(app, user, category_id=str(bob_food)))
    assert response.status_code == 422
    assert response.get_json() == {"errors": {"category_id": ["Choose one of your categories."]}}
    assert count_rows(app, Expense) == 0


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_quick_add_without_a_valid_csrf_token_is_refused(app, client, user, token):
    data = _form(app, user)
    if token is not None:
        data["csrf_token"] = token
    response = client.post(URL, data=data)
    assert response.status_code == 400
    assert CSRF_REFUSED in response.get_data(as_text=True)
    assert count_rows(app, Expense) == 0


def test_quick_add_takes_the_token_from_the_header_too(app, client, user):
    response = client.post(URL, data=_form(app, user), headers={"X-CSRFToken": csrf_token(client)})
    assert response.status_code == 201
    assert len(expense_rows(app)) == 1


def test_quick_add_needs_a_signed_in_user(app, client, user):
    AuthActions(client).logout()
    assert client.get(OPTIONS_URL).headers["Location"] == "/login?next=%2Fexpenses%2Fquick-add.json"
    response = post_form(client, URL, _form(app, user))
    assert response.status_code == 302
    assert count_rows(app, Expense) == 0


def test_without_categories_quick_add_offers_none_and_saves_nothing(app, client, user):
    with app.app_context():
        db.session.execute(db.delete(Category).where(Category.ledger_id == ledger_of(user.id)))
        db.session.commit()
    today = clock.user_today().isoformat()  # the account is in UTC
    assert client.get(OPTIONS_URL).get_json() == {"categories": [], "currency": "INR", "today": today}
    response = post_form(
        client, URL, {"amount": "1", "description": "Tea", "category_id": "1", "spent_on": "2026-01-01"}
    )
    assert response.status_code == 422
    assert count_rows(app, Expense) == 0


def test_every_signed_in_page_has_the_button_and_the_inert_dialog(client, user):
    for path, reloads in [
        ("/", "true"),
        ("/expenses", "true"),
        ("/account/settings", "false"),
        ("/expenses/new", "false"),
    ]:
        page = client.get(path).get_data(as_text=True)
        assert (
            '<a class="btn btn-success btn-sm text-nowrap" id="quick-add-button" href="/expenses/new"\n'
            '             aria-keyshortcuts="n" title="Add an expense (shortcut: N)">' in page
        ), path
        assert f'data-reload="{reloads}">' in page, path
        # The dialog's fields live inside <template>: the page itself has one Amount field at most.
        template = page.split('<template id="quick-add-template"', 1)[1].split("</template>", 1)[0]
        assert 'id="quick-add-amount" name="amount"' in template
        assert page.count('id="quick-add-amount"') == 1


def test_signed_out_pages_have_no_quick_add(client):
    page = client.get("/login").get_data(as_text=True)
    assert "quick-add" not in page

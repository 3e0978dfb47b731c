"""Idempotency keys on quick add: the offline queue sends each expense with a key, and sending it
again (the answer was lost, the phone retried) never saves it twice."""

import uuid
from datetime import date

from sqlalchemy import delete, select

from app import idempotency
from app.extensions import db
from app.models import Category, Expense, IdempotentRequest, User
from tests.conftest import AuthActions, category_id, count_rows, csrf_token, expense_rows, post_form
from tests.test_races import at_once, held_at_first_insert, signed_in_client

URL = "/expenses/quick-add"


def _form(app, user_id, **overrides):
    data = {
        "amount": "12.50",
        "description": "Coffee",
        "category_id": str(category_id(app, user_id, "Food & groceries")),
        "spent_on": "2026-03-14",
    }
    data.update(overrides)
    return data


def _send(client, data, key):
    return post_form(client, URL, data, headers={idempotency.HEADER: key})


def test_the_same_key_twice_saves_one_expense_and_answers_the_first_answer_again(app, client, user):
    key = str(uuid.uuid4())
    first = _send(client, _form(app, user.id), key)
    again = _send(client, _form(app, user.id), key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json() == first.get_json()
    assert first.get_json()["message"] == "Added ₹12.50 for Coffee"
    assert idempotency.REPLAYED_HEADER not in first.headers
    assert again.headers[idempotency.REPLAYED_HEADER] == "true"
    assert expense_rows(app) == [(user.id, "Food & groceries", date(2026, 3, 14), "Coffee", 1250)]
    assert count_rows(app, IdempotentRequest) == 1


def test_different_keys_save_two_expenses(app, client, user):
    assert _send(client, _form(app, user.id), str(uuid.uuid4())).status_code == 201
    assert _send(client, _form(app, user.id), str(uuid.uuid4())).status_code == 201
    assert expense_rows(app) == [(user.id, "Food & groceries", date(2026, 3, 14), "Coffee", 1250)] * 2


def test_another_accounts_key_does_not_collide(app, client, user):
    bob = app.test_client()
    assert AuthActions(bob).register(email="bob@example.com").status_code == 302
    with app.app_context():
        bob_id = db.session.scalar(select(User.id).where(User.email == "bob@example.com"))
    key = "the-same-key"
    assert _send(client, _form(app, user.id), key).status_code == 201
    response = _send(bob, _form(app, bob_id, amount="3"), key)
    assert response.status_code == 201
    assert response.get_json()["message"] == "Added ₹3.00 for Coffee"
    assert idempotency.REPLAYED_HEADER not in response.headers
    assert expense_rows(app) == [
        (user.id, "Food & groceries", date(2026, 3, 14), "Coffee", 1250),
        (bob_id, "Food & groceries", date(2026, 3, 14), "Coffee", 300),
    ]


def test_the_key_with_other_details_is_refused_and_nothing_is_saved(app, client, user):
    key = str(uuid.uuid4())
    assert _send(client, _form(app, user.id), key).status_code == 201
    response = _send(client, _form(app, user.id, amount="99"), key)
    assert response.status_code == 409
    assert response.get_json() == {
        "errors": {"idempotency_key": ["This expense was sent before with other details: it was not saved again."]}
    }
    assert [row[4] for row in expense_rows(app)] == [1250]


def test_a_retry_after_the_category_went_gets_the_first_answer_not_an_error(app, client, user):
    key = str(uuid.uuid4())
    data = _form(app, user.id)
    first = _send(client, data, key)
    with app.app_context():
        db.session.execute(delete(Expense))
        db.session.execute(delete(Category).where(Category.id == int(data["category_id"])))
        db.session.commit()
    again = _send(client, data, key)
    assert again.status_code == 201
    assert again.get_json() == first.get_json()
    assert count_rows(app, Expense) == 0


def test_refused_input_is_not_remembered_so_the_same_key_may_send_it_corrected(app, client, user):
    key = str(uuid.uuid4())
    refused = _send(client, _form(app, user.id, category_id="999999"), key)
    assert refused.status_code == 422
    assert refused.get_json() == {"errors": {"category_id": ["Choose one of your categories."]}}
    assert count_rows(app, IdempotentRequest) == 0
    assert _send(client, _form(app, user.id), key).status_code == 201
    assert [row[4] for row in expense_rows(app)] == [1250]


def test_a_key_that_is_not_printable_ascii_is_refused(app, client, user):
    for key in ("", "x" * 256, "with space", "naïve"):
        response = post_form(client, URL, _form(app, user.id), headers={idempotency.HEADER: key})
        assert response.status_code == 400, key
        assert response.get_json() == {
            "errors": {"idempotency_key": ["The idempotency key must be 1 to 255 printable characters without spaces."]}
        }
    assert count_rows(app, Expense) == 0


def test_the_same_key_sent_twice_at_once_saves_one_expense(app, client, user):
    data = _form(app, user.id)
    key = str(uuid.uuid4())
    other_tab = signed_in_client(app)

    def sender(tab):
        token = csrf_token(tab)
        return lambda: tab.post(URL, data={**data, "csrf_token": token}, headers={idempotency.HEADER: key})

    requests = [sender(client), sender(other_tab)]
    with held_at_first_insert(app, "expenses") as met:
        results = at_once(*requests)
    assert met == [True, True]
    assert [status for status, _ in results] == [201, 201]
    assert results[0][1] == results[1][1]
    assert [row[4] for row in expense_rows(app)] == [1250]
    assert count_rows(app, IdempotentRequest) == 1

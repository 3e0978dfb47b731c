"""Ledger settings: budget and currency, refused inputs, and currencies with other decimal places."""

from datetime import date

import pytest

from app.extensions import db
from app.models import Ledger, OverallBudget
from tests.conftest import add_expense, category_id, count_rows, post_form
from tests.pages import element_text, field_errors, flashes, input_value, selected_option


def _settings(app, user_id):
    """The currency and budget of the account's personal ledger."""
    with app.app_context():
        ledger = db.session.scalar(db.select(Ledger).where(Ledger.personal_user_id == user_id))
        return ledger.currency, ledger.monthly_budget_cents


def _save(client, currency="INR", budget="80000.00", start_day="1"):
    return post_form(
        client,
        "/ledger/settings",
        {"name": "Personal", "currency": currency, "monthly_budget": budget, "period_start_day": start_day},
    )


def test_settings_page_shows_the_current_values(client, user):
    page = client.get("/ledger/settings").get_data(as_text=True)
    assert selected_option(page, "currency") == "INR"
    assert input_value(page, "monthly_budget") == "80000.00"


def test_change_budget_and_currency(app, client, user):
    response = _save(client, currency="USD", budget="1,500.50")
    assert response.status_code == 302
    assert response.headers["Location"] == "/ledger/settings"
    assert _settings(app, user.id) == ("USD", 150050)

    page = client.get("/ledger/settings").get_data(as_text=True)
    assert flashes(page) == ["Ledger settings saved."]
    assert selected_option(page, "currency") == "USD"
    assert input_value(page, "monthly_budget") == "1500.50"

    add_expense(app, user.id, "Other", 50, date.today(), "Gum")
    dashboard = client.get("/").get_data(as_text=True)
    assert element_text(dashboard, "card-total") == "$0.50"
    assert element_text(dashboard, "card-left") == "$1,500.00"


@pytest.mark.parametrize(
    ("budget", "message"),
    [
        ("", "Enter an amount."),
        ("0", "The amount must be more than zero."),
        ("-100", "The amount must be more than zero."),
        ("abc", "Enter the amount as a number, like 12.50."),
        ("NaN", "Enter the amount as a number, like 12.50."),
        ("Infinity", "Enter the amount as a number, like 12.50."),
        ("1e5", "Write the amount out in full, without an exponent (1000, not 1e3)."),
        ("100.001", "Use at most 2 decimal places."),
        ("1000000000.01", "The largest amount allowed is ₹1,000,000,000.00."),
        ("9" * 30, "The largest amount allowed is ₹1,000,000,000.00."),
    ],
)
def test_bad_budget_is_refused_and_nothing_changes(app, client, user, budget, message):
    response = _save(client, budget=budget)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_errors(page) == {"monthly_budget": message}
    assert input_value(page, "monthly_budget") == budget
    assert _settings(app, user.id) == ("INR", 8_000_000)
    assert count_rows(app, OverallBudget) == 0


def test_unknown_currency_is_refused(app, client, user):
    response = _save(client, currency="XYZ", budget="100")
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == {"currency": "Not a valid choice."}
    assert _settings(app, user.id) == ("INR", 8_000_000)


def test_settings_need_the_csrf_token(app, client, user):
    response = client.post(
        "/ledger/settings",
        data={"name": "Personal", "currency": "USD", "monthly_budget": "1", "period_start_day": "1"},
    )
    assert response.status_code == 400
    assert _settings(app, user.id) == ("INR", 8_000_000)


@pytest.mark.parametrize("currency", ["JPY", "EUR"])
def test_switching_currency_is_refused_here_once_there_are_expenses(app, client, user, currency):
    # Whatever its decimal places: the expenses are converted at a rate on their own page, never relabelled.
    add_expense(app, user.id, "Other", 1234, date(2026, 1, 1), "Snack")
    response = _save(client, currency=currency, budget="80000")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_errors(page) == {
        "currency": f"The ledger has expenses in INR: to keep them in {currency}, convert them all at one rate "
        "with “Change the currency” below."
    }
    assert selected_option(page, "currency") == currency
    assert _settings(app, user.id) == ("INR", 8_000_000)
    # The expense still reads as what was spent.
    assert "₹12.34" in client.get("/expenses").get_data(as_text=True)


def test_switching_to_jpy_is_allowed_without_expenses(app, client, user):
    response = _save(client, currency="JPY", budget="80,000")
    assert response.status_code == 302
    assert _settings(app, user.id) == ("JPY", 80_000)
    page = client.get("/ledger/settings").get_data(as_text=True)
    assert input_value(page, "monthly_budget") == "80000"
    assert element_text(client.get("/").get_data(as_text=True), "card-left") == "¥80,000"

    # Amounts are now whole yen.
    response = post_form(
        client,
        "/expenses/new",
        {
            "amount": "1200",
            "description": "Ramen",
            "category_id": str(category_id(app, user.id, "Food & groceries")),
            "spent_on": date.today().isoformat(),
        },
    )
    assert response.status_code == 302
    assert element_text(client.get("/").get_data(as_text=True), "card-total") == "¥1,200"

    # And back again is refused now that there is an expense.
    assert _save(client, currency="INR", budget="80000").status_code == 422
    assert _settings(app, user.id) == ("JPY", 80_000)


def test_budget_is_read_in_the_currency_being_chosen(app, client, user):
    response = _save(client, currency="JPY", budget="80000.50")
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == {"monthly_budget": "Amounts in JPY have no decimal places."}
    assert _settings(app, user.id) == ("INR", 8_000_000)


def test_account_settings_no_longer_hold_the_ledgers_budget_or_currency(app, client, user):
    page = client.get("/account/settings").get_data(as_text=True)
    assert 'name="currency"' not in page and 'name="monthly_budget"' not in page
    assert 'name="period_start_day"' not in page
    # Fields of the old form are ignored: the ledger's settings change on the ledger's page only.
    response = post_form(
        client,
        "/account/settings",
        {"locale": "", "currency": "USD", "monthly_budget": "1", "period_start_day": "15"},
    )
    assert response.status_code == 302
    assert _settings(app, user.id) == ("INR", 8_000_000)
    assert count_rows(app, OverallBudget) == 0

"""The JSON API's ledger data: expenses (list with the list page's filters, sort and cursor pages;
create, read, change, delete), categories, budgets, recurring rules and the period summary. Exact
bodies and status codes; refused requests write nothing; a create retried with its Idempotency-Key
is made once."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import EDITOR, VIEWER, Category, CategoryBudget, Expense, Ledger, LedgerMember, RecurringRule, User
from tests.conftest import AuthActions, add_expense, bearer, category_id, count_rows, make_token, personal_ledger_id
from tests.test_api_sweep import _data
from tests.test_security_sweep import _user_id

PROBLEM = "application/problem+json"
MOMENT = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)  # a Saturday; Alice's zone is UTC


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(clock, "utcnow", lambda: MOMENT)


@pytest.fixture
def api(app, client, user, frozen):
    """(headers of Alice's read and write token, her personal ledger's id, its URL prefix)."""
    ledger_id = personal_ledger_id(app, user.id)
    return bearer(make_token(app, user.id)), ledger_id, f"/api/v1/ledgers/{ledger_id}"


def _expense_body(app, user_id, **changes):
    body = {
        "amount": {"amount": "12.30", "currency": "INR"},
        "description": "Coffee beans",
        "category_id": category_id(app, user_id, "Food & groceries"),
        "spent_on": "2026-12-04",
    }
    return {**body, **changes}


def _invalid(response, pointer_or_parameter: str, detail: str):
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == PROBLEM
    body = response.get_json()
    found = [error.get("pointer") or error.get("parameter") for error in body["errors"]]
    assert pointer_or_parameter in found, body
    assert any(error["detail"] == detail for error in body["errors"]), body


def test_an_expense_is_created_read_changed_and_deleted(app, client, user, api):
    headers, ledger_id, base = api
    food = category_id(app, user.id, "Food & groceries")
    response = client.post(f"{base}/expenses", json=_expense_body(app, user.id), headers=headers)
    assert response.status_code == 201
    with app.app_context():
        expense_id = db.session.scalar(select(Expense.id))
    created = {
        "id": expense_id,
        "spent_on": "2026-12-04",
        "description": "Coffee beans",
        "category_id": food,
        "amount": {"amount": "12.30", "currency": "INR"},
        "paid_by_id": None,
        "created_by_id": user.id,
        "recurring_rule_id": None,
        "created_at": "2026-12-05T09:30:00Z",
        "updated_at": "2026-12-05T09:30:00Z",
    }
    assert response.get_json() == created
    assert response.headers["Location"] == f"{base}/expenses/{expense_id}"
    assert client.get(f"{base}/expenses/{expense_id}", headers=headers).get_json() == created

    transport = category_id(app, user.id, "Transport")
    response = client.patch(
        f"{base}/expenses/{expense_id}",
        json={"amount": {"amount": "7", "currency": "INR"}, "category_id": transport},
        headers=headers,
    )
    assert response.status_code == 200
    changed = {**created, "amount": {"amount": "7.00", "currency": "INR"}, "category_id": transport}
    assert response.get_json() == changed
    with app.app_context():
        row = db.session.get(Expense, expense_id)
        assert (row.amount_cents, row.category_id, row.description) == (700, transport, "Coffee beans")

    response = client.delete(f"{base}/expenses/{expense_id}", headers=headers)
    assert (response.status_code, response.get_data()) == (204, b"")
    assert count_rows(app, Expense) == 0
    response = client.get(f"{base}/expenses/{expense_id}", headers=headers)
    assert (response.status_code, response.mimetype) == (404, PROBLEM)


def test_a_retried_create_with_its_key_is_made_once(app, client, user, api):
    headers, _ledger_id, base = api
    keyed = {**headers, "Idempotency-Key": "3f1c2a9e-retry"}
    first = client.post(f"{base}/expenses", json=_expense_body(app, user.id), headers=keyed)
    again = client.post(f"{base}/expenses", json=_expense_body(app, user.id), headers=keyed)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert count_rows(app, Expense) == 1
    # The same key with another request is refused, and nothing is made.
    other = client.post(f"{base}/expenses", json=_expense_body(app, user.id, description="Tea"), headers=keyed)
    _invalid(other, "Idempotency-Key", "This Idempotency-Key was sent before with another request; nothing was done.")
    # A key that cannot be one (a space) is refused before anything is done.
    response = client.post(
        f"{base}/expenses", json=_expense_body(app, user.id), headers={**headers, "Idempotency-Key": "two words"}
    )
    _invalid(response, "Idempotency-Key", "String does not match expected pattern.")
    # Without a key, two sends are two expenses (two coffees on one day are two expenses).
    for _ in range(2):
        assert client.post(f"{base}/expenses", json=_expense_body(app, user.id), headers=headers).status_code == 201
    assert count_rows(app, Expense) == 3
    # Categories and rules take keys too.
    keyed = {**headers, "Idempotency-Key": "category-1"}
    for _ in range(2):
        response = client.post(f"{base}/categories", json={"name": "Pets"}, headers=keyed)
        assert response.status_code == 201
    with app.app_context():
        assert db.session.scalars(select(Category.name).where(Category.name == "Pets")).all() == ["Pets"]


@pytest.mark.parametrize(
    ("changes", "where", "detail"),
    [
        ({"amount": {"amount": "12.345", "currency": "INR"}}, "#/amount/amount", "Use at most 2 decimal places."),
        ({"amount": {"amount": "0", "currency": "INR"}}, "#/amount/amount", "The amount must be more than zero."),
        ({"amount": {"amount": "12.30", "currency": "EUR"}}, "#/amount/currency", "Use the ledger's currency, INR."),
        ({"amount": 12.3}, "#/amount", "Invalid input type."),
        ({"description": "   "}, "#/description", "Describe the expense, for example “Groceries”."),
        (
            {"description": "Tab\there"},
            "#/description",
            "Use ordinary characters only: no tabs, line breaks or control codes.",
        ),
        (
            {"spent_on": "2100-01-01"},
            "#/spent_on",
            "Must be greater than or equal to 1970-01-01 and less than or equal to 2099-12-31.",
        ),
        ({"spent_on": "05/12/2026"}, "#/spent_on", "Not a valid date."),
        (
            {"paid_by_id": 1},
            "#/paid_by_id",
            "A personal ledger has no one else to name as payer: leave it out or send null.",
        ),
        ({"colour": "red"}, "#/colour", "Unknown field."),
    ],
)
def test_an_invalid_expense_is_a_422_naming_the_field(app, client, user, api, changes, where, detail):
    headers, _ledger_id, base = api
    before = _data(app)
    response = client.post(f"{base}/expenses", json=_expense_body(app, user.id, **changes), headers=headers)
    _invalid(response, where, detail)
    assert _data(app) == before


def _ids(items):
    return [item["description"] for item in items]


def test_the_list_filters_sorts_and_pages_like_the_expense_list(app, client, user, api):
    headers, _ledger_id, base = api
    food, transport = category_id(app, user.id, "Food & groceries"), category_id(app, user.id, "Transport")
    ids = [
        add_expense(
            app,
            user.id,
            "Food & groceries" if day % 2 else "Transport",
            100 + day,
            date(2026, 11, day),
            f"Item {day:02d}",
        )
        for day in range(1, 27)
    ]
    response = client.get(f"{base}/expenses", headers=headers)
    assert response.status_code == 200
    first = response.get_json()
    assert _ids(first["items"]) == [f"Item {day:02d}" for day in range(26, 1, -1)]
    assert (first["count"], first["total"]) == (26, {"amount": "29.51", "currency": "INR"})
    assert first["items"][0] == {
        "id": ids[25],
        "spent_on": "2026-11-26",
        "description": "Item 26",
        "category_id": transport,
        "amount": {"amount": "1.26", "currency": "INR"},
        "paid_by_id": None,
        "created_by_id": user.id,
        "recurring_rule_id": None,
        "created_at": "2026-12-05T09:30:00Z",
        "updated_at": "2026-12-05T09:30:00Z",
    }
    assert first["next"] == f"{base}/expenses?cursor=2026-11-02:{ids[1]}"
    second = client.get(first["next"], headers=headers).get_json()
    assert (_ids(second["items"]), second["count"], second["next"]) == (["Item 01"], 26, None)

    # The list page's filters and sort, with the same parameter names.
    response = client.get(
        f"{base}/expenses?q=item 1&category={food}&min=1.12&max=1.20&sort=amount&dir=asc", headers=headers
    )
    body = response.get_json()
    assert _ids(body["items"]) == ["Item 13", "Item 15", "Item 17", "Item 19"]
    assert (body["count"], body["total"], body["next"]) == (4, {"amount": "4.64", "currency": "INR"}, None)
    body = client.get(f"{base}/expenses?from=2026-11-24&to=2026-11-25&category={transport}", headers=headers).get_json()
    assert _ids(body["items"]) == ["Item 24"]
    # Sorted by amount, the next link keeps the sort and its cursor is the amount's.
    body = client.get(f"{base}/expenses?sort=amount&dir=asc&per_page=25", headers=headers).get_json()
    assert body["next"] == f"{base}/expenses?sort=amount&dir=asc&cursor=125:{ids[24]}"
    assert _ids(client.get(body["next"], headers=headers).get_json()["items"]) == ["Item 26"]


@pytest.mark.parametrize(
    ("query", "parameter", "detail"),
    [
        ("category=999999", "category", "This is not one of the ledger's; see its categories and members."),
        ("member=1", "member", "This is not one of the ledger's; see its categories and members."),
        (
            "cursor=2026-11-02:1&sort=amount",
            "cursor",
            "This cursor is not from a list with this sort order; start again without it.",
        ),
        ("sort=price", "sort", "Must be one of: date, amount, category."),
        ("from=yesterday", "from", "Not a valid date."),
        ("min=1e3", "min", "String does not match expected pattern."),
        ("per_page=10", "per_page", "Must be one of: 25, 50, 100."),
        ("colour=red", "colour", "Unknown field."),
    ],
)
def test_a_bad_list_parameter_is_a_422_naming_it(app, client, user, api, query, parameter, detail):
    headers, _ledger_id, base = api
    _invalid(client.get(f"{base}/expenses?{query}", headers=headers), parameter, detail)


def test_another_ledgers_category_is_a_422_on_that_field(app, client, user, api):
    headers, _ledger_id, base = api
    expense_id = add_expense(app, user.id, "Housing", 50_000, date(2026, 12, 1), "Rent")
    assert AuthActions(app.test_client()).register(email="bob@example.com").status_code == 302
    bob = _user_id(app, "bob@example.com")
    bobs_category = category_id(app, bob, "Food & groceries")
    before = _data(app)
    response = client.post(
        f"{base}/expenses", json=_expense_body(app, user.id, category_id=bobs_category), headers=headers
    )
    _invalid(response, "#/category_id", "Choose one of your categories.")
    response = client.patch(f"{base}/expenses/{expense_id}", json={"category_id": bobs_category}, headers=headers)
    _invalid(response, "#/category_id", "Choose one of your categories.")
    response = client.post(
        f"{base}/recurring-rules",
        json={
            "category_id": bobs_category,
            "description": "Rent",
            "amount": {"amount": "500.00", "currency": "INR"},
            "start_on": "2026-12-20",
            "unit": "month",
        },
        headers=headers,
    )
    _invalid(response, "#/category_id", "Choose one of your categories.")
    response = client.put(f"{base}/budgets/{bobs_category}", json={"limit": None}, headers=headers)
    assert (response.status_code, response.mimetype) == (404, PROBLEM)
    assert _data(app) == before


def test_categories_are_listed_and_created(app, client, user, api):
    headers, _ledger_id, base = api
    response = client.get(f"{base}/categories", headers=headers)
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [item["name"] for item in items] == [
        "Entertainment",
        "Food & groceries",
        "Health",
        "Housing",
        "Other",
        "Shopping",
        "Transport",
        "Utilities",
    ]
    assert items[1] == {
        "id": category_id(app, user.id, "Food & groceries"),
        "name": "Food & groceries",
        "color": "#2e7d32",
    }
    response = client.post(f"{base}/categories", json={"name": "Pets", "color": "#123abc"}, headers=headers)
    assert response.status_code == 201
    assert response.get_json() == {"id": category_id(app, user.id, "Pets"), "name": "Pets", "color": "#123abc"}
    assert response.headers["Location"] == f"{base}/categories"
    before = _data(app)
    _invalid(
        client.post(f"{base}/categories", json={"name": "PETS"}, headers=headers),
        "#/name",
        "You already have a category with this name.",
    )
    _invalid(
        client.post(f"{base}/categories", json={"name": "Pets", "color": "red"}, headers=headers),
        "#/color",
        "String does not match expected pattern.",
    )
    _invalid(
        client.post(f"{base}/categories", json={"name": "a\x00b"}, headers=headers),
        "#/name",
        "Use ordinary characters only: no tabs, line breaks or control codes.",
    )
    assert _data(app) == before


def test_budgets_show_the_current_period_and_set_a_category_limit(app, client, user, api):
    headers, _ledger_id, base = api
    food = category_id(app, user.id, "Food & groceries")
    add_expense(app, user.id, "Food & groceries", 100_000, date(2026, 12, 1), "Market")
    add_expense(app, user.id, "Food & groceries", 99_999, date(2026, 11, 30), "Last month")
    response = client.get(f"{base}/budgets", headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["period"] == {"key": "2026-12", "start": "2026-12-01", "last_day": "2026-12-31"}
    assert body["overall"] == {"amount": "80000.00", "currency": "INR"}
    assert body["categories"][1] == {
        "category_id": food,
        "name": "Food & groceries",
        "limit": None,
        "carried": {"amount": "0.00", "currency": "INR"},
        "spent": {"amount": "1000.00", "currency": "INR"},
        "left": None,
        "rollover": False,
    }
    assert len(body["categories"]) == 8

    response = client.put(
        f"{base}/budgets/{food}",
        json={"limit": {"amount": "3000", "currency": "INR"}, "rollover": True},
        headers=headers,
    )
    assert response.status_code == 200
    assert response.get_json() == {
        "category_id": food,
        "name": "Food & groceries",
        "limit": {"amount": "3000.00", "currency": "INR"},
        "carried": {"amount": "0.00", "currency": "INR"},
        "spent": {"amount": "1000.00", "currency": "INR"},
        "left": {"amount": "2000.00", "currency": "INR"},
        "rollover": True,
    }
    assert client.get(f"{base}/budgets", headers=headers).get_json()["categories"][1]["limit"] == {
        "amount": "3000.00",
        "currency": "INR",
    }
    with app.app_context():
        rows = db.session.execute(
            select(CategoryBudget.effective_from, CategoryBudget.limit_cents, CategoryBudget.rollover)
        ).all()
        assert rows == [(date(2026, 12, 1), 300_000, True)]
    _invalid(
        client.put(f"{base}/budgets/{food}", json={"limit": {"amount": "1.001", "currency": "INR"}}, headers=headers),
        "#/limit/amount",
        "Use at most 2 decimal places.",
    )
    response = client.put(f"{base}/budgets/{food}", json={"limit": None}, headers=headers)
    assert response.get_json()["limit"] is None
    assert (response.get_json()["left"], response.get_json()["rollover"]) == (None, False)


def test_recurring_rules_are_created_listed_and_read(app, client, user, api):
    headers, _ledger_id, base = api
    housing = category_id(app, user.id, "Housing")
    rule = {
        "category_id": housing,
        "description": "Rent",
        "amount": {"amount": "20000.00", "currency": "INR"},
        "start_on": "2026-12-20",
        "unit": "month",
    }
    response = client.post(f"{base}/recurring-rules", json=rule, headers=headers)
    assert response.status_code == 201
    with app.app_context():
        rule_id = db.session.scalar(select(RecurringRule.id))
    expected = {
        "id": rule_id,
        "category_id": housing,
        "description": "Rent",
        "amount": {"amount": "20000.00", "currency": "INR"},
        "start_on": "2026-12-20",
        "unit": "month",
        "every": 1,
        "month_day": None,
        "end_on": None,
        "occurrence_limit": None,
        "next_due": "2026-12-20",
        "paused": False,
    }
    assert response.get_json() == expected
    assert response.headers["Location"] == f"{base}/recurring-rules/{rule_id}"
    assert client.get(f"{base}/recurring-rules/{rule_id}", headers=headers).get_json() == expected
    assert count_rows(app, Expense) == 0

    # A first date in the past makes what was due since then at once: Thursdays 5 Nov to 3 Dec.
    weekly = {
        **rule,
        "description": "Cleaner",
        "amount": {"amount": "800", "currency": "INR"},
        "start_on": "2026-11-05",
    }
    response = client.post(
        f"{base}/recurring-rules", json={**weekly, "unit": "week", "occurrence_limit": 10}, headers=headers
    )
    assert response.status_code == 201
    assert (response.get_json()["next_due"], response.get_json()["occurrence_limit"]) == ("2026-12-10", 10)
    with app.app_context():
        made = db.session.scalars(select(Expense.spent_on).order_by(Expense.spent_on)).all()
    assert made == [date(2026, 11, 5), date(2026, 11, 12), date(2026, 11, 19), date(2026, 11, 26), date(2026, 12, 3)]
    listed = client.get(f"{base}/recurring-rules", headers=headers).get_json()["items"]
    assert [(item["description"], item["next_due"]) for item in listed] == [
        ("Cleaner", "2026-12-10"),
        ("Rent", "2026-12-20"),
    ]

    before = _data(app)
    for changes, where, detail in [
        ({"every": 30}, "#/every", "Choose a number from 1 to 24."),
        ({"unit": "fortnight"}, "#/unit", "Must be one of: day, week, month, year."),
        ({"end_on": "2026-12-01"}, "#/end_on", "The last date cannot be before the first."),
        (
            {"end_on": "2027-12-01", "occurrence_limit": 3},
            "#/occurrence_limit",
            "Send an end date or a number of times, not both.",
        ),
        (
            {"start_on": "1990-01-01", "unit": "day"},
            "#/start_on",
            "From this date it would add more than 366 expenses at once; choose a later first date.",
        ),
    ]:
        _invalid(client.post(f"{base}/recurring-rules", json={**rule, **changes}, headers=headers), where, detail)
    assert _data(app) == before


def test_the_summary_has_the_dashboards_figures(app, client, user, api):
    headers, _ledger_id, base = api
    food, transport = category_id(app, user.id, "Food & groceries"), category_id(app, user.id, "Transport")
    add_expense(app, user.id, "Food & groceries", 100_000, date(2026, 12, 1), "Market")
    add_expense(app, user.id, "Transport", 25_050, date(2026, 12, 4), "Train")
    add_expense(app, user.id, "Housing", 1_000_000, date(2026, 11, 30), "November rent")
    rent = {
        "category_id": category_id(app, user.id, "Housing"),
        "description": "Rent",
        "amount": {"amount": "20000.00", "currency": "INR"},
        "start_on": "2026-12-20",
        "unit": "month",
    }
    assert client.post(f"{base}/recurring-rules", json=rent, headers=headers).status_code == 201
    response = client.get(f"{base}/summary", headers=headers)
    assert response.status_code == 200
    assert response.get_json() == {
        "period": {"key": "2026-12", "start": "2026-12-01", "last_day": "2026-12-31"},
        "current": True,
        "budget": {"amount": "80000.00", "currency": "INR"},
        "spent": {"amount": "1250.50", "currency": "INR"},
        "left": {"amount": "78749.50", "currency": "INR"},
        "categories": [
            {
                "category_id": food,
                "name": "Food & groceries",
                "count": 1,
                "spent": {"amount": "1000.00", "currency": "INR"},
            },
            {
                "category_id": transport,
                "name": "Transport",
                "count": 1,
                "spent": {"amount": "250.50", "currency": "INR"},
            },
        ],
        "days_left": 27,
        "still_due": {"amount": "20000.00", "currency": "INR"},
        "projected": {"amount": "21250.50", "currency": "INR"},
        # (80000.00 - 21250.50) / 27 days, rounded down: 2175.9074...
        "safe_to_spend_per_day": {"amount": "2175.90", "currency": "INR"},
    }
    body = client.get(f"{base}/summary?period=2026-11", headers=headers).get_json()
    assert (body["current"], body["days_left"], body["spent"]["amount"], body["left"]["amount"]) == (
        False,
        0,
        "10000.00",
        "70000.00",
    )
    assert (body["still_due"], body["projected"], body["safe_to_spend_per_day"]) == (None, None, None)
    _invalid(
        client.get(f"{base}/summary?period=2026-13", headers=headers),
        "period",
        "String does not match expected pattern.",
    )


def _shared_ledger(app, user_id, role):
    """A EUR ledger Bob owns, with Alice as `role`; its id."""
    assert AuthActions(app.test_client()).register(email="bob@example.com").status_code == 302
    bob_id = _user_id(app, "bob@example.com")
    with app.app_context():
        ledger = Ledger(name="Flat", currency="EUR", monthly_budget_cents=150_000, period_start_day=1)
        db.session.add(ledger)
        db.session.flush()
        db.session.add(LedgerMember(ledger_id=ledger.id, user_id=user_id, role=role))
        db.session.add(LedgerMember(ledger_id=ledger.id, user_id=bob_id, role="owner"))
        db.session.commit()
        return ledger.id, bob_id


def test_a_viewer_reads_but_may_not_write(app, client, user, api):
    headers, _ledger_id, _base = api
    ledger_id, _bob_id = _shared_ledger(app, user.id, VIEWER)
    base = f"/api/v1/ledgers/{ledger_id}"
    for path in ("expenses", "categories", "budgets", "recurring-rules", "summary"):
        assert client.get(f"{base}/{path}", headers=headers).status_code == 200, path
    before = _data(app)
    response = client.post(f"{base}/categories", json={"name": "Pets"}, headers=headers)
    assert (response.status_code, response.mimetype) == (403, PROBLEM)
    assert response.get_json()["detail"] == "This token or your role in the ledger does not allow that."
    assert _data(app) == before


def test_an_editor_names_who_paid_in_a_shared_ledger(app, client, user, api):
    headers, _ledger_id, _base = api
    ledger_id, bob_id = _shared_ledger(app, user.id, EDITOR)
    base = f"/api/v1/ledgers/{ledger_id}"
    categories = client.post(f"{base}/categories", json={"name": "Bills"}, headers=headers)
    bills = categories.get_json()["id"]
    body = {
        "amount": {"amount": "45.10", "currency": "EUR"},
        "description": "Power",
        "category_id": bills,
        "spent_on": "2026-12-02",
    }
    response = client.post(f"{base}/expenses", json={**body, "paid_by_id": bob_id}, headers=headers)
    assert response.status_code == 201
    assert (response.get_json()["paid_by_id"], response.get_json()["created_by_id"]) == (bob_id, user.id)
    assert client.get(f"{base}/expenses?member={bob_id}", headers=headers).get_json()["count"] == 1
    assert client.get(f"{base}/expenses?member={user.id}", headers=headers).get_json()["count"] == 0
    _invalid(
        client.post(f"{base}/expenses", json={**body, "paid_by_id": 999_999}, headers=headers),
        "#/paid_by_id",
        "Choose a member of this ledger.",
    )


def test_the_api_counts_days_in_the_token_accounts_time_zone(app, client, user, api, monkeypatch):
    """Today is the account's, for the API too (the token's account; no cookie is sent): at 20:00 UTC
    on 30 November it is already 1 December in Auckland."""
    headers, _ledger_id, base = api
    with app.app_context():
        db.session.get(type(user), user.id).time_zone = "Pacific/Auckland"
        db.session.commit()
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 11, 30, 20, 0, tzinfo=UTC))
    api_client = app.test_client()  # no session cookie: only the token says who is asking
    rule = {
        "category_id": category_id(app, user.id, "Housing"),
        "description": "Rent",
        "amount": {"amount": "100.00", "currency": "INR"},
        "start_on": "2026-12-01",
        "unit": "month",
    }
    assert api_client.post(f"{base}/recurring-rules", json=rule, headers=headers).status_code == 201
    summary = api_client.get(f"{base}/summary", headers=headers).get_json()
    assert (summary["period"]["key"], summary["days_left"]) == ("2026-12", 31)
    with app.app_context():
        assert db.session.scalars(select(Expense.spent_on)).all() == [date(2026, 12, 1)]


def test_the_api_answers_in_the_token_accounts_language_whatever_cookie_comes_along(app, client, user):
    """The token's account chose German: its problems are German, from a client that also carries
    the session cookie of another account that chose English, and without any cookie."""
    with app.app_context():
        db.session.get(User, user.id).locale = "de_DE"
        db.session.commit()
    token = make_token(app, user.id, scope="read")
    path = f"/api/v1/ledgers/{personal_ledger_id(app, user.id)}/categories"
    other = app.test_client()
    AuthActions(other).register("english@example.com")
    for asking in (other, app.test_client()):
        response = asking.post(path, json={"name": "Kaffee"}, headers=bearer(token))
        assert response.status_code == 403
        assert response.get_json()["detail"] == (
            "Dieses Token darf nur lesen. Erstellen Sie ein Token zum Lesen und Schreiben, um Daten zu ändern."
        )

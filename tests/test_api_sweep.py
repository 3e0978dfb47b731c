"""Sweeps over every API operation in app.url_map: without a valid token (none, unknown, revoked,
expired) every one is 401; with another account's token every one that names an object is 404;
with a read-only token every write is 403. Nothing refused changes a row.

New operations are covered automatically; a write without a sample body in SAMPLE_BODIES fails the
sweep until one is added, so that a 404 or 403 can never come from a refused body instead. The ids
are of one ledger (the account's personal one) and of objects in it, so that every operation can
succeed with them.
"""

from datetime import UTC, datetime, timedelta

import pytest

from app import clock
from tests.conftest import AuthActions, api_token_id, bearer, make_token, personal_ledger_id, post_form
from tests.test_security_sweep import STATE_CHANGING, _int_arguments, _owned_ids, _rules, _snapshot, _url, _user_id

MONEY = {"amount": "1.00", "currency": "INR"}
# A valid body for each write, given the ids it is sent with, so that only the token or the ids can be
# what is refused.
SAMPLE_BODIES = {
    "api_expenses.expenses": lambda ids: {
        "amount": MONEY,
        "description": "Hijacked",
        "category_id": ids["category_id"],
        "spent_on": "2026-01-01",
    },
    "api_expenses.expense": lambda ids: {"description": "Hijacked"},
    "api_categories.categories": lambda ids: {"name": "Hijacked"},
    "api_budgets.set_category_limit": lambda ids: {"limit": MONEY},
    "api_recurring.rules": lambda ids: {
        "category_id": ids["category_id"],
        "description": "Hijacked",
        "amount": MONEY,
        "start_on": "2099-01-01",
        "unit": "month",
    },
}


# Every operation on a ledger's data: a sweep that no longer reaches one of them fails.
LEDGER_OPERATIONS = {
    f"{method} /api/v1/ledgers/<int:ledger_id>{path}"
    for method, path in [
        ("GET", ""),
        ("GET", "/expenses"),
        ("POST", "/expenses"),
        ("GET", "/expenses/<int:expense_id>"),
        ("PATCH", "/expenses/<int:expense_id>"),
        ("DELETE", "/expenses/<int:expense_id>"),
        ("GET", "/categories"),
        ("POST", "/categories"),
        ("GET", "/budgets"),
        ("PUT", "/budgets/<int:category_id>"),
        ("GET", "/recurring-rules"),
        ("POST", "/recurring-rules"),
        ("GET", "/recurring-rules/<int:rule_id>"),
        ("GET", "/summary"),
    ]
}


def _api_ids(app, user_id):
    """Ids of one object of each kind the account has, all in its personal ledger."""
    return {**_owned_ids(app, user_id), "ledger_id": personal_ledger_id(app, user_id)}


def _data(app):
    """Every row but the tokens', whose "last used" a request moves on."""
    rows = _snapshot(app)
    del rows["api_tokens"]
    return rows


def _operations(app):
    """(method, rule) for every API operation."""
    return [
        (method, rule)
        for rule in _rules(app, api=True)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    ]


def _send(client, method, rule, ids, headers):
    sample = SAMPLE_BODIES.get(rule.endpoint) if method in STATE_CHANGING else None
    body = sample(ids) if sample else None
    return client.open(_url(rule, ids), method=method, json=body, headers=headers)


@pytest.fixture
def bob_ids(app):
    assert AuthActions(app.test_client()).register(email="bob@example.com").status_code == 302
    return _api_ids(app, _user_id(app, "bob@example.com"))


def test_every_write_has_a_sample_body(app):
    for method, rule in _operations(app):
        if method in STATE_CHANGING and method != "DELETE":
            assert rule.endpoint in SAMPLE_BODIES, f"{method} {rule.rule}: add a sample body"


def test_every_sample_body_is_accepted_with_the_accounts_own_ids(app, client, user):
    ids = _api_ids(app, user.id)
    token = make_token(app, user.id, scope="write")
    writes = [(method, rule) for method, rule in _operations(app) if method in STATE_CHANGING]
    # Deletes last, so that the expense is still there to change.
    for method, rule in sorted(writes, key=lambda write: write[0] == "DELETE"):
        response = _send(client, method, rule, ids, bearer(token))
        assert response.status_code in (200, 201, 204), f"{method} {rule.rule}: {response.get_json()}"


def test_every_operation_refuses_a_missing_or_dead_token(app, client, user, monkeypatch):
    ids = _api_ids(app, user.id)
    revoked = make_token(app, user.id)
    assert post_form(client, f"/account/tokens/{api_token_id(app, revoked)}/revoke").status_code == 302
    start = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    monkeypatch.setattr(clock, "utcnow", lambda: start)
    expired = make_token(app, user.id, lifetime=timedelta(days=7))
    monkeypatch.setattr(clock, "utcnow", lambda: start + timedelta(days=8))
    before = _snapshot(app)
    swept = set()
    for method, rule in _operations(app):
        for headers in ({}, bearer("et_" + "x" * 43), bearer(revoked), bearer(expired)):
            response = _send(app.test_client(), method, rule, ids, headers)
            assert response.status_code == 401, f"{method} {rule.rule} {headers}"
            assert response.mimetype == "application/problem+json"
        swept.add(f"{method} {rule.rule}")
    assert _snapshot(app) == before
    assert {"GET /api/v1/me", "GET /api/v1/ledgers"} | LEDGER_OPERATIONS <= swept


def test_another_accounts_token_reaches_nothing(app, client, user, bob_ids):
    token = make_token(app, user.id, scope="write")
    before = _data(app)
    swept = set()
    for method, rule in _operations(app):
        if not _int_arguments(rule):
            continue
        response = _send(client, method, rule, bob_ids, bearer(token))
        assert response.status_code == 404, f"{method} {rule.rule}"
        assert response.get_json()["detail"] == "There is nothing here, or this token may not see it."
        swept.add(f"{method} {rule.rule}")
    assert _data(app) == before
    assert swept >= LEDGER_OPERATIONS


@pytest.mark.parametrize("object_id", [0, 2**31, 10**30])
def test_ids_that_cannot_exist_are_not_found(app, client, user, object_id):
    token = make_token(app, user.id, scope="write")
    for method, rule in _operations(app):
        names = _int_arguments(rule)
        if names:
            # The bodies' category: a body is only looked at once the ids in the URL are found.
            ids = {"category_id": 1, **dict.fromkeys(names, object_id)}
            response = _send(client, method, rule, ids, bearer(token))
            assert response.status_code == 404, f"{method} {rule.rule}"


def test_a_read_token_cannot_write(app, client, user):
    ids = _api_ids(app, user.id)
    token = make_token(app, user.id, scope="read")
    before = _data(app)
    swept = set()
    for method, rule in _operations(app):
        response = _send(client, method, rule, ids, bearer(token))
        if method in STATE_CHANGING:
            assert response.status_code == 403, f"{method} {rule.rule}"
            assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
        else:
            assert response.status_code == 200, f"{method} {rule.rule}"
        swept.add(f"{method} {rule.rule}")
    assert _data(app) == before
    assert swept >= LEDGER_OPERATIONS


def test_every_api_response_carries_the_security_headers(app, client, user):
    ids = _api_ids(app, user.id)
    token = make_token(app, user.id, scope="read")
    for method, rule in _operations(app):
        if method == "GET":
            response = _send(client, method, rule, ids, bearer(token))
            assert response.headers["X-Content-Type-Options"] == "nosniff", rule.rule
            assert response.headers["Cache-Control"] == "no-store", rule.rule
            assert "Set-Cookie" not in response.headers, rule.rule

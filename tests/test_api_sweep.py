"""Sweeps over every API operation in app.url_map: without a valid token (none, unknown, revoked,
expired) every one is 401; with another account's token every one that names an object is 404;
with a read-only token every write is 403. Nothing refused changes a row.

New operations are covered automatically; a write without a sample body in SAMPLE_BODIES fails the
sweep until one is added, so that a 404 or 403 can never come from a refused body instead.
"""

from datetime import UTC, datetime, timedelta

import pytest

from app import clock
from tests.conftest import AuthActions, api_token_id, bearer, make_token, post_form
from tests.test_security_sweep import STATE_CHANGING, _int_arguments, _owned_ids, _rules, _snapshot, _url, _user_id

# A valid body for each write, so that only the token or the ids can be what is refused.
SAMPLE_BODIES: dict[str, dict] = {}


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
    body = SAMPLE_BODIES.get(rule.endpoint) if method in STATE_CHANGING else None
    return client.open(_url(rule, ids), method=method, json=body, headers=headers)


@pytest.fixture
def bob_ids(app):
    assert AuthActions(app.test_client()).register(email="bob@example.com").status_code == 302
    return _owned_ids(app, _user_id(app, "bob@example.com"))


def test_every_write_has_a_sample_body(app):
    for method, rule in _operations(app):
        if method in STATE_CHANGING and method != "DELETE":
            assert rule.endpoint in SAMPLE_BODIES, f"{method} {rule.rule}: add a sample body"


def test_every_operation_refuses_a_missing_or_dead_token(app, client, user, monkeypatch):
    ids = _owned_ids(app, user.id)
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
    assert {"GET /api/v1/me", "GET /api/v1/ledgers", "GET /api/v1/ledgers/<int:ledger_id>"} <= swept


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
    assert "GET /api/v1/ledgers/<int:ledger_id>" in swept


@pytest.mark.parametrize("object_id", [0, 2**31, 10**30])
def test_ids_that_cannot_exist_are_not_found(app, client, user, object_id):
    token = make_token(app, user.id, scope="write")
    for method, rule in _operations(app):
        names = _int_arguments(rule)
        if names:
            response = _send(client, method, rule, dict.fromkeys(names, object_id), bearer(token))
            assert response.status_code == 404, f"{method} {rule.rule}"


def test_a_read_token_cannot_write(app, client, user):
    ids = _owned_ids(app, user.id)
    token = make_token(app, user.id, scope="read")
    before = _data(app)
    for method, rule in _operations(app):
        response = _send(client, method, rule, ids, bearer(token))
        if method in STATE_CHANGING:
            assert response.status_code == 403, f"{method} {rule.rule}"
            assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
        else:
            assert response.status_code == 200, f"{method} {rule.rule}"
    assert _data(app) == before


def test_every_api_response_carries_the_security_headers(app, client, user):
    ids = _owned_ids(app, user.id)
    token = make_token(app, user.id, scope="read")
    for method, rule in _operations(app):
        if method == "GET":
            response = _send(client, method, rule, ids, bearer(token))
            assert response.headers["X-Content-Type-Options"] == "nosniff", rule.rule
            assert response.headers["Cache-Control"] == "no-store", rule.rule
            assert "Set-Cookie" not in response.headers, rule.rule

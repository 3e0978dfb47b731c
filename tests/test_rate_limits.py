"""Rate limits on login, registration and password checks: per IP and per account, before hashing."""

import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

from app.auth import routes as auth_routes
from app.extensions import limiter
from tests.conftest import AuthActions, post_form


@pytest.fixture
def tight_limits(app):
    app.config.update(
        LOGIN_LIMIT_PER_IP="6 per minute",
        LOGIN_LIMIT_PER_ACCOUNT="3 per minute",
        REGISTER_LIMIT_PER_IP="2 per minute",
        REAUTH_LIMIT_PER_ACCOUNT="2 per minute",
    )


def test_failed_logins_for_one_account_are_limited_before_any_hashing(app, client, auth, tight_limits):
    auth.register()
    auth.logout()
    for _ in range(3):
        assert auth.login(password="wrong password!").status_code == 422
    with mock.patch.object(auth_routes, "check_password", wraps=auth_routes.check_password) as check:
        response = auth.login(password="wrong password!")
        assert response.status_code == 429
        assert check.call_count == 0
    page = response.get_data(as_text=True)
    assert "Too many attempts" in page
    assert "Expense Tracker" in page  # in the site's layout
    assert int(response.headers["Retry-After"]) > 0
    # Even the right password waits: the account is limited, not the guess.
    assert auth.login().status_code == 429


def test_account_limit_ignores_case_and_spacing_of_the_email(app, client, auth, tight_limits):
    for email in ("alice@example.com", "ALICE@example.com", " Alice@Example.com "):
        assert auth.login(email=email, password="nope nope nope").status_code == 422
    assert auth.login(email="alice@EXAMPLE.com", password="nope nope nope").status_code == 429


def test_successful_logins_do_not_count_against_the_account(app, client, auth, tight_limits):
    auth.register()
    for _ in range(4):
        auth.logout()
        assert auth.login().status_code == 302


def test_many_accounts_from_one_address_hit_the_per_ip_limit(app, client, auth, tight_limits):
    statuses = [auth.login(email=f"user{n}@example.com", password="wrong password").status_code for n in range(7)]
    assert statuses == [422] * 6 + [429]


def test_registration_is_limited_per_ip(app, client, tight_limits):
    statuses = []
    for n in range(3):
        browser = app.test_client()
        statuses.append(AuthActions(browser).register(email=f"new{n}@example.com").status_code)
    assert statuses == [302, 302, 429]


def test_password_change_is_limited_per_account(app, client, user, tight_limits):
    data = {"current_password": "wrong one here", "new_password": "another password", "confirm": "another password"}
    statuses = [post_form(client, "/account/password", data).status_code for _ in range(3)]
    assert statuses == [422, 422, 429]
    # Looking at the page is not an attempt.
    assert client.get("/account/password").status_code == 200


def test_limits_are_kept_in_the_configured_storage(app):
    """Memory in development and tests; Redis when RATELIMIT_STORAGE_URI says so (the PostgreSQL run)."""
    scheme = app.config["RATELIMIT_STORAGE_URI"].split(":", 1)[0]
    with app.app_context():
        assert type(limiter.storage).__name__ == {"memory": "MemoryStorage", "redis": "RedisStorage"}[scheme]


# Run in a process of its own: the limiter is one object per process, and once it has found its
# storage unreachable it keeps counting in memory until a later check finds the storage again.
REDIS_DOWN_SCRIPT = """
import re, socket, sys
from app import create_app
from app.extensions import db

with socket.socket() as probe:  # a port nothing listens on
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
app = create_app(
    "testing",
    SQLALCHEMY_DATABASE_URI="sqlite://",
    RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{port}/0",
    LOGIN_LIMIT_PER_IP="2 per minute",
)
with app.app_context():
    db.create_all()
client = app.test_client()
page = client.get("/login").get_data(as_text=True)
token = re.search('name="csrf-token" content="([^"]+)"', page).group(1)
form = {"csrf_token": token, "email": "nobody@example.com", "password": "not the password"}
print(*(client.post("/login", data=form).status_code for _ in range(3)))
"""


def test_with_redis_unreachable_limits_are_counted_in_memory_and_the_log_says_so():
    result = subprocess.run(
        [sys.executable, "-c", REDIS_DOWN_SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    # Pages are served, and the per-address limit still holds (in this worker's memory).
    assert result.stdout.split() == ["422", "422", "429"]
    assert "Rate limit storage unreachable - falling back to in-memory storage" in result.stderr

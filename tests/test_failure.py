"""When things go wrong: the database goes away and comes back, many writers at once, big uploads."""

import os
import threading
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db
from app.models import Category, Expense, SpendingDay, SpendingMonth
from config import DEVELOPMENT_SECRET_KEY
from tests.conftest import AuthActions, _create_postgres_database, ledger_of, post_form

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


def _migrate(app):
    with app.app_context():
        upgrade()
        for engine in db.engines.values():
            engine.dispose()


def _dispose(app):
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def _assert_unavailable(client, signed_in=True):
    page = (
        client.get("/expenses")
        if signed_in
        else post_form(client, "/login", {"email": "a@example.com", "password": "x" * 8})
    )
    assert page.status_code == 503
    body = page.get_data(as_text=True)
    assert "The database cannot be reached right now" in body
    assert "Traceback" not in body
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json() == {"status": "unavailable", "database": "unreachable"}


@pytest.mark.skipif(not POSTGRES_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")
def test_postgres_goes_away_and_comes_back_without_a_restart():
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    url, drop = _create_postgres_database(POSTGRES_URL)
    name = make_url(url).database
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    try:
        _migrate(app)
        client = app.test_client()
        assert AuthActions(client).register().status_code == 302
        assert client.get("/expenses").status_code == 200
        assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}

        with admin.connect() as connection:  # the database disappears under the running app
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        _assert_unavailable(client)

        with admin.connect() as connection:  # ... and comes back, empty
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        _migrate(create_app("testing", SQLALCHEMY_DATABASE_URI=url))
        assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}
        # The old session is gone with the data: signed out, not an error.
        assert client.get("/expenses").status_code == 302
        assert AuthActions(client).register().status_code == 302
        assert client.get("/expenses").status_code == 200
    finally:
        _dispose(app)
        admin.dispose()
        drop()


def test_sqlite_file_that_cannot_be_opened_gives_503_then_recovers(tmp_path):
    folder = tmp_path / "not-yet"
    url = f"sqlite:///{folder / 'app.sqlite'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    try:
        client = app.test_client()
        _assert_unavailable(client, signed_in=False)

        folder.mkdir()
        _migrate(app)
        assert client.get("/healthz").status_code == 200
        assert AuthActions(client).register().status_code == 302
        assert client.get("/expenses").status_code == 200
    finally:
        _dispose(app)


def test_an_error_page_while_the_database_is_gone_is_the_503_page(tmp_path):
    folder = tmp_path / "database"
    folder.mkdir()
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'app.sqlite'}")
    try:
        _migrate(app)
        client = app.test_client()
        assert AuthActions(client).register().status_code == 302
        _dispose(app)
        folder.rename(tmp_path / "gone")  # new connections cannot open it
        # A form without its CSRF token (its form page failed while PostgreSQL restarted): the 400
        # page's layout asks who is signed in, and that takes the database.
        response = client.post("/expenses/new", data={"description": "Lunch"})
        assert response.status_code == 503
        assert "The database cannot be reached right now" in response.get_data(as_text=True)
        (tmp_path / "gone").rename(folder)
        assert client.get("/expenses").status_code == 200
    finally:
        _dispose(app)


def test_concurrent_adds_for_one_user_are_all_stored_exactly(app, user):
    threads_count, per_thread = 6, 5
    browsers = [app.test_client() for _ in range(threads_count)]
    for browser in browsers:
        assert AuthActions(browser).login().status_code == 302
    with app.app_context():
        category_ids = db.session.scalars(
            db.select(Category.id).where(Category.ledger_id == ledger_of(user.id)).order_by(Category.id).limit(2)
        ).all()
    # Two categories and two days in two months: concurrent writers meet on the same rollup rows.
    days = ("2026-01-31", "2026-02-01")

    failures = []
    start = threading.Barrier(threads_count)

    def add(browser, n):
        start.wait()
        for i in range(per_thread):
            response = post_form(
                browser,
                "/expenses/new",
                {
                    "amount": "0.10",
                    "description": f"t{n}-{i}",
                    "category_id": category_ids[n % 2],
                    "spent_on": days[i % 2],
                },
            )
            if response.status_code != 302:
                failures.append(response.status_code)

    threads = [threading.Thread(target=add, args=(browser, n)) for n, browser in enumerate(browsers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    with app.app_context():
        count, total = db.session.execute(db.select(db.func.count(), db.func.sum(Expense.amount_cents))).one()
        days_from_expenses = _sums_by(Expense.spent_on)
        months_from_expenses = defaultdict(lambda: (0, 0))
        for (category, day), (n, cents) in days_from_expenses.items():
            before = months_from_expenses[category, day.replace(day=1)]
            months_from_expenses[category, day.replace(day=1)] = (before[0] + n, before[1] + cents)
        stored_days = _rollup(SpendingDay, SpendingDay.day)
        stored_months = _rollup(SpendingMonth, SpendingMonth.month)
    assert count == threads_count * per_thread
    assert Decimal(total) / 100 == Decimal("3.00")
    # The rollup tables, which triggers keep, agree with the expenses the writers left.
    first, second = category_ids
    assert (
        stored_days
        == days_from_expenses
        == {
            (first, date(2026, 1, 31)): (9, 90),
            (first, date(2026, 2, 1)): (6, 60),
            (second, date(2026, 1, 31)): (9, 90),
            (second, date(2026, 2, 1)): (6, 60),
        }
    )
    assert stored_months == dict(months_from_expenses)
    assert stored_months[first, date(2026, 1, 1)] == (9, 90)


def _sums_by(column) -> dict:
    rows = db.session.execute(
        db.select(Expense.category_id, column, db.func.count(), db.func.sum(Expense.amount_cents)).group_by(
            Expense.category_id, column
        )
    )
    return {(category, key): (n, int(cents)) for category, key, n, cents in rows}


def _rollup(model, column) -> dict:
    rows = db.session.execute(db.select(model.category_id, column, model.expense_count, model.total_cents))
    return {(category, key): (n, int(cents)) for category, key, n, cents in rows}


def test_too_large_upload_gets_a_clear_413_page(client):
    response = client.post("/login", data={"email": "x" * (6 * 1024 * 1024)})
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert "Upload too large" in body
    assert "Expense Tracker" in body


def test_sqlite_runs_with_wal_and_a_busy_timeout(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite only")
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 15000
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_postgres_checks_connections_before_use(app):
    with app.app_context():
        expected = db.engine.dialect.name == "postgresql"
        assert db.engine.pool._pre_ping is expected


@pytest.mark.parametrize("secret", [None, "", DEVELOPMENT_SECRET_KEY])
def test_production_refuses_to_start_without_a_real_secret_key(secret):
    with pytest.raises(RuntimeError, match="Set SECRET_KEY"):
        create_app("production", SECRET_KEY=secret, SQLALCHEMY_DATABASE_URI="sqlite://")


def test_production_starts_with_a_secret_key_and_secure_cookies():
    app = create_app("production", SECRET_KEY="x" * 40, SQLALCHEMY_DATABASE_URI="sqlite://")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"

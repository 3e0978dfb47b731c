"""When things go wrong: the database goes away and comes back, many writers at once, big uploads."""

import os
import sqlite3
import threading
from collections import defaultdict
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from app.models import Category, Expense, SpendingDay, SpendingMonth, User
from config import DEVELOPMENT_SECRET_KEY
from tests.conftest import (
    AuthActions,
    _create_postgres_database,
    _empty_tables,
    bearer,
    ledger_of,
    make_token,
    personal_ledger_id,
    post_form,
)

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


# --- The connection lost in the middle of a request (issue 24: a PostgreSQL restart under load) ---


class DatabaseLoss:
    """Cuts the app's database away at one statement of the next request, the way a restart does:
    PostgreSQL terminates the backends (the statement fails with AdminShutdown) and refuses new
    connections until it is back; on SQLite the connection is closed under the app ("Cannot operate
    on a closed database", a ProgrammingError SQLAlchemy sees as a disconnect) and the file cannot be
    opened again. `back()` ends the outage."""

    def __init__(self, app):
        with app.app_context():
            self.engine = db.engine
        self.postgres = self.engine.dialect.name == "postgresql"
        self.statements = 0
        self.cut_at = None
        self.cut_at_end = False
        self.down = False
        if self.postgres:
            url = self.engine.url
            self.database = url.database
            self.admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "rollback", self._rollback)
        event.listen(self.engine, "do_connect", self._connect)

    def at(self, statement: int) -> None:
        """Cut before the next request's statement number `statement`, counted from 1."""
        self.statements, self.cut_at = 0, statement

    def at_the_end(self) -> None:
        """Cut after the next request's last statement, as its transaction is ended."""
        self.cut_at_end = True

    def _before(self, conn, *_args):
        self.statements += 1
        if self.statements == self.cut_at:
            self._cut(conn)

    def _rollback(self, conn):
        if self.cut_at_end:
            self._cut(conn)

    def _cut(self, conn):
        self.down, self.cut_at, self.cut_at_end = True, None, False
        if self.postgres:
            with self.admin.connect() as admin:
                admin.execute(text(f'ALTER DATABASE "{self.database}" ALLOW_CONNECTIONS false'))
                admin.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": self.database},
                )
        else:
            conn.connection.dbapi_connection.close()

    def _connect(self, *_args):
        if self.down and not self.postgres:
            raise sqlite3.OperationalError("unable to open database file")
        return None  # PostgreSQL refuses by itself while ALLOW_CONNECTIONS is false

    def back(self):
        if self.down and self.postgres:
            with self.admin.connect() as admin:
                admin.execute(text(f'ALTER DATABASE "{self.database}" ALLOW_CONNECTIONS true'))
        self.down, self.cut_at, self.cut_at_end = False, None, False

    def close(self):
        self.back()
        for name, listener in (
            ("before_cursor_execute", self._before),
            ("rollback", self._rollback),
            ("do_connect", self._connect),
        ):
            event.remove(self.engine, name, listener)
        if self.postgres:
            self.admin.dispose()


@contextmanager
def production_like_app(database_url):
    """The app as production runs it: an error the handlers do not answer goes to the 500 handler
    instead of up to the test (PROPAGATE_EXCEPTIONS)."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, PROPAGATE_EXCEPTIONS=False)
    loss = DatabaseLoss(app)
    try:
        yield app, loss
    finally:
        loss.close()
        with app.app_context():
            db.session.remove()
            _empty_tables()
            db.session.remove()
            db.engine.dispose()


def _signed_in_with_token(app):
    """A browser signed in (its session cookie is sent with the API call too, as Locust's is) and the
    account's API token and personal ledger."""
    client = app.test_client()
    assert AuthActions(client).register().status_code == 302
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.email == "alice@example.com"))
    return client, make_token(app, user_id), personal_ledger_id(app, user_id)


def _statements_of(loss, request) -> int:
    """The statements of one request, after a first one that did the once-a-minute bookkeeping."""
    assert request().status_code == 200
    loss.at(0)
    assert request().status_code == 200
    return loss.statements


# Statements per request once the once-a-minute bookkeeping (a token's "last used", a session's "last
# seen") is done, on both databases; each one is a point where the connection is cut.
STATEMENTS = {"api": 2, "list": 6}

API_UNAVAILABLE = {
    "type": "about:blank",
    "title": "Service Unavailable",
    "status": 503,
    "detail": "The database cannot be reached right now. Try again in a moment.",
}


def test_an_api_call_that_loses_the_database_at_any_statement_is_a_503_problem(database_url):
    with production_like_app(database_url) as (app, loss):
        client, token, ledger_id = _signed_in_with_token(app)

        def request():
            return client.get(f"/api/v1/ledgers/{ledger_id}", headers=bearer(token))

        count = _statements_of(loss, request)
        assert count == STATEMENTS["api"]
        for statement in range(1, count + 1):
            loss.at(statement)
            response = request()
            # Before the fix: the 503's detail was translated for the session cookie's account, which
            # took the database again, and the error out of the error handler was a bare 500.
            assert (statement, response.status_code) == (statement, 503)
            assert response.content_type == "application/problem+json"
            assert response.get_json() == API_UNAVAILABLE
            # The 503's own 5 s, which Flask-Limiter moves on to the end of the token's rate-limit minute.
            assert 5 <= int(response.headers["Retry-After"]) <= 60
            loss.back()
            assert request().status_code == 200  # the pool reconnects; no restart


def test_the_expense_list_that_loses_the_database_at_any_statement_is_the_503_page(database_url):
    with production_like_app(database_url) as (app, loss):
        client, _token, _ledger_id = _signed_in_with_token(app)

        def request():
            return client.get("/expenses")

        count = _statements_of(loss, request)
        assert count == STATEMENTS["list"]
        for statement in range(1, count + 1):
            loss.at(statement)
            response = request()
            assert (statement, response.status_code) == (statement, 503)
            body = response.get_data(as_text=True)
            assert "The database cannot be reached right now" in body
            assert "Traceback" not in body
            loss.back()
            assert request().status_code == 200


@pytest.mark.parametrize("path", ["/expenses", "/api/v1/ledgers/{ledger_id}"])
def test_a_connection_cut_after_the_last_statement_still_sends_the_page(database_url, path):
    """The page was made; ending the request's transaction on the dead connection must not turn it
    into the server's 500 (before the fix Flask-SQLAlchemy's teardown raised out of the app)."""
    with production_like_app(database_url) as (app, loss):
        client, token, ledger_id = _signed_in_with_token(app)

        def request():
            return client.get(path.format(ledger_id=ledger_id), headers=bearer(token))

        assert request().status_code == 200  # the once-a-minute bookkeeping done
        loss.at_the_end()
        response = request()
        assert response.status_code == 200
        assert loss.down is True  # the cut did happen, after the last statement
        loss.back()
        assert request().status_code == 200

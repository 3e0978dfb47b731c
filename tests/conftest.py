"""Fixtures: a migrated database per test run (SQLite file, or a fresh PostgreSQL database when
TEST_DATABASE_URL is set), an app and client per test with CSRF on, and helpers that act as a user."""

import os
import re
import uuid
from contextlib import contextmanager
from datetime import date

import pytest
from flask_migrate import upgrade
from itsdangerous import BadSignature
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from app import api_tokens, create_app
from app.extensions import db, limiter
from app.models import ApiToken, Category, Expense, Ledger, User

from .catalogues import compile_catalogues

PASSWORD = "correct horse battery staple"


def pytest_configure(config):
    # The app reads compiled catalogues; `make test` compiles them, a bare `pytest` here.
    compile_catalogues()


def _create_postgres_database(base_url: str) -> tuple[str, callable]:
    """A new, empty database named after the one in base_url, dropped again by the returned function."""
    url = make_url(base_url)
    name = f"{url.database or 'expenses_test'}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        url, drop = _create_postgres_database(base)
    else:
        url, drop = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}", None
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield url
    if drop:
        drop()


def _limiter_storage() -> str:
    """The rate-limit storage for this test process. limiter.reset() empties a whole Redis
    database, so each pytest-xdist worker gets its own (gw0 -> /10, gw1 -> /11, ...)."""
    uri = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if uri.startswith("redis://") and worker.startswith("gw"):
        uri = re.sub(r"(/\d+)?$", f"/{10 + int(worker[2:])}", uri, count=1)
    return uri


def _empty_tables() -> None:
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(table.name for table in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app(database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_STORAGE_URI=_limiter_storage())
    with app.app_context():
        limiter.reset()
    yield app
    with app.app_context():
        db.session.remove()
        _empty_tables()
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(client) -> str:
    """The CSRF token a browser would have, read from a page once per CSRF secret: again only when
    the secret in the client's session has changed (login, logout and a password change rotate it),
    not before every POST."""
    secret = _csrf_secret(client)
    cached = getattr(client, "cached_csrf", None)
    if secret is None or cached is None or cached[0] != secret:
        html = client.get("/", follow_redirects=True).get_data(as_text=True)
        match = re.search(r'<meta name="csrf-token" content="([^"]+)">', html)
        assert match, "no CSRF token on the page"
        client.cached_csrf = cached = (_csrf_secret(client), match.group(1))
    return cached[1]


def _csrf_secret(client) -> str | None:
    """The CSRF secret Flask-WTF keeps in the client's (signed cookie) session, None if it has none."""
    app = client.application
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    if cookie is None:
        return None
    serializer = app.session_interface.get_signing_serializer(app)
    try:
        session = serializer.loads(cookie.value)
    except BadSignature:
        return None
    return session.get(app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))


def post_form(client, url: str, data: dict | None = None, **kwargs):
    """POST like a browser submitting a form on this site: with the CSRF token."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client))
    return client.post(url, data=data, **kwargs)


class AuthActions:
    def __init__(self, client):
        self.client = client

    def register(self, email="alice@example.com", password=PASSWORD, confirm=None):
        return post_form(
            self.client,
            "/register",
            {"email": email, "password": password, "confirm": confirm if confirm is not None else password},
        )

    def login(self, email="alice@example.com", password=PASSWORD, remember=False, next_url=None):
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        url = "/login" + (f"?next={next_url}" if next_url else "")
        return post_form(self.client, url, data)

    def logout(self):
        return post_form(self.client, "/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def user(app, auth):
    """Alice, registered and signed in (with the starter categories)."""
    response = auth.register()
    assert response.status_code == 302
    with app.app_context():
        return db.session.scalar(db.select(User).where(User.email == "alice@example.com"))


def ledger_of(user_id: int):
    """The id of the account's personal ledger, as a subquery: the ledger a user_id meant before ledgers."""
    return db.select(Ledger.id).where(Ledger.personal_user_id == user_id).scalar_subquery()


def category_id(app, user_id: int, name: str) -> int:
    """The id of a category in the account's personal ledger."""
    with app.app_context():
        return db.session.scalar(
            db.select(Category.id).where(Category.ledger_id == ledger_of(user_id), Category.name == name)
        )


def add_expense(app, user_id, category_name, amount_cents, spent_on=None, description="Something"):
    """Insert an expense directly into the account's personal ledger, for tests about what pages show."""
    with app.app_context():
        category = db.session.scalar(
            db.select(Category).where(Category.ledger_id == ledger_of(user_id), Category.name == category_name)
        )
        expense = Expense(
            ledger_id=category.ledger_id,
            created_by_id=user_id,
            category_id=category.id,
            spent_on=spent_on or date.today(),
            description=description,
            amount_cents=amount_cents,
        )
        db.session.add(expense)
        db.session.commit()
        return expense.id


def expense_rows(app, user_id=None) -> list[tuple]:
    """Every expense as (owner of its personal ledger, category name, date, description, amount_cents), in id
    order; with user_id, only those in that account's personal ledger."""
    with app.app_context():
        query = db.select(Expense, Ledger.personal_user_id).join(Ledger).order_by(Expense.id)
        if user_id is not None:
            query = query.where(Expense.ledger_id == ledger_of(user_id))
        return [
            (owner, e.category.name, e.spent_on, e.description, e.amount_cents)
            for e, owner in db.session.execute(query)
        ]


def count_rows(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


@contextmanager
def recorded_statements(app):
    """Every SQL statement the app's engine runs inside the block, as a list of strings."""
    statements = []
    with app.app_context():
        engine = db.engine

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def personal_ledger_id(app, user_id: int) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Ledger.id).where(Ledger.personal_user_id == user_id))


def make_token(app, user_id: int, scope: str = "write", lifetime=None, name: str = "Script") -> str:
    """A personal access token for the API, made as the Settings page makes one."""
    with app.app_context():
        user = db.session.get(User, user_id)
        _row, token = api_tokens.create_token(user, name, scope, lifetime)
        db.session.commit()
        return token


def api_token_id(app, token: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(ApiToken.id).where(ApiToken.prefix == token[:10]))


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}

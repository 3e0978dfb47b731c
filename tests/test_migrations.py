"""Migrations on a fresh database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set): every
revision upgrades and downgrades cleanly, and the models match what the migrations build."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db, migrate
from app.search import not_in_models
from tests.conftest import _create_postgres_database

DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(params=DATABASES)
def fresh_app(request, tmp_path):
    """An app on a brand-new, empty database of its own."""
    if request.param == "postgresql":
        url, drop = _create_postgres_database(os.environ["TEST_DATABASE_URL"])
    else:
        url, drop = f"sqlite:///{tmp_path / 'fresh.sqlite'}", None
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    if drop:
        drop()


def _tables():
    return {name for name in inspect(db.engine).get_table_names() if not not_in_models(name, "table")}


def _version():
    with db.engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()


def _revisions():
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(migrate.get_config())
    assert len(script.get_heads()) == 1, "the migrations have more than one head"
    return list(reversed(list(script.walk_revisions())))


def test_migrations_form_one_linear_history(fresh_app):
    revisions = _revisions()
    assert revisions[0].down_revision is None
    for earlier, later in zip(revisions, revisions[1:], strict=False):
        assert later.down_revision == earlier.revision


def test_upgrade_downgrade_to_base_and_upgrade_again(fresh_app):
    model_tables = set(db.metadata.tables)
    assert {"users", "categories", "expenses"} <= model_tables
    head = _revisions()[-1].revision
    assert _tables() == set()

    upgrade()
    assert _tables() == model_tables | {"alembic_version"}
    assert _version() == [head]

    downgrade(revision="base")
    assert _tables() == {"alembic_version"}
    assert _version() == []

    upgrade()
    assert _tables() == model_tables | {"alembic_version"}
    assert _version() == [head]


def test_every_revision_downgrades_and_upgrades_on_its_own(fresh_app):
    for revision in _revisions():
        upgrade(revision=revision.revision)
        tables = _tables()
        downgrade(revision=revision.down_revision or "base")
        upgrade(revision=revision.revision)
        assert _tables() == tables, revision.revision
        assert _version() == [revision.revision]


def test_models_match_the_migrations(fresh_app):
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_name": lambda name, type_, _: not not_in_models(name, type_)},
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_upgrading_keeps_existing_rows(fresh_app):
    first = _revisions()[0].revision
    upgrade(revision=first)
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (email, password_hash, currency, monthly_budget_cents, created_at) "
                "VALUES ('old@example.com', 'x', 'INR', 8000000, '2026-01-01 00:00:00')"
            )
        )
        user_id = connection.execute(text("SELECT id FROM users")).scalar_one()
        connection.execute(
            text("INSERT INTO categories (user_id, name, name_key, color) VALUES (:user, 'Food', 'food', '#2e7d32')"),
            {"user": user_id},
        )
        category_id = connection.execute(text("SELECT id FROM categories")).scalar_one()
        connection.execute(
            text(
                "INSERT INTO expenses (user_id, category_id, spent_on, description, amount_cents, created_at, "
                "updated_at) VALUES (:user, :category, '2026-01-02', 'Bread', 250, "
                "'2026-01-02 00:00:00', '2026-01-02 00:00:00')"
            ),
            {"user": user_id, "category": category_id},
        )
    upgrade()
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT email, currency, monthly_budget_cents FROM users")).all() == [
            ("old@example.com", "INR", 8000000)
        ]
        assert connection.execute(text("SELECT description, amount_cents FROM expenses")).all() == [("Bread", 250)]
        # Columns added later get their defaults on existing rows.
        assert connection.execute(text("SELECT period_start_day FROM users")).scalar_one() == 1
        assert connection.execute(text("SELECT locale FROM users")).one() == (None,)
        # The rollups are filled in from the expenses already there.
        assert _rollups(connection, "spending_months", "month") == [("2026-01-01", 1, 250)]
        assert _rollups(connection, "spending_days", "day") == [("2026-01-02", 1, 250)]

    # Down past the rollups and up again: nothing of the user's is lost on the way (on SQLite a
    # rebuilt `users` table must not cascade), and the rollups are rebuilt.
    downgrade(revision="0005_imports")
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT description, amount_cents FROM expenses")).all() == [("Bread", 250)]
        assert "spending_days" not in _tables()
    upgrade()
    with db.engine.connect() as connection:
        assert _rollups(connection, "spending_days", "day") == [("2026-01-02", 1, 250)]
        # The search index holds the expenses that were there before it.
        if connection.dialect.name == "sqlite":
            found = connection.execute(
                text("""SELECT rowid FROM expenses_search WHERE expenses_search MATCH '"rea"'""")
            )
            assert found.scalars().all() == [1]


def _triggers() -> set[str]:
    if db.engine.dialect.name == "sqlite":
        return set(db.session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
    return set(db.session.scalars(text("SELECT DISTINCT trigger_name FROM information_schema.triggers")))


def test_the_caches_go_and_come_back_with_their_migration(fresh_app):
    """0010 drops filtered_totals, users.data_version and the triggers that moved it on; its
    downgrade brings them back working, and the rollup triggers keep working either way."""
    upgrade(revision="0010_drop_caches")
    assert "filtered_totals" not in _tables()
    assert "data_version" not in {column["name"] for column in inspect(db.engine).get_columns("users")}
    assert not any("version" in name for name in _triggers())

    downgrade(revision="0009_page_versions")
    assert "filtered_totals" in _tables()
    versions = {
        f"{table}_version_{event}"
        for table in ("categories", "overall_budgets", "category_budgets")
        for event in ("insert", "update", "delete")
    }
    if db.engine.dialect.name == "sqlite":
        versions |= {f"expenses_version_{event}" for event in ("insert", "update", "delete")}
    assert {name for name in _triggers() if "version" in name} == versions
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (email, password_hash, currency, monthly_budget_cents, created_at) "
                "VALUES ('old@example.com', 'x', 'INR', 8000000, '2026-01-01 00:00:00')"
            )
        )
        connection.execute(
            text("INSERT INTO categories (user_id, name, name_key, color) VALUES (1, 'Food', 'food', '#2e7d32')")
        )
        connection.execute(
            text(
                "INSERT INTO expenses (user_id, category_id, spent_on, description, amount_cents, created_at, "
                "updated_at) VALUES (1, 1, '2026-01-02', 'Bread', 250, '2026-01-02 00:00:00', '2026-01-02 00:00:00')"
            )
        )
    with db.engine.connect() as connection:
        # One for the category, one for the expense.
        assert connection.execute(text("SELECT data_version FROM users")).scalar_one() == 2
        assert _rollups(connection, "spending_days", "day") == [("2026-01-02", 1, 250)]

    upgrade()
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE expenses SET amount_cents = 300"))
    with db.engine.connect() as connection:
        assert _rollups(connection, "spending_months", "month") == [("2026-01-01", 1, 300)]


def _search_objects() -> set[str]:
    """The tables and indexes of the search index (app.search), which the models leave out."""
    inspector = inspect(db.engine)
    tables = {name for name in inspector.get_table_names() if not_in_models(name, "table")}
    return tables | {
        index["name"] for index in inspector.get_indexes("expenses") if not_in_models(index["name"], "index")
    }


def test_the_search_index_goes_with_its_migration(fresh_app):
    upgrade()
    if db.engine.dialect.name == "sqlite":
        # The FTS5 table and the shadow tables FTS5 keeps its index in.
        assert _search_objects() == {f"expenses_search{part}" for part in ("", "_data", "_idx", "_docsize", "_config")}
    else:
        assert _search_objects() == {"ix_expenses_description_trgm"}
    downgrade(revision="0007_user_locale")
    assert _search_objects() == set()


def _rollups(connection, table: str, column: str) -> list[tuple[str, int, int]]:
    rows = connection.execute(text(f"SELECT {column}, expense_count, total_cents FROM {table}"))  # noqa: S608 (constants)
    return [(str(key), count, cents) for key, count, cents in rows]  # SQLite gives text, PostgreSQL dates


def test_every_account_gets_its_personal_ledger(fresh_app):
    upgrade(revision="0011_user_time_zone")
    with db.engine.begin() as connection:
        for email, currency, budget, day in (("a@example.com", "INR", 8000000, 1), ("b@example.com", "JPY", 90000, 25)):
            connection.execute(
                text(
                    "INSERT INTO users (email, password_hash, currency, monthly_budget_cents, period_start_day, "
                    "created_at) VALUES (:email, 'x', :currency, :budget, :day, '2026-01-01 00:00:00')"
                ),
                {"email": email, "currency": currency, "budget": budget, "day": day},
            )
    upgrade(revision="0012_ledgers")
    with db.engine.begin() as connection:
        users = dict(connection.execute(text("SELECT email, id FROM users")).all())
        assert connection.execute(
            text(
                "SELECT id, name, personal_user_id, currency, monthly_budget_cents, period_start_day FROM ledgers "
                "ORDER BY id"
            )
        ).all() == [
            (users["a@example.com"], "Personal", users["a@example.com"], "INR", 8000000, 1),
            (users["b@example.com"], "Personal", users["b@example.com"], "JPY", 90000, 25),
        ]
        assert connection.execute(text("SELECT ledger_id, user_id, role FROM ledger_members ORDER BY 1")).all() == [
            (users["a@example.com"], users["a@example.com"], "owner"),
            (users["b@example.com"], users["b@example.com"], "owner"),
        ]
        # The next ledger does not take an account's id (PostgreSQL's sequence was moved on).
        connection.execute(
            text(
                "INSERT INTO ledgers (name, currency, monthly_budget_cents, period_start_day, created_at) "
                "VALUES ('Flat', 'EUR', 0, 1, '2026-02-01 00:00:00')"
            )
        )
        assert connection.execute(text("SELECT max(id) FROM ledgers")).scalar_one() == max(users.values()) + 1
    downgrade(revision="0011_user_time_zone")
    assert "ledgers" not in _tables()
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM users")).scalar_one() == 2

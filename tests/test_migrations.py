"""Migrations on a fresh database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set): every
revision upgrades and downgrades cleanly, and the models match what the migrations build."""

import os

import pytest
from alembic import command
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
        # The account's budget settings went to its personal ledger (0012, 0017).
        assert connection.execute(
            text(
                "SELECT email, name, currency, monthly_budget_cents, period_start_day FROM users "
                "JOIN ledgers ON ledgers.personal_user_id = users.id"
            )
        ).all() == [("old@example.com", "Personal", "INR", 8000000, 1)]
        assert connection.execute(text("SELECT description, amount_cents FROM expenses")).all() == [("Bread", 250)]
        # Columns added later get their defaults on existing rows.
        assert connection.execute(text("SELECT locale, time_zone FROM users")).one() == (None, "UTC")
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


# Every table 0017 moves from accounts to ledgers, and the columns that say who owns a row.
LEDGER_DATA = (
    "categories",
    "overall_budgets",
    "category_budgets",
    "expenses",
    "spending_days",
    "spending_months",
    "import_batches",
    "import_drafts",
    "import_mappings",
)
OWNERS = {
    "user_id": "(SELECT email FROM users WHERE users.id = t.user_id)",
    "ledger_id": (
        "(SELECT email FROM users JOIN ledgers ON ledgers.personal_user_id = users.id WHERE ledgers.id = t.ledger_id)"
    ),
}


def _owned_rows(owner: str) -> dict[str, list[tuple[str, ...]]]:
    """Every row of every ledger-data table, with its owner written as the account's email (ids of
    accounts and ledgers differ on purpose) and every other column as it is, sorted."""
    snapshot = {}
    with db.engine.connect() as connection:
        for table in LEDGER_DATA:
            columns = [
                column["name"]
                for column in inspect(connection).get_columns(table)
                if column["name"] not in ("user_id", "ledger_id", "created_by_id", "paid_by_id")
            ]
            rows = connection.execute(text(f"SELECT {OWNERS[owner]}, {', '.join(columns)} FROM {table} t"))  # noqa: S608
            snapshot[table] = sorted(tuple(str(value) for value in row) for row in rows)
    return snapshot


def _seed_two_accounts() -> None:
    """Two accounts at 0016 with a row in every ledger-data table; account 1's personal ledger is
    ledger 2 and account 2's is ledger 1, and ledger 3 is a shared one with no data yet."""
    statements = [
        "INSERT INTO users (id, email, password_hash, currency, monthly_budget_cents, period_start_day, created_at) "
        "VALUES (1, 'ana@example.com', 'x', 'INR', 8000000, 1, '2026-01-01 00:00:00'), "
        "(2, 'ben@example.com', 'x', 'JPY', 90000, 25, '2026-01-01 00:00:00')",
        "INSERT INTO ledgers (id, name, personal_user_id, currency, monthly_budget_cents, period_start_day, "
        "created_at) VALUES (2, 'Personal', 1, 'INR', 8000000, 1, '2026-01-01 00:00:00'), "
        "(1, 'Personal', 2, 'JPY', 90000, 25, '2026-01-01 00:00:00'), "
        "(3, 'Flat', NULL, 'EUR', 150000, 1, '2026-01-01 00:00:00')",
        "INSERT INTO ledger_members (ledger_id, user_id, role, joined_at) "
        "VALUES (2, 1, 'owner', '2026-01-01 00:00:00'), "
        "(1, 2, 'owner', '2026-01-01 00:00:00'), (3, 1, 'owner', '2026-01-01 00:00:00')",
        "INSERT INTO categories (user_id, name, name_key, color) VALUES (1, 'Food', 'food', '#2e7d32'), "
        "(2, 'Food', 'food', '#2e7d32'), (1, 'Rent', 'rent', '#1565c0')",
        "INSERT INTO overall_budgets (user_id, effective_from, amount_cents) VALUES (1, '2026-01-01', 7000000), "
        "(2, '2025-12-25', 80000)",
        "INSERT INTO category_budgets (user_id, category_id, effective_from, limit_cents, rollover) "
        "VALUES (1, 1, '2026-01-01', 500000, TRUE), (2, 2, '2025-12-25', 30000, FALSE)",
        "INSERT INTO import_batches (user_id, file_name, created_at, row_count, duplicate_count, income_count, "
        "invalid_count) VALUES (1, 'bank.csv', '2026-01-03 10:00:00', 1, 0, 2, 1)",
        "INSERT INTO import_drafts (user_id, file_name, content, settings, created_at) "
        """VALUES (2, 'card.csv', 'date,amount', '{"delimiter": ","}', '2026-01-04 10:00:00')""",
        "INSERT INTO import_mappings (user_id, header_signature, header, settings, updated_at) "
        """VALUES (1, 'abc123', '["date", "amount"]', '{"delimiter": ";"}', '2026-01-03 10:00:00')""",
        "INSERT INTO expenses (user_id, category_id, spent_on, description, amount_cents, created_at, updated_at, "
        "import_batch_id) VALUES "
        "(1, 1, '2026-01-02', 'Bread', 250, '2026-01-02 08:00:00', '2026-01-02 08:00:00', NULL), "
        "(1, 1, '2026-01-02', 'Milk', 99, '2026-01-02 09:00:00', '2026-01-02 09:00:00', 1), "
        "(1, 3, '2026-02-01', 'February rent', 2500000, '2026-02-01 09:00:00', '2026-02-01 09:00:00', NULL), "
        "(2, 2, '2026-01-02', 'Onigiri', 450, '2026-01-02 12:00:00', '2026-01-02 12:00:00', NULL), "
        "(2, 2, '2025-12-30', 'Ramen', 1200, '2025-12-30 19:00:00', '2025-12-30 19:00:00', NULL)",
    ]
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def _settings(after: bool) -> list[tuple]:
    query = (
        "SELECT email, ledgers.currency, ledgers.monthly_budget_cents, ledgers.period_start_day FROM users "
        "JOIN ledgers ON ledgers.personal_user_id = users.id ORDER BY email"
        if after
        else "SELECT email, currency, monthly_budget_cents, period_start_day FROM users ORDER BY email"
    )
    with db.engine.connect() as connection:
        return connection.execute(text(query)).all()


def test_the_ledger_data_move_keeps_every_row_and_figure(fresh_app):
    upgrade(revision="0016_attachments")
    _seed_two_accounts()
    before = _owned_rows("user_id")
    assert before["spending_months"] == [  # the rollups the triggers kept: (owner, category, month, count, cents)
        ("ana@example.com", "1", "2026-01-01", "2", "349"),
        ("ana@example.com", "3", "2026-02-01", "1", "2500000"),
        ("ben@example.com", "2", "2025-12-01", "1", "1200"),
        ("ben@example.com", "2", "2026-01-01", "1", "450"),
    ]
    settings = _settings(after=False)
    assert settings == [("ana@example.com", "INR", 8000000, 1), ("ben@example.com", "JPY", 90000, 25)]

    upgrade(revision="0017_ledger_data")
    assert _owned_rows("ledger_id") == before
    assert _settings(after=True) == settings
    with db.engine.connect() as connection:
        # Each row went to its account's personal ledger, which is not the account's id here.
        assert connection.execute(text("SELECT description, ledger_id FROM expenses ORDER BY id")).all() == [
            ("Bread", 2),
            ("Milk", 2),
            ("February rent", 2),
            ("Onigiri", 1),
            ("Ramen", 1),
        ]
        # The account that owned an expense is the member who added it; nobody is recorded as payer.
        assert connection.execute(
            text(
                "SELECT email, count(*), sum(amount_cents) FROM expenses JOIN users ON users.id = created_by_id "
                "WHERE paid_by_id IS NULL GROUP BY email ORDER BY email"
            )
        ).all() == [("ana@example.com", 3, 2500349), ("ben@example.com", 2, 1650)]
    # The rollup triggers now follow ledgers: a change moves the right ledger's figures.
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE expenses SET amount_cents = 300 WHERE description = 'Bread'"))
    with db.engine.connect() as connection:
        assert connection.execute(
            text(
                "SELECT ledger_id, expense_count, total_cents FROM spending_months "
                "WHERE month = '2026-01-01' ORDER BY 1"
            )
        ).all() == [(1, 1, 450), (2, 2, 399)]
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE expenses SET amount_cents = 250 WHERE description = 'Bread'"))

    downgrade(revision="0016_attachments")
    assert _owned_rows("user_id") == before
    assert _settings(after=False) == settings


def test_the_downgrade_refuses_while_a_shared_ledger_holds_data(fresh_app):
    upgrade(revision="0016_attachments")
    _seed_two_accounts()
    upgrade(revision="0017_ledger_data")
    with db.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO categories (ledger_id, name, name_key, color) VALUES (3, 'Bills', 'bills', '#6a1b9a')")
        )
    # Down to the revision that refuses: the later ones have nothing to refuse, and whether their
    # downgrade is undone with the refusal differs between the databases (transactional DDL or not).
    downgrade(revision="0017_ledger_data")
    after = _owned_rows("ledger_id")
    # Alembic itself, for the exception that `flask db downgrade` prints before it exits with 1.
    with pytest.raises(RuntimeError) as refused:
        command.downgrade(migrate.get_config(), "0016_attachments")
    assert str(refused.value) == (
        "1 shared ledger(s) hold categories or expenses, which belong to no single account before this "
        "revision; delete them (or export them) before downgrading"
    )
    assert _version() == ["0017_ledger_data"]
    assert _owned_rows("ledger_id") == after

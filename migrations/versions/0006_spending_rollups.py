"""spending per day and per month, kept up to date by triggers on expenses

Revision ID: 0006_spending_rollups
Revises: 0005_imports

Every figure that adds up a date range (the list's count and total, the dashboard's period, the
reports, budgets with rollover) reads these tables instead of every expense. The database maintains
them itself, so no code path that writes expenses (forms, imports and their undo, restores,
cascading deletes) can leave them out of step:

- SQLite: row triggers that upsert the day and month rows of each inserted, updated or deleted
  expense, and drop a row once its count reaches zero.
- PostgreSQL: statement triggers with transition tables, so a bulk insert or delete (an import of
  10,000 rows, its undo) changes each affected day and month once, not once per expense.

The same triggers move `users.data_version` on with every change to a user's expenses, so that the
count and total of a search can be kept in `filtered_totals` for as long as that version lasts.
"""

from alembic import op
import sqlalchemy as sa


revision = "0006_spending_rollups"
down_revision = "0005_imports"
branch_labels = None
depends_on = None

TABLES = (("spending_days", "day"), ("spending_months", "month"))


def upgrade():
    for table, column in TABLES:
        op.create_table(
            table,
            sa.Column("user_id", sa.Integer(), nullable=False),
            sa.Column("category_id", sa.Integer(), nullable=False),
            sa.Column(column, sa.Date(), nullable=False),
            sa.Column("expense_count", sa.Integer(), nullable=False),
            sa.Column("total_cents", sa.BigInteger(), nullable=False),
            sa.ForeignKeyConstraint(
                ["category_id", "user_id"],
                ["categories.id", "categories.user_id"],
                name=f"fk_{table}_category_id_user_id_categories",
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("user_id", column, "category_id", name=op.f(f"pk_{table}")),
        )
    op.add_column("users", sa.Column("data_version", sa.BigInteger(), server_default="0", nullable=False))
    op.create_table(
        "filtered_totals",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("filter_key", sa.String(length=64), nullable=False),
        sa.Column("data_version", sa.BigInteger(), nullable=False),
        sa.Column("expense_count", sa.Integer(), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_filtered_totals_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "filter_key", name=op.f("pk_filtered_totals")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _create_postgresql_triggers()
    else:
        _create_sqlite_triggers()
    # What is there already.
    month_of = _month_sql(op.get_bind().dialect.name, "spent_on")
    op.execute(
        "INSERT INTO spending_days (user_id, category_id, day, expense_count, total_cents) "
        "SELECT user_id, category_id, spent_on, count(*), sum(amount_cents) FROM expenses "
        "GROUP BY user_id, category_id, spent_on"
    )
    op.execute(
        "INSERT INTO spending_months (user_id, category_id, month, expense_count, total_cents) "
        f"SELECT user_id, category_id, {month_of}, count(*), sum(amount_cents) FROM expenses "
        f"GROUP BY user_id, category_id, {month_of}"
    )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER expenses_rollup_{event} ON expenses")
            op.execute(f"DROP FUNCTION expenses_rollup_{event}()")
    else:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER expenses_rollup_{event}")
            op.execute(f"DROP TRIGGER expenses_version_{event}")
    op.drop_table("filtered_totals")
    # Not batch mode, which on SQLite would copy `users` to a new table (see migrations/env.py).
    op.execute("ALTER TABLE users DROP COLUMN data_version")
    for table, _column in reversed(TABLES):
        op.drop_table(table)


def _month_sql(dialect: str, column: str) -> str:
    if dialect == "postgresql":
        return f"date_trunc('month', {column})::date"
    return f"date({column}, 'start of month')"


# SQLite: one trigger per event, one statement per table and direction.


def _sqlite_add(row: str) -> str:
    return "".join(
        f"""
        INSERT INTO {table} (user_id, category_id, {column}, expense_count, total_cents)
        VALUES ({row}.user_id, {row}.category_id, {key}, 1, {row}.amount_cents)
        ON CONFLICT (user_id, {column}, category_id) DO UPDATE
        SET expense_count = expense_count + 1, total_cents = total_cents + excluded.total_cents;"""
        for table, column, key in _sqlite_keys(row)
    )


def _sqlite_remove(row: str) -> str:
    return "".join(
        f"""
        UPDATE {table} SET expense_count = expense_count - 1, total_cents = total_cents - {row}.amount_cents
        WHERE user_id = {row}.user_id AND {column} = {key} AND category_id = {row}.category_id;
        DELETE FROM {table}
        WHERE user_id = {row}.user_id AND {column} = {key} AND category_id = {row}.category_id
          AND expense_count = 0;"""
        for table, column, key in _sqlite_keys(row)
    )


def _sqlite_keys(row: str) -> list[tuple[str, str, str]]:
    return [
        ("spending_days", "day", f"{row}.spent_on"),
        ("spending_months", "month", _month_sql("sqlite", f"{row}.spent_on")),
    ]


def _create_sqlite_triggers():
    op.execute(f"CREATE TRIGGER expenses_rollup_insert AFTER INSERT ON expenses BEGIN {_sqlite_add('NEW')} END")
    op.execute(f"CREATE TRIGGER expenses_rollup_delete AFTER DELETE ON expenses BEGIN {_sqlite_remove('OLD')} END")
    op.execute(
        "CREATE TRIGGER expenses_rollup_update AFTER UPDATE OF user_id, category_id, spent_on, amount_cents "
        "ON expenses WHEN OLD.user_id IS NOT NEW.user_id OR OLD.category_id IS NOT NEW.category_id "
        "OR OLD.spent_on IS NOT NEW.spent_on OR OLD.amount_cents IS NOT NEW.amount_cents "
        f"BEGIN {_sqlite_remove('OLD')} {_sqlite_add('NEW')} END"
    )
    # Any change, the description included: a search matches on it.
    for event, users in (("insert", "NEW.user_id"), ("update", "OLD.user_id, NEW.user_id"), ("delete", "OLD.user_id")):
        op.execute(
            f"CREATE TRIGGER expenses_version_{event} AFTER {event.upper()} ON expenses BEGIN "
            f"UPDATE users SET data_version = data_version + 1 WHERE id IN ({users}); END"
        )


# PostgreSQL: one function per event over its transition tables (old_rows, new_rows).


def _pg_grouped(rows: str, key: str) -> str:
    return (
        f"SELECT user_id, category_id, {key} AS k, count(*) AS n, sum(amount_cents) AS cents "
        f"FROM {rows} GROUP BY user_id, category_id, {key}"
    )


def _pg_subtract(table: str, column: str, key: str) -> str:
    # An UPDATE, never an upsert: when a user or category is deleted, its expenses and rollup rows
    # go in the same cascade, and there must be nothing to insert for them.
    return f"""
    UPDATE {table} AS t SET expense_count = t.expense_count - o.n, total_cents = t.total_cents - o.cents
    FROM ({_pg_grouped("old_rows", key)}) AS o
    WHERE t.user_id = o.user_id AND t.{column} = o.k AND t.category_id = o.category_id;"""


def _pg_add(table: str, column: str, key: str) -> str:
    return f"""
    INSERT INTO {table} AS t (user_id, category_id, {column}, expense_count, total_cents)
    SELECT user_id, category_id, k, n, cents FROM ({_pg_grouped("new_rows", key)}) AS changes
    -- The same order in every transaction, so that concurrent writers do not deadlock.
    ORDER BY user_id, k, category_id
    ON CONFLICT (user_id, {column}, category_id) DO UPDATE
    SET expense_count = t.expense_count + excluded.expense_count,
        total_cents = t.total_cents + excluded.total_cents;"""


def _pg_body(old: bool, new: bool) -> str:
    owners = " UNION ".join(f"SELECT user_id FROM {rows}" for rows, used in (("old_rows", old), ("new_rows", new)) if used)
    statements = [f"\n    UPDATE users SET data_version = data_version + 1 WHERE id IN ({owners});"]
    for table, column in TABLES:
        key = "spent_on" if column == "day" else _month_sql("postgresql", "spent_on")
        if old:
            statements.append(_pg_subtract(table, column, key))
        if new:
            statements.append(_pg_add(table, column, key))
        if old:
            statements.append(f"""
    DELETE FROM {table} AS t USING ({_pg_grouped("old_rows", key)}) AS o
    WHERE t.user_id = o.user_id AND t.{column} = o.k AND t.category_id = o.category_id AND t.expense_count = 0;""")
    return "".join(statements)


def _create_postgresql_triggers():
    events = {
        "insert": ("REFERENCING NEW TABLE AS new_rows", _pg_body(old=False, new=True)),
        "delete": ("REFERENCING OLD TABLE AS old_rows", _pg_body(old=True, new=False)),
        "update": ("REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows", _pg_body(old=True, new=True)),
    }
    for event, (referencing, body) in events.items():
        op.execute(
            f"CREATE FUNCTION expenses_rollup_{event}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN{body}\n    RETURN NULL;\nEND\n$$"
        )
        op.execute(
            f"CREATE TRIGGER expenses_rollup_{event} AFTER {event.upper()} ON expenses {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION expenses_rollup_{event}()"
        )

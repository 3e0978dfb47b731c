"""drop filtered_totals and users.data_version with the triggers that moved it on

Revision ID: 0010_drop_caches
Revises: 0009_page_versions
Create Date: 2026-12-05 05:30:00.000000

The count and total of a search were kept in `filtered_totals` under the user's `data_version`,
and the page cache keyed its pages by that version; both caches are gone. A search's figures are
now added up through the trigram index on every request, and no write has to move a version on.

The version triggers on categories and budgets (0009) and, on SQLite, on expenses (0006) are
dropped. On PostgreSQL the expenses' rollup functions (0006) also moved the version on: they are
replaced by the same functions without that statement. The downgrade puts everything back as it
was; the DDL is copied here, so that this file does not depend on the ones that first created it.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010_drop_caches"
down_revision = "0009_page_versions"
branch_labels = None
depends_on = None

ROLLUPS = (("spending_days", "day"), ("spending_months", "month"))
VERSIONED = ("categories", "overall_budgets", "category_budgets")  # 0009
EVENTS = {"insert": ("NEW",), "update": ("OLD", "NEW"), "delete": ("OLD",)}


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in VERSIONED:
        for event in EVENTS:
            op.execute(f"DROP TRIGGER {table}_version_{event}" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION users_data_version_bump()")
        _replace_postgresql_rollup_functions(bump_version=False)
    else:
        for event in EVENTS:
            op.execute(f"DROP TRIGGER expenses_version_{event}")
    op.drop_table("filtered_totals")
    # Not batch mode, which on SQLite would copy `users` to a new table (see migrations/env.py).
    op.execute("ALTER TABLE users DROP COLUMN data_version")


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
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
    if postgresql:
        _replace_postgresql_rollup_functions(bump_version=True)
        op.execute(
            "CREATE FUNCTION users_data_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN\n"
            "    IF TG_OP <> 'INSERT' THEN\n"
            "        UPDATE users SET data_version = data_version + 1 WHERE id = OLD.user_id;\n"
            "    END IF;\n"
            "    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.user_id IS DISTINCT FROM OLD.user_id) THEN\n"
            "        UPDATE users SET data_version = data_version + 1 WHERE id = NEW.user_id;\n"
            "    END IF;\n"
            "    RETURN NULL;\n"
            "END\n$$"
        )
    else:
        for event, users in (
            ("insert", "NEW.user_id"),
            ("update", "OLD.user_id, NEW.user_id"),
            ("delete", "OLD.user_id"),
        ):
            op.execute(
                f"CREATE TRIGGER expenses_version_{event} AFTER {event.upper()} ON expenses BEGIN "
                f"UPDATE users SET data_version = data_version + 1 WHERE id IN ({users}); END"
            )
    for table in VERSIONED:
        for event, rows in EVENTS.items():
            name = f"{table}_version_{event}"
            if postgresql:
                op.execute(
                    f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION users_data_version_bump()"
                )
            else:
                owners = ", ".join(f"{row}.user_id" for row in rows)
                op.execute(
                    f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} BEGIN "
                    f"UPDATE users SET data_version = data_version + 1 WHERE id IN ({owners}); END"
                )


# PostgreSQL: the statement-level rollup functions of 0006 over their transition tables (old_rows,
# new_rows), with or without the statement that moved users.data_version on. The triggers that
# call them stay as they are; only the functions' bodies change.


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


def _pg_body(old: bool, new: bool, bump_version: bool) -> str:
    statements = []
    if bump_version:
        owners = " UNION ".join(
            f"SELECT user_id FROM {rows}" for rows, used in (("old_rows", old), ("new_rows", new)) if used
        )
        statements.append(f"\n    UPDATE users SET data_version = data_version + 1 WHERE id IN ({owners});")
    for table, column in ROLLUPS:
        key = "spent_on" if column == "day" else "date_trunc('month', spent_on)::date"
        if old:
            statements.append(_pg_subtract(table, column, key))
        if new:
            statements.append(_pg_add(table, column, key))
        if old:
            statements.append(f"""
    DELETE FROM {table} AS t USING ({_pg_grouped("old_rows", key)}) AS o
    WHERE t.user_id = o.user_id AND t.{column} = o.k AND t.category_id = o.category_id AND t.expense_count = 0;""")
    return "".join(statements)


def _replace_postgresql_rollup_functions(bump_version: bool) -> None:
    bodies = {
        "insert": _pg_body(old=False, new=True, bump_version=bump_version),
        "delete": _pg_body(old=True, new=False, bump_version=bump_version),
        "update": _pg_body(old=True, new=True, bump_version=bump_version),
    }
    for event, body in bodies.items():
        op.execute(
            f"CREATE OR REPLACE FUNCTION expenses_rollup_{event}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN{body}\n    RETURN NULL;\nEND\n$$"
        )

"""ledger data: categories, expenses, budgets, rollups and imports belong to a ledger, not an account

Revision ID: 0017_ledger_data
Revises: 0016_attachments
Create Date: 2026-12-05 14:30:00.000000

Nine tables swap `user_id` (a foreign key to users) for `ledger_id` (a foreign key to ledgers):
each row moves to the personal ledger of the account that owned it (0012 gave every account one,
mostly with the account's own id, but the mapping is looked up, not assumed). Their unique
constraints, indexes and the composite (category, owner) foreign keys follow the rename. Expenses
gain `created_by_id` (the member who added it; existing ones: the account that owned them) and
`paid_by_id` (optional). The accounts' currency, budget and period start day now live on their
personal ledgers only (0012 copied them), so those columns leave `users`.

The rollup triggers (0006, as 0010 left them) and, on SQLite, the search triggers (0008) are made
again over `ledger_id`; a SQLite table rebuilt in batch mode loses its triggers.

The downgrade moves personal ledgers' rows back to their accounts. Rows of shared ledgers have no
account to go back to: the downgrade refuses while any exist, rather than losing them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0017_ledger_data"
down_revision = "0016_attachments"
branch_labels = None
depends_on = None

# Per table: the columns of its unique constraints and indexes that hold the owner column ("*").
TABLES = {
    "categories": {"uniques": [("*", "name_key"), ("id", "*")], "indexes": []},
    "overall_budgets": {"uniques": [("*", "effective_from")], "indexes": []},
    "category_budgets": {"uniques": [("*", "category_id", "effective_from")], "indexes": []},
    "expenses": {
        "uniques": [],
        "indexes": [
            ("*", "spent_on", "id"),
            ("*", "category_id", "spent_on"),
            ("*", "amount_cents", "id"),
            ("*", "spent_on", "category_id", "amount_cents"),
        ],
    },
    # No foreign key of their own: they go with their category (see CATEGORY_REFERENCES).
    "spending_days": {"uniques": [], "indexes": [], "no_foreign_key": True},
    "spending_months": {"uniques": [], "indexes": [], "no_foreign_key": True},
    "import_batches": {"uniques": [], "indexes": [("*", "created_at")]},
    "import_drafts": {"uniques": [], "indexes": [("*", "created_at")]},
    "import_mappings": {"uniques": [("*", "header_signature")], "indexes": []},
}
# Tables whose (category_id, owner) points at categories (id, owner), and whether deleting the
# category deletes their rows.
CATEGORY_REFERENCES = {"expenses": False, "category_budgets": True, "spending_days": True, "spending_months": True}
ROLLUPS = (("spending_days", "day"), ("spending_months", "month"))
ACCOUNT_SETTINGS = ("currency", "monthly_budget_cents", "period_start_day")


def upgrade():
    _move("user_id", "ledger_id")
    with op.batch_alter_table("expenses") as batch:
        batch.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("paid_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_expenses_created_by_id_users", "users", ["created_by_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_foreign_key("fk_expenses_paid_by_id_users", "users", ["paid_by_id"], ["id"], ondelete="SET NULL")
    _create_triggers("ledger_id")
    op.execute(
        "UPDATE expenses SET created_by_id = "
        "(SELECT personal_user_id FROM ledgers WHERE ledgers.id = expenses.ledger_id)"
    )
    # Not batch mode, which on SQLite would copy `users` to a new table (see migrations/env.py).
    for column in ACCOUNT_SETTINGS:
        op.execute(f"ALTER TABLE users DROP COLUMN {column}")


def downgrade():
    bind = op.get_bind()
    shared = bind.execute(
        sa.text(
            "SELECT count(*) FROM ledgers WHERE personal_user_id IS NULL AND "
            "(EXISTS (SELECT 1 FROM expenses WHERE expenses.ledger_id = ledgers.id) "
            "OR EXISTS (SELECT 1 FROM categories WHERE categories.ledger_id = ledgers.id))"
        )
    ).scalar_one()
    if shared:
        raise RuntimeError(
            f"{shared} shared ledger(s) hold categories or expenses, which belong to no single account "
            "before this revision; delete them (or export them) before downgrading"
        )
    for table in TABLES:
        op.execute(
            f"DELETE FROM {table} WHERE ledger_id IN (SELECT id FROM ledgers WHERE personal_user_id IS NULL)"
        )
    op.add_column("users", sa.Column("currency", sa.String(length=3), nullable=True))
    op.add_column("users", sa.Column("monthly_budget_cents", sa.BigInteger(), nullable=True))
    op.add_column("users", sa.Column("period_start_day", sa.SmallInteger(), server_default="1", nullable=False))
    for column in ACCOUNT_SETTINGS:
        op.execute(
            f"UPDATE users SET {column} = (SELECT {column} FROM ledgers WHERE ledgers.personal_user_id = users.id)"
        )
    with op.batch_alter_table("users") as batch:
        batch.alter_column("currency", existing_type=sa.String(length=3), nullable=False)
        batch.alter_column("monthly_budget_cents", existing_type=sa.BigInteger(), nullable=False)
    _drop_triggers()
    with op.batch_alter_table("expenses") as batch:
        batch.drop_constraint("fk_expenses_paid_by_id_users", type_="foreignkey")
        batch.drop_constraint("fk_expenses_created_by_id_users", type_="foreignkey")
        batch.drop_column("paid_by_id")
        batch.drop_column("created_by_id")
    _move("ledger_id", "user_id")
    _create_triggers("user_id")


def _move(old: str, new: str) -> None:
    """Rename the owner column of every ledger-data table from `old` to `new`, point it at the other
    table (ledgers or users) and map each value to its personal ledger (or back to its account)."""
    old_target, new_target = ("users", "ledgers") if new == "ledger_id" else ("ledgers", "users")
    _drop_triggers()
    for table in CATEGORY_REFERENCES:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"fk_{table}_category_id_{old}_categories", type_="foreignkey")
    for table, spec in TABLES.items():
        with op.batch_alter_table(table, recreate="auto") as batch:
            if not spec.get("no_foreign_key"):
                batch.drop_constraint(f"fk_{table}_{old}_{old_target}", type_="foreignkey")
            for rest in spec["uniques"]:
                batch.drop_constraint(_name("uq", table, old, rest), type_="unique")
            for rest in spec["indexes"]:
                batch.drop_index(_name("ix", table, old, rest))
            batch.alter_column(old, new_column_name=new, existing_type=sa.Integer(), existing_nullable=False)
        _map_owners(table, new)
        with op.batch_alter_table(table) as batch:
            if not spec.get("no_foreign_key"):
                batch.create_foreign_key(
                    f"fk_{table}_{new}_{new_target}", new_target, [new], ["id"], ondelete="CASCADE"
                )
            for rest in spec["uniques"]:
                batch.create_unique_constraint(_name("uq", table, new, rest), _columns(new, rest))
            for rest in spec["indexes"]:
                batch.create_index(_name("ix", table, new, rest), _columns(new, rest), unique=False)
    for table, references_delete in CATEGORY_REFERENCES.items():
        with op.batch_alter_table(table) as batch:
            batch.create_foreign_key(
                f"fk_{table}_category_id_{new}_categories",
                "categories",
                ["category_id", new],
                ["id", new],
                ondelete="CASCADE" if references_delete else None,
            )


def _columns(owner: str, columns: tuple[str, ...]) -> list[str]:
    return [owner if column == "*" else column for column in columns]


def _name(prefix: str, table: str, owner: str, columns: tuple[str, ...]) -> str:
    return f"{prefix}_{table}_{'_'.join(_columns(owner, columns))}"


def _map_owners(table: str, column: str) -> None:
    """Each row's owner to its personal ledger (column ledger_id) or back to that ledger's account
    (user_id). Through negative values, so that swapping two ids never meets a unique key."""
    if column == "ledger_id":
        target = f"(SELECT id FROM ledgers WHERE ledgers.personal_user_id = {table}.ledger_id)"
    else:
        target = f"(SELECT personal_user_id FROM ledgers WHERE ledgers.id = {table}.user_id)"
    op.execute(f"UPDATE {table} SET {column} = -{target} WHERE {column} <> {target}")  # noqa: S608 (constants)
    op.execute(f"UPDATE {table} SET {column} = -{column} WHERE {column} < 0")  # noqa: S608


# The triggers: SQLite's row triggers (0006) and search triggers (0008), PostgreSQL's statement
# triggers (0006 without the version bump that 0010 removed), over the given owner column.


def _drop_triggers() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for event in ("insert", "update", "delete"):
        if postgresql:
            op.execute(f"DROP TRIGGER IF EXISTS expenses_rollup_{event} ON expenses")
            op.execute(f"DROP FUNCTION IF EXISTS expenses_rollup_{event}()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS expenses_rollup_{event}")
            op.execute(f"DROP TRIGGER IF EXISTS expenses_search_{event}")


def _create_triggers(owner: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        _create_postgresql_triggers(owner)
    else:
        _create_sqlite_triggers(owner)


def _sqlite_keys(row: str) -> list[tuple[str, str, str]]:
    return [
        ("spending_days", "day", f"{row}.spent_on"),
        ("spending_months", "month", f"date({row}.spent_on, 'start of month')"),
    ]


def _sqlite_add(row: str, owner: str) -> str:
    return "".join(
        f"""
        INSERT INTO {table} ({owner}, category_id, {column}, expense_count, total_cents)
        VALUES ({row}.{owner}, {row}.category_id, {key}, 1, {row}.amount_cents)
        ON CONFLICT ({owner}, {column}, category_id) DO UPDATE
        SET expense_count = expense_count + 1, total_cents = total_cents + excluded.total_cents;"""
        for table, column, key in _sqlite_keys(row)
    )


def _sqlite_remove(row: str, owner: str) -> str:
    return "".join(
        f"""
        UPDATE {table} SET expense_count = expense_count - 1, total_cents = total_cents - {row}.amount_cents
        WHERE {owner} = {row}.{owner} AND {column} = {key} AND category_id = {row}.category_id;
        DELETE FROM {table}
        WHERE {owner} = {row}.{owner} AND {column} = {key} AND category_id = {row}.category_id
          AND expense_count = 0;"""
        for table, column, key in _sqlite_keys(row)
    )


def _create_sqlite_triggers(owner: str) -> None:
    add, remove = _sqlite_add("NEW", owner), _sqlite_remove("OLD", owner)
    op.execute(f"CREATE TRIGGER expenses_rollup_insert AFTER INSERT ON expenses BEGIN {add} END")
    op.execute(f"CREATE TRIGGER expenses_rollup_delete AFTER DELETE ON expenses BEGIN {remove} END")
    op.execute(
        f"CREATE TRIGGER expenses_rollup_update AFTER UPDATE OF {owner}, category_id, spent_on, amount_cents "
        f"ON expenses WHEN OLD.{owner} IS NOT NEW.{owner} OR OLD.category_id IS NOT NEW.category_id "
        "OR OLD.spent_on IS NOT NEW.spent_on OR OLD.amount_cents IS NOT NEW.amount_cents "
        f"BEGIN {remove} {add} END"
    )
    # The search index (0008): an external-content FTS5 table kept in step with every write.
    op.execute(
        "CREATE TRIGGER expenses_search_insert AFTER INSERT ON expenses BEGIN "
        "INSERT INTO expenses_search (rowid, description) VALUES (new.id, new.description); END"
    )
    op.execute(
        "CREATE TRIGGER expenses_search_delete AFTER DELETE ON expenses BEGIN "
        "INSERT INTO expenses_search (expenses_search, rowid, description) "
        "VALUES ('delete', old.id, old.description); END"
    )
    op.execute(
        "CREATE TRIGGER expenses_search_update AFTER UPDATE OF description ON expenses BEGIN "
        "INSERT INTO expenses_search (expenses_search, rowid, description) "
        "VALUES ('delete', old.id, old.description); "
        "INSERT INTO expenses_search (rowid, description) VALUES (new.id, new.description); END"
    )


def _pg_grouped(rows: str, key: str, owner: str) -> str:
    return (
        f"SELECT {owner}, category_id, {key} AS k, count(*) AS n, sum(amount_cents) AS cents "
        f"FROM {rows} AS r GROUP BY {owner}, category_id, {key}"
    )


def _pg_changed(rows: str, other: str, owner: str) -> str:
    """The rows of an UPDATE whose figures moved: a change of description, payer or who added it
    (set to NULL when that account is deleted, maybe in the cascade that deletes the ledger's
    categories too) leaves the rollups alone."""
    figures = f"{owner}, category_id, spent_on, amount_cents"
    return (
        f"(SELECT a.* FROM {rows} AS a JOIN {other} AS b ON b.id = a.id "
        f"WHERE (a.{figures.replace(', ', ', a.')}) IS DISTINCT FROM (b.{figures.replace(', ', ', b.')}))"
    )


def _pg_body(old: bool, new: bool, owner: str) -> str:
    old_rows, new_rows = "old_rows", "new_rows"
    if old and new:
        old_rows, new_rows = _pg_changed("old_rows", "new_rows", owner), _pg_changed("new_rows", "old_rows", owner)
    statements = []
    for table, column in ROLLUPS:
        key = "spent_on" if column == "day" else "date_trunc('month', spent_on)::date"
        match = f"t.{owner} = o.{owner} AND t.{column} = o.k AND t.category_id = o.category_id"
        if old:
            # An UPDATE, never an upsert: when a ledger or category is deleted, its expenses and
            # rollup rows go in the same cascade, and there must be nothing to insert for them.
            statements.append(f"""
    UPDATE {table} AS t SET expense_count = t.expense_count - o.n, total_cents = t.total_cents - o.cents
    FROM ({_pg_grouped(old_rows, key, owner)}) AS o WHERE {match};""")
        if new:
            statements.append(f"""
    INSERT INTO {table} AS t ({owner}, category_id, {column}, expense_count, total_cents)
    SELECT {owner}, category_id, k, n, cents FROM ({_pg_grouped(new_rows, key, owner)}) AS changes
    -- The same order in every transaction, so that concurrent writers do not deadlock.
    ORDER BY {owner}, k, category_id
    ON CONFLICT ({owner}, {column}, category_id) DO UPDATE
    SET expense_count = t.expense_count + excluded.expense_count,
        total_cents = t.total_cents + excluded.total_cents;""")
        if old:
            statements.append(f"""
    DELETE FROM {table} AS t USING ({_pg_grouped(old_rows, key, owner)}) AS o
    WHERE {match} AND t.expense_count = 0;""")
    return "".join(statements)


def _create_postgresql_triggers(owner: str) -> None:
    events = {
        "insert": ("REFERENCING NEW TABLE AS new_rows", _pg_body(False, True, owner)),
        "delete": ("REFERENCING OLD TABLE AS old_rows", _pg_body(True, False, owner)),
        "update": ("REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows", _pg_body(True, True, owner)),
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

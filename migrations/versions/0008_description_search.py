"""a text index for searching descriptions: pg_trgm on PostgreSQL, FTS5 (trigram) on SQLite

Revision ID: 0008_description_search
Revises: 0007_user_locale
Create Date: 2026-11-30 21:30:00.000000

"""
from alembic import op
from sqlalchemy import text


# revision identifiers, used by Alembic.
revision = "0008_description_search"
down_revision = "0007_user_locale"
branch_labels = None
depends_on = None

# An external-content FTS5 table: it indexes expenses.description without a copy of the text. The
# triggers follow every INSERT, UPDATE and DELETE; never write `expenses` with INSERT OR REPLACE
# (its implicit delete fires no trigger and would leave the index out of step).
SQLITE_UP = [
    "CREATE VIRTUAL TABLE expenses_search USING fts5("
    "description, content='expenses', content_rowid='id', tokenize='trigram')",
    """CREATE TRIGGER expenses_search_insert AFTER INSERT ON expenses BEGIN
        INSERT INTO expenses_search (rowid, description) VALUES (new.id, new.description);
    END""",
    """CREATE TRIGGER expenses_search_delete AFTER DELETE ON expenses BEGIN
        INSERT INTO expenses_search (expenses_search, rowid, description) VALUES ('delete', old.id, old.description);
    END""",
    """CREATE TRIGGER expenses_search_update AFTER UPDATE OF description ON expenses BEGIN
        INSERT INTO expenses_search (expenses_search, rowid, description) VALUES ('delete', old.id, old.description);
        INSERT INTO expenses_search (rowid, description) VALUES (new.id, new.description);
    END""",
    # The expenses already there.
    "INSERT INTO expenses_search (expenses_search) VALUES ('rebuild')",
]


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        # Created earlier by an administrator, it may live in a schema off the search path.
        schema = op.get_bind().scalar(
            text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'")
        )
        op.execute(
            f"CREATE INDEX ix_expenses_description_trgm ON expenses USING gin (description {schema}.gin_trgm_ops)"
        )
    else:
        for statement in SQLITE_UP:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        # The extension stays: other databases' objects may use it, and it costs nothing unused.
        op.execute("DROP INDEX ix_expenses_description_trgm")
    else:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER expenses_search_{event}")
        op.execute("DROP TABLE expenses_search")

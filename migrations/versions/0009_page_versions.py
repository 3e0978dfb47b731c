"""users.data_version also moves on with every change to a user's categories and budgets

Revision ID: 0009_page_versions
Revises: 0008_description_search
Create Date: 2026-12-01 03:00:00.000000

Until now the version followed expenses only (0006). The page cache (app/pagecache.py) keeps a
rendered page for as long as the version lasts, and the pages it keeps also show category names
and colours and budget limits.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0009_page_versions"
down_revision = "0008_description_search"
branch_labels = None
depends_on = None

TABLES = ("categories", "overall_budgets", "category_budgets")
EVENTS = {"insert": ("NEW",), "update": ("OLD", "NEW"), "delete": ("OLD",)}


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        # One function for every table and event: a row's owner is user_id in all three tables.
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
    for table in TABLES:
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


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        for event in EVENTS:
            op.execute(f"DROP TRIGGER {table}_version_{event}" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION users_data_version_bump()")

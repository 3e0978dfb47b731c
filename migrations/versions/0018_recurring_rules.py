"""recurring rules: expenses that repeat on a schedule, each occurrence made exactly once

Revision ID: 0018_recurring_rules
Revises: 0017_ledger_data
Create Date: 2026-12-06 02:40:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018_recurring_rules"
down_revision = "0017_ledger_data"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "recurring_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ledger_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("unit", sa.String(length=5), nullable=False),
        sa.Column("every", sa.SmallInteger(), nullable=False),
        sa.Column("month_day", sa.SmallInteger(), nullable=True),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("occurrence_limit", sa.Integer(), nullable=True),
        sa.Column("next_due", sa.Date(), nullable=True),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_recurring_rules_amount_positive")),
        sa.CheckConstraint("unit IN ('day', 'week', 'month', 'year')", name=op.f("ck_recurring_rules_known_unit")),
        sa.CheckConstraint("every >= 1", name=op.f("ck_recurring_rules_every_positive")),
        sa.CheckConstraint(
            "month_day IS NULL OR month_day BETWEEN 1 AND 31", name=op.f("ck_recurring_rules_month_day_in_month")
        ),
        sa.ForeignKeyConstraint(
            ["category_id", "ledger_id"],
            ["categories.id", "categories.ledger_id"],
            name="fk_recurring_rules_category_id_ledger_id_categories",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_recurring_rules_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_recurring_rules_ledger_id_ledgers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recurring_rules")),
    )
    op.create_index("ix_recurring_rules_ledger_id_next_due", "recurring_rules", ["ledger_id", "next_due"], unique=False)
    op.create_table(
        "recurring_occurrences",
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["recurring_rules.id"],
            name=op.f("fk_recurring_occurrences_rule_id_recurring_rules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("rule_id", "due_on", name=op.f("pk_recurring_occurrences")),
    )
    with _expenses_batch() as batch:
        batch.add_column(sa.Column("recurring_rule_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_expenses_recurring_rule_id_recurring_rules",
            "recurring_rules",
            ["recurring_rule_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with _expenses_batch() as batch:
        batch.drop_constraint("fk_expenses_recurring_rule_id_recurring_rules", type_="foreignkey")
        batch.drop_column("recurring_rule_id")
    op.drop_table("recurring_occurrences")
    op.drop_index("ix_recurring_rules_ledger_id_next_due", table_name="recurring_rules")
    op.drop_table("recurring_rules")


class _expenses_batch:
    """Batch mode on `expenses`. On SQLite it copies the table, which drops its triggers (the
    rollups' and the search index's, 0017); they are read before and created again after, as they
    were. PostgreSQL alters the table in place and keeps them."""

    def __enter__(self):
        bind = op.get_bind()
        self.triggers = []
        if bind.dialect.name == "sqlite":
            self.triggers = [
                row[0]
                for row in bind.execute(
                    sa.text(
                        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'expenses' ORDER BY name"
                    )
                )
            ]
        self.batch = op.batch_alter_table("expenses")
        return self.batch.__enter__()

    def __exit__(self, *exc):
        self.batch.__exit__(*exc)
        if exc[0] is None:
            for sql in self.triggers:
                op.execute(sql)
        return False

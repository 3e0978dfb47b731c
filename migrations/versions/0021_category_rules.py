"""category rules: conditions and actions that file expenses, and "apply to existing" runs to undo

Revision ID: 0021_category_rules
Revises: 0019_largest_expenses_index
Create Date: 2026-12-06 05:30:00.000000

New tables only; `expenses` is not altered (its rows are pointed at, by rule_run_changes).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0021_category_rules"
down_revision = "0019_largest_expenses_index"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "category_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ledger_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("description_op", sa.String(length=12), nullable=True),
        sa.Column("description_value", sa.String(length=200), nullable=True),
        sa.Column("amount_min_cents", sa.BigInteger(), nullable=True),
        sa.Column("amount_max_cents", sa.BigInteger(), nullable=True),
        sa.Column("source_category", sa.String(length=200), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("rewrite_description", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "description_op IS NULL OR description_op IN ('contains', 'starts_with', 'equals', 'regex')",
            name=op.f("ck_category_rules_known_description_op"),
        ),
        sa.CheckConstraint(
            "category_id IS NOT NULL OR rewrite_description IS NOT NULL", name=op.f("ck_category_rules_has_action")
        ),
        sa.CheckConstraint(
            "amount_min_cents IS NULL OR amount_max_cents IS NULL OR amount_min_cents <= amount_max_cents",
            name=op.f("ck_category_rules_amount_range_in_order"),
        ),
        sa.ForeignKeyConstraint(
            ["category_id", "ledger_id"],
            ["categories.id", "categories.ledger_id"],
            name="fk_category_rules_category_id_ledger_id_categories",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_category_rules_ledger_id_ledgers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_category_rules")),
    )
    op.create_index("ix_category_rules_ledger_id_position", "category_rules", ["ledger_id", "position"], unique=False)
    op.create_table(
        "rule_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ledger_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_rule_runs_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_rule_runs_ledger_id_ledgers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_runs")),
    )
    op.create_index("ix_rule_runs_ledger_id_created_at", "rule_runs", ["ledger_id", "created_at"], unique=False)
    op.create_table(
        "rule_run_changes",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("expense_id", sa.Integer(), nullable=False),
        sa.Column("old_category_id", sa.Integer(), nullable=False),
        sa.Column("old_description", sa.String(length=200), nullable=False),
        sa.Column("new_category_id", sa.Integer(), nullable=False),
        sa.Column("new_description", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["expense_id"], ["expenses.id"], name=op.f("fk_rule_run_changes_expense_id_expenses"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["rule_runs.id"], name=op.f("fk_rule_run_changes_run_id_rule_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("run_id", "expense_id", name=op.f("pk_rule_run_changes")),
    )
    op.create_index("ix_rule_run_changes_expense_id", "rule_run_changes", ["expense_id"], unique=False)


def downgrade():
    op.drop_index("ix_rule_run_changes_expense_id", table_name="rule_run_changes")
    op.drop_table("rule_run_changes")
    op.drop_index("ix_rule_runs_ledger_id_created_at", table_name="rule_runs")
    op.drop_table("rule_runs")
    op.drop_index("ix_category_rules_ledger_id_position", table_name="category_rules")
    op.drop_table("category_rules")

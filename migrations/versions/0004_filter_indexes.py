"""indexes for the filtered expense list and the reports

Revision ID: 0004_filter_indexes
Revises: 0003_budgets
Create Date: 2026-11-25 10:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0004_filter_indexes"
down_revision = "0003_budgets"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("expenses", schema=None) as batch_op:
        batch_op.create_index("ix_expenses_user_id_amount_cents_id", ["user_id", "amount_cents", "id"], unique=False)
        batch_op.create_index(
            "ix_expenses_user_id_spent_on_category_id_amount_cents",
            ["user_id", "spent_on", "category_id", "amount_cents"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("expenses", schema=None) as batch_op:
        batch_op.drop_index("ix_expenses_user_id_spent_on_category_id_amount_cents")
        batch_op.drop_index("ix_expenses_user_id_amount_cents_id")

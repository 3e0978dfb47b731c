"""an index for the reports' largest expenses: each day's expenses by amount

Revision ID: 0019_largest_expenses_index
Revises: 0018_recurring_rules
Create Date: 2026-12-06 03:00:00.000000

The reports page lists a period's ten largest expenses. Ranked over the whole period, that read
every expense of the period (or walked the ledger's amount index past every larger expense of other
periods), so it grew with the ledger. With this index it takes the ten largest of each day of the
period, at most ten entries a day, and ranks those (app/reports/services.py, largest_expenses).
A plain CREATE INDEX (no batch mode: a SQLite table rebuilt in batch loses its triggers).

Measured in process on 6 December 2026 (this machine, 2 cores shared), a ledger of 1,000 expenses
against one of 1,000,000 (bench/loadtest/seed.py's add_expenses, five years), median ms of the
largest-expenses query over three runs, before (the period ranked at once, no index) -> after:

                                    1,000      1,000,000
    PostgreSQL, this period (6 days)  1.7 -> 1.4   19.5 -> 1.7
    PostgreSQL, November (30 days)    2.1 -> 1.2    1.9 -> 1.9
    SQLite, this period (6 days)      0.7 -> 0.6    1.8 -> 0.6
    SQLite, November (30 days)        1.0 -> 0.9    4.4 -> 1.0

The whole reports page on PostgreSQL, this period: 32.4 / 58.9 ms before (1.82x), 30.5 / 33.9 after
(1.11x). PostgreSQL had walked the amount index (ledger, amount, id) backwards past 22,233 expenses
of other periods for the 6 days' ten.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0019_largest_expenses_index"
down_revision = "0018_recurring_rules"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_expenses_ledger_id_spent_on_amount_cents_id",
        "expenses",
        ["ledger_id", "spent_on", "amount_cents", "id"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_expenses_ledger_id_spent_on_amount_cents_id", table_name="expenses")

"""expenses in other currencies: the original amount, its currency and the rate used; uploaded rates

Revision ID: 0022_foreign_currency
Revises: 0021_category_rules
Create Date: 2026-12-06 05:40:00.000000

An expense in another currency than its ledger's keeps what was spent (`original_amount_minor`, in
the minor units of `original_currency`) and the rate it was converted at (`rate`, ledger units per
one unit of the original currency). The rate is an exact decimal kept as text: SQLite's NUMERIC
is a float. `amount_cents` stays the amount in the ledger's currency, which every figure uses.
The three are all set or all empty (a CHECK). The index finds a ledger's latest expense in a
currency: the rate used last.

`ledger_rates` holds the euro reference rates a ledger's people uploaded (the ECB's CSV file),
per day and currency, as text too. `currency_changes` records a ledger converted into another
currency at one rate, with every amount as it was before, so that it can be undone.

Batch mode on `expenses` copies the table on SQLite, which drops its triggers (the rollups' and
the search index's); they are read before and created again after, as 0018 does.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0022_foreign_currency"
down_revision = "0021_category_rules"
branch_labels = None
depends_on = None

_ALL_OR_NONE = (
    "(original_amount_minor IS NULL AND original_currency IS NULL AND rate IS NULL) OR "
    "(original_amount_minor > 0 AND original_currency IS NOT NULL AND rate IS NOT NULL)"
)


def upgrade():
    with _expenses_batch() as batch:
        batch.add_column(sa.Column("original_amount_minor", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("original_currency", sa.String(length=3), nullable=True))
        batch.add_column(sa.Column("rate", sa.String(length=40), nullable=True))
        batch.create_check_constraint(op.f("ck_expenses_original_all_or_none"), _ALL_OR_NONE)
    op.create_index(
        "ix_expenses_ledger_id_original_currency_spent_on_id",
        "expenses",
        ["ledger_id", "original_currency", "spent_on", "id"],
        unique=False,
    )
    op.create_table(
        "ledger_rates",
        sa.Column("ledger_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("per_euro", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_ledger_rates_ledger_id_ledgers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("ledger_id", "currency", "day", name=op.f("pk_ledger_rates")),
    )
    op.create_table(
        "currency_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ledger_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("from_currency", sa.String(length=3), nullable=False),
        sa.Column("to_currency", sa.String(length=3), nullable=False),
        sa.Column("rate", sa.String(length=40), nullable=False),
        sa.Column("undo", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_currency_changes_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_currency_changes_ledger_id_ledgers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_currency_changes")),
    )
    op.create_index(
        "ix_currency_changes_ledger_id_created_at", "currency_changes", ["ledger_id", "created_at"], unique=False
    )


def downgrade():
    op.drop_index("ix_currency_changes_ledger_id_created_at", table_name="currency_changes")
    op.drop_table("currency_changes")
    op.drop_table("ledger_rates")
    op.drop_index("ix_expenses_ledger_id_original_currency_spent_on_id", table_name="expenses")
    with _expenses_batch() as batch:
        batch.drop_constraint(op.f("ck_expenses_original_all_or_none"), type_="check")
        batch.drop_column("rate")
        batch.drop_column("original_currency")
        batch.drop_column("original_amount_minor")


class _expenses_batch:
    """Batch mode on `expenses`, keeping its SQLite triggers (see 0018)."""

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

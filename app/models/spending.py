"""A ledger's data: categories, budgets, expenses (with an original amount in another currency),
the rates uploaded for it, currency changes to undo, the rollup tables, and CSV imports."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import (
    CATEGORY_NAME_MAX,
    DESCRIPTION_MAX,
    RATE_TEXT_MAX,
    utcnow,
)


class Category(db.Model):
    __tablename__ = "categories"
    __table_args__ = (
        UniqueConstraint("ledger_id", "name_key"),
        # Lets expenses point at (category, ledger) so the database itself refuses a category
        # of another ledger.
        UniqueConstraint("id", "ledger_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(CATEGORY_NAME_MAX))
    # casefold() of the name: "Food" and "FOOD" are the same category.
    name_key: Mapped[str] = mapped_column(String(CATEGORY_NAME_MAX))
    color: Mapped[str] = mapped_column(String(7))

    def __repr__(self) -> str:
        return f"<Category {self.id} {self.name!r}>"


class OverallBudget(db.Model):
    """The overall budget per period from the period starting `effective_from` on; a change adds a
    row, so that earlier periods keep showing the budget they had."""

    __tablename__ = "overall_budgets"
    __table_args__ = (
        UniqueConstraint("ledger_id", "effective_from"),
        CheckConstraint("amount_cents >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    effective_from: Mapped[date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(BigInteger)


class CategoryBudget(db.Model):
    """A category's limit per budget period, from the period starting `effective_from` on.

    Changing a limit adds a row, so that past periods keep the limit they had; rollover needs it.
    """

    __tablename__ = "category_budgets"
    __table_args__ = (
        UniqueConstraint("ledger_id", "category_id", "effective_from"),
        ForeignKeyConstraint(
            ["category_id", "ledger_id"],
            ["categories.id", "categories.ledger_id"],
            name="fk_category_budgets_category_id_ledger_id_categories",
            ondelete="CASCADE",
        ),
        CheckConstraint("limit_cents >= 0", name="limit_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column()
    effective_from: Mapped[date] = mapped_column(Date)
    # None: no limit from this period on (the category was unbudgeted).
    limit_cents: Mapped[int | None] = mapped_column(BigInteger)
    rollover: Mapped[bool] = mapped_column(Boolean, default=False)

    def __repr__(self) -> str:
        return f"<CategoryBudget {self.category_id} from {self.effective_from}: {self.limit_cents}>"


class Expense(db.Model):
    __tablename__ = "expenses"
    __table_args__ = (
        ForeignKeyConstraint(
            ["category_id", "ledger_id"],
            ["categories.id", "categories.ledger_id"],
            name="fk_expenses_category_id_ledger_id_categories",
        ),
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        # An expense in another currency keeps all three of what was spent and at what rate; one in
        # the ledger's currency none of them.
        CheckConstraint(
            "(original_amount_minor IS NULL AND original_currency IS NULL AND rate IS NULL) OR "
            "(original_amount_minor > 0 AND original_currency IS NOT NULL AND rate IS NOT NULL)",
            name="original_all_or_none",
        ),
        # The rate used last for a currency: the ledger's latest expense in it (app/conversion.py).
        Index(
            "ix_expenses_ledger_id_original_currency_spent_on_id", "ledger_id", "original_currency", "spent_on", "id"
        ),
        # The list (newest first) and every date-bounded aggregate.
        Index("ix_expenses_ledger_id_spent_on_id", "ledger_id", "spent_on", "id"),
        # Per-category figures and deleting or moving a category's expenses.
        Index("ix_expenses_ledger_id_category_id_spent_on", "ledger_id", "category_id", "spent_on"),
        # The list sorted by amount (keyset pages on amount and id) and amount ranges; also covers
        # the count and total of a list filtered by nothing but amount.
        Index("ix_expenses_ledger_id_amount_cents_id", "ledger_id", "amount_cents", "id"),
        # Covers date-bounded sums per day and category (reports, filtered totals) without reading
        # the table.
        Index(
            "ix_expenses_ledger_id_spent_on_category_id_amount_cents",
            "ledger_id",
            "spent_on",
            "category_id",
            "amount_cents",
        ),
        # The reports' largest expenses: each day's largest, at most ten entries read per day of the
        # period, whatever the ledger holds (migration 0019; figures in reports/services.py).
        Index("ix_expenses_ledger_id_spent_on_amount_cents_id", "ledger_id", "spent_on", "amount_cents", "id"),
        # Undoing an import deletes its expenses; the foreign key check on deleting a batch uses it too.
        Index("ix_expenses_import_batch_id", "import_batch_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column()
    spent_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # The CSV import that created the expense (None: added by hand); undoing the import deletes it.
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    # The member who added it (None: that account was deleted since) and, optionally, who paid.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The recurring rule that made it (app/recurring_posting.py); None for one added by hand, or once the rule
    # is deleted with its expenses kept. Editing or deleting the expense never touches the rule.
    recurring_rule_id: Mapped[int | None] = mapped_column(ForeignKey("recurring_rules.id", ondelete="SET NULL"))
    # Spent in another currency than the ledger's: the amount in that currency's minor units, its
    # code, and the rate it was converted at (ledger units per one unit of it, an exact decimal as
    # text: SQLite's NUMERIC is a float). `amount_cents` is what it came to in the ledger's currency,
    # which every total uses. All three None for an expense in the ledger's currency.
    original_amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    original_currency: Mapped[str | None] = mapped_column(String(3))
    rate: Mapped[str | None] = mapped_column(String(RATE_TEXT_MAX))

    category: Mapped[Category] = relationship(
        primaryjoin="and_(Expense.category_id == Category.id, Expense.ledger_id == Category.ledger_id)",
        foreign_keys=[category_id, ledger_id],
        lazy="joined",
        viewonly=True,
    )

    def __repr__(self) -> str:
        return f"<Expense {self.id} {self.spent_on} {self.amount_cents}>"


class LedgerRate(db.Model):
    """A euro reference rate from the ECB's file that a ledger's people uploaded: units of
    `currency` per euro on `day`, an exact decimal as text (app/ecb_rates.py, app/conversion.py)."""

    __tablename__ = "ledger_rates"
    __table_args__ = (PrimaryKeyConstraint("ledger_id", "currency", "day"),)

    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    currency: Mapped[str] = mapped_column(String(3))
    day: Mapped[date] = mapped_column(Date)
    per_euro: Mapped[str] = mapped_column(String(24))


class CurrencyChange(db.Model):
    """A ledger converted into another currency at one rate (app/ledgers/currency_change.py), with
    what undoing it needs: every amount it changed, as it was (`undo`)."""

    __tablename__ = "currency_changes"
    __table_args__ = (Index("ix_currency_changes_ledger_id_created_at", "ledger_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    from_currency: Mapped[str] = mapped_column(String(3))
    to_currency: Mapped[str] = mapped_column(String(3))
    rate: Mapped[str] = mapped_column(String(RATE_TEXT_MAX))
    # {"monthly_budget_cents": n, "expenses": [[id, amount_cents, original_minor, code, rate], ...],
    #  "overall_budgets": [[id, amount_cents], ...], "category_budgets": [[id, limit_cents], ...],
    #  "recurring_rules": [[id, amount_cents], ...]}
    undo: Mapped[dict] = mapped_column(JSON)


class _SpendingRollup:
    """Columns shared by the rollup tables: one row per ledger, category and day (or month) with the
    number and total of the expenses in it.

    The database keeps them up to date itself: triggers on `expenses` (migration
    0006_spending_rollups) add and subtract every inserted, updated and deleted row, whatever
    wrote it (a form, an import and its undo, a restore, a cascade). Figures over long ranges add
    up a few hundred rollup rows instead of every expense; see app/rollups.py.
    """

    ledger_id: Mapped[int] = mapped_column()
    category_id: Mapped[int] = mapped_column()
    expense_count: Mapped[int] = mapped_column(Integer)
    total_cents: Mapped[int] = mapped_column(BigInteger)


def _rollup_table_args(table: str, key: str) -> tuple:
    return (
        ForeignKeyConstraint(
            ["category_id", "ledger_id"],
            ["categories.id", "categories.ledger_id"],
            name=f"fk_{table}_category_id_ledger_id_categories",
            ondelete="CASCADE",
        ),
        # Date ranges of one ledger, all categories or some.
        PrimaryKeyConstraint("ledger_id", key, "category_id"),
    )


class SpendingDay(_SpendingRollup, db.Model):
    __tablename__ = "spending_days"
    __table_args__ = _rollup_table_args("spending_days", "day")

    day: Mapped[date] = mapped_column(Date)


class SpendingMonth(_SpendingRollup, db.Model):
    __tablename__ = "spending_months"
    __table_args__ = _rollup_table_args("spending_months", "month")

    # The first day of the calendar month.
    month: Mapped[date] = mapped_column(Date)


class ImportBatch(db.Model):
    """One finished CSV import; its expenses point at it, so the whole import can be undone."""

    __tablename__ = "import_batches"
    __table_args__ = (Index("ix_import_batches_ledger_id_created_at", "ledger_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    file_name: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Expenses added, and the rows of the file that were left out, by reason.
    row_count: Mapped[int] = mapped_column(Integer)
    duplicate_count: Mapped[int] = mapped_column(Integer, default=0)
    income_count: Mapped[int] = mapped_column(Integer, default=0)
    invalid_count: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<ImportBatch {self.id} {self.file_name!r} rows={self.row_count}>"


class ImportDraft(db.Model):
    """A CSV file between the steps of the import wizard. The text lives here, not in a worker's
    memory or the cookie, so any worker can serve the next step; deleted once imported or stale."""

    __tablename__ = "import_drafts"
    __table_args__ = (Index("ix_import_drafts_ledger_id_created_at", "ledger_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    file_name: Mapped[str] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)
    # The wizard's choices so far (columns, formats, categories): see transfer.settings.
    settings: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ImportMapping(db.Model):
    """The wizard's choices for one file layout (its header row), offered again for the next file
    with the same header."""

    __tablename__ = "import_mappings"
    __table_args__ = (UniqueConstraint("ledger_id", "header_signature"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    # SHA-256 of the header cells, trimmed and case-folded.
    header_signature: Mapped[str] = mapped_column(String(64))
    header: Mapped[list] = mapped_column(JSON)
    settings: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

"""Rules that act on a ledger's expenses: recurring rules with the occurrences they made, and
filing rules with the runs that applied them to stored expenses."""

from datetime import date, datetime

from sqlalchemy import (
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
    SmallInteger,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import (
    DESCRIPTION_MAX,
    utcnow,
)
from .spending import Category


class RecurringRule(db.Model):
    """An expense that repeats on a schedule (app/recurrence.Schedule) in a ledger.

    `next_due` is the first occurrence not yet made (None: the schedule has ended); posting
    (app/recurring_posting.py) makes every occurrence from it up to today. What keeps an occurrence
    from being made twice is RecurringOccurrence's primary key, not this date.
    """

    __tablename__ = "recurring_rules"
    __table_args__ = (
        ForeignKeyConstraint(
            ["category_id", "ledger_id"],
            ["categories.id", "categories.ledger_id"],
            name="fk_recurring_rules_category_id_ledger_id_categories",
            ondelete="CASCADE",
        ),
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("unit IN ('day', 'week', 'month', 'year')", name="known_unit"),
        CheckConstraint("every >= 1", name="every_positive"),
        CheckConstraint("month_day IS NULL OR month_day BETWEEN 1 AND 31", name="month_day_in_month"),
        # Posting on a page view: the ledger's rules that are due, found without reading the others.
        Index("ix_recurring_rules_ledger_id_next_due", "ledger_id", "next_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column()
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    start_on: Mapped[date] = mapped_column(Date)
    unit: Mapped[str] = mapped_column(String(5))
    every: Mapped[int] = mapped_column(SmallInteger, default=1)
    # Day of the month for monthly and yearly rules (31: the last day); None: the start's day.
    month_day: Mapped[int | None] = mapped_column(SmallInteger)
    end_on: Mapped[date | None] = mapped_column(Date)
    occurrence_limit: Mapped[int | None] = mapped_column(Integer)
    next_due: Mapped[date | None] = mapped_column(Date)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    category: Mapped[Category] = relationship(
        primaryjoin="and_(RecurringRule.category_id == Category.id, RecurringRule.ledger_id == Category.ledger_id)",
        foreign_keys=[category_id, ledger_id],
        lazy="joined",
        viewonly=True,
    )

    def __repr__(self) -> str:
        return f"<RecurringRule {self.id} {self.description!r} next={self.next_due}>"


class RecurringOccurrence(db.Model):
    """One occurrence of a rule that has been dealt with (made into an expense, or skipped). Its key
    is what makes posting exactly-once: two runs at once, on any number of servers, cannot both
    insert (rule, due date), and only the run that inserts it adds the expense."""

    __tablename__ = "recurring_occurrences"
    __table_args__ = (PrimaryKeyConstraint("rule_id", "due_on"),)

    rule_id: Mapped[int] = mapped_column(ForeignKey("recurring_rules.id", ondelete="CASCADE"))
    due_on: Mapped[date] = mapped_column(Date)


class CategoryRule(db.Model):
    """A ledger's rule for filing expenses (issue 20): conditions on the description, the amount and
    the category a bank's file gave the row; actions that set the category and rewrite the
    description. Tried in `position` order, first match wins (app/autocat/rule_match.py); used by
    the CSV import's preview, quick add and "apply to existing expenses" (app/category_rules.py).

    Deleting a category moves its rules to the category that takes its expenses, or deletes them
    with it (the foreign key cascades): a rule never points at a category that is gone.
    """

    __tablename__ = "category_rules"
    __table_args__ = (
        ForeignKeyConstraint(
            ["category_id", "ledger_id"],
            ["categories.id", "categories.ledger_id"],
            name="fk_category_rules_category_id_ledger_id_categories",
            ondelete="CASCADE",
        ),
        CheckConstraint(
            "description_op IS NULL OR description_op IN ('contains', 'starts_with', 'equals', 'regex')",
            name="known_description_op",
        ),
        CheckConstraint("category_id IS NOT NULL OR rewrite_description IS NOT NULL", name="has_action"),
        CheckConstraint(
            "amount_min_cents IS NULL OR amount_max_cents IS NULL OR amount_min_cents <= amount_max_cents",
            name="amount_range_in_order",
        ),
        Index("ix_category_rules_ledger_id_position", "ledger_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    description_op: Mapped[str | None] = mapped_column(String(12))
    description_value: Mapped[str | None] = mapped_column(String(DESCRIPTION_MAX))
    amount_min_cents: Mapped[int | None] = mapped_column(BigInteger)
    amount_max_cents: Mapped[int | None] = mapped_column(BigInteger)
    # The category column of an imported file, as the bank writes it ("Supermarkets").
    source_category: Mapped[str | None] = mapped_column(String(DESCRIPTION_MAX))
    # None: the rule only rewrites the description.
    category_id: Mapped[int | None] = mapped_column()
    rewrite_description: Mapped[str | None] = mapped_column(String(DESCRIPTION_MAX))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    category: Mapped[Category | None] = relationship(
        primaryjoin="and_(CategoryRule.category_id == Category.id, CategoryRule.ledger_id == Category.ledger_id)",
        foreign_keys=[category_id, ledger_id],
        lazy="joined",
        viewonly=True,
    )

    def __repr__(self) -> str:
        return f"<CategoryRule {self.id} #{self.position} {self.description_op} {self.description_value!r}>"


class RuleRun(db.Model):
    """One "apply rules to existing expenses": what it changed, kept so that it can be undone."""

    __tablename__ = "rule_runs"
    __table_args__ = (Index("ix_rule_runs_ledger_id_created_at", "ledger_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    row_count: Mapped[int] = mapped_column(Integer)


class RuleRunChange(db.Model):
    """One expense a run changed: its values before and after. Undo restores the old values of the
    expenses still as the run left them (one edited since is left alone)."""

    __tablename__ = "rule_run_changes"
    __table_args__ = (PrimaryKeyConstraint("run_id", "expense_id"),)

    run_id: Mapped[int] = mapped_column(ForeignKey("rule_runs.id", ondelete="CASCADE"))
    expense_id: Mapped[int] = mapped_column(ForeignKey("expenses.id", ondelete="CASCADE"), index=True)
    old_category_id: Mapped[int] = mapped_column()
    old_description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX))
    new_category_id: Mapped[int] = mapped_column()
    new_description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX))

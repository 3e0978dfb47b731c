"""Queries and rules for expenses: the dashboard's figures, one expense at a time, the export.
Every query is scoped to one ledger; nothing here commits (see app/transactions.py)."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import Select, func, select

from .. import rollups
from ..expense_filters import payer
from ..extensions import db
from ..models import Category, Expense, Ledger, User
from ..receipts import storage
from .export import Row, export_columns


@dataclass(frozen=True)
class CategoryTotal:
    category_id: int
    name: str
    color: str
    count: int
    total_cents: int


@dataclass(frozen=True)
class PeriodSummary:
    start: date
    end: date  # exclusive
    total_cents: int
    count: int
    by_category: list[CategoryTotal]  # largest first

    @property
    def top_category(self) -> CategoryTotal | None:
        return self.by_category[0] if self.by_category else None


def expenses_query(ledger: Ledger) -> Select:
    """The ledger's expenses, newest first; ties broken by id so pages never overlap."""
    return select(Expense).where(Expense.ledger_id == ledger.id).order_by(Expense.spent_on.desc(), Expense.id.desc())


def get_expense_or_404(ledger: Ledger, expense_id: int) -> Expense:
    """The ledger's expense, or 404 whether it does not exist or belongs to someone else."""
    expense = db.session.scalar(select(Expense).where(Expense.id == expense_id, Expense.ledger_id == ledger.id))
    if expense is None:
        abort(404)
    return expense


def create_expense(
    ledger: Ledger,
    category: Category,
    spent_on: date,
    description: str,
    amount_cents: int,
    *,
    created_by_id: int | None = None,
    paid_by_id: int | None = None,
    original_amount_minor: int | None = None,
    original_currency: str | None = None,
    rate: str | None = None,
) -> Expense:
    """A new expense, added by the member `created_by_id`; `paid_by_id` is the member who paid, if
    said (a shared ledger's question; the person's own ledger leaves it empty)."""
    expense = Expense(
        ledger_id=ledger.id,
        category_id=category.id,
        spent_on=spent_on,
        description=description,
        amount_cents=amount_cents,
        created_by_id=created_by_id,
        paid_by_id=paid_by_id,
        original_amount_minor=original_amount_minor,
        original_currency=original_currency,
        rate=rate,
    )
    db.session.add(expense)
    return expense


# An update that says nothing about an expense's other currency (the API's): see update_expense.
UNSAID = object()


def update_expense(
    expense: Expense,
    category: Category,
    spent_on: date,
    description: str,
    amount_cents: int,
    *,
    paid_by_id: int | None = None,
    original_amount_minor=UNSAID,
    original_currency=UNSAID,
    rate=UNSAID,
) -> None:
    """Change an expense. Without its original amount, currency and rate (the API takes the ledger's
    currency only), an expense in another currency keeps them while its amount stays, and becomes
    one in the ledger's currency when the amount changes, as the original would no longer match."""
    if original_currency is UNSAID:
        if amount_cents != expense.amount_cents:
            expense.original_amount_minor = expense.original_currency = expense.rate = None
    else:
        expense.original_amount_minor = original_amount_minor
        expense.original_currency = original_currency
        expense.rate = rate
    expense.paid_by_id = paid_by_id
    expense.category_id = category.id
    expense.spent_on = spent_on
    expense.description = description
    expense.amount_cents = amount_cents


def delete_expense(expense: Expense) -> None:
    # Its receipts go with it (a foreign key); files kept in a directory go once this is committed.
    storage.forget_files_of(expense)
    db.session.delete(expense)


def suggested_category(ledger: Ledger, description: str, categories: list[Category]) -> Category | None:
    """The category of the latest expense with this description (ignoring case), if it is still
    one of `categories`: what a receipt from the same shop most likely is."""
    category_id = db.session.scalar(
        select(Expense.category_id)
        .where(Expense.ledger_id == ledger.id, func.lower(Expense.description) == description.lower())
        .order_by(Expense.spent_on.desc(), Expense.id.desc())
        .limit(1)
    )
    return next((category for category in categories if category.id == category_id), None)


@dataclass(frozen=True)
class MemberTotal:
    user_id: int | None  # None: the account that paid is gone
    email: str | None
    count: int
    total_cents: int


def spent_by_member(ledger: Ledger, start: date, end: date) -> list[MemberTotal]:
    """What each member paid for from `start` up to (not including) `end`: the member named as
    payer, or else the one who added the expense; most first, then by email."""
    who = payer().label("who")
    rows = db.session.execute(
        select(who, User.email, func.count(Expense.id), func.sum(Expense.amount_cents))
        .outerjoin(User, User.id == who)
        .where(Expense.ledger_id == ledger.id, Expense.spent_on >= start, Expense.spent_on < end)
        .group_by(who, User.email)
    )
    totals = [MemberTotal(user_id, email, int(count), int(cents)) for user_id, email, count, cents in rows]
    return sorted(totals, key=lambda total: (-total.total_cents, total.email or ""))


def period_summary(ledger: Ledger, start: date, end: date, categories: list[Category]) -> PeriodSummary:
    """Totals for expenses dated from `start` up to (not including) `end`, from the rollups;
    `categories` are the ledger's (see ledger_categories), which give names and colours."""
    figures = rollups.totals_by_category(ledger, rollups.Span(start, end))
    by_category = [
        CategoryTotal(category.id, category.name, category.color, *figures[category.id])
        for category in categories
        if category.id in figures
    ]
    by_category.sort(key=lambda total: -total.total_cents)  # stable: ties stay in name order
    return PeriodSummary(
        start=start,
        end=end,
        total_cents=sum(c.total_cents for c in by_category),
        count=sum(c.count for c in by_category),
        by_category=by_category,
    )


def recent_expenses(ledger: Ledger, limit: int = 5) -> list[Expense]:
    return list(db.session.scalars(expenses_query(ledger).limit(limit)))


def export_rows(ledger: Ledger) -> Iterator[Row]:
    """Export rows (export.Row: ISO date, description, category, amount in minor units, the original)
    for every expense, oldest first, fetched in batches so that a large export never sits in memory
    at once. Core rows, not the ORM's: nothing is done with them but writing them out."""
    query = (
        select(*export_columns())
        .join(Category, (Category.id == Expense.category_id) & (Category.ledger_id == Expense.ledger_id))
        .where(Expense.ledger_id == ledger.id)
        .order_by(Expense.spent_on, Expense.id)
        .execution_options(yield_per=2000)
    )
    yield from db.session.connection().execute(query)

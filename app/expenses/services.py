"""Queries and rules for expenses and categories. Every query is scoped to one user."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import Select, delete, func, insert, select, update

from .. import rollups
from ..extensions import db
from ..models import Category, Expense, User
from .export import day_text

STARTER_CATEGORIES = (
    ("Food & groceries", "#2e7d32"),
    ("Transport", "#1565c0"),
    ("Housing", "#6a1b9a"),
    ("Utilities", "#00838f"),
    ("Health", "#c62828"),
    ("Entertainment", "#ef6c00"),
    ("Shopping", "#ad1457"),
    ("Other", "#546e7a"),
)


class CategoryNameTaken(Exception):
    pass


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


# Categories


def categories_query(user: User) -> Select:
    return select(Category).where(Category.user_id == user.id).order_by(Category.name_key, Category.id)


def user_categories(user: User) -> list[Category]:
    return list(db.session.scalars(categories_query(user)))


def get_category_or_404(user: User, category_id: int) -> Category:
    """The user's category, or 404 whether it does not exist or belongs to someone else."""
    category = db.session.scalar(select(Category).where(Category.id == category_id, Category.user_id == user.id))
    if category is None:
        abort(404)
    return category


def create_starter_categories(user: User) -> None:
    for name, color in STARTER_CATEGORIES:
        db.session.add(Category(user_id=user.id, name=name, name_key=name.casefold(), color=color))


def _check_name_free(user: User, name: str, exclude_id: int | None = None) -> None:
    query = select(Category.id).where(Category.user_id == user.id, Category.name_key == name.casefold())
    if exclude_id is not None:
        query = query.where(Category.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise CategoryNameTaken(name)


def create_category(user: User, name: str, color: str) -> Category:
    _check_name_free(user, name)
    category = Category(user_id=user.id, name=name, name_key=name.casefold(), color=color)
    db.session.add(category)
    db.session.commit()
    return category


def update_category(user: User, category: Category, name: str, color: str) -> None:
    _check_name_free(user, name, exclude_id=category.id)
    category.name = name
    category.name_key = name.casefold()
    category.color = color
    db.session.commit()


def category_stats(user: User) -> list[tuple[Category, int, int]]:
    """Every category of the user with its number of expenses and their total, by name."""
    figures = rollups.totals_by_category(user, rollups.Span(None, None))
    return [(category, *figures.get(category.id, (0, 0))) for category in user_categories(user)]


def count_expenses_in(user: User, category: Category) -> int:
    return db.session.scalar(
        select(func.count(Expense.id)).where(Expense.user_id == user.id, Expense.category_id == category.id)
    )


def delete_category(
    user: User, category: Category, move_to: Category | None = None, delete_expenses: bool = False
) -> int:
    """Delete a category, first moving its expenses to `move_to` or, if asked, deleting them.

    Returns how many expenses were moved or deleted. With neither choice, a category that still has
    expenses is not deleted (ValueError): expenses are never removed silently.
    """
    scope = (Expense.user_id == user.id, Expense.category_id == category.id)
    if move_to is not None:
        if move_to.user_id != user.id or move_to.id == category.id:
            raise ValueError("choose another of your own categories")
        affected = db.session.execute(
            update(Expense).where(*scope).values(category_id=move_to.id),
            execution_options={"synchronize_session": False},
        ).rowcount
    elif delete_expenses:
        affected = db.session.execute(
            delete(Expense).where(*scope), execution_options={"synchronize_session": False}
        ).rowcount
    else:
        if count_expenses_in(user, category):
            raise ValueError("the category still has expenses")
        affected = 0
    db.session.delete(category)
    db.session.commit()
    return affected


# Expenses


def insert_expenses(rows: list[dict]) -> None:
    """Insert many expenses (an import, a restore) in multi-row INSERT statements.

    Asking for the new ids makes SQLAlchemy send the rows 1,000 to a statement ("insertmanyvalues");
    a plain executemany would be one statement per row on PostgreSQL, and the rollup triggers
    there run once per statement: 1.7 ms each, 17 s for a file of 10,000 rows instead of well
    under one."""
    if rows:
        db.session.execute(insert(Expense).returning(Expense.id), rows)


def expenses_query(user: User) -> Select:
    """The user's expenses, newest first; ties broken by id so pages never overlap."""
    return select(Expense).where(Expense.user_id == user.id).order_by(Expense.spent_on.desc(), Expense.id.desc())


def get_expense_or_404(user: User, expense_id: int) -> Expense:
    """The user's expense, or 404 whether it does not exist or belongs to someone else."""
    expense = db.session.scalar(select(Expense).where(Expense.id == expense_id, Expense.user_id == user.id))
    if expense is None:
        abort(404)
    return expense


def create_expense(user: User, category: Category, spent_on: date, description: str, amount_cents: int) -> Expense:
    expense = Expense(
        user_id=user.id,
        category_id=category.id,
        spent_on=spent_on,
        description=description,
        amount_cents=amount_cents,
    )
    db.session.add(expense)
    db.session.commit()
    return expense


def update_expense(expense: Expense, category: Category, spent_on: date, description: str, amount_cents: int) -> None:
    expense.category_id = category.id
    expense.spent_on = spent_on
    expense.description = description
    expense.amount_cents = amount_cents
    db.session.commit()


def delete_expense(expense: Expense) -> None:
    db.session.delete(expense)
    db.session.commit()


def has_expenses(user: User) -> bool:
    return db.session.scalar(select(Expense.id).where(Expense.user_id == user.id).limit(1)) is not None


def period_summary(user: User, start: date, end: date, categories: list[Category]) -> PeriodSummary:
    """Totals for expenses dated from `start` up to (not including) `end`, from the rollups;
    `categories` are the user's (see user_categories), which give names and colours."""
    figures = rollups.totals_by_category(user, rollups.Span(start, end))
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


def recent_expenses(user: User, limit: int = 5) -> list[Expense]:
    return list(db.session.scalars(expenses_query(user).limit(limit)))


def export_rows(user: User) -> Iterator[tuple[str, str, str, int]]:
    """(ISO date, description, category, amount in minor units) for every expense, oldest first,
    fetched in batches so that a large export never sits in memory at once. Core rows, not the
    ORM's: nothing is done with them but writing them out."""
    query = (
        select(day_text(Expense.spent_on), Expense.description, Category.name, Expense.amount_cents)
        .join(Category, (Category.id == Expense.category_id) & (Category.user_id == Expense.user_id))
        .where(Expense.user_id == user.id)
        .order_by(Expense.spent_on, Expense.id)
        .execution_options(yield_per=2000)
    )
    yield from db.session.connection().execute(query)

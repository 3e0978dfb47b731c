"""Categories: the starter set, names unique per ledger ignoring case, and deleting one without losing
expenses silently. Every query is scoped to one ledger; nothing here commits (see app/transactions.py)."""

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, delete, func, select, update

from . import rollups
from .extensions import db
from .models import MAX_CATEGORIES, Category, CategoryRule, Expense, Ledger, RecurringRule

# Named in the language of the request that registers the account: they
# are the person's own data from then on, renamed or deleted like any other category.
STARTER_CATEGORIES = (
    (_l("Food & groceries"), "#2e7d32"),
    (_l("Transport"), "#1565c0"),
    (_l("Housing"), "#6a1b9a"),
    (_l("Utilities"), "#00838f"),
    (_l("Health"), "#c62828"),
    (_l("Entertainment"), "#ef6c00"),
    (_l("Shopping"), "#ad1457"),
    (_l("Other"), "#546e7a"),
)


class CategoryNameTaken(Exception):
    pass


class TooManyCategories(Exception):
    """The account already has MAX_CATEGORIES categories."""


def count_categories(ledger: Ledger) -> int:
    return db.session.scalar(select(func.count(Category.id)).where(Category.ledger_id == ledger.id))


def categories_query(ledger: Ledger) -> Select:
    return select(Category).where(Category.ledger_id == ledger.id).order_by(Category.name_key, Category.id)


def ledger_categories(ledger: Ledger) -> list[Category]:
    return list(db.session.scalars(categories_query(ledger)))


def get_category_or_404(ledger: Ledger, category_id: int) -> Category:
    """The ledger's category, or 404 whether it does not exist or belongs to someone else."""
    category = db.session.scalar(select(Category).where(Category.id == category_id, Category.ledger_id == ledger.id))
    if category is None:
        abort(404)
    return category


def create_starter_categories(ledger: Ledger) -> None:
    for lazy_name, color in STARTER_CATEGORIES:
        name = str(lazy_name)
        db.session.add(Category(ledger_id=ledger.id, name=name, name_key=name.casefold(), color=color))


def _check_name_free(ledger: Ledger, name: str, exclude_id: int | None = None) -> None:
    query = select(Category.id).where(Category.ledger_id == ledger.id, Category.name_key == name.casefold())
    if exclude_id is not None:
        query = query.where(Category.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise CategoryNameTaken(name)


def create_category(ledger: Ledger, name: str, color: str) -> Category:
    """Raises CategoryNameTaken or TooManyCategories, having written nothing."""
    _check_name_free(ledger, name)
    if count_categories(ledger) >= MAX_CATEGORIES:
        raise TooManyCategories()
    category = Category(ledger_id=ledger.id, name=name, name_key=name.casefold(), color=color)
    db.session.add(category)
    return category


def update_category(ledger: Ledger, category: Category, name: str, color: str) -> None:
    _check_name_free(ledger, name, exclude_id=category.id)
    category.name = name
    category.name_key = name.casefold()
    category.color = color


def category_stats(ledger: Ledger) -> list[tuple[Category, int, int]]:
    """Every category of the ledger with its number of expenses and their total, by name."""
    figures = rollups.totals_by_category(ledger, rollups.Span(None, None))
    return [(category, *figures.get(category.id, (0, 0))) for category in ledger_categories(ledger)]


def count_expenses_in(ledger: Ledger, category: Category) -> int:
    return db.session.scalar(
        select(func.count(Expense.id)).where(Expense.ledger_id == ledger.id, Expense.category_id == category.id)
    )


def count_rules_in(ledger: Ledger, category: Category) -> int:
    return db.session.scalar(
        select(func.count(RecurringRule.id)).where(
            RecurringRule.ledger_id == ledger.id, RecurringRule.category_id == category.id
        )
    )


def delete_category(
    ledger: Ledger, category: Category, move_to: Category | None = None, delete_expenses: bool = False
) -> int:
    """Delete a category, first moving its expenses (and its recurring rules) to `move_to` or, if
    asked, deleting them. Its filing rules move with its expenses; otherwise they go with it (the
    database's foreign key cascades).

    Returns how many expenses were moved or deleted. With neither choice, a category that still has
    expenses or rules is not deleted (ValueError): nothing is removed silently.
    """
    rules = (RecurringRule.ledger_id == ledger.id, RecurringRule.category_id == category.id)
    if move_to is not None and move_to.ledger_id == ledger.id and move_to.id != category.id:
        db.session.execute(
            update(RecurringRule).where(*rules).values(category_id=move_to.id),
            execution_options={"synchronize_session": False},
        )
        db.session.execute(
            update(CategoryRule)
            .where(CategoryRule.ledger_id == ledger.id, CategoryRule.category_id == category.id)
            .values(category_id=move_to.id),
            execution_options={"synchronize_session": False},
        )
    elif delete_expenses:
        db.session.execute(delete(RecurringRule).where(*rules), execution_options={"synchronize_session": False})
    elif count_rules_in(ledger, category):
        raise ValueError("the category still has recurring rules")
    scope = (Expense.ledger_id == ledger.id, Expense.category_id == category.id)
    if move_to is not None:
        if move_to.ledger_id != ledger.id or move_to.id == category.id:
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
        if count_expenses_in(ledger, category):
            raise ValueError("the category still has expenses")
        affected = 0
    db.session.delete(category)
    return affected

"""Budgets: the overall budget per period, per-category limits, and rollover between periods.

Spending is summed by the database per category and period (`SUM ... GROUP BY`); Python only
walks the handful of (category, period) totals to carry money from one period to the next.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from . import rollups
from .extensions import db
from .models import Category, CategoryBudget, OverallBudget, User
from .money import percent
from .periods import Period, period_containing

# A budget set before any history existed applies back to the beginning.
BEGINNING = date(1970, 1, 1)
WARNING_PERCENT = Decimal(80)


@dataclass(frozen=True)
class CategoryBudgetStatus:
    category: Category
    base_cents: int | None  # the limit set for this period; None: no limit
    carried_cents: int  # from earlier periods (rollover); negative after overspending
    spent_cents: int
    rollover: bool

    @property
    def limit_cents(self) -> int | None:
        return None if self.base_cents is None else self.base_cents + self.carried_cents

    @property
    def left_cents(self) -> int | None:
        return None if self.limit_cents is None else self.limit_cents - self.spent_cents

    @property
    def used_percent(self) -> Decimal | None:
        if self.limit_cents is None:
            return None
        if self.limit_cents <= 0:
            return Decimal(100) if self.spent_cents == 0 and self.limit_cents == 0 else Decimal("999.9")
        return percent(self.spent_cents, self.limit_cents)

    @property
    def state(self) -> str:
        """ "none" (no limit), "ok", "warning" (80% or more used) or "over" (past 100%)."""
        if self.limit_cents is None:
            return "none"
        if self.spent_cents > self.limit_cents:
            return "over"
        if self.spent_cents * 100 >= self.limit_cents * WARNING_PERCENT:
            return "warning"
        return "ok"


def spent_by_category_and_period(user: User, start: date, end: date) -> dict[tuple[int, str], int]:
    """{(category id, period key): spent} for expenses dated in [start, end), period boundaries."""
    return rollups.totals_by_period(user, start, end)


def spent_by_category(user: User, period: Period) -> dict[int, int]:
    figures = rollups.totals_by_category(user, rollups.Span(period.start, period.end))
    return {category_id: cents for category_id, (_count, cents) in figures.items()}


def _budget_history(user: User) -> dict[int, list[CategoryBudget]]:
    history: dict[int, list[CategoryBudget]] = {}
    for row in db.session.scalars(
        select(CategoryBudget)
        .where(CategoryBudget.user_id == user.id)
        .order_by(CategoryBudget.category_id, CategoryBudget.effective_from)
    ):
        history.setdefault(row.category_id, []).append(row)
    return history


def _in_force(rows: list[CategoryBudget], day: date) -> CategoryBudget | None:
    current = None
    for row in rows:
        if row.effective_from <= day:
            current = row
    return current


def category_budgets(
    user: User, period: Period, categories: list[Category], spent_now: dict[int, int] | None = None
) -> list[CategoryBudgetStatus]:
    """Each category's limit, carried amount and spending for `period`, in the given order.

    `spent_now` ({category id: spent in the period}) saves the query when the caller has it.
    """
    history = _budget_history(user)
    if spent_now is None:
        spent_now = spent_by_category(user, period)
    earliest = min((rows[0].effective_from for rows in history.values()), default=period.start)
    first_period = period_containing(max(earliest, BEGINNING), user.period_start_day)
    # Earlier periods matter only for rollover.
    rolls_over = any(row.rollover for rows in history.values() for row in rows)
    past = (
        spent_by_category_and_period(user, first_period.start, period.start)
        if rolls_over and first_period.start < period.start
        else {}
    )

    statuses = []
    for category in categories:
        rows = history.get(category.id, [])
        row = _in_force(rows, period.start)
        carried = _carried_into(period, first_period, rows, category.id, past) if row and row.rollover else 0
        statuses.append(
            CategoryBudgetStatus(
                category=category,
                base_cents=row.limit_cents if row else None,
                carried_cents=carried if row and row.limit_cents is not None else 0,
                spent_cents=spent_now.get(category.id, 0),
                rollover=bool(row and row.rollover),
            )
        )
    return statuses


def _carried_into(
    period: Period, first: Period, rows: list[CategoryBudget], category_id: int, past: dict[tuple[int, str], int]
) -> int:
    """What earlier periods carry into `period`: their limit plus what they were carried, less what
    was spent, summed over the unbroken run of earlier periods that had a limit with rollover on."""
    carried = 0
    current = first
    while current.start < period.start:
        row = _in_force(rows, current.start)
        if row is None or not row.rollover or row.limit_cents is None:
            carried = 0  # the chain starts again after a period without rollover
        else:
            carried = carried + row.limit_cents - past.get((category_id, current.key), 0)
        current = current.shift(1)
    return carried


def overall_budget_cents(user: User, period: Period) -> int:
    """The overall budget in force for `period` (today's budget if it was never changed)."""
    amount = db.session.scalar(
        select(OverallBudget.amount_cents)
        .where(OverallBudget.user_id == user.id, OverallBudget.effective_from <= period.start)
        .order_by(OverallBudget.effective_from.desc())
        .limit(1)
    )
    return user.monthly_budget_cents if amount is None else amount


def set_overall_budget(user: User, amount_cents: int, today: date) -> None:
    """Change the budget from the current period on; earlier periods keep theirs. Not committed."""
    period = period_containing(today, user.period_start_day)
    has_history = db.session.scalar(select(OverallBudget.id).where(OverallBudget.user_id == user.id).limit(1))
    if has_history is None and amount_cents != user.monthly_budget_cents:
        # Keep what every earlier period had before this first change.
        db.session.add(OverallBudget(user_id=user.id, effective_from=BEGINNING, amount_cents=user.monthly_budget_cents))
    _upsert(
        OverallBudget,
        {"user_id": user.id, "effective_from": period.start},
        {"amount_cents": amount_cents},
    )
    user.monthly_budget_cents = amount_cents


def set_category_budget(
    user: User, category: Category, limit_cents: int | None, rollover: bool, period: Period
) -> bool:
    """Set a category's limit from `period` on; returns whether anything changed. Not committed."""
    rows = _budget_history(user).get(category.id, [])
    current = _in_force(rows, period.start)
    if current is None and limit_cents is None:
        return False
    if current is not None and (current.limit_cents, current.rollover) == (limit_cents, rollover):
        return False
    _upsert(
        CategoryBudget,
        {"user_id": user.id, "category_id": category.id, "effective_from": period.start},
        {"limit_cents": limit_cents, "rollover": rollover and limit_cents is not None},
    )
    return True


def _upsert(model, key: dict, values: dict) -> None:
    row = db.session.scalar(select(model).filter_by(**key))
    if row is None:
        db.session.add(model(**key, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)


def has_category_budgets(user: User) -> bool:
    return db.session.scalar(select(CategoryBudget.id).where(CategoryBudget.user_id == user.id).limit(1)) is not None


def days_left(period: Period, today: date) -> int:
    """Days from today to the end of the period, today included; 0 for a past period."""
    if today >= period.end:
        return 0
    return (period.end - max(today, period.start)).days

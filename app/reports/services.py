"""Figures for the reports page. The database does the adding up (SUM ... GROUP BY, over the
rollups of app.rollups); Python only arranges the few aggregated rows it gets back. Every query is
scoped to one ledger.

Months are the ledger's budget periods (see app.periods): with the default start day of 1 they are
calendar months, and with a payday start day they match the dashboard and budgets.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from sqlalchemy import (
    Date,
    DateTime,
    Select,
    bindparam,
    cast,
    func,
    literal_column,
    select,
    true,
    union_all,
)

from .. import money, rollups
from ..extensions import db
from ..models import Category, Expense, Ledger
from ..periods import Period

# The reports name at most this many categories; past it, the smallest are added up as one entry
# ("14 other categories"), so that the charts and tables keep a readable, bounded size.
REPORT_CATEGORIES = 12
OTHER_CATEGORIES_COLOR = "#868e96"


@dataclass(frozen=True)
class OtherCategories:
    """The smallest categories of a report, as one entry that stands in for a Category. Its `id` is
    the tuple of their ids: what its figures are keyed by, and what its links filter the list on."""

    id: tuple[int, ...]
    color: str = OTHER_CATEGORIES_COLOR

    @property
    def name(self) -> str:
        return f"{len(self.id)} other categories"

    @property
    def name_key(self) -> str:
        return self.name.casefold()


def _keep_largest(categories: list[Category], totals: dict[int, int]) -> tuple[list, OtherCategories | None]:
    """`categories` as the report shows them: all of them when they are few; otherwise the largest
    by `totals` (in the order given) and one entry for the rest."""
    if len(categories) <= REPORT_CATEGORIES:
        return categories, None
    ranked = sorted(categories, key=lambda category: (-totals.get(category.id, 0), category.name_key))
    kept = {category.id for category in ranked[: REPORT_CATEGORIES - 1]}
    other = OtherCategories(tuple(category.id for category in categories if category.id not in kept))
    return [category for category in categories if category.id in kept], other


@dataclass(frozen=True)
class MonthlySpending:
    """Spending per period and category, for a run of consecutive periods."""

    periods: list[Period]
    # Those with any spending in the periods, in name order, then OtherCategories past REPORT_CATEGORIES.
    categories: list[Category | OtherCategories]
    cents: dict[tuple, int]  # (category id, period index) -> total; absent means 0

    def amount(self, category_id: int, index: int) -> int:
        return self.cents.get((category_id, index), 0)

    def period_total(self, index: int) -> int:
        return sum(self.amount(category.id, index) for category in self.categories)

    def category_total(self, category_id: int) -> int:
        return sum(self.amount(category_id, index) for index in range(len(self.periods)))

    @property
    def total(self) -> int:
        return sum(self.cents.values())


@dataclass(frozen=True)
class Comparison:
    category: Category | OtherCategories
    year_ago_cents: int
    this_cents: int

    @property
    def change_cents(self) -> int:
        return self.this_cents - self.year_ago_cents

    @property
    def change_percent(self) -> Decimal | None:
        """Change against a year earlier, in percent to one decimal, rounded as app.money says (away
        from zero); None when nothing was spent then."""
        if self.year_ago_cents == 0:
            return None
        return money.percent(self.this_cents, self.year_ago_cents) - 100


@dataclass(frozen=True)
class YearOverYear:
    period: Period
    year_ago: Period
    rows: list[Comparison]  # categories with spending in either period, in name order

    @property
    def year_ago_cents(self) -> int:
        return sum(row.year_ago_cents for row in self.rows)

    @property
    def this_cents(self) -> int:
        return sum(row.this_cents for row in self.rows)


@dataclass(frozen=True)
class CategoryAverage:
    category: Category | OtherCategories
    total_cents: int
    average_cents: int  # per period, rounded as app.money.average rounds


@dataclass(frozen=True)
class Averages:
    periods: list[Period]  # the periods averaged over
    rows: list[CategoryAverage]  # largest average first

    @property
    def total_cents(self) -> int:
        return sum(row.total_cents for row in self.rows)

    @property
    def average_cents(self) -> int:
        return money.average(self.total_cents, len(self.periods))


def spending_by_period(ledger: Ledger, periods: list[Period]) -> dict[tuple[int, int], int]:
    """(category id, index in `periods`) -> total spent, from one query of the rollup tables
    (see app.rollups) over the range the periods span. `periods` are the ledger's budget periods."""
    if not periods:
        return {}
    index = {period.key: position for position, period in enumerate(periods)}
    totals = rollups.totals_by_period(ledger, min(p.start for p in periods), max(p.end for p in periods))
    return {(category_id, index[key]): cents for (category_id, key), cents in totals.items() if key in index}


def _categories(ledger: Ledger) -> list[Category]:
    return list(db.session.scalars(select(Category).where(Category.ledger_id == ledger.id).order_by(Category.name_key)))


def monthly_spending(ledger: Ledger, periods: list[Period]) -> MonthlySpending:
    """Spending per category in each of `periods`, for the stacked bar chart."""
    cents = spending_by_period(ledger, periods)
    totals: dict[int, int] = {}
    for (category_id, _index), amount in cents.items():
        totals[category_id] = totals.get(category_id, 0) + amount
    shown, other = _keep_largest([c for c in _categories(ledger) if c.id in totals], totals)
    if other is not None:
        grouped = set(other.id)
        kept = {key: amount for key, amount in cents.items() if key[0] not in grouped}
        for (category_id, index), amount in cents.items():
            if category_id in grouped:
                kept[(other.id, index)] = kept.get((other.id, index), 0) + amount
        cents, shown = kept, [*shown, other]
    return MonthlySpending(periods=periods, categories=shown, cents=cents)


def year_over_year(ledger: Ledger, period: Period) -> YearOverYear:
    """Spending per category in `period` and in the same period a year earlier."""
    year_ago = period.shift(-12)
    cents = spending_by_period(ledger, [year_ago, period])
    rows = [
        Comparison(category, cents.get((category.id, 0), 0), cents.get((category.id, 1), 0))
        for category in _categories(ledger)
        if (category.id, 0) in cents or (category.id, 1) in cents
    ]
    totals = {row.category.id: row.year_ago_cents + row.this_cents for row in rows}
    _, other = _keep_largest([row.category for row in rows], totals)
    if other is not None:
        grouped = [row for row in rows if row.category.id in other.id]
        rows = [row for row in rows if row.category.id not in other.id]
        rows.append(
            Comparison(other, sum(row.year_ago_cents for row in grouped), sum(row.this_cents for row in grouped))
        )
    return YearOverYear(period=period, year_ago=year_ago, rows=rows)


def first_expense_date(ledger: Ledger) -> date | None:
    return db.session.scalar(select(func.min(Expense.spent_on)).where(Expense.ledger_id == ledger.id))


def monthly_averages(ledger: Ledger, spending: MonthlySpending) -> Averages:
    """Average spending per period and category over the periods of `spending`, counted from the
    period of the ledger's first expense on (months before anything was recorded are not zeros)."""
    first = first_expense_date(ledger)
    periods = [period for period in spending.periods if first is not None and period.end > first]
    rows = [
        CategoryAverage(category, total, money.average(total, len(periods)))
        for category in spending.categories
        if (total := spending.category_total(category.id))
    ]
    # Largest first; the entry for the smallest categories stays last.
    rows.sort(key=lambda row: (isinstance(row.category, OtherCategories), -row.average_cents, row.category.name_key))
    return Averages(periods=periods, rows=rows)


LARGEST_ORDER = (Expense.amount_cents.desc(), Expense.id.desc())


def largest_expenses(ledger: Ledger, period: Period, limit: int = 10) -> list[Expense]:
    """The period's largest expenses, largest first: the order of the expense list sorted by amount."""
    # Each day's `limit` largest, read in that order off the index on (ledger, day, amount, id), and
    # the period's ranked from those: at most `limit` index entries a day, however many expenses the
    # ledger or the period holds. Ranking the whole period at once read every expense in it (about
    # 16,700 in a month at 1,000,000), or PostgreSQL walked the ledger's amount index past every
    # larger expense of other periods (22,233 of them for the first 6 days of December 2026): 19.5 ms
    # against 1.7 for 1,000 expenses, now 1.7 against 1.4 (all figures in migration 0019).
    if db.engine.dialect.name == "postgresql":
        params = {"ledger_id": ledger.id, "first": period.start, "last": period.last_day}
        return list(db.session.scalars(_largest_by_lateral_join(limit), params))
    days = (period.end - period.start).days
    params = {"ledger_id": ledger.id} | {f"day_{n}": period.start + timedelta(days=n) for n in range(days)}
    return list(db.session.scalars(_largest_by_union(days, limit), params))


def _expenses_in(largest_ids: Select) -> Select:
    return select(Expense).where(Expense.id.in_(largest_ids.scalar_subquery())).order_by(*LARGEST_ORDER)


@cache
def _largest_by_lateral_join(limit: int) -> Select:
    """PostgreSQL: each day from `:first` to `:last` joined to its largest expenses (LATERAL). The
    28-31 subqueries of the other form would cost 4-5 ms of planning on every page."""
    day = (
        func.generate_series(
            cast(bindparam("first", type_=Date), DateTime),
            cast(bindparam("last", type_=Date), DateTime),
            literal_column("interval '1 day'"),
        )
        .table_valued("day", name="days")
        .render_derived()
    )
    of_the_day = (
        select(Expense.id, Expense.amount_cents)
        .where(Expense.ledger_id == bindparam("ledger_id"), Expense.spent_on == cast(day.c.day, Date))
        .order_by(*LARGEST_ORDER)
        .limit(limit)
        .lateral("of_the_day")
    )
    return _expenses_in(
        select(of_the_day.c.id)
        .select_from(day)
        .join(of_the_day, true())
        .order_by(of_the_day.c.amount_cents.desc(), of_the_day.c.id.desc())
        .limit(limit)
    )


@cache
def _largest_by_union(days: int, limit: int) -> Select:
    """SQLite, which has no LATERAL: one subquery per day (`:day_0` ... `:day_<days - 1>`), put
    together with UNION ALL. Built once per period length: building it took longer than running it."""
    each_day = [
        select(Expense.id, Expense.amount_cents)
        .where(Expense.ledger_id == bindparam("ledger_id"), Expense.spent_on == bindparam(f"day_{n}"))
        .order_by(*LARGEST_ORDER)
        .limit(limit)
        .subquery()
        for n in range(days)
    ]
    candidates = union_all(*(select(day.c.id, day.c.amount_cents) for day in each_day)).subquery()
    return _expenses_in(
        select(candidates.c.id).order_by(candidates.c.amount_cents.desc(), candidates.c.id.desc()).limit(limit)
    )

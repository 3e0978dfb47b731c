"""Budgets: the overall budget per period, per-category limits, and rollover between periods.

Spending is summed by the database (`SUM ... GROUP BY`); Python walks only each category's budget
changes (at most MAX_CATEGORY_BUDGET_ROWS per account) to carry money from one period to the next,
never the periods between them, so a page about 2099 costs what a page about this month does.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import and_, delete, func, select

from . import rollups
from .extensions import db
from .models import MAX_CATEGORY_BUDGET_ROWS, MAX_OVERALL_BUDGET_ROWS, Category, CategoryBudget, Ledger, OverallBudget
from .money import percent
from .periods import Period, period_containing, period_from_index

# A budget set before any history existed applies back to the beginning.
BEGINNING = date(1970, 1, 1)

# Which budget row is in force for a period. A change is stored with `effective_from` the first day
# of the period it was made in (under the start day of that time), and a limit applies from the
# start of the period it was set in, whatever the start day becomes: the row in force for a period
# is the latest one whose `effective_from` is before the period's end, i.e. that falls in the period
# or before it. (Not "on or before its start": moving the start day from the 1st to the 25th would
# put a limit set on 10 November, stored as from 1 November, after the start of the period
# 25 October - 24 November, and that period would show no limit.) Rows that fall in the same period
# under today's start day count as one change: the latest.
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


def spent_by_category(ledger: Ledger, period: Period) -> dict[int, int]:
    figures = rollups.totals_by_category(ledger, rollups.Span(period.start, period.end))
    return {category_id: cents for category_id, (_count, cents) in figures.items()}


@dataclass(frozen=True)
class _Segment:
    """A run of periods under one budget row: from period number `index` (Period.index) to the next
    segment's. A row changed again in the same period is replaced by the later one."""

    index: int
    limit_cents: int | None
    rollover: bool

    @property
    def rolls_over(self) -> bool:
        return self.rollover and self.limit_cents is not None


def _histories(ledger: Ledger, period: Period, category_ids: list[int]) -> dict[int, list[_Segment]]:
    """Each category's budget rows up to `period`, as segments. One indexed query; at most
    MAX_CATEGORY_BUDGET_ROWS rows (saving and restoring refuse more)."""
    if not category_ids:
        return {}
    columns = (CategoryBudget.category_id, CategoryBudget.effective_from, CategoryBudget.limit_cents)
    rows = db.session.execute(
        select(*columns, CategoryBudget.rollover)
        .where(
            CategoryBudget.ledger_id == ledger.id,
            CategoryBudget.category_id.in_(category_ids),
            CategoryBudget.effective_from < period.end,
        )
        .order_by(CategoryBudget.category_id, CategoryBudget.effective_from)
    )
    start_day = ledger.period_start_day
    last: dict[int, tuple[int, int | None, bool]] = {}  # the latest row of each period, by category
    histories: dict[int, list[_Segment]] = {}
    for category_id, effective_from, limit_cents, rollover in rows:
        index = period_containing(effective_from, start_day).index  # the period it was set in
        previous = last.get(category_id)
        if previous is not None and previous[0] != index:
            histories.setdefault(category_id, []).append(_Segment(*previous))
        last[category_id] = (index, limit_cents, rollover)
    for category_id, latest in last.items():
        histories.setdefault(category_id, []).append(_Segment(*latest))
    return histories


def _rollover_chain(segments: list[_Segment], until: int) -> tuple[int, int] | None:
    """(first period, sum of limits) of the unbroken run of periods before period `until` that had a
    limit with rollover on and lead into it; None when period `until` itself does not roll over.

    Counted per segment, not per period: the work is the number of budget changes, whatever range
    of years they span."""
    if not segments or not segments[-1].rolls_over:
        return None
    first, limits, end = until, 0, until
    for segment in reversed(segments):
        if not segment.rolls_over:
            break
        limits += segment.limit_cents * (end - segment.index)
        first = end = segment.index
    return first, limits


def category_budgets(
    ledger: Ledger, period: Period, categories: list[Category], spent_now: dict[int, int] | None = None
) -> list[CategoryBudgetStatus]:
    """Each category's limit, carried amount and spending for `period`, in the given order.

    `spent_now` ({category id: spent in the period}) saves the query when the caller has it.

    What a category carries into `period` is, over the unbroken run of earlier periods that had a
    limit with rollover on, the sum of their limits less what was spent in them. The limits are
    added up per budget change (`_rollover_chain`) and the spending by the database, one grouped
    query per distinct first period of such runs: the work is bounded by the categories shown and
    their budget rows, not by how many periods lie between them.
    """
    if spent_now is None:
        spent_now = spent_by_category(ledger, period)
    histories = _histories(ledger, period, [category.id for category in categories])
    chains = {}
    for category_id, segments in histories.items():
        chain = _rollover_chain(segments, period.index)
        if chain is not None and chain[0] < period.index:
            chains[category_id] = chain
    spent_before = {}
    for first, category_ids in _group_by_first(chains).items():
        span = rollups.Span(period_from_index(first, ledger.period_start_day).start, period.start)
        for category_id, (_count, cents) in rollups.totals_by_category(ledger, span, category_ids).items():
            spent_before[category_id] = cents

    statuses = []
    for category in categories:
        segments = histories.get(category.id)
        current = segments[-1] if segments else None
        chain = chains.get(category.id)
        statuses.append(
            CategoryBudgetStatus(
                category=category,
                base_cents=current.limit_cents if current else None,
                carried_cents=chain[1] - spent_before.get(category.id, 0) if chain else 0,
                spent_cents=spent_now.get(category.id, 0),
                rollover=bool(current and current.rollover),
            )
        )
    return statuses


def _group_by_first(chains: dict[int, tuple[int, int]]) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = {}
    for category_id, (first, _limits) in sorted(chains.items()):
        groups.setdefault(first, []).append(category_id)
    return groups


def overall_budget_cents(ledger: Ledger, period: Period) -> int:
    """The overall budget in force for `period` (today's budget if it was never changed)."""
    amount = db.session.scalar(
        select(OverallBudget.amount_cents)
        .where(OverallBudget.ledger_id == ledger.id, OverallBudget.effective_from < period.end)
        .order_by(OverallBudget.effective_from.desc())
        .limit(1)
    )
    return ledger.monthly_budget_cents if amount is None else amount


class BudgetHistoryFull(Exception):
    """Saving would keep more budget rows than an account may have; nothing was saved."""

    def __init__(self, what: str, limit: int):
        super().__init__(
            f"Nothing was saved: an account keeps at most {limit:,} {what}, and this change would go past that."
        )


def set_overall_budget(ledger: Ledger, amount_cents: int, today: date) -> None:
    """Change the budget from the current period on; earlier periods keep theirs. Not committed;
    raises BudgetHistoryFull past MAX_OVERALL_BUDGET_ROWS (the session then needs a rollback)."""
    period = period_containing(today, ledger.period_start_day)
    has_history = db.session.scalar(select(OverallBudget.id).where(OverallBudget.ledger_id == ledger.id).limit(1))
    if has_history is None and amount_cents != ledger.monthly_budget_cents:
        # Keep what every earlier period had before this first change.
        db.session.add(
            OverallBudget(ledger_id=ledger.id, effective_from=BEGINNING, amount_cents=ledger.monthly_budget_cents)
        )
    _drop_later_in_period(OverallBudget, OverallBudget.ledger_id == ledger.id, period)
    _upsert(
        OverallBudget,
        {"ledger_id": ledger.id, "effective_from": period.start},
        {"amount_cents": amount_cents},
    )
    ledger.monthly_budget_cents = amount_cents
    db.session.flush()
    if _row_count(OverallBudget, ledger) > MAX_OVERALL_BUDGET_ROWS:
        raise BudgetHistoryFull(_("overall budget changes"), MAX_OVERALL_BUDGET_ROWS)


def _in_force(ledger: Ledger, category: Category, period: Period) -> CategoryBudget | None:
    return db.session.scalar(
        select(CategoryBudget)
        .where(
            CategoryBudget.ledger_id == ledger.id,
            CategoryBudget.category_id == category.id,
            CategoryBudget.effective_from < period.end,
        )
        .order_by(CategoryBudget.effective_from.desc())
        .limit(1)
    )


def set_category_budget(
    ledger: Ledger, category: Category, limit_cents: int | None, rollover: bool, period: Period
) -> bool:
    """Set a category's limit from `period` on; returns whether anything changed. Not committed:
    call check_category_budget_rows before committing."""
    rollover = rollover and limit_cents is not None
    current = _in_force(ledger, category, period)
    if current is None and limit_cents is None:
        return False
    if current is not None and (current.limit_cents, current.rollover) == (limit_cents, rollover):
        return False
    _drop_later_in_period(
        CategoryBudget, and_(CategoryBudget.ledger_id == ledger.id, CategoryBudget.category_id == category.id), period
    )
    _upsert(
        CategoryBudget,
        {"ledger_id": ledger.id, "category_id": category.id, "effective_from": period.start},
        {"limit_cents": limit_cents, "rollover": rollover},
    )
    return True


def check_category_budget_rows(ledger: Ledger) -> None:
    """Raises BudgetHistoryFull when the account's category budget rows, pending ones included, are
    past MAX_CATEGORY_BUDGET_ROWS (the session then needs a rollback)."""
    db.session.flush()
    if _row_count(CategoryBudget, ledger) > MAX_CATEGORY_BUDGET_ROWS:
        raise BudgetHistoryFull(_("category limit changes"), MAX_CATEGORY_BUDGET_ROWS)


def _row_count(model, ledger: Ledger) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(model.ledger_id == ledger.id))


def _drop_later_in_period(model, owner, period: Period) -> None:
    """Delete rows dated inside `period` after its first day (left by an earlier start day): the
    change being saved, stored from the period's start, would otherwise be earlier than them and
    lose to them. They applied to this period (and later) only, which the change replaces."""
    db.session.execute(
        delete(model).where(owner, model.effective_from > period.start, model.effective_from < period.end)
    )


def _upsert(model, key: dict, values: dict) -> None:
    row = db.session.scalar(select(model).filter_by(**key))
    if row is None:
        db.session.add(model(**key, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)


def has_category_budgets(ledger: Ledger) -> bool:
    return (
        db.session.scalar(select(CategoryBudget.id).where(CategoryBudget.ledger_id == ledger.id).limit(1)) is not None
    )


def days_left(period: Period, today: date) -> int:
    """Days from today to the end of the period, today included; 0 for a past period."""
    if today >= period.end:
        return 0
    return (period.end - max(today, period.start)).days

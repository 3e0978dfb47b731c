"""Spending over date ranges, added up from the rollup tables instead of from every expense.

`spending_months` holds one row per ledger, category and calendar month; `spending_days` one per
ledger, category and day (see models.SpendingDay; triggers keep both in step with `expenses`). A
range is split into the whole calendar months it covers, read from the month rows, and the days
before and after them, read from the day rows. Five years of a ledger's spending is then at most 60
month rows per category, and any range adds up at most two months' worth of day rows besides,
however many expenses there are.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, func, literal_column, or_, select, true, union_all

from .extensions import db
from .models import Ledger, SpendingDay, SpendingMonth


@dataclass(frozen=True)
class Span:
    """The days [start, end); None leaves that side open."""

    start: date | None
    end: date | None


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _split(span: Span) -> tuple[Span | None, list[Span]]:
    """The whole calendar months in `span` (as a span of first days), and the days around them."""
    first = span.start if span.start is None or span.start.day == 1 else _next_month(span.start)
    stop = span.end if span.end is None or span.end.day == 1 else span.end.replace(day=1)
    if first is not None and stop is not None and first >= stop:
        return None, [span]
    days = []
    if span.start is not None and span.start < first:
        days.append(Span(span.start, first))
    if span.end is not None and stop < span.end:
        days.append(Span(stop, span.end))
    return Span(first, stop), days


def _within(column, span: Span) -> ColumnElement[bool]:
    bounds = []
    if span.start is not None:
        bounds.append(column >= span.start)
    if span.end is not None:
        bounds.append(column < span.end)
    return and_(*bounds) if bounds else true()


def totals_by_category(ledger: Ledger, span: Span, category_ids: Sequence[int] = ()) -> dict[int, tuple[int, int]]:
    """{category id: (expense count, total)} for the ledger's expenses in `span`, only in
    `category_ids` when given. One query: month rows for the whole months, day rows for the rest,
    each added up per category by the database; Python adds the two sums of a category."""
    months, days = _split(span)
    selects = []
    if months is not None:
        selects.append(_sums(ledger, SpendingMonth, SpendingMonth.month, [months], category_ids))
    if days:
        selects.append(_sums(ledger, SpendingDay, SpendingDay.day, days, category_ids))
    figures: dict[int, tuple[int, int]] = {}
    for category_id, count, cents in db.session.execute(union_all(*selects) if len(selects) > 1 else selects[0]):
        before_count, before_cents = figures.get(category_id, (0, 0))
        figures[category_id] = (before_count + int(count), before_cents + int(cents))
    return figures


def _sums(ledger: Ledger, table, column, spans: list[Span], category_ids: Sequence[int]) -> Select:
    query = (
        select(table.category_id, func.sum(table.expense_count), func.sum(table.total_cents))
        .where(table.ledger_id == ledger.id, or_(*(_within(column, span) for span in spans)))
        .group_by(table.category_id)
    )
    if category_ids:
        query = query.where(table.category_id.in_(category_ids))
    return query


def totals(ledger: Ledger, span: Span, category_ids: Sequence[int] = ()) -> tuple[int, int]:
    """(expense count, total) of the ledger's expenses in `span`."""
    figures = totals_by_category(ledger, span, category_ids).values()
    return sum(count for count, _ in figures), sum(cents for _, cents in figures)


def period_key(column, start_day: int, dialect: str):
    """SQL for the "YYYY-MM" key of the budget period a date falls in.

    A date belongs to the period of the month it is in once moved back (start day - 1) days:
    every month has at least 28 days, so that never skips a month.
    """
    shift = start_day - 1
    if dialect == "sqlite":
        return func.strftime("%Y-%m", column, f"-{shift} days")
    return func.to_char(column - literal_column(str(shift)), "YYYY-MM")


def totals_by_period(ledger: Ledger, start: date, end: date) -> dict[tuple[int, str], int]:
    """{(category id, period key): total} for the ledger's budget periods in [start, end), which
    must be period boundaries. With periods of calendar months that is the month rows as they are;
    with a payday start day, the day rows grouped by period (at most 31 a period and category)."""
    start_day = ledger.period_start_day
    if start_day == 1:
        rows = db.session.execute(
            select(SpendingMonth.category_id, SpendingMonth.month, SpendingMonth.total_cents).where(
                SpendingMonth.ledger_id == ledger.id, SpendingMonth.month >= start, SpendingMonth.month < end
            )
        )
        return {(category_id, month.isoformat()[:7]): int(cents) for category_id, month, cents in rows}
    key = period_key(SpendingDay.day, start_day, db.engine.dialect.name).label("period")
    rows = db.session.execute(
        select(SpendingDay.category_id, key, func.sum(SpendingDay.total_cents))
        .where(SpendingDay.ledger_id == ledger.id, SpendingDay.day >= start, SpendingDay.day < end)
        .group_by(SpendingDay.category_id, key)
    )
    return {(category_id, period): int(cents) for category_id, period, cents in rows}

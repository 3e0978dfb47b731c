"""The filtered expense list as the database serves it: a page found by keyset (seek) pagination,
the count and total of the whole filtered set, and the rows of the filtered export.

Keyset pagination asks for "the next 25 rows after this one" in the list's order, which an index
answers directly, so the last page of 100,000 expenses costs what the first does (OFFSET would read
and throw away every row before the page). A cursor names a row by its sort key and id.
"""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.orm import contains_eager

from .. import rollups, search
from ..expense_filters import ExpenseFilter
from ..extensions import db
from ..models import Category, Expense, Ledger
from .export import Row, export_columns

_CATEGORY_JOIN = (Category.id == Expense.category_id) & (Category.ledger_id == Expense.ledger_id)


@dataclass(frozen=True)
class ExpensePage:
    items: list[Expense]
    has_prev: bool
    has_next: bool
    first_cursor: str | None  # of the first row shown: "Previous" asks for the rows before it
    last_cursor: str | None  # of the last row shown: "Next" asks for the rows after it


NO_ROWS = ExpensePage(items=(), has_prev=False, has_next=False, first_cursor=None, last_cursor=None)


@dataclass(frozen=True)
class ListTotals:
    count: int
    total_cents: int


def encode_cursor(expense_filter: ExpenseFilter, expense: Expense) -> str:
    """A row's position in the list's order: "2026-11-05:123", "1250:123" or "7.2026-11-05:123"
    (category id, date, id; the category's name is looked up again when the cursor is read)."""
    if expense_filter.sort == "amount":
        key = str(expense.amount_cents)
    elif expense_filter.sort == "category":
        key = f"{expense.category_id}.{expense.spent_on.isoformat()}"
    else:
        key = expense.spent_on.isoformat()
    return f"{key}:{expense.id}"


def decode_cursor(expense_filter: ExpenseFilter, text: str | None, name_keys: Mapping[int, str]) -> tuple | None:
    """The sort key values a cursor stands for, or None when it is missing or not a cursor for this
    sort (a stale or edited address then simply shows the first page)."""
    match = re.fullmatch(r"(?:([0-9]{1,10})\.)?([0-9-]{1,20}):([0-9]{1,10})", (text or "").strip())
    if match is None:
        return None
    category_text, key, id_text = match.groups()
    expense_id = int(id_text)
    try:
        # At most 18 digits: a larger number is no amount, and would overflow the BIGINT compare.
        if expense_filter.sort == "amount" and category_text is None and key.isdigit() and len(key) <= 18:
            return (int(key), expense_id)
        if expense_filter.sort == "category" and category_text is not None:
            name_key = name_keys.get(int(category_text))
            return None if name_key is None else (name_key, date.fromisoformat(key), expense_id)
        if expense_filter.sort == "date" and category_text is None:
            return (date.fromisoformat(key), expense_id)
    except ValueError:
        return None
    return None


# Always true, but it lets SQLite (without ANALYZE statistics) see that, sorted by category, walking
# the ledger's categories in name order (an index) and each one's expenses by date (another) gives the
# order with no sort; otherwise it sorts all the ledger's expenses for every page.
_CATEGORY_ORDER_HINT = Category.name_key >= ""


def _page_query(ledger: Ledger, expense_filter: ExpenseFilter, matches: int | None) -> Select:
    query = select(Expense).where(*expense_filter.conditions(ledger))
    if matches is not None and matches <= search.FEW_MATCHES:
        query = query.where(*search.narrowing(expense_filter.q))
    if expense_filter.joins_category:
        # Join once and fill Expense.category from it, instead of a second (eager) join.
        query = (
            query.join(Category, _CATEGORY_JOIN).where(_CATEGORY_ORDER_HINT).options(contains_eager(Expense.category))
        )
    return query


def _seek(
    ledger: Ledger,
    expense_filter: ExpenseFilter,
    cursor: tuple | None,
    backwards: bool,
    limit: int,
    matches: int | None,
) -> list[Expense]:
    """Up to `limit` rows following `cursor` in the list's order, or preceding it when `backwards`
    (then nearest first)."""
    query = _page_query(ledger, expense_filter, matches)
    if cursor is not None:
        key = tuple_(*expense_filter.sort_columns())
        bound = tuple_(*cursor)
        later = expense_filter.ascending != backwards
        query = query.where(key > bound if later else key < bound)
    query = query.order_by(*expense_filter.order_by(reverse=backwards)).limit(limit)
    return list(db.session.scalars(query).unique())


def expense_page(
    ledger: Ledger,
    expense_filter: ExpenseFilter,
    name_keys: Mapping[int, str],
    after: str | None = None,
    before: str | None = None,
    last: bool = False,
    matches: int | None = None,
) -> ExpensePage:
    """One page of the filtered list: the first, the one after or before a cursor, or the last.
    `matches`, when known, is how many expenses the filter matches (see `search.FEW_MATCHES`)."""
    size = expense_filter.per_page
    after_key = decode_cursor(expense_filter, after, name_keys)
    before_key = decode_cursor(expense_filter, before, name_keys)
    # One row more than the page shows, to know whether there is another page that way.
    if last or before_key is not None:
        rows = _seek(ledger, expense_filter, before_key, backwards=True, limit=size + 1, matches=matches)
        if last or len(rows) >= size:
            items = list(reversed(rows[:size]))
            return _page(expense_filter, items, has_prev=len(rows) > size, has_next=not last)
        # Fewer rows before the cursor than a page holds: show the (full) first page instead.
        after_key = None
    rows = _seek(ledger, expense_filter, after_key, backwards=False, limit=size + 1, matches=matches)
    if after_key is not None and not rows:
        # Past the end (the rows after the cursor were deleted): show the last page.
        return expense_page(ledger, expense_filter, name_keys, last=True, matches=matches)
    return _page(expense_filter, rows[:size], has_prev=after_key is not None, has_next=len(rows) > size)


def _page(expense_filter: ExpenseFilter, items: list[Expense], has_prev: bool, has_next: bool) -> ExpensePage:
    return ExpensePage(
        items=items,
        has_prev=has_prev,
        has_next=has_next,
        first_cursor=encode_cursor(expense_filter, items[0]) if items else None,
        last_cursor=encode_cursor(expense_filter, items[-1]) if items else None,
    )


def count_and_total(ledger: Ledger, expense_filter: ExpenseFilter) -> ListTotals:
    """How many expenses match and what they add up to, in one query.

    Filtered by no more than categories and dates, that is the rollup tables (a few hundred rows
    for any range, see app.rollups). A search, an amount range or a member adds up the matching expenses
    themselves, a search through the trigram index (app.search) so that only rows holding the
    text's trigrams are read."""
    by_rollups = expense_filter.member_id is None and not expense_filter.q
    if by_rollups and expense_filter.min_cents is None and expense_filter.max_cents is None:
        end = expense_filter.date_to + timedelta(days=1) if expense_filter.date_to else None
        span = rollups.Span(expense_filter.date_from, end)
        return ListTotals(*rollups.totals(ledger, span, expense_filter.category_ids))
    count, total = db.session.execute(
        select(func.count(Expense.id), func.coalesce(func.sum(Expense.amount_cents), 0)).where(
            *expense_filter.conditions(ledger), *search.narrowing(expense_filter.q)
        )
    ).one()
    return ListTotals(int(count), int(total))


def filtered_export_rows(ledger: Ledger, expense_filter: ExpenseFilter) -> Iterator[Row]:
    """Export rows (export.Row) of every matching expense, in the
    list's order, fetched in batches."""
    query = (
        select(*export_columns())
        .join(Category, _CATEGORY_JOIN)
        .where(*expense_filter.conditions(ledger), *search.narrowing(expense_filter.q))
        .order_by(*expense_filter.order_by())
        .execution_options(yield_per=2000)
    )
    if expense_filter.joins_category:
        query = query.where(_CATEGORY_ORDER_HINT)
    yield from db.session.connection().execute(query)

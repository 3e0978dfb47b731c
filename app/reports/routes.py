from flask import g, render_template, request, url_for
from flask_login import login_required

from .. import clock, l10n, money
from .. import recurring_rules as recurring
from ..access import VIEWER, current_ledger
from ..expense_filters import ExpenseFilter
from ..periods import Period, period_containing, period_from_key
from . import bp, services

MONTHS_SHOWN = 12
YEAR_AGO_COLOR, THIS_PERIOD_COLOR = "#adb5bd", "#0d6efd"


@bp.before_request
@login_required
def require_login():
    """Reports are about the current ledger's expenses (app.access decides who may read them)."""


def list_url(category_id: int | tuple[int, ...] | None = None, period: Period | None = None, **changes) -> str:
    """The expense list filtered to a category (or several: the id of services.OtherCategories)
    and/or period: where a bar or a table row leads.

    The report links to a cell of its tables hundreds of times, so the common case (one category,
    no `changes`) writes the address directly: the same one ExpenseFilter.params() and url_for would
    make (a test compares them)."""
    # Kept by issue 15's rule (a rendered page at least 20% faster): /reports renders 1.19-1.36x as
    # fast with these addresses as with one url_for per link (median 1.25x over 8 runs at 10,000 and
    # 100,000 expenses; 1.4-1.5x against ExpenseFilter + url_for per link). Each run: medians of 200
    # or 300 interleaved renders per variant, in process through the test client, SQLite, 5 Dec 2026.
    if changes or isinstance(category_id, tuple):
        category_ids = category_id if isinstance(category_id, tuple) else (category_id,) if category_id else ()
        expense_filter = ExpenseFilter(
            currency=current_ledger(VIEWER).currency,
            category_ids=category_ids,
            date_from=period.start if period else None,
            date_to=period.last_day if period else None,
            **changes,
        )
        return url_for("expenses.list_expenses", **expense_filter.params())
    base = g.get("list_base_url")
    if base is None:
        base = g.list_base_url = url_for("expenses.list_expenses")
    if category_id and period:
        return f"{base}?category={int(category_id)}&from={period.start.isoformat()}&to={period.last_day.isoformat()}"
    if period:
        return f"{base}?from={period.start.isoformat()}&to={period.last_day.isoformat()}"
    return f"{base}?category={int(category_id)}" if category_id else base


def _amounts(cents: list[int]) -> dict:
    # Exact decimal strings: the chart script converts them only to draw, never to add up.
    code = current_ledger(VIEWER).currency
    return {
        "amounts": [money.format_plain(value, code) for value in cents],
        "formatted": [money.format_amount(value, code) for value in cents],
    }


def monthly_chart(spending: services.MonthlySpending) -> dict:
    indexes = range(len(spending.periods))
    return {
        "labels": [period.short_label for period in spending.periods],
        "datasets": [
            {
                "label": category.name,
                "color": category.color,
                **_amounts([spending.amount(category.id, index) for index in indexes]),
                "links": [list_url(category.id, period) for period in spending.periods],
            }
            for category in spending.categories
        ],
    }


def comparison_chart(comparison: services.YearOverYear) -> dict:
    rows = comparison.rows
    return {
        "labels": [row.category.name for row in rows],
        "datasets": [
            {
                "label": comparison.year_ago.label,
                "color": YEAR_AGO_COLOR,
                **_amounts([row.year_ago_cents for row in rows]),
                "links": [list_url(row.category.id, comparison.year_ago) for row in rows],
            },
            {
                "label": comparison.period.label,
                "color": THIS_PERIOD_COLOR,
                **_amounts([row.this_cents for row in rows]),
                "links": [list_url(row.category.id, comparison.period) for row in rows],
            },
        ],
    }


def averages_chart(averages: services.Averages) -> dict:
    window = Period(averages.periods[0].start, averages.periods[-1].end) if averages.periods else None
    return {
        "labels": [row.category.name for row in averages.rows],
        "datasets": [
            {
                "label": "Average per month",
                "color": [row.category.color for row in averages.rows],
                **_amounts([row.average_cents for row in averages.rows]),
                "links": [list_url(row.category.id, window) for row in averages.rows],
            }
        ],
    }


def planned_row(spending: services.MonthlySpending, due) -> dict:
    """Still due per column of the monthly table (a column of several categories adds theirs up),
    and in all."""
    by_category: dict[int, int] = {}
    for item in due:
        by_category[item.rule.category_id] = by_category.get(item.rule.category_id, 0) + item.rule.amount_cents
    cells = []
    for category in spending.categories:
        ids = category.id if isinstance(category.id, tuple) else (category.id,)
        cells.append(sum(by_category.get(category_id, 0) for category_id in ids))
    return {"cells": cells, "total_cents": sum(by_category.values())}


@bp.get("")
def index():
    ledger = current_ledger(VIEWER)
    today = clock.user_today()
    start_day = ledger.period_start_day
    current = period_containing(today, start_day)
    period = period_from_key(request.args.get("period"), start_day, today)
    if period.start > current.start:
        period = current  # nothing to report about the future
    periods = [period.shift(offset) for offset in range(1 - MONTHS_SHOWN, 1)]
    spending = services.monthly_spending(ledger, periods)
    comparison = services.year_over_year(ledger, period)
    averages = services.monthly_averages(ledger, spending)
    planned = None
    if period == current:
        # What recurring rules will still add this period: the monthly table's "planned" row.
        due = recurring.still_due(ledger, current, today)
        planned = planned_row(spending, due) if due else None
    return render_template(
        "reports/index.html",
        period=period,
        previous=period.shift(-1),
        following=period.shift(1) if period != current else None,
        spending=spending,
        comparison=comparison,
        averages=averages,
        largest=services.largest_expenses(ledger, period),
        planned=planned,
        charts={
            name: {**chart, "locale": l10n.current_language_tag()}  # for the axes' numbers
            for name, chart in (
                ("monthly", monthly_chart(spending)),
                ("comparison", comparison_chart(comparison)),
                ("averages", averages_chart(averages)),
            )
        },
        list_url=list_url,
    )

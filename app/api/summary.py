"""A budget period of a ledger in figures: budget, spent, left and spent per category, and for the
current period what recurring rules will still post and what is safe to spend per day (the
dashboard's figures, from app/expenses/services.py, app/budgeting.py and app/recurring_rules.py)."""

import marshmallow as ma

from .. import budgeting, clock
from .. import recurring_rules as recurring
from ..categories import ledger_categories
from ..expenses import services
from ..periods import period_containing, period_from_key
from .base import api_blueprint, api_user, documents, ledger_for, money_of
from .budgets import period_json
from .schemas import Money, SummaryQuerySchema, SummarySchema

blp = api_blueprint("api_summary", __name__, "Summary: a budget period's figures.")


@blp.get("/ledgers/<int:ledger_id>/summary")
@blp.arguments(SummaryQuerySchema, location="query", unknown=ma.RAISE)
@blp.response(200, SummarySchema)
@documents(blp, 404, 422)
def get_summary(query: dict, ledger_id: int):
    """Spent, left and spent per category in a period; projected and safe to spend in the current one"""
    ledger = ledger_for(ledger_id)
    today = clock.user_today(api_user())
    period = period_from_key(query.get("period"), ledger.period_start_day, today)
    summary = services.period_summary(ledger, period.start, period.end, ledger_categories(ledger))
    budget = budgeting.overall_budget_cents(ledger, period)
    days_left = budgeting.days_left(period, today)
    safe = None
    if period == period_containing(today, ledger.period_start_day):
        upcoming = recurring.still_due(ledger, period, today)
        safe = recurring.safe_to_spend(budget, summary.total_cents, upcoming, days_left)
    return {
        "period": period_json(period),
        "current": safe is not None,
        "budget": Money(budget, ledger.currency),
        "spent": Money(summary.total_cents, ledger.currency),
        "left": Money(budget - summary.total_cents, ledger.currency),
        "categories": [
            {
                "category_id": total.category_id,
                "name": total.name,
                "count": total.count,
                "spent": Money(total.total_cents, ledger.currency),
            }
            for total in summary.by_category
        ],
        "days_left": days_left,
        "still_due": money_of(ledger, safe.due_cents if safe else None),
        "projected": money_of(ledger, safe.projected_cents if safe else None),
        "safe_to_spend_per_day": money_of(ledger, safe.per_day_cents if safe else None),
    }

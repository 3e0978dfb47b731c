"""A ledger's budgets for the current period (app/budgeting.py): the overall budget and each
category's limit, with what rollover carried and what is spent; and setting a category's limit."""

from flask_babel import lazy_gettext as _l

from .. import budgeting, clock, money
from ..access import EDITOR
from ..categories import get_category_or_404, ledger_categories
from ..models import Ledger
from ..periods import Period, period_containing
from ..problems import Invalid
from ..transactions import run_and_commit
from .base import api_blueprint, api_user, check_currency, documents, ledger_for, money_of
from .schemas import BudgetsSchema, CategoryBudgetSchema, CategoryLimitSchema, Money

blp = api_blueprint("api_budgets", __name__, "Budgets: the overall budget and the categories' limits.")

HISTORY_FULL = _l("This ledger keeps no more limit changes; nothing was saved.")


def period_json(period: Period) -> dict:
    return {"key": period.key, "start": period.start, "last_day": period.last_day}


def status_json(ledger: Ledger, status: budgeting.CategoryBudgetStatus) -> dict:
    return {
        "category_id": status.category.id,
        "name": status.category.name,
        "limit": money_of(ledger, status.limit_cents),
        "carried": Money(status.carried_cents, ledger.currency),
        "spent": Money(status.spent_cents, ledger.currency),
        "left": money_of(ledger, status.left_cents),
        "rollover": status.rollover,
    }


def _current(ledger: Ledger) -> Period:
    return period_containing(clock.user_today(api_user()), ledger.period_start_day)


@blp.get("/ledgers/<int:ledger_id>/budgets")
@blp.response(200, BudgetsSchema)
@documents(blp, 404)
def get_budgets(ledger_id: int):
    """The current period's overall budget and every category's limit"""
    ledger = ledger_for(ledger_id)
    period = _current(ledger)
    statuses = budgeting.category_budgets(ledger, period, ledger_categories(ledger))
    return {
        "period": period_json(period),
        "overall": Money(budgeting.overall_budget_cents(ledger, period), ledger.currency),
        "categories": [status_json(ledger, status) for status in statuses],
    }


@blp.put("/ledgers/<int:ledger_id>/budgets/<int:category_id>")
@blp.arguments(CategoryLimitSchema)
@blp.response(200, CategoryBudgetSchema)
@documents(blp, 400, 403, 404, 409, 422)
def set_category_limit(sent: dict, ledger_id: int, category_id: int):
    """Set a category's limit from the current period on; null removes it (editors and owners)"""
    ledger = ledger_for(ledger_id, EDITOR)
    category = get_category_or_404(ledger, category_id)
    limit_cents = None
    if sent["limit"] is not None:
        check_currency(ledger, sent["limit"], "#/limit")
        try:
            amount = money.parse_amount(sent["limit"]["amount"], ledger.currency, allow_zero=True)
        except money.AmountError as error:
            raise Invalid("#/limit/amount", str(error)) from None
        limit_cents = money.to_minor(amount, ledger.currency)
    period = _current(ledger)

    def work() -> None:
        budgeting.set_category_budget(ledger, category, limit_cents, sent["rollover"], period)
        budgeting.check_category_budget_rows(ledger)

    try:
        run_and_commit(work)
    except budgeting.BudgetHistoryFull:
        raise Invalid("#/limit", str(HISTORY_FULL)) from None
    (status,) = budgeting.category_budgets(ledger, period, [category])
    return status_json(ledger, status)

"""Account settings. Nothing here commits (see app/transactions.py)."""

from datetime import date
from decimal import Decimal

from sqlalchemy import delete

from ..budgeting import has_category_budgets, set_overall_budget
from ..expense_rows import has_expenses
from ..extensions import db
from ..ledgers.membership import settle_departures
from ..models import Category, CategoryBudget, Expense, OverallBudget, User, UserSession
from ..money import currency, to_minor


class CurrencyChangeRefused(Exception):
    pass


def update_settings(
    user: User,
    currency_code: str,
    monthly_budget: Decimal,
    period_start_day: int,
    today: date,
    *,
    locale: str | None,
    time_zone: str,
) -> None:
    """Save the budget, currency, number format (`locale`; None follows the browser) and time zone
    (an IANA name the form has checked). Amounts are
    kept in minor units, so switching to a currency with a different number of decimal places would
    change every stored amount: refuse it once there are expenses or category budgets."""
    if currency(currency_code).exponent != currency(user.currency).exponent:
        if has_expenses(user) or has_category_budgets(user):
            raise CurrencyChangeRefused(currency_code)
        # Earlier budgets were counted in the other currency's units; nothing was spent against them.
        db.session.execute(delete(OverallBudget).where(OverallBudget.user_id == user.id))
    user.currency = currency_code
    user.locale = locale
    user.time_zone = time_zone
    # The start day first: the budget change applies from the period that contains today.
    user.period_start_day = period_start_day
    set_overall_budget(user, to_minor(monthly_budget, currency_code), today)


def delete_account(user: User) -> None:
    """Delete the user and everything that belongs to them, in one transaction. A shared ledger
    they alone own goes to its longest-standing member, or is deleted when nobody else is in it."""
    settle_departures(user)
    for model in (Expense, CategoryBudget, OverallBudget, Category, UserSession):
        db.session.execute(delete(model).where(model.user_id == user.id))
    db.session.execute(delete(User).where(User.id == user.id))

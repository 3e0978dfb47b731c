"""Account settings."""

from decimal import Decimal

from sqlalchemy import delete

from ..expenses.services import has_expenses
from ..extensions import db
from ..models import Category, CategoryBudget, Expense, OverallBudget, User, UserSession
from ..money import currency, to_minor


class CurrencyChangeRefused(Exception):
    pass


def update_settings(user: User, currency_code: str, monthly_budget: Decimal) -> None:
    """Save the budget and currency. Amounts are kept in minor units, so switching to a currency
    with a different number of decimal places would change every stored amount: refuse it once
    there are expenses."""
    if currency(currency_code).exponent != currency(user.currency).exponent and has_expenses(user):
        raise CurrencyChangeRefused(currency_code)
    user.currency = currency_code
    user.monthly_budget_cents = to_minor(monthly_budget, currency_code)
    db.session.commit()


def delete_account(user: User) -> None:
    """Delete the user and everything that belongs to them, in one transaction."""
    for model in (Expense, CategoryBudget, OverallBudget, Category, UserSession):
        db.session.execute(delete(model).where(model.user_id == user.id))
    db.session.execute(delete(User).where(User.id == user.id))
    db.session.commit()

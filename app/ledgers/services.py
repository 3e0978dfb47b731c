"""Creating and changing ledgers. Nothing here commits (see app/transactions.py)."""

from datetime import date
from decimal import Decimal

from sqlalchemy import delete

from ..budgeting import has_category_budgets, set_overall_budget
from ..expense_rows import has_expenses
from ..extensions import db
from ..models import OWNER, Ledger, LedgerMember, OverallBudget, User, utcnow
from ..money import currency, to_minor

PERSONAL_LEDGER_NAME = "Personal"


def create_ledger(
    owner: User,
    name: str,
    currency: str,
    monthly_budget_cents: int,
    period_start_day: int = 1,
    *,
    personal: bool = False,
) -> Ledger:
    """A new ledger with `owner` as its owner. Not committed (see app/transactions.py)."""
    ledger = Ledger(
        name=name,
        personal_user_id=owner.id if personal else None,
        currency=currency,
        monthly_budget_cents=monthly_budget_cents,
        period_start_day=period_start_day,
    )
    db.session.add(ledger)
    db.session.flush()
    db.session.add(LedgerMember(ledger_id=ledger.id, user_id=owner.id, role=OWNER, joined_at=utcnow()))
    db.session.flush()
    return ledger


class CurrencyChangeRefused(Exception):
    pass


def update_ledger_settings(
    ledger: Ledger, name: str, currency_code: str, monthly_budget: Decimal, period_start_day: int, today: date
) -> None:
    """Save the ledger's name, currency, budget and period start day; the budget applies from the
    period that contains `today`. Amounts are kept in minor units, so switching to a currency with
    a different number of decimal places would change every stored amount: refuse it once there
    are expenses or category budgets."""
    if currency(currency_code).exponent != currency(ledger.currency).exponent:
        if has_expenses(ledger) or has_category_budgets(ledger):
            raise CurrencyChangeRefused(currency_code)
        # Earlier budgets were counted in the other currency's units; nothing was spent against them.
        db.session.execute(delete(OverallBudget).where(OverallBudget.ledger_id == ledger.id))
    ledger.name = name
    ledger.currency = currency_code
    # The start day first: the budget change applies from the period that contains today.
    ledger.period_start_day = period_start_day
    set_overall_budget(ledger, to_minor(monthly_budget, currency_code), today)

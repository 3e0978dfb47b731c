"""Creating and changing ledgers. Nothing here commits (see app/transactions.py)."""

from datetime import date
from decimal import Decimal

from ..budgeting import set_overall_budget
from ..expense_rows import has_expenses
from ..extensions import db
from ..models import OWNER, Ledger, LedgerMember, User, utcnow
from ..money import to_minor
from .currency_change import relabel

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
    period that contains `today`. Another currency is only a relabelling while the ledger has no
    expenses (app/ledgers/currency_change.py); with expenses it is refused here, and offered as a
    conversion at one rate on its own page, never done silently."""
    if currency_code != ledger.currency:
        if has_expenses(ledger):
            raise CurrencyChangeRefused(currency_code)
        relabel(ledger, currency_code)
    ledger.name = name
    # The start day first: the budget change applies from the period that contains today.
    ledger.period_start_day = period_start_day
    set_overall_budget(ledger, to_minor(monthly_budget, currency_code), today)

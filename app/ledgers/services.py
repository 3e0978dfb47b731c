"""Creating and changing ledgers. Nothing here commits (see app/transactions.py)."""

from ..extensions import db
from ..models import OWNER, Ledger, LedgerMember, User, utcnow

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

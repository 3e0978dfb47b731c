"""The ledgers the token's account is a member of, with its role in each."""

from .. import access
from ..models import Ledger
from .base import api_blueprint, api_user, documents
from .schemas import LedgerListSchema, LedgerSchema, Money

blp = api_blueprint("api_ledgers", __name__, "Ledgers: the sets of books the account can see.")


def ledger_json(ledger: Ledger, role: str) -> dict:
    return {
        "id": ledger.id,
        "name": ledger.name,
        "personal": ledger.is_personal,
        "role": role,
        "currency": ledger.currency,
        "period_start_day": ledger.period_start_day,
        "monthly_budget": Money(ledger.monthly_budget_cents, ledger.currency),
    }


@blp.get("/ledgers")
@blp.response(200, LedgerListSchema)
@documents(blp)
def list_ledgers():
    """The account's ledgers, its personal one first"""
    return {"items": [ledger_json(ledger, role) for ledger, role in access.ledgers_of(api_user())]}


@blp.get("/ledgers/<int:ledger_id>")
@blp.response(200, LedgerSchema)
@documents(blp, 404)
def get_ledger(ledger_id: int):
    """One ledger"""
    ledger, role = access.ledger_and_role(api_user(), ledger_id)
    return ledger_json(ledger, role)

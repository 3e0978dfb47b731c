"""Which ledger a browser shows: switching, and the navbar's list of the account's ledgers.
Nothing here commits (see app/transactions.py)."""

from dataclasses import dataclass

from flask import abort

from ..access import chosen_ledger_id, is_chosen, may, memberships, role_in
from ..extensions import db
from ..models import Ledger, User


@dataclass(frozen=True)
class MenuEntry:
    ledger: Ledger
    role: str
    current: bool

    def may(self, need: str) -> bool:
        return may(self.role, need)


def switch_ledger(user: User, ledger_id: int) -> Ledger:
    """Make one of the account's ledgers this browser's current one; 404 for any other id."""
    if role_in(ledger_id, user) is None:
        abort(404)
    ledger = db.session.get(Ledger, ledger_id)
    # None stands for the personal ledger (see UserSession.ledger_id).
    user.current_session.ledger_id = None if ledger.is_personal else ledger.id
    db.session.flush()
    return ledger


def ledger_menu() -> list[MenuEntry]:
    """The signed-in account's ledgers for the navbar, the current one marked. It never aborts (it
    renders on error pages too): a ledger the account was removed from is simply not listed, and
    then none is marked current."""
    chosen = chosen_ledger_id()
    return [MenuEntry(ledger, role, is_chosen(ledger, chosen)) for ledger, role in memberships()]


def shown_ledger() -> MenuEntry | None:
    """The navbar's entry for the ledger this browser shows; None when the account is no longer
    a member of it (the navbar then offers the others)."""
    return next((entry for entry in ledger_menu() if entry.current), None)

"""Account settings. Nothing here commits (see app/transactions.py)."""

from sqlalchemy import delete

from ..extensions import db
from ..ledgers.membership import settle_departures
from ..models import Ledger, User, UserSession


def update_settings(user: User, *, locale: str | None, time_zone: str) -> None:
    """Save the number format (`locale`; None follows the browser) and the time zone (an IANA
    name the form has checked)."""
    user.locale = locale
    user.time_zone = time_zone


def delete_account(user: User) -> None:
    """Delete the account, its personal ledger with everything in it, and its memberships, in one
    transaction. A shared ledger it alone owns goes to its longest-standing member, or is deleted
    when nobody else is in it. (The database cascades from the ledger to its rows.)"""
    settle_departures(user)
    db.session.execute(delete(Ledger).where(Ledger.personal_user_id == user.id))
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    db.session.execute(delete(User).where(User.id == user.id))

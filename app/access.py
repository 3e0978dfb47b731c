"""Who may use a ledger: the one place that decides access to ledger data.

A ledger owns categories, expenses, budgets and imports (app/ledgers holds its pages). Every view
that reads or writes ledger data starts with `current_ledger(role)`: it answers the ledger this
request works on, or ends the request with 404 for an account that is not a member (never
revealing the ledger exists) and 403 for a member whose role is too weak. Services take the ledger
it returns and filter by its id; nothing else decides access.

The API names the ledger in its URLs instead: `ledger_and_role(account, ledger_id, need)` makes the
same decision, through the same membership check, for the account of the request's token.

The current ledger is the one the browser's session switched to (`UserSession.ledger_id`), else
the account's personal ledger. A form on a ledger page posts the id of the ledger it showed (the
`ledger` field), so that when another tab has switched ledger since, the POST is refused with 409
instead of writing into a ledger the person was not looking at.
"""

from flask import abort, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from . import recurring_posting as posting
from .extensions import db
from .models import EDITOR, OWNER, ROLES, VIEWER, Ledger, LedgerMember, User
from .transactions import run_and_commit

__all__ = ["EDITOR", "OWNER", "VIEWER", "current_ledger", "current_role", "ledger_and_role", "may"]


# A role as the pages name it ("editor" in the ledger menu, "Editor" on the members page).
ROLE_NAMES = {VIEWER: _l("viewer"), EDITOR: _l("editor"), OWNER: _l("owner")}


def role_name(role: str) -> str:
    return str(ROLE_NAMES.get(role, role))


def rank(role: str) -> int:
    return ROLES.index(role)


def may(role: str | None, need: str) -> bool:
    """Whether a member with `role` may do what needs `need` (viewer < editor < owner)."""
    return role is not None and rank(role) >= rank(need)


def personal_ledger(user: User) -> Ledger:
    ledger = db.session.scalar(select(Ledger).where(Ledger.personal_user_id == user.id))
    if ledger is None:
        raise LookupError(f"account {user.id} has no personal ledger")
    return ledger


def role_in(ledger_id: int, user: User) -> str | None:
    """The account's role in the ledger; None when it is not a member."""
    return db.session.scalar(
        select(LedgerMember.role).where(LedgerMember.ledger_id == ledger_id, LedgerMember.user_id == user.id)
    )


def ledgers_of(user: User) -> list[tuple[Ledger, str]]:
    """The account's ledgers with its role in each: the personal one first, then by name."""
    rows = db.session.execute(
        select(Ledger, LedgerMember.role)
        .join(LedgerMember, LedgerMember.ledger_id == Ledger.id)
        .where(LedgerMember.user_id == user.id)
        .order_by(Ledger.personal_user_id.is_(None), Ledger.name, Ledger.id)
    )
    return [(ledger, role) for ledger, role in rows]


def membership(user: User, ledger_id: int) -> tuple[Ledger, str] | None:
    """(ledger, the account's role in it); None when the account is not a member or there is no such
    ledger, which callers must not tell apart."""
    row = db.session.execute(
        select(Ledger, LedgerMember.role)
        .join(LedgerMember, LedgerMember.ledger_id == Ledger.id)
        .where(Ledger.id == ledger_id, LedgerMember.user_id == user.id)
    ).first()
    return (row[0], row[1]) if row is not None else None


def ledger_and_role(user: User, ledger_id: int, need: str = VIEWER) -> tuple[Ledger, str]:
    """The ledger named in a URL (the API's /ledgers/<id>/...) and the account's role in it, if that
    role is at least `need`: 404 for a non-member, 403 for a weaker role, as for current_ledger()."""
    found = membership(user, ledger_id)
    if found is None:
        abort(404)
    if not may(found[1], need):
        abort(403)
    return found


def chosen_ledger_id() -> int | None:
    """The ledger this browser switched to; None for the account's personal ledger."""
    session_row = current_user.current_session
    return session_row.ledger_id if session_row is not None else None


def is_chosen(ledger: Ledger, chosen: int | None) -> bool:
    """Whether `ledger`, one of the account's own, is the one `chosen_ledger_id()` names."""
    return ledger.id == chosen if chosen is not None else ledger.personal_user_id == current_user.id


def memberships() -> list[tuple[Ledger, str]]:
    """The signed-in account's ledgers and its role in each (`ledgers_of`), read once a request:
    the current ledger is picked from them and the navbar lists them. One query for both instead
    of two: the lookup of the current ledger it replaces took 0.35-0.4 ms of CPU (median of 400,
    PostgreSQL), about 3% of a dashboard's 12 ms."""
    if "memberships" not in g:
        g.memberships = ledgers_of(current_user)
    return g.memberships


def _load_current() -> tuple[Ledger, str]:
    """(ledger, role) for this request, looked up once; 404 when the session's ledger is not one
    of the account's (any more)."""
    if "ledger" not in g:
        chosen = chosen_ledger_id()
        found = next(((ledger, role) for ledger, role in memberships() if is_chosen(ledger, chosen)), None)
        if found is None:
            if chosen is None:
                raise LookupError(f"account {current_user.id} has no personal ledger")
            abort(404)
        ledger, role = found
        g.ledger, g.ledger_role = ledger, role
        # Opening any page of the ledger posts its recurring expenses that have come due, so that a
        # server without cron still posts them (committed on their own, before the page's work).
        # Nothing due, the usual case, costs one indexed query and no commit.
        if posting.is_due(ledger, current_user):
            run_and_commit(posting.post_ledger, ledger, current_user)
    return g.ledger, g.ledger_role


def current_ledger(need: str = VIEWER) -> Ledger:
    """The ledger this request works on, if the signed-in account's role in it is at least `need`:
    404 for a non-member, 403 for a weaker role, 409 for a form posted from another ledger's page."""
    ledger, role = _load_current()
    if not may(role, need):
        abort(403)
    posted = request.form.get("ledger") if request.method == "POST" else None
    if posted is not None and posted != str(ledger.id):
        abort(409)
    return ledger


def current_role() -> str:
    return _load_current()[1]

"""Helpers for tests of shared ledgers: accounts in their own browsers, a shared ledger, invitations."""

import re

from sqlalchemy import select

from app.extensions import db
from app.models import Ledger, LedgerMember, User, UserSession
from tests.conftest import AuthActions, post_form


def browser_of(app, email: str):
    """A new browser with a new account signed in."""
    client = app.test_client()
    assert AuthActions(client).register(email=email).status_code == 302
    return client


def user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def create_shared(client, name="Flat 3B", currency="EUR", budget="1500.00", start_day="1") -> int:
    """Create a shared ledger in the browser (which switches to it); its id."""
    response = post_form(
        client,
        "/ledgers/new",
        {"name": name, "currency": currency, "monthly_budget": budget, "period_start_day": start_day},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with client.application.app_context():
        return db.session.scalar(select(Ledger.id).where(Ledger.name == name).order_by(Ledger.id.desc()))


def invite(client, role="editor", days="7") -> str:
    """Create an invitation on the current ledger's page; the token of the link it shows."""
    response = post_form(client, "/ledger/invitations", {"role": role, "days": days})
    assert response.status_code == 200
    (token,) = re.findall(r'value="http://localhost/invite/([^"]+)"', response.get_data(as_text=True))
    return token


def accept(client, token: str):
    return post_form(client, f"/invite/{token}")


def join(app, owner_client, email: str, role="editor"):
    """A new account in its own browser that joined the owner's current ledger with `role`."""
    client = browser_of(app, email)
    assert accept(client, invite(owner_client, role)).status_code == 302
    return client


def members(app, ledger_id: int) -> list[tuple[str, str]]:
    """(email, role) of every member, by email."""
    with app.app_context():
        return [
            tuple(row)
            for row in db.session.execute(
                select(User.email, LedgerMember.role)
                .join(LedgerMember, LedgerMember.user_id == User.id)
                .where(LedgerMember.ledger_id == ledger_id)
                .order_by(User.email)
            )
        ]


def session_ledgers(app, email: str) -> list[int | None]:
    """The ledger each of the account's browsers shows (None: its personal ledger)."""
    with app.app_context():
        return list(
            db.session.scalars(
                select(UserSession.ledger_id)
                .join(User, User.id == UserSession.user_id)
                .where(User.email == email)
                .order_by(UserSession.id)
            )
        )

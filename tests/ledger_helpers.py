"""Helpers for tests of shared ledgers: accounts in their own browsers, a shared ledger, invitations."""

import re

from sqlalchemy import select

from app.extensions import db
from app.ledgers.invitations import create_invitation
from app.ledgers.services import create_ledger
from app.models import EDITOR, VIEWER, Ledger, LedgerMember, User, UserSession, utcnow
from app.passwords import hash_password
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


def share_demo(app, demo_email: str) -> str:
    """For the pages of a demo account: it owns "Flat 3B" with a flatmate in it and a pending
    invitation, and is invited to the flatmate's "Holiday". Returns the token of that invitation, so
    that its page asks to accept. The demo's browsers stay on its personal ledger."""
    with app.app_context():
        demo = db.session.scalar(select(User).where(User.email == demo_email))
        mate = User(email="flatmate@example.com", password_hash=hash_password("flatmate-password"))
        db.session.add(mate)
        db.session.flush()
        create_ledger(mate, "Personal", "INR", 0, personal=True)
        flat = create_ledger(demo, "Flat 3B", "EUR", 150_000)
        db.session.add(LedgerMember(ledger_id=flat.id, user_id=mate.id, role=EDITOR, joined_at=utcnow()))
        create_invitation(flat, demo, VIEWER, 3)
        holiday = create_ledger(mate, "Holiday", "EUR", 0)
        token = create_invitation(holiday, mate, EDITOR, 7)
        db.session.commit()
    return token

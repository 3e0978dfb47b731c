"""Invitations to a shared ledger: a link with a random token, shown once and stored only as its
SHA-256, that lets one signed-in account join with a role until it expires. Accepting consumes the
invitation with a DELETE whose row count says who got it, so two accepts at once let one in.
Nothing here commits (see app/transactions.py)."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import abort
from sqlalchemy import delete, select

from ..access import role_in
from ..extensions import db
from ..models import Ledger, LedgerInvitation, LedgerMember, User, utcnow
from .membership import PERSONAL_NOT_SHARED, MembershipRefused

EXPIRY_DAYS = (1, 3, 7)
# A token_urlsafe(32) is 43 characters; anything much longer is not one of ours.
TOKEN_MAX = 64


class InvitationUnusable(Exception):
    """The link cannot be used; str() says why, in words for people, `status` is the page's code."""

    def __init__(self, message: str, status: int = 404):
        super().__init__(message)
        self.status = status


GONE = "This invitation link is not valid: it has been used, revoked by the ledger's owner, or mistyped."
EXPIRED = "This invitation has expired. Ask the ledger's owner for a new link."


@dataclass(frozen=True)
class PendingInvitation:
    id: int
    role: str
    created_at: datetime
    expires_at: datetime
    created_by: str | None  # email; None once that account is gone


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invitation(ledger: Ledger, creator: User, role: str, days: int) -> str:
    """A new invitation; returns its token, which exists nowhere else: show it once."""
    if ledger.is_personal:
        raise MembershipRefused(PERSONAL_NOT_SHARED)
    now = utcnow()
    # Expired links are of no use to anyone; they go when the owner makes a new one.
    db.session.execute(
        delete(LedgerInvitation).where(LedgerInvitation.ledger_id == ledger.id, LedgerInvitation.expires_at <= now)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        LedgerInvitation(
            ledger_id=ledger.id,
            token_hash=hash_token(token),
            role=role,
            created_by_id=creator.id,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    db.session.flush()
    return token


def pending_invitations(ledger: Ledger) -> list[PendingInvitation]:
    """The ledger's invitations that can still be accepted, newest first."""
    rows = db.session.execute(
        select(
            LedgerInvitation.id,
            LedgerInvitation.role,
            LedgerInvitation.created_at,
            LedgerInvitation.expires_at,
            User.email,
        )
        .outerjoin(User, User.id == LedgerInvitation.created_by_id)
        .where(LedgerInvitation.ledger_id == ledger.id, LedgerInvitation.expires_at > utcnow())
        .order_by(LedgerInvitation.created_at.desc(), LedgerInvitation.id.desc())
    )
    return [PendingInvitation(*row) for row in rows]


def revoke(ledger: Ledger, invitation_id: int) -> None:
    """Delete one of the ledger's invitations; 404 for any other id."""
    result = db.session.execute(
        delete(LedgerInvitation).where(LedgerInvitation.id == invitation_id, LedgerInvitation.ledger_id == ledger.id)
    )
    if result.rowcount != 1:
        abort(404)


def find_invitation(token: str) -> tuple[LedgerInvitation, Ledger]:
    """The invitation a link's token opens, with its ledger; raises InvitationUnusable."""
    row = None
    if len(token) <= TOKEN_MAX:
        row = db.session.execute(
            select(LedgerInvitation, Ledger)
            .join(Ledger, Ledger.id == LedgerInvitation.ledger_id)
            .where(LedgerInvitation.token_hash == hash_token(token))
        ).first()
    if row is None:
        raise InvitationUnusable(GONE)
    invitation, ledger = row
    if invitation.expires_at <= utcnow():
        raise InvitationUnusable(EXPIRED, 410)
    return invitation, ledger


class AlreadyMember(Exception):
    def __init__(self, ledger: Ledger, role: str):
        super().__init__(ledger.name)
        self.ledger, self.role = ledger, role


def accept(token: str, user: User) -> Ledger:
    """Join the ledger with the invitation's role and use the invitation up. Raises
    InvitationUnusable, or AlreadyMember (the invitation is then left for someone else)."""
    invitation, ledger = find_invitation(token)
    role = role_in(ledger.id, user)
    if role is not None:
        raise AlreadyMember(ledger, role)
    # Whoever deletes the row has the invitation; a concurrent accept deletes nothing.
    consumed = db.session.execute(
        delete(LedgerInvitation).where(LedgerInvitation.id == invitation.id, LedgerInvitation.expires_at > utcnow())
    )
    if consumed.rowcount != 1:
        raise InvitationUnusable(GONE)
    db.session.add(LedgerMember(ledger_id=ledger.id, user_id=user.id, role=invitation.role, joined_at=utcnow()))
    db.session.flush()
    return ledger

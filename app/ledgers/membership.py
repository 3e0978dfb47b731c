"""Who is in a ledger and with which role: listing members, changing roles, removing, leaving,
handing ownership over and deleting a shared ledger. A ledger always keeps an owner, and a
personal ledger is never shared, left or deleted (only with its account).
Nothing here commits (see app/transactions.py)."""

from dataclasses import dataclass
from datetime import datetime

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from ..extensions import db
from ..models import EDITOR, OWNER, ROLES, Ledger, LedgerMember, User, UserSession


class MembershipRefused(Exception):
    """The change would break a rule; str() says why, in words for people. Nothing was changed."""


PERSONAL_NOT_SHARED = "A personal ledger cannot be shared. Create a shared ledger to keep books with others."
LAST_OWNER = "A ledger needs an owner: make another member an owner first (Hand ownership over)."


@dataclass(frozen=True)
class Member:
    user_id: int
    email: str
    role: str
    joined_at: datetime


def members_of(ledger: Ledger) -> list[Member]:
    """Everyone in the ledger, owners first, then editors and viewers, each by email."""
    rank = {role: -index for index, role in enumerate(ROLES)}
    rows = db.session.execute(
        select(LedgerMember.user_id, User.email, LedgerMember.role, LedgerMember.joined_at)
        .join(User, User.id == LedgerMember.user_id)
        .where(LedgerMember.ledger_id == ledger.id)
    )
    return sorted((Member(*row) for row in rows), key=lambda member: (rank[member.role], member.email))


def _lock(ledger: Ledger) -> None:
    """Changes to a ledger's members take turns (PostgreSQL locks the ledger's row until commit;
    SQLite has one writer anyway), so two owners stepping down at once cannot leave it without one."""
    db.session.execute(select(Ledger.id).where(Ledger.id == ledger.id).with_for_update())


def _member_or_404(ledger: Ledger, member_id: int) -> LedgerMember:
    member = db.session.get(LedgerMember, (ledger.id, member_id))
    if member is None:
        abort(404)
    return member


def _owners_besides(ledger: Ledger, user_id: int) -> int:
    return db.session.scalar(
        select(func.count()).where(
            LedgerMember.ledger_id == ledger.id, LedgerMember.role == OWNER, LedgerMember.user_id != user_id
        )
    )


def _refuse_personal(ledger: Ledger) -> None:
    if ledger.is_personal:
        raise MembershipRefused(PERSONAL_NOT_SHARED)


def change_role(ledger: Ledger, member_id: int, role: str) -> LedgerMember:
    """Give a member another role (404 for an account that is not a member)."""
    _lock(ledger)
    member = _member_or_404(ledger, member_id)
    _refuse_personal(ledger)
    if member.role == OWNER and role != OWNER and not _owners_besides(ledger, member_id):
        raise MembershipRefused(LAST_OWNER)
    member.role = role
    db.session.flush()
    return member


def remove_member(ledger: Ledger, member_id: int, acting: User) -> None:
    """Take a member out of the ledger (404 for an account that is not a member). Their sessions
    keep pointing at it, so their next request for its pages is a 404 (app.access), not a page of a
    ledger they no longer belong to."""
    if member_id == acting.id:
        raise MembershipRefused(_("To take yourself out of the ledger, use Leave this ledger."))
    _lock(ledger)
    member = _member_or_404(ledger, member_id)
    _refuse_personal(ledger)
    db.session.delete(member)
    db.session.flush()


def leave(ledger: Ledger, user: User) -> None:
    """The account leaves the ledger; its browsers go back to its personal ledger."""
    if ledger.is_personal:
        raise MembershipRefused(_("A personal ledger cannot be left; it goes only with its account."))
    _lock(ledger)
    member = _member_or_404(ledger, user.id)
    if member.role == OWNER and not _owners_besides(ledger, user.id):
        raise MembershipRefused(_("You are the only owner. ") + LAST_OWNER)
    db.session.delete(member)
    db.session.execute(
        update(UserSession)
        .where(UserSession.ledger_id == ledger.id, UserSession.user_id == user.id)
        .values(ledger_id=None)
    )


def hand_over(ledger: Ledger, member_id: int, acting: User, *, step_down: bool) -> None:
    """Make another member an owner; with `step_down`, the acting owner becomes an editor."""
    _lock(ledger)
    member = _member_or_404(ledger, member_id)
    _refuse_personal(ledger)
    if member_id == acting.id:
        raise MembershipRefused(_("Choose another member to hand ownership to."))
    member.role = OWNER
    if step_down:
        _member_or_404(ledger, acting.id).role = EDITOR
    db.session.flush()


def delete_ledger(ledger: Ledger) -> None:
    """Delete a shared ledger and everything in it (the database cascades to its rows); browsers
    that showed it go back to their personal ledger (user_sessions.ledger_id is SET NULL)."""
    _refuse_personal(ledger)
    db.session.execute(delete(Ledger).where(Ledger.id == ledger.id))


@dataclass(frozen=True)
class Departure:
    """What deleting an account does to a shared ledger it is the only owner of."""

    ledger: Ledger
    # The member who becomes its owner (id, email); None: nobody else is in it, it is deleted.
    heir: tuple[int, str] | None


def departures(user: User) -> list[Departure]:
    """The shared ledgers the account is the only owner of, and what becomes of each when the
    account goes: the member who joined first becomes the owner, or, with nobody else in it, the
    ledger is deleted."""
    found = []
    for ledger in db.session.scalars(
        select(Ledger)
        .join(LedgerMember, LedgerMember.ledger_id == Ledger.id)
        .where(LedgerMember.user_id == user.id, LedgerMember.role == OWNER, Ledger.personal_user_id.is_(None))
        .order_by(Ledger.name, Ledger.id)
    ):
        if _owners_besides(ledger, user.id):
            continue
        heir = db.session.execute(
            select(User.id, User.email)
            .join(LedgerMember, LedgerMember.user_id == User.id)
            .where(LedgerMember.ledger_id == ledger.id, LedgerMember.user_id != user.id)
            .order_by(LedgerMember.joined_at, User.id)
            .limit(1)
        ).first()
        found.append(Departure(ledger, tuple(heir) if heir else None))
    return found


def settle_departures(user: User) -> None:
    """Before an account is deleted: hand each shared ledger it alone owns to its longest-standing
    member, or delete the ledger when nobody else is in it (see departures)."""
    for departure in departures(user):
        _lock(departure.ledger)
        if departure.heir is None:
            delete_ledger(departure.ledger)
        else:
            _member_or_404(departure.ledger, departure.heir[0]).role = OWNER
    db.session.flush()

"""Ledgers, their members with a role each, and invitations to join one."""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow

# Ledger roles, weakest first: a viewer reads and exports, an editor also changes the ledger's
# data, an owner also manages its members, settings and existence (see app/ledgers.py).
VIEWER, EDITOR, OWNER = "viewer", "editor", "owner"
ROLES = (VIEWER, EDITOR, OWNER)
LEDGER_NAME_MAX = 60


class Ledger(db.Model):
    """One set of books: it owns categories, expenses, budgets and imports. Every account has a
    personal ledger (`personal_user_id`); a shared one has members with roles (LedgerMember)."""

    __tablename__ = "ledgers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(LEDGER_NAME_MAX))
    # The account whose personal ledger this is (deleted with it); None for a shared ledger.
    personal_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    currency: Mapped[str] = mapped_column(String(3))
    monthly_budget_cents: Mapped[int] = mapped_column(BigInteger)
    # Budget periods are monthly and start on this day of the month (1 to 28): payday.
    period_start_day: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def is_personal(self) -> bool:
        return self.personal_user_id is not None

    def __repr__(self) -> str:
        return f"<Ledger {self.id} {self.name!r}>"


class LedgerMember(db.Model):
    """An account's access to a ledger, with its role."""

    __tablename__ = "ledger_members"
    __table_args__ = (
        PrimaryKeyConstraint("ledger_id", "user_id"),
        # The ledgers of an account (the navbar's switcher, deleting an account).
        Index("ix_ledger_members_user_id", "user_id"),
        CheckConstraint("role IN ('viewer', 'editor', 'owner')", name="known_role"),
    )

    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(10))
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<LedgerMember ledger={self.ledger_id} user={self.user_id} {self.role}>"


class LedgerInvitation(db.Model):
    """A link that lets one signed-in account join a ledger with a role, once, until it expires.
    The link's token is shown once; only its SHA-256 is stored."""

    __tablename__ = "ledger_invitations"
    __table_args__ = (
        Index("ix_ledger_invitations_ledger_id_created_at", "ledger_id", "created_at"),
        CheckConstraint("role IN ('viewer', 'editor', 'owner')", name="known_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(10))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)

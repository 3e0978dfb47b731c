"""Accounts and what signs them in: sessions, two-factor, recovery codes, API tokens, and
the answers kept for idempotent requests."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .. import clock
from ..extensions import db
from .base import EMAIL_MAX, utcnow


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased (see normalise_email in app/auth/services.py), so uniqueness ignores case.
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    # Wide enough for argon2 hashes with any future parameters.
    password_hash: Mapped[str] = mapped_column(String(512))
    # How amounts and dates are written ("de_DE"); None follows the browser's Accept-Language.
    locale: Mapped[str | None] = mapped_column(String(16))
    # The IANA time zone ("Asia/Kolkata") whose today every date default, period and check uses
    # (app.clock.user_today); set from the browser at registration, changed in Settings.
    time_zone: Mapped[str] = mapped_column(
        String(clock.TIME_ZONE_MAX), default=clock.DEFAULT_TIME_ZONE, server_default=clock.DEFAULT_TIME_ZONE
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    # The session this request came in on, set by the user loader; Flask-Login's user id is its
    # token, so that ending the session on the server signs the cookie out.
    current_session = None  # UserSession | None
    session_token = None  # str | None

    def get_id(self) -> str | None:
        return self.session_token

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserSession(db.Model):
    """One signed-in browser. The cookie carries a random token; only its SHA-256 is stored."""

    __tablename__ = "user_sessions"
    __table_args__ = (Index("ix_user_sessions_user_id_last_seen_at", "user_id", "last_seen_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    ip_address: Mapped[str] = mapped_column(String(45), default="")
    # The ledger this browser last switched to (None: the account's personal ledger).
    ledger_id: Mapped[int | None] = mapped_column(ForeignKey("ledgers.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id}>"


class TwoFactor(db.Model):
    """Two-factor sign-in of an account that has turned it on (no row: off). See app/two_factor.py."""

    __tablename__ = "two_factor"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # The TOTP secret in base32, as authenticator apps take it. Stored as is: every check computes
    # codes from it, so a hash would not do.
    secret: Mapped[str] = mapped_column(String(64))
    enabled_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The 30-second time step of the last code accepted: that code, and any older one, is refused.
    last_used_step: Mapped[int] = mapped_column(BigInteger)


class RecoveryCode(db.Model):
    """A single-use recovery code, for signing in without the authenticator: only its SHA-256 is
    stored, and using it deletes the row."""

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))


# Personal access tokens for the JSON API (app/api_tokens.py): a read token only reads, a write
# token also changes what its account's role in a ledger allows.
TOKEN_READ, TOKEN_WRITE = "read", "write"
TOKEN_SCOPES = (TOKEN_READ, TOKEN_WRITE)
TOKEN_NAME_MAX = 60
MAX_API_TOKENS = 50


class ApiToken(db.Model):
    """A personal access token. The token is shown once; only its SHA-256 is stored, with the first
    characters (`prefix`) so that people can tell their tokens apart. Revoking deletes the row."""

    __tablename__ = "api_tokens"
    __table_args__ = (
        Index("ix_api_tokens_user_id_created_at", "user_id", "created_at"),
        CheckConstraint("scope IN ('read', 'write')", name="known_scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(TOKEN_NAME_MAX))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    # None: the token does not expire (it can still be revoked).
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix}… {self.scope}>"


class IdempotentRequest(db.Model):
    """The first answer to a POST sent with an idempotency key, per account: the same key sent again
    gets this answer back and changes nothing (a phone on a bad connection retries). See
    app/idempotency.py."""

    __tablename__ = "idempotent_requests"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        Index("ix_idempotent_requests_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    # SHA-256 of what the request asked for: the same key with another request is refused, not replayed.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(SmallInteger)
    body: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

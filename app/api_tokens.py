"""Personal access tokens for the JSON API: created on the Settings page, shown once, stored as a
SHA-256 (like session tokens, app/sessions.py), revoked by deleting the row, so that a revoked or
expired token is refused on the very next request. Nothing here commits, except `authenticate`'s
"last used" bookkeeping, which like the session loader is an entry point of its own.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from .extensions import db
from .models import MAX_API_TOKENS, TOKEN_WRITE, ApiToken, User, utcnow

# Recognisable in a leaked file or a secret scanner's rules; the rest is 256 random bits.
TOKEN_PREFIX = "et_"  # noqa: S105 (not a secret: the visible start of every token)
# Writing "last used" on every API request would make every read a write; this is close enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# How long a new token lives, as offered by the form; None: until revoked.
LIFETIMES = {
    "7": timedelta(days=7),
    "30": timedelta(days=30),
    "90": timedelta(days=90),
    "365": timedelta(days=365),
    "never": None,
}


class TooManyTokens(Exception):
    pass


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str, scope: str, lifetime: timedelta | None) -> tuple[ApiToken, str]:
    """A new token for `user`: the row, and the token itself, which is never stored or shown again."""
    count = db.session.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.user_id == user.id))
    if count >= MAX_API_TOKENS:
        raise TooManyTokens()
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    row = ApiToken(
        user_id=user.id,
        name=name,
        scope=scope,
        token_hash=_hash(token),
        prefix=token[:10],
        created_at=now,
        expires_at=now + lifetime if lifetime is not None else None,
    )
    db.session.add(row)
    db.session.flush()
    return row, token


def tokens_of(user: User) -> list[ApiToken]:
    """The account's tokens, newest first, expired ones included (marked so on the page)."""
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_token(user: User, token_id: int) -> bool:
    """Delete one of the account's tokens; False when it has no such token."""
    result = db.session.execute(delete(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))
    return result.rowcount == 1


def is_expired(token: ApiToken, now: datetime | None = None) -> bool:
    return token.expires_at is not None and token.expires_at <= (now or utcnow())


def can_write(token: ApiToken) -> bool:
    return token.scope == TOKEN_WRITE


def authenticate(token: str) -> tuple[ApiToken, User] | None:
    """The live token and its account for a Bearer token; None for an unknown, revoked or expired one.
    Commits its own "last used" bookkeeping (at most once a minute per token)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    row = db.session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == _hash(token))
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        return None
    api_token, user = row
    now = utcnow()
    if is_expired(api_token, now):
        return None
    if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_RESOLUTION:
        api_token.last_used_at = now
        db.session.commit()
    return api_token, user

"""Server-side sessions: a signed-in browser is a row, so that logging out really ends it.

The session cookie and the remember-me cookie carry only a random token (as Flask-Login's user
id); the database keeps its SHA-256. Deleting the row signs out every copy of either cookie.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, g, request, session
from flask_login import current_user, login_user, user_logged_in, user_logged_out
from sqlalchemy import delete, select

from .devices import remember_device
from .extensions import db
from .models import User, UserSession, utcnow

# Writing "last seen" on every request would make every page a write; this is close enough.
LAST_SEEN_RESOLUTION = timedelta(minutes=5)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime(remember: bool) -> timedelta:
    config = current_app.config
    return config["REMEMBER_COOKIE_DURATION"] if remember else config["SESSION_IDLE_TIMEOUT"]


def rotate_csrf_secret() -> None:
    """Forget this browser's CSRF secret (Flask-WTF keeps it in the session under the token's field
    name), so the next form gets a new one: a token read before a privilege change, say from the
    login page, is worthless after it."""
    field_name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(field_name, None)
    g.pop(field_name, None)


# Every way in and out of an account (log in, register, log out, end this session, end all,
# delete the account) goes through Flask-Login, so its signals rotate the secret for all of them.
user_logged_in.connect(lambda _app, **_extra: rotate_csrf_secret(), weak=False)
user_logged_out.connect(lambda _app, **_extra: rotate_csrf_secret(), weak=False)


def start_session(user: User, remember: bool = False) -> UserSession:
    """Record a new signed-in session for `user` and sign this browser in with it."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    user_session = UserSession(
        user_id=user.id,
        token_hash=_hash(token),
        remember=remember,
        created_at=now,
        last_seen_at=now,
        expires_at=now + _lifetime(remember),
        user_agent=(request.user_agent.string or "")[:300],
        ip_address=(request.remote_addr or "")[:45],
    )
    db.session.add(user_session)
    db.session.flush()
    user.session_token = token
    user.current_session = user_session
    login_user(user, remember=remember)
    # Signed in here: this browser is exempt from the account's login lockout from now on.
    remember_device(user)
    return user_session


def load_user(token: str) -> User | None:
    """The user of a live session; None (signed out) for an ended, expired or unknown one.

    Flask-Login calls this before the view, as an entry point of its own: it commits its own
    bookkeeping (an expired session deleted, "last seen" moved on), which no view may roll back."""
    if not token or len(token) > 100:
        return None
    row = db.session.execute(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == _hash(token))
        # Fresh rows even when they are already in the session's identity map from earlier.
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        return None
    user_session, user = row
    now = utcnow()
    if user_session.expires_at <= now:
        db.session.delete(user_session)
        db.session.commit()
        return None
    if now - user_session.last_seen_at >= LAST_SEEN_RESOLUTION:
        user_session.last_seen_at = now
        if not user_session.remember:
            # Idle timeout: an unremembered session lives as long as it keeps being used.
            user_session.expires_at = now + _lifetime(False)
        db.session.commit()
    user.session_token = token
    user.current_session = user_session
    return user


def signed_in_user() -> User:
    """The signed-in account itself, for services that keep or compare it (`current_user` is only a
    proxy to it). The user loader put it in this request's session, so this asks the database nothing."""
    return db.session.get(User, current_user.id)


def renew_session(user: User) -> UserSession:
    """Replace the session this request came in on with a new one (a new token in the cookies), as
    after a password change: a copy of the old cookie signs nobody in."""
    current = user.current_session
    remember = current.remember if current is not None else False
    if current is not None:
        db.session.execute(delete(UserSession).where(UserSession.id == current.id, UserSession.user_id == user.id))
    return start_session(user, remember=remember)


def end_session(user: User, session_id: int) -> bool:
    """End one of the user's sessions; False when there is no such session of theirs."""
    result = db.session.execute(delete(UserSession).where(UserSession.id == session_id, UserSession.user_id == user.id))
    return result.rowcount == 1


def end_other_sessions(user: User) -> int:
    """End every session of the user except the one this request came in on."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if user.current_session is not None:
        query = query.where(UserSession.id != user.current_session.id)
    return db.session.execute(query).rowcount


def end_all_sessions(user: User) -> int:
    return db.session.execute(delete(UserSession).where(UserSession.user_id == user.id)).rowcount


def active_sessions(user: User) -> list[UserSession]:
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id, UserSession.expires_at > utcnow())
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
    )


def describe_agent(user_agent: str) -> str:
    """A short "Browser on OS" for the sessions page; the full string is in a tooltip."""
    browsers = (
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    )
    systems = (
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    )
    browser = next((name for marker, name in browsers if marker in user_agent), "Unknown browser")
    system = next((name for marker, name in systems if marker in user_agent), None)
    return f"{browser} on {system}" if system else browser

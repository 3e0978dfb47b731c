"""The sign-in between its two steps: the password was right, the two-factor code is still due.

Kept in Flask's signed session cookie (not in a worker's memory, so any worker can serve the next
step), with the account id, the login form's choices and an expiry. Nobody is signed in until the
second step succeeds: Flask-Login's user id is set only then, by app.sessions.start_session.
"""

from datetime import timedelta

from flask import current_app, session
from sqlalchemy import select

from . import clock
from .extensions import db
from .models import User

_KEY = "two_factor_login"


def _lifetime() -> timedelta:
    return current_app.config["TWO_FACTOR_LOGIN_TIMEOUT"]


def begin(user: User, *, remember: bool, next_url: str) -> None:
    """Remember that `user` gave the right password; the code is asked for next."""
    # Whole seconds since the epoch: JSON in the cookie, and no float anywhere near the app's figures.
    expires = int((clock.utcnow() + _lifetime()).timestamp())
    session[_KEY] = {"user": user.id, "remember": bool(remember), "next": next_url, "expires": expires}


def pending() -> dict | None:
    """The sign-in waiting for its code (user id, remember, next), None if none or it expired."""
    state = session.get(_KEY)
    if not isinstance(state, dict) or not isinstance(state.get("expires"), int):
        return None
    if clock.utcnow().timestamp() >= state["expires"]:
        return None
    return state


def pending_user() -> User | None:
    state = pending()
    if state is None:
        return None
    return db.session.scalar(select(User).where(User.id == state["user"]))


def pending_user_id() -> int | None:
    """For the rate limit's key: no query."""
    state = pending()
    return state["user"] if state else None


def clear() -> None:
    session.pop(_KEY, None)

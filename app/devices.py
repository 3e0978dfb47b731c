"""Known devices: a signed cookie, set whenever someone signs in, that says "this browser has signed
in to account N before".

Guessing passwords for someone's email trips the per-account login limit (app.rate_limits), which
then refuses every browser, the owner's too, for as long as the guessing goes on. A login that
carries the account's device cookie is exempt from that limit and counted per device instead
(OWASP's answer to slow brute force): the attacker's failures lock out only browsers that never
signed in to the account. The per-address limits still apply to everyone.

The cookie holds the user id and a fingerprint of the password hash, signed with SECRET_KEY:
it cannot be forged, and a password change makes every earlier one worthless.
"""

import hashlib
import hmac

from flask import after_this_request, current_app, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from .extensions import db
from .models import User

_SALT = "known-device"
# A signed cookie is a few dozen characters; anything much longer was not written here.
_TOKEN_MAX = 300


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:32]


def remember_device(user: User) -> None:
    """Mark this browser as one `user` signs in from (the cookie is set on this request's response)."""
    config = current_app.config
    token = _serializer().dumps({"user": user.id, "key": _fingerprint(user)})

    @after_this_request
    def set_device_cookie(response):
        response.set_cookie(
            config["DEVICE_COOKIE_NAME"],
            token,
            max_age=config["DEVICE_COOKIE_DURATION"],
            path="/",
            secure=config["DEVICE_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
        return response


def device_token() -> str | None:
    """This browser's device cookie as sent, when it has one of a plausible size."""
    token = request.cookies.get(current_app.config["DEVICE_COOKIE_NAME"])
    return token if token and len(token) <= _TOKEN_MAX else None


def is_known_device(user: User | None) -> bool:
    """True when this browser carries a valid device cookie for `user`."""
    token = device_token()
    if user is None or token is None:
        return False
    max_age = int(current_app.config["DEVICE_COOKIE_DURATION"].total_seconds())
    try:
        data = _serializer().loads(token, max_age=max_age)
    except BadSignature:  # SignatureExpired too
        return False
    return (
        isinstance(data, dict)
        and data.get("user") == user.id
        and hmac.compare_digest(str(data.get("key")), _fingerprint(user))
    )


def is_known_device_for_login() -> bool:
    """Whether the login form posted by this request is for an account this browser signed in to
    before. One query, no hashing; asked by two rate limits, so worked out once per request."""
    if "known_device_for_login" not in g:
        email = (request.form.get("email") or "").strip().lower()
        user = None
        if email and device_token() is not None:
            user = db.session.scalar(select(User).where(User.email == email[:254]))
        g.known_device_for_login = is_known_device(user)
    return g.known_device_for_login

"""Rate limits for the endpoints that hash passwords or check two-factor codes.

Flask-Limiter checks them before the view runs, so a refused request costs no hashing. Limits are
read from the config at request time; counters live in RATELIMIT_STORAGE_URI (Redis in
production, so that every worker and host shares them).

A login from a browser that signed in to the account before (app.devices) is counted per device
instead of per account, so that someone guessing an account's password cannot lock out its owner.
"""

import hashlib

from flask import current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from . import pending_login
from .devices import device_token, is_known_device_for_login
from .extensions import limiter


def _config(name: str):
    return lambda: current_app.config[name]


def _login_account_key() -> str:
    return "login-account:" + (request.form.get("email") or "").strip().lower()[:254]


def _login_device_key() -> str:
    return "login-device:" + hashlib.sha256((device_token() or "").encode()).hexdigest()


def _unknown_device() -> bool:
    return not is_known_device_for_login()


def _signed_in_account_key() -> str:
    return f"password-account:{current_user.id}" if current_user.is_authenticated else get_remote_address()


def _two_factor_account_key() -> str:
    """The account a two-factor code is for: the signed-in one (settings), else the one whose login
    waits for its code; the address when neither (the view then refuses the request anyway)."""
    if current_user.is_authenticated:
        return f"two-factor:{current_user.id}"
    user_id = pending_login.pending_user_id()
    return f"two-factor:{user_id}" if user_id is not None else f"two-factor-ip:{get_remote_address()}"


def _refused(response) -> bool:
    # A wrong code is answered with the form again (422); only those count against the account.
    return response.status_code == 422


def _failed(response) -> bool:
    # A successful login redirects; only failures count against the account, so its owner is
    # never locked out by signing in often, while guessing is.
    return response.status_code != 302


login_per_ip = limiter.limit(_config("LOGIN_LIMIT_PER_IP"), methods=["POST"], scope="login-ip")
login_per_account = limiter.limit(
    _config("LOGIN_LIMIT_PER_ACCOUNT"),
    key_func=_login_account_key,
    methods=["POST"],
    scope="login-account",
    deduct_when=_failed,
    exempt_when=is_known_device_for_login,
)
# The owner's browser has a budget of failures of its own (a stolen device cookie gets no more).
login_per_device = limiter.limit(
    _config("LOGIN_LIMIT_PER_ACCOUNT"),
    key_func=_login_device_key,
    methods=["POST"],
    scope="login-device",
    deduct_when=_failed,
    exempt_when=_unknown_device,
)
register_per_ip = limiter.limit(_config("REGISTER_LIMIT_PER_IP"), methods=["POST"], scope="register-ip")
password_per_account = limiter.limit(
    _config("REAUTH_LIMIT_PER_ACCOUNT"), key_func=_signed_in_account_key, methods=["POST"], scope="password"
)
password_per_ip = limiter.limit(_config("LOGIN_LIMIT_PER_IP"), methods=["POST"], scope="password-ip")
# Guessing a 6-digit code: these allow about 50 wrong codes a day per account (a 3-in-a-million
# chance each, counting the steps either side of now), whichever browser or address they come from.
two_factor_per_account = limiter.limit(
    _config("TWO_FACTOR_LIMIT_PER_ACCOUNT"),
    key_func=_two_factor_account_key,
    methods=["POST"],
    scope="two-factor",
    deduct_when=_refused,
)
two_factor_per_ip = limiter.limit(_config("TWO_FACTOR_LIMIT_PER_IP"), methods=["POST"], scope="two-factor-ip")
# Invitation links are looked up by their token: a cap per IP keeps guessing hopeless.
invitation_per_ip = limiter.limit(_config("INVITATION_LIMIT_PER_IP"), scope="invitation-ip")


def _api_token_key() -> str:
    # Before the view authenticates: counted by the token presented (its hash, never the token),
    # so each token has its own budget; a request without one is counted by its address.
    presented = request.headers.get("Authorization", "")
    if not presented:
        return "api-address:" + get_remote_address()
    return "api-token:" + hashlib.sha256(presented.encode()).hexdigest()


api_per_token = limiter.limit(_config("API_LIMIT_PER_TOKEN"), key_func=_api_token_key, scope="api-token")
# Made-up tokens each have a budget of their own above; this bounds how many one address can try.
api_per_address = limiter.limit(_config("API_LIMIT_PER_ADDRESS"), scope="api-address")

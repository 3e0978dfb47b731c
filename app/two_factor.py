"""Two-factor sign-in: time-based codes from an authenticator app (TOTP, RFC 6238, by pyotp) and
single-use recovery codes. Shared by the login step (app/auth) and the settings page (app/account).

A code is accepted for the current 30-second step and one step either side (clocks drift), and
only once: the account remembers the step of the last code it accepted and refuses that step and
every earlier one, so a code read over someone's shoulder is worthless once used. Recovery codes
are random (about 60 bits), so a plain SHA-256 is enough to store them; using one deletes it.
Nothing here commits (see app/transactions.py).
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

import pyotp
import segno
from markupsafe import Markup
from sqlalchemy import delete, func, select, update

from . import clock
from .extensions import db
from .models import RecoveryCode, TwoFactor, User

ISSUER = "Expense Tracker"
CODE_DIGITS = 6
# Steps either side of now that still count: a phone's clock may be up to 30 seconds off.
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: recovery codes are copied by hand from paper.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_GROUPS = 3
_RECOVERY_GROUP_LENGTH = 4
# Anything longer than a recovery code with generous spacing was not typed from one.
CODE_INPUT_MAX = 32


class WrongCode(Exception):
    """The code is not the authenticator's current one (nor a recovery code, where those count)."""


@dataclass(frozen=True)
class Accepted:
    """A code that was accepted, and whether it was a recovery code (then: how many are left)."""

    recovery: bool
    recovery_codes_left: int | None = None


def new_secret() -> str:
    """A random 160-bit TOTP secret in base32 (RFC 4226 recommends 160 bits)."""
    return pyotp.random_base32(32)


def is_secret(value: object) -> bool:
    return isinstance(value, str) and re.fullmatch(r"[A-Z2-7]{32}", value) is not None


def spaced_secret(secret: str) -> str:
    """The secret in groups of four, as it is easiest to type into an app by hand."""
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_code_svg(uri: str) -> Markup:
    """The URI as a QR code in SVG, drawn here (no image service sees the secret). Sized by CSS:
    no width or height, a viewBox; presentation attributes only, which the CSP allows."""
    svg = segno.make(uri, error="m").svg_inline(
        omitsize=True, border=4, dark="#000", light="#fff", svgclass="qr-code", lineclass=None, title="QR code"
    )
    # segno's own markup: module paths and the fixed title above, no text from the request.
    return Markup(svg)  # noqa: S704


def status(user: User) -> TwoFactor | None:
    """The account's two-factor settings; None when it is off."""
    return db.session.get(TwoFactor, user.id)


def is_enabled(user: User) -> bool:
    return status(user) is not None


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == user.id))


def enable(user: User, secret: str, code: str) -> list[str]:
    """Turn two-factor on with `secret` once `code` shows the app has it; returns the new recovery
    codes, the only time they exist in plain text. Raises WrongCode, having written nothing."""
    step = _matching_step(secret, code)
    if step is None:
        raise WrongCode()
    db.session.add(TwoFactor(user_id=user.id, secret=secret, last_used_step=step))
    return _replace_recovery_codes(user)


def disable(user: User) -> None:
    """Turn two-factor off: the secret and every recovery code are deleted."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id))


def regenerate_recovery_codes(user: User) -> list[str]:
    """New recovery codes; the earlier ones stop working."""
    return _replace_recovery_codes(user)


def check_code(user: User, code: str) -> Accepted:
    """Accept an authenticator code (once) or a recovery code (used up); WrongCode
    otherwise. Both are single conditional writes, so two requests racing with one code cannot
    both succeed."""
    two_factor = status(user)
    if two_factor is None:
        raise WrongCode()
    if _totp_digits(code) is not None:
        step = _matching_step(two_factor.secret, code)
        if step is not None and _claim_step(user, step):
            return Accepted(recovery=False)
        raise WrongCode()
    if _use_recovery_code(user, code):
        return Accepted(recovery=True, recovery_codes_left=recovery_codes_left(user))
    raise WrongCode()


def _totp_digits(code: str) -> str | None:
    """The code without spaces when it is six digits ("123 456" as some apps show it), else None."""
    digits = re.sub(r"\s", "", code or "")
    return digits if re.fullmatch(rf"\d{{{CODE_DIGITS}}}", digits) else None


def _matching_step(secret: str, code: str) -> int | None:
    """The time step (now, or one either side) whose code `code` is; None if none is."""
    code = _totp_digits(code)
    if code is None:
        return None
    totp = pyotp.TOTP(secret, digits=CODE_DIGITS)
    now_step = totp.timecode(clock.utcnow())
    # The current step first; every candidate is compared, so timing does not tell which matched.
    matches = [
        step
        for step in (now_step, now_step - DRIFT_STEPS, now_step + DRIFT_STEPS)
        if hmac.compare_digest(totp.generate_otp(step), code)
    ]
    return matches[0] if matches else None


def _claim_step(user: User, step: int) -> bool:
    """Record `step` as used unless it (or a later one) already was."""
    result = db.session.execute(
        update(TwoFactor)
        .where(TwoFactor.user_id == user.id, TwoFactor.last_used_step < step)
        .values(last_used_step=step)
    )
    return result.rowcount == 1


def _normalise_recovery_code(code: str) -> str:
    return re.sub(r"[\s-]", "", (code or "").lower())


def _hash_recovery_code(code: str) -> str:
    return hashlib.sha256(_normalise_recovery_code(code).encode()).hexdigest()


def _use_recovery_code(user: User, code: str) -> bool:
    normalised = _normalise_recovery_code(code)
    if len(normalised) != _RECOVERY_GROUPS * _RECOVERY_GROUP_LENGTH:
        return False
    result = db.session.execute(
        delete(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash_recovery_code(code))
    )
    return result.rowcount == 1


def _new_recovery_code() -> str:
    groups = (
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_GROUP_LENGTH))
        for _ in range(_RECOVERY_GROUPS)
    )
    return "-".join(groups)


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(_new_recovery_code())
    codes = sorted(codes)
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_recovery_code(code)) for code in codes)
    db.session.flush()
    return codes

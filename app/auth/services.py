"""Accounts: registration, password hashing and checking."""

import contextlib
from decimal import Decimal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import select

from ..expenses.services import create_starter_categories
from ..extensions import db
from ..models import User
from ..money import to_minor


class EmailTaken(Exception):
    pass


def normalise_email(email: str) -> str:
    """Emails are compared ignoring case, so they are stored lower-cased."""
    return email.strip().lower()


def password_hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(email: str, password: str) -> User:
    """Create an account with the configured default budget and the starter categories."""
    if find_user(email) is not None:
        raise EmailTaken(email)
    config = current_app.config
    user = User(
        email=normalise_email(email),
        password_hash=password_hasher().hash(password),
        currency=config["DEFAULT_CURRENCY"],
        monthly_budget_cents=to_minor(Decimal(config["DEFAULT_MONTHLY_BUDGET"]), config["DEFAULT_CURRENCY"]),
    )
    db.session.add(user)
    db.session.flush()
    create_starter_categories(user)
    db.session.commit()
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = password_hasher().hash(password)
    db.session.commit()


def check_password(user: User | None, password: str) -> bool:
    """True when `password` is the user's. Upgrades the stored hash when the parameters changed.

    An unknown user costs the same hashing work, so timing does not tell which emails exist.
    """
    hasher = password_hasher()
    if user is None:
        with contextlib.suppress(VerificationError):
            hasher.verify(_dummy_hash(hasher), password)
        return False
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
        db.session.commit()
    return True


_dummy_hashes: dict[tuple, str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = hasher.hash("not a real password")
    return _dummy_hashes[key]

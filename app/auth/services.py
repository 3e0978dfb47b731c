"""Accounts: registration and finding an account by its email."""

from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from ..categories import create_starter_categories
from ..clock import DEFAULT_TIME_ZONE
from ..extensions import db
from ..ledgers.services import PERSONAL_LEDGER_NAME, create_ledger
from ..models import User
from ..money import to_minor
from ..passwords import hash_password


class EmailTaken(Exception):
    pass


def normalise_email(email: str) -> str:
    """Emails are compared ignoring case, so they are stored lower-cased."""
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(email: str, password: str, time_zone: str = DEFAULT_TIME_ZONE) -> User:
    """Create an account, its personal ledger with the configured default budget, the starter
    categories and the time zone (an IANA name the caller has checked). Not committed: the caller runs it through
    run_and_commit, which also answers a registration that loses a race for the address.

    The password is hashed first, whether or not the email is taken, so that both answers take the
    same time. (The message still says an address has an account: without email verification there
    is nothing else to say, and registration is rate-limited per address.)"""
    password_hash = hash_password(password)
    if find_user(email) is not None:
        raise EmailTaken(email)
    config = current_app.config
    user = User(email=normalise_email(email), password_hash=password_hash, time_zone=time_zone)
    db.session.add(user)
    db.session.flush()
    code = config["DEFAULT_CURRENCY"]
    ledger = create_ledger(
        user, PERSONAL_LEDGER_NAME, code, to_minor(Decimal(config["DEFAULT_MONTHLY_BUDGET"]), code), personal=True
    )
    create_starter_categories(ledger)
    return user

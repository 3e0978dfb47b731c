"""Accounts: registration and finding an account by its email."""

from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from ..categories import create_starter_categories
from ..extensions import db
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


def create_user(email: str, password: str) -> User:
    """Create an account with the configured default budget and the starter categories."""
    if find_user(email) is not None:
        raise EmailTaken(email)
    config = current_app.config
    user = User(
        email=normalise_email(email),
        password_hash=hash_password(password),
        currency=config["DEFAULT_CURRENCY"],
        monthly_budget_cents=to_minor(Decimal(config["DEFAULT_MONTHLY_BUDGET"]), config["DEFAULT_CURRENCY"]),
    )
    db.session.add(user)
    db.session.flush()
    create_starter_categories(user)
    db.session.commit()
    return user

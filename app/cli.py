"""Command-line tools: `flask seed`, `flask create-user`, `flask reset-password`, `flask recurring run`."""

import json
import time
from datetime import date, timedelta
from pathlib import Path

import click
from email_validator import EmailNotValidError, validate_email
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import delete

from . import clock, money, two_factor
from . import recurring_posting as posting
from .access import personal_ledger
from .auth.services import EmailTaken, create_user, find_user
from .extensions import db
from .models import Category, CategoryBudget, Expense, Ledger, OverallBudget, RecurringRule, User
from .passwords import set_password
from .periods import period_containing
from .receipts import storage
from .recurrence import on_day
from .recurring_rules import RuleValues, create_rule
from .sessions import end_all_sessions
from .transactions import run_and_commit

SAMPLE_FILE = Path(__file__).resolve().parent.parent / "sample_data" / "demo.json"


def _month_day(today: date, months_ago: int, day: int) -> date | None:
    """The `day` of the month `months_ago` before today's; None when that is still in the future."""
    month_index = today.year * 12 + today.month - 1 - months_ago
    when = date(month_index // 12, month_index % 12 + 1, day)
    return None if when > today else when


def load_sample(path: Path, today: date, reset: bool = False) -> tuple[str, int]:
    """Create the demo account from the sample file. Returns (email, expenses added); 0 when the
    account already exists and `reset` is not set, so running it twice changes nothing. Not committed."""
    data = json.loads(path.read_text(encoding="utf-8"))
    account = data["user"]
    user = find_user(account["email"])
    if user is not None and not reset:
        return user.email, 0
    if user is None:
        user = create_user(account["email"], account["password"])
    ledger = personal_ledger(user)
    code = account["currency"]
    ledger.currency = code
    ledger.monthly_budget_cents = money.to_minor(money.parse_amount(account["monthly_budget"], code), code)
    ledger.period_start_day = account.get("period_start_day", 1)
    for model in (Expense, RecurringRule, CategoryBudget, OverallBudget, Category):
        db.session.execute(delete(model).where(model.ledger_id == ledger.id))
    categories = {}
    for item in data["categories"]:
        category = Category(
            ledger_id=ledger.id, name=item["name"], name_key=item["name"].casefold(), color=item["color"]
        )
        db.session.add(category)
        categories[item["name"]] = category
    db.session.flush()
    added = 0
    for item in data["expenses"]:
        spent_on = _month_day(today, item["months_ago"], item["day"])
        if spent_on is None:
            continue
        amount = money.parse_amount(item["amount"], code)
        db.session.add(
            Expense(
                ledger_id=ledger.id,
                category_id=categories[item["category"]].id,
                spent_on=spent_on,
                description=item["description"],
                amount_cents=money.to_minor(amount, code),
                created_by_id=user.id,
            )
        )
        added += 1
    current = period_containing(today, ledger.period_start_day)
    for item in data.get("budgets", []):
        db.session.add(
            CategoryBudget(
                ledger_id=ledger.id,
                category_id=categories[item["category"]].id,
                effective_from=current.shift(-item["months_ago"]).start,
                limit_cents=money.to_minor(money.parse_amount(item["limit"], code), code),
                rollover=item["rollover"],
            )
        )
    for item in data.get("recurring_rules", []):
        tomorrow = today + timedelta(days=1)
        start = on_day(tomorrow.year, tomorrow.month, item["day"])
        if start < tomorrow:
            start = on_day(tomorrow.year + tomorrow.month // 12, tomorrow.month % 12 + 1, item["day"])
        values = RuleValues(
            category=categories[item["category"]],
            description=item["description"],
            amount_cents=money.to_minor(money.parse_amount(item["amount"], code), code),
            start_on=start,
            unit=item["unit"],
            every=1,
            month_day=item["day"],
            end_on=None,
            occurrence_limit=None,
        )
        create_rule(ledger, values, today, user.id)
    return user.email, added


def _reset_password(user: User, password: str) -> tuple[int, bool]:
    """New password, every session ended, two-factor off (whoever asks an operator for a reset has
    usually lost the phone too). Returns (sessions ended, whether two-factor was on)."""
    set_password(user, password)
    had_two_factor = two_factor.is_enabled(user)
    two_factor.disable(user)
    return end_all_sessions(user), had_two_factor


def init_app(app: Flask) -> None:
    @app.cli.command("seed")
    @click.option("--reset", is_flag=True, help="Reload the demo account even if it exists.")
    @click.option("--file", "path", type=click.Path(exists=True, path_type=Path), default=SAMPLE_FILE)
    def seed(reset: bool, path: Path):
        """Load the demo account from sample_data/ (does nothing if it is already there)."""
        email, added = run_and_commit(load_sample, path, clock.user_today(), reset=reset)
        if added:
            click.echo(f"Loaded {added} expenses for {email}.")
        else:
            click.echo(f"{email} already exists; nothing changed (use --reset to reload it).")

    recurring = AppGroup("recurring", help="Recurring expenses.")
    app.cli.add_command(recurring)

    @recurring.command("run")
    def run_recurring():
        """Add every recurring expense that has come due, in every ledger, each exactly once (run it
        from cron or a systemd timer; opening a ledger's pages posts its own too)."""
        made, ledgers = 0, 0
        for ledger_id in posting.ledgers_due():
            ledger = db.session.get(Ledger, ledger_id)
            count = run_and_commit(posting.post_ledger, ledger) if ledger is not None else 0  # None: deleted since
            made += count
            ledgers += count > 0
        click.echo(f"Added {made} recurring expense(s) in {ledgers} ledger(s).")

    @app.cli.command("prune-receipts")
    def prune_receipts():
        """Remove files in RECEIPT_STORAGE_DIR that no receipt names any more (run it daily)."""
        removed = storage.prune_directory(time.time())
        click.echo(f"Removed {removed} file(s) no receipt names.")

    @app.cli.command("create-user")
    @click.argument("email")
    @click.password_option(help="Prompted for when not given.")
    def create_user_command(email: str, password: str):
        """Create an account from the command line."""
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError as error:
            raise click.BadParameter(str(error), param_hint="EMAIL") from None
        if len(password) < 8:
            raise click.BadParameter("use at least 8 characters", param_hint="--password")
        try:
            user = run_and_commit(create_user, email, password)
        except EmailTaken:
            raise click.ClickException(f"an account for {email} already exists") from None
        click.echo(f"Created {user.email}.")

    @app.cli.command("reset-password")
    @click.argument("email")
    @click.password_option("--password", help="Prompted for when not given.")
    def reset_password_command(email: str, password: str):
        """Set a new password for an account, sign it out everywhere and turn off its two-factor
        sign-in (there is no email reset)."""
        user = find_user(email)
        if user is None:
            raise click.ClickException(f"no account for {email}")
        if len(password) < 8:
            raise click.BadParameter("use at least 8 characters", param_hint="--password")
        ended, had_two_factor = run_and_commit(_reset_password, user, password)
        click.echo(f"Password changed for {user.email}; ended {ended} session(s).")
        if had_two_factor:
            click.echo("Two-factor sign-in was on and is now off; they can turn it on again in Settings.")

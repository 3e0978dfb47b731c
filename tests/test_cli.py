"""`flask seed` (demo data) and `flask create-user`."""

import json
from datetime import date

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from app.cli import SAMPLE_FILE, load_sample
from app.extensions import db
from app.models import Category, CategoryBudget, Expense, Ledger, User
from app.transactions import run_and_commit
from tests.conftest import AuthActions, count_rows, ledger_of

DEMO_EMAIL = "demo@example.com"
FIXED_TODAY = date(2026, 3, 15)


def _demo(app):
    """(currency, budget, expenses as (id, date, description, category, cents), categories, budgets)."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == DEMO_EMAIL))
        expenses = [
            (e.id, e.spent_on, e.description, e.category.name, e.amount_cents)
            for e in db.session.scalars(
                select(Expense).where(Expense.ledger_id == ledger_of(user.id)).order_by(Expense.id)
            )
        ]
        categories = sorted(
            db.session.execute(
                select(Category.name, Category.color).where(Category.ledger_id == ledger_of(user.id))
            ).all()
        )
        budgets = sorted(
            (name, effective_from, limit_cents, rollover)
            for name, effective_from, limit_cents, rollover in db.session.execute(
                select(
                    Category.name, CategoryBudget.effective_from, CategoryBudget.limit_cents, CategoryBudget.rollover
                )
                .join(Category, Category.id == CategoryBudget.category_id)
                .where(CategoryBudget.ledger_id == ledger_of(user.id))
            )
        )
        ledger = db.session.scalar(select(Ledger).where(Ledger.personal_user_id == user.id))
        return ledger.currency, ledger.monthly_budget_cents, expenses, categories, budgets


def _expected_count(today: date) -> int:
    """Sample expenses that are not in the future on `today`, counted straight from the file."""
    data = json.loads(SAMPLE_FILE.read_text(encoding="utf-8"))
    return sum(1 for e in data["expenses"] if e["months_ago"] > 0 or e["day"] <= today.day)


def test_load_sample_for_a_fixed_day_loads_exact_demo_data(app):
    with app.app_context():
        assert run_and_commit(load_sample, SAMPLE_FILE, FIXED_TODAY) == (DEMO_EMAIL, 145)
    currency, budget, expenses, categories, budgets = _demo(app)
    assert currency == "INR"
    assert budget == 8_000_000
    assert len(expenses) == 145
    assert sum(cents for *_, cents in expenses) == 22_207_318  # ₹222,073.18
    assert min(e[1] for e in expenses) == date(2025, 12, 1)
    assert max(e[1] for e in expenses) == date(2026, 3, 15)
    assert sum(1 for e in expenses if e[1] >= date(2026, 3, 1)) == 25
    assert categories == [
        ("Entertainment", "#ef6c00"),
        ("Food & groceries", "#2e7d32"),
        ("Health", "#c62828"),
        ("Housing", "#6a1b9a"),
        ("Other", "#546e7a"),
        ("Shopping", "#ad1457"),
        ("Transport", "#1565c0"),
        ("Utilities", "#00838f"),
    ]
    assert budgets == [
        ("Entertainment", date(2025, 12, 1), 350_000, True),
        ("Food & groceries", date(2025, 12, 1), 1_200_000, True),
        ("Health", date(2026, 2, 1), 300_000, False),
        ("Shopping", date(2025, 12, 1), 750_000, False),
        ("Transport", date(2025, 12, 1), 500_000, False),
    ]
    assert _expected_count(FIXED_TODAY) == 145


def test_load_sample_on_the_first_of_the_month_skips_the_rest_of_the_month(app):
    with app.app_context():
        assert run_and_commit(load_sample, SAMPLE_FILE, date(2026, 3, 1)) == (DEMO_EMAIL, 123)
    assert _expected_count(date(2026, 3, 1)) == 123


def test_load_sample_twice_changes_nothing(app):
    with app.app_context():
        run_and_commit(load_sample, SAMPLE_FILE, FIXED_TODAY)
    before = _demo(app)
    with app.app_context():
        assert run_and_commit(load_sample, SAMPLE_FILE, date(2026, 4, 30)) == (DEMO_EMAIL, 0)
    assert _demo(app) == before
    assert count_rows(app, User) == 1


def test_load_sample_with_reset_reloads(app):
    with app.app_context():
        run_and_commit(load_sample, SAMPLE_FILE, FIXED_TODAY)
        user = db.session.scalar(select(User).where(User.email == DEMO_EMAIL))
        db.session.execute(db.delete(Expense).where(Expense.description == "Rent"))
        ledger = db.session.scalar(select(Ledger).where(Ledger.personal_user_id == user.id))
        db.session.add(Category(ledger_id=ledger.id, name="Junk", name_key="junk", color="#000000"))
        ledger.monthly_budget_cents = 1
        db.session.commit()
    assert len(_demo(app)[2]) < 145

    with app.app_context():
        assert run_and_commit(load_sample, SAMPLE_FILE, FIXED_TODAY, reset=True) == (DEMO_EMAIL, 145)
    currency, budget, expenses, categories, budgets = _demo(app)
    assert (currency, budget, len(expenses), len(categories), len(budgets)) == ("INR", 8_000_000, 145, 8, 5)
    assert sum(cents for *_, cents in expenses) == 22_207_318
    assert count_rows(app, User) == 1


def test_flask_seed_command(app, runner):
    expected = _expected_count(date.today())
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert result.output == f"Loaded {expected} expenses for {DEMO_EMAIL}.\n"
    first = _demo(app)
    assert len(first[2]) == expected

    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0
    assert result.output == f"{DEMO_EMAIL} already exists; nothing changed (use --reset to reload it).\n"
    assert _demo(app) == first

    result = runner.invoke(args=["seed", "--reset"])
    assert result.exit_code == 0
    assert result.output == f"Loaded {expected} expenses for {DEMO_EMAIL}.\n"
    again = _demo(app)
    # Same data, new rows.
    assert [e[1:] for e in again[2]] == [e[1:] for e in first[2]]
    assert again[3:] == first[3:]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Category)) == 8


def test_the_demo_account_can_sign_in_after_seeding(app, client, runner):
    assert runner.invoke(args=["seed"]).exit_code == 0
    response = AuthActions(client).login(email=DEMO_EMAIL, password="demo-password")
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_create_user_command(app, client, runner):
    result = runner.invoke(args=["create-user", "Bob@Example.COM", "--password", "long enough pw"])
    assert result.exit_code == 0, result.output
    assert result.output == "Created bob@example.com.\n"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "bob@example.com"))
        ledger = db.session.scalar(select(Ledger).where(Ledger.personal_user_id == user.id))
        assert ledger.currency == "INR"
        assert ledger.monthly_budget_cents == 8_000_000
        assert user.password_hash.startswith("$argon2id$")
        assert PasswordHasher().verify(user.password_hash, "long enough pw")
        assert (
            db.session.scalar(
                select(func.count()).select_from(Category).where(Category.ledger_id == ledger_of(user.id))
            )
            == 8
        )
    assert AuthActions(client).login(email="bob@example.com", password="long enough pw").status_code == 302


def test_create_user_prompts_for_the_password_twice(app, runner):
    result = runner.invoke(args=["create-user", "carol@example.com"], input="long enough pw\nlong enough pw\n")
    assert result.exit_code == 0, result.output
    assert result.output.endswith("Created carol@example.com.\n")
    assert count_rows(app, User) == 1


def test_create_user_refuses_a_duplicate(app, runner):
    assert runner.invoke(args=["create-user", "bob@example.com", "--password", "long enough pw"]).exit_code == 0
    for email in ("bob@example.com", "BOB@example.com"):
        result = runner.invoke(args=["create-user", email, "--password", "another password"])
        assert result.exit_code == 1
        assert result.output == f"Error: an account for {email} already exists\n"
    assert count_rows(app, User) == 1
    with app.app_context():
        user = db.session.scalar(select(User))
        assert PasswordHasher().verify(user.password_hash, "long enough pw")


@pytest.mark.parametrize(
    ("email", "reason"),
    [
        ("not-an-email", "An email address must have an @-sign."),
        ("", "An email address must have an @-sign."),
        ("a@b", "The part after the @-sign is not valid. It should have a period."),
        ("two@@example.com", "The part after the @-sign contains invalid characters: '@'."),
        ("x" * 300 + "@example.com", "The email address is too long (58 characters too many)."),
    ],
)
def test_create_user_refuses_a_bad_email(app, runner, email, reason):
    result = runner.invoke(args=["create-user", email, "--password", "long enough pw"])
    assert result.exit_code == 2
    assert result.output.endswith(f"Error: Invalid value for EMAIL: {reason}\n")
    assert count_rows(app, User) == 0
    assert count_rows(app, Category) == 0


def test_create_user_refuses_a_short_password(app, runner):
    result = runner.invoke(args=["create-user", "bob@example.com", "--password", "short"])
    assert result.exit_code == 2
    assert result.output.endswith("Error: Invalid value for --password: use at least 8 characters\n")
    assert count_rows(app, User) == 0

"""Restoring a backup made under another email, in another ledger or on another server (issue
17): into a ledger its person owns, after a confirmation that names where the backup came from."""

import hashlib
import json

from sqlalchemy import select

from app.extensions import db
from app.models import Expense, Ledger, User
from tests.conftest import AuthActions, add_expense
from tests.ledger_helpers import create_shared
from tests.pages import element_text
from tests.test_backup import download, restore


def _bob_backup(app) -> str:
    """Bob's backup, with two expenses in his personal ledger."""
    bob = app.test_client()
    assert AuthActions(bob).register(email="bob@example.com").status_code == 302
    with app.app_context():
        bob_id = db.session.scalar(select(User.id).where(User.email == "bob@example.com"))
    add_expense(app, bob_id, "Housing", 120_000, description="Rent")
    add_expense(app, bob_id, "Transport", 250, description="Bus")
    return download(bob)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _rows(app, email: str) -> list[tuple]:
    """(description, amount, added by) of the expenses in the account's personal ledger."""
    with app.app_context():
        return list(
            db.session.execute(
                select(Expense.description, Expense.amount_cents, User.email)
                .join(Ledger, Ledger.id == Expense.ledger_id)
                .join(User, User.id == Expense.created_by_id)
                .where(Ledger.personal_user_id == select(User.id).where(User.email == email).scalar_subquery())
                .order_by(Expense.description)
            )
        )


def test_a_backup_of_another_account_is_restored_once_its_source_is_confirmed(app, client, user):
    backup = _bob_backup(app)
    exported_at = json.loads(backup)["exported_at"]
    asked = restore(client, backup)
    assert asked.status_code == 422
    page = asked.get_data(as_text=True)
    assert element_text(page, "backup-source").startswith(
        "This backup is of bob@example.com, ledger “Personal”, exported "
    )
    assert element_text(page, "backup-source").endswith(
        " UTC from http://localhost/. Restoring it puts its expenses, categories and budgets into “Personal”."
    )
    assert exported_at[:4] in element_text(page, "backup-source")
    assert f'name="source_file" type="hidden" value="{_digest(backup)}"' in page
    assert _rows(app, "alice@example.com") == []

    done = restore(client, backup, confirm_source=True)
    assert done.status_code == 302
    # Alice's ledger now holds Bob's figures, added by her; Bob's own are untouched.
    assert _rows(app, "alice@example.com") == [
        ("Bus", 250, "alice@example.com"),
        ("Rent", 120_000, "alice@example.com"),
    ]
    assert _rows(app, "bob@example.com") == [("Bus", 250, "bob@example.com"), ("Rent", 120_000, "bob@example.com")]


def test_a_backup_from_another_server_names_it(app, client, user):
    own = json.loads(download(client))
    own["site"] = "https://old.example.org/"
    moved = json.dumps(own)
    page = restore(client, moved).get_data(as_text=True)
    assert element_text(page, "backup-source").startswith("This backup is of alice@example.com, ledger “Personal”")
    assert " from https://old.example.org/." in element_text(page, "backup-source")
    assert restore(client, moved, confirm_source=True).status_code == 302


def test_the_own_backup_of_the_same_ledger_needs_no_confirmation(app, client, user):
    backup = download(client)
    assert restore(client, backup).status_code == 302


def test_a_personal_backup_fills_an_empty_shared_ledger_after_confirming(app, client, user):
    add_expense(app, user.id, "Housing", 90_000, description="Rent")
    backup = download(client)
    ledger_id = create_shared(client, name="Flat 3B", currency="EUR")
    page = restore(client, backup).get_data(as_text=True)  # the browser now shows the new ledger
    assert "into “Flat 3B”" in element_text(page, "backup-source")
    assert restore(client, backup, confirm_source=True).status_code == 302
    with app.app_context():
        flat = db.session.get(Ledger, ledger_id)
        assert flat.currency == "INR"  # the backup's figures come with their currency
        assert db.session.execute(
            select(Expense.description, Expense.amount_cents).where(Expense.ledger_id == ledger_id)
        ).all() == [("Rent", 90_000)]

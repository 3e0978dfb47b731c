"""Issue 20's "done when" for quick add, in a real browser: with a few coffees filed under Food &
groceries, typing "coffee 4.50 yesterday" into quick add shows what it understood (amount, date,
the learned category with its reason, description) before anything is saved; saving it lists it
under that category."""

from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import Page, expect

from app import clock
from app.extensions import db
from app.models import Category, Expense, Ledger, User

from .conftest import register

pytestmark = pytest.mark.e2e

# Sunday 6 December 2026, 10:00 UTC: the live server runs in this process, so it sees this clock.
NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(clock, "utcnow", lambda: NOW)


def _seed_coffees(app, email: str) -> None:
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        ledger = db.session.scalar(db.select(Ledger).where(Ledger.personal_user_id == user.id))
        food = db.session.scalar(
            db.select(Category).where(Category.ledger_id == ledger.id, Category.name == "Food & groceries")
        )
        for day in (1, 2, 3):
            db.session.add(
                Expense(
                    ledger_id=ledger.id,
                    category_id=food.id,
                    spent_on=date(2026, 11, day),
                    description="Coffee",
                    amount_cents=350,
                    created_by_id=user.id,
                )
            )
        db.session.commit()


def _rows(app):
    with app.app_context():
        return [
            (e.category.name, e.spent_on, e.description, e.amount_cents)
            for e in db.session.scalars(db.select(Expense).order_by(Expense.id))
        ]


def test_quick_add_reads_a_line_shows_it_and_saves_under_the_learned_category(page: Page, app, frozen):
    register(page, "coffee@example.com")
    _seed_coffees(app, "coffee@example.com")
    page.goto("/expenses")
    page.keyboard.press("n")
    dialog = page.get_by_role("dialog", name="Add expense")
    expect(dialog).to_be_visible()
    dialog.get_by_label("In plain words").fill("coffee 4.50 yesterday")
    dialog.get_by_label("In plain words").press("Enter")

    understood = dialog.locator("#quick-add-understood")
    expect(understood).to_be_visible()
    expect(understood.locator("#understood-amount")).to_have_text("₹4.50")
    expect(understood.locator("#understood-date")).to_have_text("Dec 5, 2026")
    expect(understood.locator("#understood-category")).to_have_text("Food & groceries")
    expect(understood.locator("#understood-reason")).to_have_text(
        "“coffee” was Food & groceries 3 of 3 times · 100% sure"
    )
    expect(understood.locator("#understood-description")).to_have_text("coffee")
    # The fields below hold the same, and nothing is saved yet.
    expect(dialog.get_by_label("Amount", exact=True)).to_have_value("4.50")
    expect(dialog.get_by_label("Date", exact=True)).to_have_value("2026-12-05")
    expect(dialog.get_by_role("button", name="Add expense")).to_be_focused()
    assert len(_rows(app)) == 3

    dialog.get_by_role("button", name="Add expense").click()
    expect(page.locator("#quick-add-toast")).to_have_text("Added ₹4.50 for coffee")
    assert _rows(app)[-1] == ("Food & groceries", date(2026, 12, 5), "coffee", 450)
    page.goto("/expenses?category=" + str(_category_id(app, "coffee@example.com", "Food & groceries")))
    first = page.locator("#expense-table tbody tr").first
    expect(first).to_contain_text("coffee")
    expect(first).to_contain_text("Food & groceries")
    expect(first).to_contain_text("₹4.50")


def test_a_line_it_cannot_read_says_why_and_saves_nothing(page: Page, app, frozen, page_errors):
    register(page, "unread@example.com")
    page.goto("/expenses")
    page.keyboard.press("n")
    dialog = page.get_by_role("dialog", name="Add expense")
    dialog.get_by_label("In plain words").fill("coffee")
    dialog.get_by_role("button", name="Read").click()
    expect(dialog.locator("#quick-add-problem")).to_have_text(
        "There is no amount in that line. Add one, like “coffee 4.50”."
    )
    expect(dialog.locator("#quick-add-understood")).to_be_hidden()
    assert _rows(app) == []
    # The browser logs the 422 that carried the message: that one is expected.
    page.evaluate("0")
    refused = [e for e in page_errors if "/quick-add/understand.json" in e and "status of 422" in e]
    assert len(refused) == 1
    page_errors.remove(refused[0])


def _category_id(app, email, name):
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        ledger_id = db.session.scalar(db.select(Ledger.id).where(Ledger.personal_user_id == user.id))
        return db.session.scalar(db.select(Category.id).where(Category.ledger_id == ledger_id, Category.name == name))

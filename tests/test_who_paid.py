"""Who paid (issue 17): in a shared ledger each expense records the member who added it and,
optionally, who paid; the list filters by member and the dashboard shows what each one paid."""

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import Category, Expense, User
from tests.conftest import count_rows, post_form
from tests.ledger_helpers import browser_of, create_shared, join, user_id
from tests.pages import element_text, table_rows
from tests.test_races import at_once, db_dialect, held_at_first_insert, poster

ALICE, BOB, CAROL = "alice@example.com", "bob@example.com", "carol@example.com"
TODAY = date.today().isoformat()


def _flat(app):
    """Alice's shared "Flat 3B" (EUR) with Bob as editor and a Groceries category; both browsers."""
    alice = browser_of(app, ALICE)
    ledger_id = create_shared(alice)
    bob = join(app, alice, BOB)
    response = post_form(alice, "/categories", {"name": "Groceries", "color": "#2e7d32", "ledger": ledger_id})
    assert response.status_code == 302
    with app.app_context():
        groceries = db.session.scalar(select(Category.id).where(Category.ledger_id == ledger_id))
    return alice, bob, ledger_id, groceries


def _add(client, ledger_id, category, description, amount, paid_by=""):
    return post_form(
        client,
        "/expenses/new",
        {
            "ledger": ledger_id,
            "amount": amount,
            "description": description,
            "category_id": category,
            "spent_on": TODAY,
            "paid_by": paid_by,
        },
    )


def _who(app) -> list[tuple]:
    """(description, amount, added by, paid by) of every expense, in id order."""
    with app.app_context():
        emails = dict(db.session.execute(select(User.id, User.email)).all())
        return [
            (e.description, e.amount_cents, emails.get(e.created_by_id), emails.get(e.paid_by_id))
            for e in db.session.scalars(select(Expense).order_by(Expense.id))
        ]


def test_each_expense_records_who_added_it_and_who_paid(app):
    alice, bob, ledger_id, groceries = _flat(app)
    assert _add(bob, ledger_id, groceries, "Bread", "12.50").status_code == 302
    assert _add(alice, ledger_id, groceries, "Big shop", "30.00", user_id(app, BOB)).status_code == 302
    assert _add(alice, ledger_id, groceries, "Tea", "5.00").status_code == 302
    assert _who(app) == [
        ("Bread", 1250, BOB, None),
        ("Big shop", 3000, ALICE, BOB),
        ("Tea", 500, ALICE, None),
    ]
    form = alice.get("/expenses/new").get_data(as_text=True)
    assert '<option selected value="">Whoever adds it</option>' in form
    assert f'<option value="{user_id(app, BOB)}">{BOB}</option>' in form


def test_the_list_filters_by_member_and_says_who_paid(app):
    alice, bob, ledger_id, groceries = _flat(app)
    _add(bob, ledger_id, groceries, "Bread", "12.50")
    _add(alice, ledger_id, groceries, "Big shop", "30.00", user_id(app, BOB))
    _add(alice, ledger_id, groceries, "Tea", "5.00")

    page = alice.get("/expenses", query_string={"member": user_id(app, BOB), "sort": "amount"}).get_data(as_text=True)
    assert (element_text(page, "list-count"), element_text(page, "list-total")) == ("2 expenses", "€42.50")
    assert [row[1] for row in table_rows(page, "expense-table")] == [
        "Big shop Groceries Paid by bob@example.com",
        "Bread Groceries Paid by bob@example.com",
    ]
    page = bob.get("/expenses", query_string={"member": user_id(app, ALICE)}).get_data(as_text=True)
    assert (element_text(page, "list-count"), element_text(page, "list-total")) == ("1 expense", "€5.00")
    export = bob.get("/expenses/export.csv", query_string={"member": user_id(app, BOB), "sort": "amount"})
    assert [line.split(",")[1] for line in export.get_data(as_text=True).splitlines()[1:]] == ["Big shop", "Bread"]


def test_a_member_not_in_the_ledger_is_ignored_with_a_message(app):
    alice, bob, ledger_id, groceries = _flat(app)
    _add(bob, ledger_id, groceries, "Bread", "12.50")
    carol = browser_of(app, CAROL)
    assert carol.get("/expenses").status_code == 200  # her own personal ledger
    page = alice.get("/expenses", query_string={"member": user_id(app, CAROL)}).get_data(as_text=True)
    assert (
        element_text(page, "filter-messages") == "The member in the address is not in this ledger, so it was ignored."
    )
    assert element_text(page, "list-count") == "1 expense"


def test_a_payer_outside_the_ledger_is_refused_and_nothing_is_written(app):
    alice, bob, ledger_id, groceries = _flat(app)
    browser_of(app, CAROL)
    response = _add(alice, ledger_id, groceries, "Bread", "12.50", user_id(app, CAROL))
    assert response.status_code == 422
    assert "Choose a member of this ledger." in response.get_data(as_text=True)
    assert count_rows(app, Expense) == 0


def test_editing_changes_the_payer(app):
    alice, bob, ledger_id, groceries = _flat(app)
    _add(alice, ledger_id, groceries, "Bread", "12.50")
    with app.app_context():
        expense_id = db.session.scalar(select(Expense.id))
    fields = {"ledger": ledger_id, "amount": "12.50", "description": "Bread", "category_id": groceries}
    fields |= {"spent_on": TODAY, "paid_by": user_id(app, BOB)}
    assert post_form(bob, f"/expenses/{expense_id}/edit", fields).status_code == 302
    assert _who(app) == [("Bread", 1250, ALICE, BOB)]
    assert post_form(bob, f"/expenses/{expense_id}/edit", fields | {"paid_by": ""}).status_code == 302
    assert _who(app) == [("Bread", 1250, ALICE, None)]


def test_the_dashboard_shows_what_each_member_paid_this_period(app):
    alice, bob, ledger_id, groceries = _flat(app)
    _add(bob, ledger_id, groceries, "Bread", "12.50")
    _add(alice, ledger_id, groceries, "Big shop", "30.00", user_id(app, BOB))
    _add(alice, ledger_id, groceries, "Tea", "5.00")
    page = alice.get("/").get_data(as_text=True)
    assert element_text(page, "spent-per-member") == f"{BOB} 2 expenses €42.50 {ALICE} 1 expense €5.00"
    assert f'href="/expenses?member={user_id(app, BOB)}&amp;from=' in page


def test_a_personal_ledger_asks_nobody_who_paid(app, client, user):
    page = client.get("/expenses/new").get_data(as_text=True)
    assert 'name="paid_by"' not in page
    dashboard = client.get("/").get_data(as_text=True)
    assert 'id="spent-per-member"' not in dashboard


def test_two_members_adding_at_once_lose_nothing(app):
    """Both INSERTs are held until each has reached its own, so that the two transactions really
    overlap (on PostgreSQL; SQLite takes writers one at a time); both land, with exact totals."""
    alice, bob, ledger_id, groceries = _flat(app)
    fields = {"ledger": ledger_id, "category_id": groceries, "spent_on": TODAY, "paid_by": ""}
    with held_at_first_insert(app, "expenses") as met:
        results = at_once(
            poster(alice, "/expenses/new", fields | {"amount": "12.34", "description": "Milk"}),
            poster(bob, "/expenses/new", fields | {"amount": "56.78", "description": "Eggs"}),
        )
    assert [status for status, _body in results] == [302, 302]
    if db_dialect(app) == "postgresql":
        assert met == [True, True]
    assert sorted(_who(app)) == [("Eggs", 5678, BOB, None), ("Milk", 1234, ALICE, None)]
    page = alice.get("/expenses").get_data(as_text=True)
    assert (element_text(page, "list-count"), element_text(page, "list-total")) == ("2 expenses", "€69.12")

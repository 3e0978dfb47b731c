"""No page runs more SQL for more rows: each runs an exact number of statements, for 3 expenses and for 120."""

from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import Category, Expense
from tests.conftest import bearer, ledger_of, make_token, personal_ledger_id, recorded_statements
from tests.ledger_helpers import create_shared, join

# The exact number of SQL statements each page runs once the session is warm, whatever the number
# of expenses. Every page starts with the session lookup, and reads the account's ledgers once
# (app.access.memberships): its navbar lists them, and a page of ledger data takes the current one
# from them; a page of ledger data then asks whether a recurring rule has come due there
# (app.recurring_posting.is_due).
PAGES = {
    # due rules, categories, the period's totals, overall budget, category limits, still due, latest
    # expenses
    "/": 9,
    "/expenses": 7,  # due rules, categories, count and total, one page of rows, which have receipts
    "/expenses?per_page=100": 7,
    "/expenses?sort=category": 7,
    "/expenses?q=lunch&per_page=100": 7,
    "/expenses?last=1": 7,
    "/categories": 5,  # due rules, totals per category, categories
    "/budgets": 8,  # due rules, categories, limits, the period's totals, overall budget, still due
    # due rules, 12 periods' totals, categories, a year earlier, categories, first expense, still due,
    # largest
    "/reports": 10,
    "/imports": 4,  # due rules, the imports
    "/account/sessions": 3,  # the account's sessions
}


def _add(app, user_id, how_many):
    with app.app_context():
        categories = db.session.scalars(db.select(Category.id).where(Category.ledger_id == ledger_of(user_id))).all()
        ledger_id = personal_ledger_id(app, user_id)
        today = date.today()
        db.session.execute(
            db.insert(Expense),
            [
                {
                    "ledger_id": ledger_id,
                    "created_by_id": user_id,
                    "category_id": categories[n % len(categories)],
                    "spent_on": today - timedelta(days=n % 40),
                    "description": f"Lunch {n}",
                    "amount_cents": 100 + n,
                }
                for n in range(how_many)
            ],
        )
        db.session.commit()


def _statements(app, client, path):
    client.get(path)  # warm: the first request may load things once per session
    with recorded_statements(app) as statements:
        assert client.get(path).status_code == 200, path
    return len(statements)


@pytest.mark.parametrize(("path", "expected"), PAGES.items())
def test_statement_count_does_not_grow_with_rows_shown(app, client, user, path, expected):
    _add(app, user.id, 3)
    few = _statements(app, client, path)
    _add(app, user.id, 117)
    many = _statements(app, client, path)
    assert (few, many) == (expected, expected), f"{path}: {few} statements for 3 expenses, {many} for 120"


def test_a_search_that_matches_nothing_asks_for_no_page_of_rows(app, client, user):
    """Its count (0) comes first; then only "has the ledger any expenses at all" (one row by the index),
    never a page of rows, which would read every expense looking for a first match."""
    _add(app, user.id, 120)
    path = "/expenses?q=nothing+like+this"
    # session, the account's ledgers, due rules, categories, count and total, any expense at all
    assert _statements(app, client, path) == 6
    assert 'id="no-matches"' in client.get(path).get_data(as_text=True)


def test_the_api_never_reads_the_sessions_cookie(app, client, user):
    """A token decides who asks: a browser's session cookie sent along (the client is signed in)
    changes nothing, not even a lookup of that session."""
    _add(app, user.id, 3)
    path = f"/api/v1/ledgers/{personal_ledger_id(app, user.id)}/expenses"
    headers = bearer(make_token(app, user.id))
    counts = []
    for asking in (client, app.test_client()):
        asking.get(path, headers=headers)
        with recorded_statements(app) as statements:
            assert asking.get(path, headers=headers).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], f"with the cookie {counts[0]} statements, without {counts[1]}"


def test_a_shared_ledger_page_asks_no_more_than_a_personal_one(app, client, user):
    """A shared ledger's today follows its owner's time zone, but the owner is looked up only when a
    rule may be due: a member's page of a shared ledger with nothing due runs the statements of a
    page of one's own ledger."""
    personal = _statements(app, client, "/")
    create_shared(client)
    member = join(app, client, "kiri@example.com")
    assert (personal, _statements(app, member, "/")) == (10, 10)  # an empty ledger: "has it any expenses"

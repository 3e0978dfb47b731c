"""No page runs more SQL for more rows: the statement count is the same for 3 expenses and 120."""

import re
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import Category, Expense
from tests.conftest import recorded_statements

PAGES = [
    "/",
    "/expenses",
    "/expenses?per_page=100",
    "/expenses?sort=category",
    "/expenses?q=lunch&per_page=100",
    "/expenses?last=1",
    "/categories",
    "/budgets",
    "/reports",
    "/imports",
    "/account/sessions",
]


def _add(app, user_id, how_many):
    with app.app_context():
        categories = db.session.scalars(db.select(Category.id).where(Category.user_id == user_id)).all()
        today = date.today()
        db.session.execute(
            db.insert(Expense),
            [
                {
                    "user_id": user_id,
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


@pytest.mark.parametrize("path", PAGES)
def test_statement_count_does_not_grow_with_rows_shown(app, client, user, path):
    _add(app, user.id, 3)
    few = _statements(app, client, path)
    _add(app, user.id, 117)
    many = _statements(app, client, path)
    assert many == few, f"{path}: {few} statements for 3 expenses, {many} for 120"
    assert few <= 15, f"{path}: {few} statements"


def test_a_search_that_matches_nothing_reads_no_rows(app, client, user):
    """Its count (0) comes first; without it a search would read every expense looking for a first row."""
    _add(app, user.id, 120)
    path = "/expenses?q=nothing+like+this"
    client.get(path)
    with recorded_statements(app) as statements:
        page = client.get(path).get_data(as_text=True)
    assert 'id="no-matches"' in page
    # The count and total (through the search index), and "has the user any expenses at all" (one
    # row by the index): no page of rows is asked for.
    reads = [" ".join(s.split()) for s in statements if "FROM expenses" in s]
    assert len(reads) == 2
    assert reads[0].startswith("SELECT count(expenses.id)")
    assert re.fullmatch(
        r"SELECT expenses\.id FROM expenses WHERE expenses\.user_id = \S+ LIMIT \S+( OFFSET \S+)?", reads[1]
    )

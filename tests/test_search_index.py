"""Searching descriptions goes through a text index (FTS5 trigram on SQLite, pg_trgm on
PostgreSQL) and still finds exactly what `ILIKE '%word%'` finds: the index only narrows."""

from datetime import date

import pytest
from sqlalchemy import select, text, update

from app import search
from app.expense_filters import escape_like
from app.expense_rows import insert_expenses
from app.extensions import db
from app.models import Expense
from tests.conftest import add_expense, category_id, ledger_of, personal_ledger_id, recorded_statements
from tests.pages import element_text, table_rows

DESCRIPTIONS = [
    "Coffee beans",
    "COFFEE to go",
    "Decaf",
    "100% juice",
    "1000 juice",
    "under_score",
    "underXscore",
    'Say "cheese"',
    "back\\slash",
    "Café crème",
    "CAFÉ CRÈME",
    "École fees",
    "école fees",
    "Tea",
]
QUERIES = [
    "coffee",
    "COF",
    "ee",
    "e",
    "0%",
    "100%",
    "r_s",
    "_",
    '"chee',
    "k\\s",
    "café",
    "CAFÉ",
    "éco",
    "ÉCOLE",
    "tea",
    "xyz",
]


@pytest.fixture
def described(app, user):
    for n, description in enumerate(DESCRIPTIONS):
        add_expense(app, user.id, "Other", 100 + n, description=description)
    return user


def _dialect(app) -> str:
    with app.app_context():
        return db.engine.dialect.name


def _listed(client, q: str) -> tuple[str, list[str]]:
    page = client.get("/expenses", query_string={"q": q, "per_page": 100}).get_data(as_text=True)
    count = element_text(page, "list-count") if 'id="list-count"' in page else None
    return count, sorted(
        row[1].split("  ")[0].removesuffix(" Other").strip() for row in table_rows(page, "expense-table")
    ) if 'id="expense-table"' in page else []


def _by_ilike_alone(app, user_id: int, q: str) -> list[str]:
    """What the list showed before there was an index: the ILIKE condition and nothing else."""
    with app.app_context():
        return sorted(
            db.session.scalars(
                select(Expense.description).where(
                    Expense.ledger_id == ledger_of(user_id),
                    Expense.description.ilike(f"%{escape_like(q)}%", escape="\\"),
                )
            )
        )


@pytest.mark.parametrize("q", QUERIES)
def test_the_list_finds_what_ilike_finds(app, client, described, q):
    count, shown = _listed(client, q)
    expected = _by_ilike_alone(app, described.id, q)
    assert shown == expected
    assert count == f"{len(expected)} expense{'' if len(expected) == 1 else 's'}"


def test_what_the_queries_find_written_out(app, client, described):
    assert _listed(client, "coffee") == ("2 expenses", ["COFFEE to go", "Coffee beans"])
    assert _listed(client, "100%")[1] == ["100% juice"]
    assert _listed(client, "r_s")[1] == ["under_score"]
    assert _listed(client, '"chee')[1] == ['Say "cheese"']
    assert _listed(client, "k\\s")[1] == ["back\\slash"]
    assert _listed(client, "xyz") == ("0 expenses", [])
    if _dialect(app) == "sqlite":
        # SQLite's LIKE folds A-Z only; the index (which folds every script) must not widen that.
        assert _listed(client, "café")[1] == ["Café crème"]
        assert _listed(client, "éco")[1] == ["école fees"]


def test_the_index_follows_every_change(app, client, user):
    first = add_expense(app, user.id, "Other", 100, description="Old name")
    with app.app_context():
        insert_expenses(
            [
                {"ledger_id": personal_ledger_id(app, user.id), "category_id": category_id(app, user.id, "Other"),
                 "spent_on": day, "description": f"Bulk row {day.day}", "amount_cents": 200}
                for day in [date.today()]
            ]
        )  # fmt: skip
        db.session.commit()
    assert _listed(client, "bulk row")[0] == "1 expense"
    with app.app_context():
        db.session.execute(update(Expense).where(Expense.id == first).values(description="New name"))
        db.session.commit()
    assert _listed(client, "old name") == ("0 expenses", [])
    assert _listed(client, "new name") == ("1 expense", ["New name"])
    with app.app_context():
        db.session.execute(db.delete(Expense).where(Expense.id == first))
        db.session.commit()
    assert _listed(client, "new name") == ("0 expenses", [])


def test_the_csv_export_of_a_search_is_the_same_rows(app, client, described):
    body = client.get("/expenses/export.csv", query_string={"q": "juice"}).get_data(as_text=True)
    assert [line.split(",")[1] for line in body.splitlines()[1:]] == ["1000 juice", "100% juice"]


def test_sqlite_reads_a_page_from_the_index_only_when_few_rows_match(app, client, described, monkeypatch):
    if _dialect(app) != "sqlite":
        pytest.skip("the SQLite index is asked for explicitly; PostgreSQL's planner picks its own")
    monkeypatch.setattr(search, "FEW_MATCHES", 2)
    with recorded_statements(app) as seen:
        client.get("/expenses?q=coffee")  # 2 matches
    page_queries = [s for s in seen if "ORDER BY" in s and "FROM expenses" in s]
    assert page_queries and all("expenses_search MATCH" in s for s in page_queries)
    with recorded_statements(app) as seen:
        client.get("/expenses?q=zzz")  # 0 matches: no page query at all
        client.get("/expenses?q=e")  # too short for trigrams
        client.get("/expenses?q=fee")  # 3 matches: more than FEW_MATCHES
    page_queries = [s for s in seen if "ORDER BY" in s and "FROM expenses" in s]
    assert len(page_queries) == 2 and not any("MATCH" in s for s in page_queries)


def test_the_plan_uses_the_index_for_a_search(app, user):
    with app.app_context():
        dialect = db.engine.dialect.name
        with db.engine.connect() as connection:
            if dialect == "sqlite":
                plan = connection.exec_driver_sql(
                    "EXPLAIN QUERY PLAN SELECT count(*) FROM expenses WHERE ledger_id = 1 "
                    "AND lower(description) LIKE lower('%coffee%') "
                    """AND id IN (SELECT rowid FROM expenses_search WHERE expenses_search MATCH '"coffee"')"""
                ).all()
                details = [row[-1] for row in plan]
                assert any("VIRTUAL TABLE" in detail and "expenses_search" in detail for detail in details)
                assert not any(detail.startswith("SCAN expenses") and "search" not in detail for detail in details)
            else:
                # A test's few rows are read quicker without any index; what counts is that this
                # one can answer ILIKE '%...%' (with an ESCAPE) at all, which a B-tree cannot.
                connection.exec_driver_sql("SET enable_seqscan = off")
                plan = (
                    connection.execute(
                        text(r"EXPLAIN SELECT id FROM expenses WHERE description ILIKE '%co\_f%' ESCAPE '\'")
                    )
                    .scalars()
                    .all()
                )
                assert any("Bitmap Index Scan on ix_expenses_description_trgm" in line for line in plan), plan

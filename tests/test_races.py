"""Two identical submits at once (a double click, two tabs) are answered with the form's own error,
or as if the second came a moment later; never with a 500.

Each request runs in a thread of its own with its own client. The interleaving that used to fail
is forced, not hoped for: each request is held at its first INSERT into the contested table until
the other has reached its own, so both have already checked that the row is free. Runs on SQLite
(the second insert waits for the write lock) and on PostgreSQL (it waits for the first
transaction), when TEST_DATABASE_URL is set.
"""

import io
import re
import threading
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.exc import IntegrityError

from app.expenses import routes as expenses_routes
from app.extensions import db
from app.models import Category, CategoryBudget, Expense, ImportBatch, ImportMapping, Ledger, OverallBudget, User
from app.transactions import Conflict, run_and_commit
from tests.conftest import PASSWORD, AuthActions, category_id, csrf_token, ledger_of

RACERS = 2
WAIT_SECONDS = 10


@contextmanager
def held_at_first_insert(app, table: str):
    """Hold each request's first INSERT INTO `table` until every racer has reached one. Yields a
    list that holds True once they all met there (so the test knows the race really happened)."""
    with held_at_first_statement(app, f"INSERT INTO {table} ") as met:
        yield met


@contextmanager
def held_at_first_statement(app, prefix: str):
    """The same for each request's first statement that starts with `prefix`."""
    barrier = threading.Barrier(RACERS, timeout=WAIT_SECONDS)
    waited = threading.local()
    met = []

    def hold(_conn, _cursor, statement, *_args):
        if not statement.startswith(prefix) or getattr(waited, "done", False):
            return
        waited.done = True
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            return
        met.append(True)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", hold)
    try:
        yield met
    finally:
        event.remove(engine, "before_cursor_execute", hold)


def at_once(*requests) -> list[tuple[int, str]]:
    """Run each request (a function returning a response) in its own thread; (status, body) of each."""
    results: list = [None] * len(requests)

    def run(index, request):
        try:
            response = request()
            results[index] = (response.status_code, response.get_data(as_text=True))
        except Exception as error:  # the test client raises what a server would answer with a 500
            results[index] = (500, repr(error))

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(result is not None for result in results), "a request did not finish"
    return results


def signed_in_client(app, email="alice@example.com"):
    """Another browser (a second tab's worth of cookies) signed in to an existing account."""
    client = app.test_client()
    assert AuthActions(client).login(email).status_code == 302
    return client


def poster(client, url: str, data: dict):
    token = csrf_token(client)
    return lambda: client.post(url, data={**data, "csrf_token": token})


def db_dialect(app) -> str:
    with app.app_context():
        return db.engine.dialect.name


def count(app, query) -> int:
    with app.app_context():
        return len(db.session.scalars(query).all())


def test_registering_the_same_email_twice_at_once(app):
    form = {"email": "dana@example.com", "password": PASSWORD, "confirm": PASSWORD}
    first, second = app.test_client(), app.test_client()
    requests = [poster(first, "/register", form), poster(second, "/register", form)]
    with held_at_first_insert(app, "users") as met:
        results = at_once(*requests)
    assert met == [True, True]
    assert sorted(status for status, _ in results) == [302, 422]
    (refused,) = [body for status, body in results if status == 422]
    assert "An account with this email already exists. Log in instead." in refused
    assert count(app, select(User).where(User.email == "dana@example.com")) == 1
    # The account that won has its starter categories, once.
    assert (
        count(
            app,
            select(Category)
            .join(Ledger, Ledger.id == Category.ledger_id)
            .join(User, User.id == Ledger.personal_user_id)
            .where(User.email == "dana@example.com"),
        )
        == 8
    )
    assert count(app, select(Ledger).join(User, User.id == Ledger.personal_user_id)) == 1


def test_creating_the_same_category_twice_at_once(app, client, user):
    form = {"name": "Coffee", "color": "#795548"}
    other_tab = signed_in_client(app)
    requests = [poster(client, "/categories", form), poster(other_tab, "/categories", form)]
    with held_at_first_insert(app, "categories") as met:
        results = at_once(*requests)
    assert met == [True, True]
    assert sorted(status for status, _ in results) == [302, 422]
    (refused,) = [body for status, body in results if status == 422]
    assert "You already have a category with this name." in refused
    assert (
        count(app, select(Category).where(Category.ledger_id == ledger_of(user.id), Category.name_key == "coffee")) == 1
    )


def test_saving_the_same_budget_twice_at_once(app, client, user):
    if db_dialect(app) == "sqlite":
        pytest.skip(
            "SQLite: a budgets save writes first (it deletes rows left inside the period), which takes the "
            "database's only write lock before the check that matters, so two saves cannot interleave there"
        )
    health = category_id(app, user.id, "Health")
    page = client.get("/budgets").get_data(as_text=True)
    (period,) = re.findall(r'name="period" type="hidden" value="([^"]+)"', page)  # the form's period
    form = {"period": period, f"limit-{health}": "50", f"rollover-{health}": "y"}
    other_tab = signed_in_client(app)
    requests = [poster(client, "/budgets", form), poster(other_tab, "/budgets", form)]
    with held_at_first_insert(app, "category_budgets") as met:
        results = at_once(*requests)
    assert met == [True, True]
    # The second save runs again after the first: it finds the limit already set.
    assert [status for status, _ in results] == [302, 302]
    with app.app_context():
        rows = db.session.execute(
            select(CategoryBudget.category_id, CategoryBudget.limit_cents, CategoryBudget.rollover).where(
                CategoryBudget.ledger_id == ledger_of(user.id)
            )
        ).all()
    assert rows == [(health, 5000, True)]
    flashes = sorted(_flash(c) for c in (client, other_tab))
    assert flashes == ["Budgets saved (1 changed).", "No budget changed."]


def test_saving_the_same_settings_twice_at_once(app, client, user):
    form = {"name": "Personal", "currency": "INR", "monthly_budget": "1234.00", "period_start_day": "1"}
    other_tab = signed_in_client(app)
    requests = [poster(client, "/ledger/settings", form), poster(other_tab, "/ledger/settings", form)]
    with held_at_first_insert(app, "overall_budgets") as met:
        results = at_once(*requests)
    assert met == [True, True]
    assert [status for status, _ in results] == [302, 302]
    with app.app_context():
        rows = db.session.execute(
            select(OverallBudget.effective_from, OverallBudget.amount_cents)
            .where(OverallBudget.ledger_id == ledger_of(user.id))
            .order_by(OverallBudget.effective_from)
        ).all()
        budget = db.session.scalar(select(Ledger.monthly_budget_cents).where(Ledger.personal_user_id == user.id))
    this_month = date.today().replace(day=1)
    assert rows == [(date(1970, 1, 1), 8_000_000), (this_month, 123400)]  # the budget before, kept once
    assert budget == 123400


def _flash(client) -> str:
    """The first flash message of the page a redirect leads to."""
    with client.session_transaction() as session:
        messages = session.get("_flashes", [])
    return messages[0][1] if messages else ""


# run_and_commit itself


def _coffee(user_id: int) -> Category:
    return Category(ledger_id=ledger_of(user_id), name="Coffee", name_key="coffee", color="#795548")


def test_a_unit_that_clashes_again_is_run_twice_then_refused_with_nothing_saved(app, user):
    with app.app_context():
        db.session.add(_coffee(user.id))
        db.session.commit()
    runs = []

    def insert_coffee_again():
        runs.append(1)
        db.session.add(_coffee(user.id))
        db.session.execute(update(User).where(User.id == user.id).values(locale="de_DE"))

    with app.app_context(), pytest.raises(Conflict):
        run_and_commit(insert_coffee_again)
    assert len(runs) == 2
    assert (
        count(app, select(Category).where(Category.ledger_id == ledger_of(user.id), Category.name_key == "coffee")) == 1
    )
    assert count(app, select(User).where(User.locale == "de_DE")) == 0  # rolled back with it


def test_a_refused_check_constraint_is_not_run_again(app, user):
    runs = []

    def insert_a_zero_expense():
        runs.append(1)
        health = db.session.scalar(
            select(Category.id).where(Category.ledger_id == ledger_of(user.id), Category.name == "Health")
        )
        db.session.add(
            Expense(
                ledger_id=ledger_of(user.id),
                created_by_id=user.id,
                category_id=health,
                spent_on=date(2026, 1, 5),
                description="Zero",
                amount_cents=0,
            )
        )

    with app.app_context(), pytest.raises(IntegrityError):
        run_and_commit(insert_a_zero_expense)
    assert len(runs) == 1
    assert count(app, select(Expense)) == 0


def test_a_form_whose_save_clashes_twice_gets_the_409_page(app, client, user, monkeypatch):
    def always_a_duplicate(ledger, name, color):
        db.session.add(Category(ledger_id=ledger.id, name=name, name_key="health", color=color))
        return None

    monkeypatch.setattr(expenses_routes, "create_category", always_a_duplicate)
    response = client.post("/categories", data={"name": "Coffee", "color": "#795548", "csrf_token": csrf_token(client)})
    assert response.status_code == 409
    assert "Something else changed the same data at the same moment, so nothing was saved." in response.get_data(
        as_text=True
    )
    assert count(app, select(Category).where(Category.ledger_id == ledger_of(user.id))) == 8


def _prepared_import(client, name: str, rows: str) -> tuple[str, dict]:
    """Upload a file with the Date,Description,Amount layout and go through the wizard to its
    preview; returns the preview's URL and the form that imports it."""
    token = csrf_token(client)
    text = "Date,Description,Amount\n" + rows
    response = client.post("/import", data={"csv_file": (io.BytesIO(text.encode()), name), "csrf_token": token})
    assert response.status_code == 302
    draft_id = int(re.fullmatch(r"/import/(\d+)/columns", response.headers["Location"])[1])
    steps = (
        ("columns", {"date_column": "0", "description_column": "1", "amount_column": "2"}),
        ("formats", {"date_format": "YYYY-MM-DD", "decimal_mark": ".", "spending_sign": "negative"}),
    )
    for step, data in steps:
        assert client.post(f"/import/{draft_id}/{step}", data={**data, "csrf_token": token}).status_code == 302
    url = f"/import/{draft_id}/preview"
    html = client.get(url).get_data(as_text=True)
    expected = dict(re.findall(r'name="(expected_rows|expected_with_duplicates)" type="hidden" value="(\d+)"', html))
    return url, {"default_category": "Food & groceries", "submit": "1", **expected}


def test_importing_two_files_of_the_same_layout_at_once_saves_the_layout_once(app, client, user):
    if db_dialect(app) == "sqlite":
        pytest.skip(
            "SQLite: an import's first write (claiming its draft) takes the database's only write lock, so two "
            "imports cannot interleave there"
        )
    other_tab = signed_in_client(app)
    first = _prepared_import(client, "january.csv", "2026-01-02,Bakery,-3.50\n")
    second = _prepared_import(other_tab, "february.csv", "2026-02-03,Cinema,-12.00\n")
    requests = [poster(client, *first), poster(other_tab, *second)]
    with held_at_first_insert(app, "import_mappings") as met:
        results = at_once(*requests)
    assert met == [True, True]
    assert [status for status, _ in results] == [302, 302]
    with app.app_context():
        expenses = db.session.execute(
            select(Expense.spent_on, Expense.description, Expense.amount_cents).order_by(Expense.spent_on)
        ).all()
        mappings = db.session.scalars(select(ImportMapping.header)).all()
        batches = sorted(db.session.scalars(select(ImportBatch.file_name)))
    assert expenses == [(date(2026, 1, 2), "Bakery", 350), (date(2026, 2, 3), "Cinema", 1200)]
    assert batches == ["february.csv", "january.csv"]
    assert mappings == [["Date", "Description", "Amount"]]

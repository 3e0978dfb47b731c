"""The bench's data: one user with N expenses over five years in 12 categories, and the pages to ask for."""

import random
import time
from datetime import date, timedelta
from urllib.parse import urlencode

from flask_migrate import upgrade
from sqlalchemy import delete, insert, select, text

from app.access import personal_ledger
from app.auth.services import create_user
from app.expense_rows import insert_expenses
from app.extensions import db
from app.models import Category

from .app import create_bench_app
from .settings import EMAIL, PASSWORD, app_config

CATEGORIES = (
    "Food & groceries", "Transport", "Housing", "Utilities", "Health", "Entertainment",
    "Shopping", "Other", "Travel", "Education", "Gifts", "Insurance",
)  # fmt: skip
WORDS = (
    "Coffee", "Groceries", "Lunch", "Taxi", "Train ticket", "Rent", "Electricity", "Pharmacy",
    "Cinema", "Books", "Shoes", "Gift", "Flight", "Hotel", "Course fee", "Premium", "Dinner out",
    "Bakery", "Fuel", "Internet",
)  # fmt: skip

# (name, what the README calls it). list_last's address is read off the first page's "Last" link.
PAGES = (
    ("baseline", "baseline"),
    ("dashboard", "dashboard"),
    ("list_first", "list, first page"),
    ("list_last", "list, last page"),
    ("list_filtered", "list, category + dates"),
    ("search", "search by a word"),
    ("reports", "reports"),
    ("budgets", "budgets"),
)


def add_user(email: str, category_names) -> tuple[int, int, list[int]]:
    """A user whose personal ledger has exactly these categories; returns (user id, ledger id,
    category ids in order)."""
    user = create_user(email, PASSWORD)
    ledger_id = personal_ledger(user).id
    db.session.execute(delete(Category).where(Category.ledger_id == ledger_id))
    db.session.execute(
        insert(Category),
        [
            {"ledger_id": ledger_id, "name": name, "name_key": name.casefold(), "color": "#546e7a"}
            for name in category_names
        ],
    )
    category_ids = db.session.scalars(select(Category.id).where(Category.ledger_id == ledger_id).order_by(Category.id))
    return user.id, ledger_id, list(category_ids)


def add_expenses(ledger_id: int, category_ids: list[int], n: int, first: date, days: int, seed: int) -> None:
    """n expenses in the ledger, dated at random in the `days` days from `first`, in batches."""
    rng = random.Random(seed)
    batch = []
    for i in range(n):
        batch.append(
            {
                "ledger_id": ledger_id,
                "category_id": rng.choice(category_ids),
                "spent_on": first + timedelta(days=rng.randrange(days)),
                "description": f"{rng.choice(WORDS)} {i % 97}",
                "amount_cents": rng.randrange(100, 500_000),
            }
        )
        if len(batch) == 10_000:
            insert_expenses(batch)
            batch.clear()
    insert_expenses(batch)


def analyze() -> None:
    """Planner statistics and a vacuumed table, as a long-lived database has. On PostgreSQL, VACUUM
    also spares the measurements an autovacuum of the fresh rows running under them."""
    vacuum = "VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(vacuum))


def dispose() -> None:
    db.session.remove()
    for engine in db.engines.values():
        engine.dispose()


def seed(url: str, n: int) -> dict:
    """A fresh schema with one user and n expenses over the five years to today."""
    app = create_bench_app(**app_config(url))
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        user_id, ledger_id, category_ids = add_user(EMAIL, CATEGORIES)
        add_expenses(ledger_id, category_ids, n, date.today() - timedelta(days=5 * 365 - 1), 5 * 365, seed=n)
        db.session.commit()
        seconds = time.perf_counter() - started
        analyze()
        dispose()
    return {"category_id": category_ids[0], "user_id": user_id, "seed_seconds": seconds}


def page_paths(ids: dict) -> dict[str, str | None]:
    """{page name: path}; list_last is None until read off the list (drive.last_page_path)."""
    today = date.today()
    # Two years of one category: a full page (25 rows) at every N, so the page compared across N
    # is the same page (one year of 1,000 expenses in 12 categories is only ~17 rows).
    filtered = urlencode(
        {"category": ids["category_id"], "from": (today - timedelta(days=730)).isoformat(), "to": today.isoformat()}
    )
    return {
        "baseline": "/bench/baseline",
        "dashboard": "/",
        "list_first": "/expenses",
        "list_last": None,
        "list_filtered": f"/expenses?{filtered}",
        "search": "/expenses?q=coffee",
        "reports": "/reports",
        "budgets": "/budgets",
    }

"""Do the rollup tables earn their keep? Pages rendered with them, and with plain aggregates instead.

`.venv/bin/python -m bench.rollups_vs_plain` seeds one user with 100,000 expenses (as `make bench`
does) on SQLite, and on PostgreSQL too when BENCH_DATABASE_URL is set, signs in through Flask's test
client and times the dashboard, the list's first page, the list filtered by category and dates,
the reports, the budgets and the categories page: each with the rollups as the app uses them, and
with the three functions of app/rollups.py that read them swapped, in this process only, for plain
SUM / COUNT queries over `expenses` (on its covering indexes) that give the same figures. Rounds
alternate between the two (and which goes first), page by page, so that the machine's drift falls
alike on both. It first checks that both give the same figures and the same pages, and that only
the first reads the rollup tables.

Prints the median milliseconds per page both ways and the ratio plain / rollups (above 1: the
rollups are faster). Issue 15's rule: the rollups stay only if some page is at least 1.3 times
faster with them on either database. BENCH_ROLLUP_N sets the number of expenses (default
100,000), BENCH_ROLLUP_ROUNDS the requests per page and way (default 60).
"""

import difflib
import os
import re
import statistics
from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import event, literal_column, select, text

from app import rollups
from app.access import personal_ledger
from app.extensions import db
from app.models import Expense, Ledger, User

from .databases import databases
from .inprocess import browser
from .seed import page_paths, seed
from .settings import EMAIL

N = int(os.environ.get("BENCH_ROLLUP_N", "100000"))
ROUNDS = int(os.environ.get("BENCH_ROLLUP_ROUNDS", "60"))
PAGES = ("dashboard", "list_first", "list_filtered", "reports", "budgets", "categories")
THRESHOLD = 1.3
# A page's CSRF token is signed with the time: left out when comparing the pages of both ways.
TOKEN = re.compile(rb'(name="csrf[-_]token"[^>]*? (?:content|value)=")[^"]*(")')


# The index that covers date-bounded sums per category (models.Expense). SQLite's planner, even
# with ANALYZE statistics, prefers (ledger, category, day) for GROUP BY category and then reads every
# row from the table, 4 to 5 times slower at 100,000: the plain queries name the covering index,
# so that they are the best plain aggregates, not the planner's first guess.
COVERING = "ix_expenses_ledger_id_spent_on_category_id_amount_cents"


def _expenses() -> str:
    return f"expenses INDEXED BY {COVERING}" if db.engine.dialect.name == "sqlite" else "expenses"


def _where(ledger: Ledger, span: rollups.Span, category_ids) -> tuple[str, dict]:
    conditions, params = ["ledger_id = :ledger"], {"ledger": ledger.id}
    if span.start is not None:
        conditions.append("spent_on >= :start")
        params["start"] = span.start
    if span.end is not None:
        conditions.append("spent_on < :end")
        params["end"] = span.end
    if category_ids:
        names = [f"c{n}" for n in range(len(category_ids))]
        conditions.append(f"category_id IN ({', '.join(':' + name for name in names)})")
        params.update(zip(names, category_ids, strict=True))
    return " AND ".join(conditions), params


def plain_totals_by_category(ledger: Ledger, span: rollups.Span, category_ids=()) -> dict[int, tuple[int, int]]:
    where, params = _where(ledger, span, category_ids)
    rows = db.session.execute(
        text(f"SELECT category_id, count(*), sum(amount_cents) FROM {_expenses()} WHERE {where} GROUP BY category_id"),  # noqa: S608 (built of constants; values are bound)
        params,
    )
    return {category_id: (int(count), int(cents)) for category_id, count, cents in rows}


def plain_totals(ledger: Ledger, span: rollups.Span, category_ids=()) -> tuple[int, int]:
    """Not grouped: with no dates, the (ledger, amount) index covers it, and the planner finds it."""
    where, params = _where(ledger, span, category_ids)
    count, cents = db.session.execute(
        text(f"SELECT count(*), coalesce(sum(amount_cents), 0) FROM expenses WHERE {where}"),  # noqa: S608 (as above)
        params,
    ).one()
    return int(count), int(cents)


def plain_totals_by_period(ledger: Ledger, start: date, end: date) -> dict[tuple[int, str], int]:
    dialect = db.engine.dialect.name
    key = rollups.period_key(literal_column("spent_on"), ledger.period_start_day, dialect)
    key_sql = str(key.compile(db.engine, compile_kwargs={"literal_binds": True}))
    sql = f"SELECT category_id, {key_sql} AS period, sum(amount_cents) FROM {_expenses()} "  # noqa: S608 (as above)
    sql += "WHERE ledger_id = :ledger AND spent_on >= :start AND spent_on < :end GROUP BY category_id, period"
    rows = db.session.execute(text(sql), {"ledger": ledger.id, "start": start, "end": end})
    return {(category_id, period): int(cents) for category_id, period, cents in rows}


PLAIN = {
    "totals_by_category": plain_totals_by_category,
    "totals": plain_totals,
    "totals_by_period": plain_totals_by_period,
}
REAL = {name: getattr(rollups, name) for name in PLAIN}


@contextmanager
def way(name: str):
    """The app with its rollups ("rollups") or with plain aggregates ("plain"): every caller reads
    the functions through the module (`rollups.totals(...)`), so swapping the module's names will do."""
    for attribute, function in (PLAIN if name == "plain" else REAL).items():
        setattr(rollups, attribute, function)
    try:
        yield
    finally:
        for attribute, function in REAL.items():
            setattr(rollups, attribute, function)


def check_same_figures(app) -> None:
    """Both ways give the same figures for spans of every shape, and the same periods."""
    today = date.today()
    with app.app_context():
        ledger = personal_ledger(db.session.scalar(select(User).where(User.email == EMAIL)))
        spans = [
            rollups.Span(None, None),
            rollups.Span(today.replace(day=1), today + timedelta(days=1)),
            rollups.Span(today - timedelta(days=400), today - timedelta(days=17)),
            rollups.Span(date(today.year - 2, 3, 5), None),
        ]
        some = db.session.scalars(select(Expense.category_id).where(Expense.ledger_id == ledger.id).limit(1)).all()
        for span in spans:
            assert REAL["totals_by_category"](ledger, span) == plain_totals_by_category(ledger, span), span
            for chosen in ((), some):
                assert REAL["totals"](ledger, span, chosen) == plain_totals(ledger, span, chosen), (span, chosen)
        start, end = date(today.year - 3, 1, 1), date(today.year + 1, 1, 1)
        assert REAL["totals_by_period"](ledger, start, end) == plain_totals_by_period(ledger, start, end)
        db.session.remove()


@contextmanager
def statements(app):
    """The SQL statements run meanwhile, as a list filled in as they go."""
    seen = []

    def record(_connection, _cursor, statement, *_args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def measure(url: str) -> dict[str, tuple[float, float]]:
    """{page: (median ms with rollups, median ms plain)}."""
    ids = seed(url, N)
    paths = {**page_paths(ids), "categories": "/categories"}
    with browser(url) as opened:
        check_same_figures(opened.app)
        for name in PAGES:
            pages, reads = [], []
            for which in ("rollups", "plain"):
                with way(which), statements(opened.app) as seen:
                    pages.append(TOKEN.sub(rb"\1\2", opened.get(paths[name]).get_data()))
                reads.append(any("spending_" in statement for statement in seen))
            if pages[0] != pages[1]:
                lines = [page.decode().splitlines() for page in pages]
                difference = "\n".join(difflib.unified_diff(*lines, "rollups", "plain", lineterm="", n=1))
                raise SystemExit(f"bench: {name} differs between the two ways:\n{difference}")
            assert reads == [True, False], f"{name}: reads of the rollup tables, both ways: {reads}"
        times = {(name, which): [] for name in PAGES for which in ("rollups", "plain")}
        for name in PAGES:  # warm
            for which in ("rollups", "plain"):
                with way(which):
                    opened.timed(paths[name])
        for round_number in range(ROUNDS):
            # Which way goes first alternates too: the second of two requests in a row is quicker.
            order = ("rollups", "plain") if round_number % 2 == 0 else ("plain", "rollups")
            for name in PAGES:
                for which in order:
                    with way(which):
                        times[name, which].append(opened.timed(paths[name]))
    return {
        name: (statistics.median(times[name, "rollups"]), statistics.median(times[name, "plain"])) for name in PAGES
    }


def main() -> None:
    print(f"{N:,} expenses; median of {ROUNDS} requests per page and way, in process (ms)")
    earned = False
    for database, make_database in databases():
        url, drop = make_database("rollups")
        try:
            figures = measure(url)
        finally:
            drop()
        print(f"\n[{database}]\n{'page':<15} {'rollups':>9} {'plain':>9} {'plain/rollups':>14}")
        for name, (with_rollups, plain) in figures.items():
            ratio = plain / with_rollups
            earned |= ratio >= THRESHOLD
            print(f"{name:<15} {with_rollups:>9.2f} {plain:>9.2f} {ratio:>14.2f}")
    verdict = "earn their keep" if earned else "do not earn their keep"
    print(f"\nThe rollups {verdict}: some page >= {THRESHOLD}x faster with them: {'yes' if earned else 'no'}")


if __name__ == "__main__":
    main()

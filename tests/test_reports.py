"""The reports page: monthly spending by category, a period against a year earlier, averages per month,
the largest expenses, and bars that open the expense list filtered to them. Figures are exact."""

import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import url_for
from flask_login import login_user
from sqlalchemy import event, text, update

from app import expense_rows
from app.expense_filters import ExpenseFilter
from app.extensions import db
from app.models import Ledger, User
from app.periods import period_containing
from app.reports import services
from app.reports.routes import list_url
from tests.conftest import AuthActions, add_expense, category_id, personal_ledger_id, recorded_statements
from tests.pages import element_text, json_block, shown_date, table_rows

CURRENT = period_containing(date.today(), 1)
# A whole period in the past, so that nothing in the test depends on how far into today's it is.
P = CURRENT.shift(-2)
WINDOW = [P.shift(offset) for offset in range(-11, 1)]


def _short(period) -> str:
    return f"{period.start:%b %Y}"


@pytest.fixture
def spending(app, user):
    """Alice's expenses around the period P; Bob's, which must never count."""
    for category, cents, day, description in [
        ("Food & groceries", 1000, P.start, "Groceries P"),
        ("Food & groceries", 2500, P.start + timedelta(days=1), "Market P"),
        ("Transport", 400, P.last_day, "Bus P"),
        ("Housing", 150000, P.start, "Rent P"),
        ("Food & groceries", 3000, P.shift(-1).start, "Groceries P-1"),
        ("Housing", 150000, P.shift(-1).last_day, "Rent P-1"),
        ("Health", 5000, P.shift(-11).start, "Doctor P-11"),
        ("Food & groceries", 800, P.shift(-12).last_day, "Groceries a year before"),
        ("Transport", 1200, P.shift(-12).start, "Train a year before"),
        ("Food & groceries", 99999, P.end, "After P"),
    ]:
        add_expense(app, user.id, category, cents, day, description)
    assert AuthActions(app.test_client()).register(email="bob@example.com").status_code == 302
    with app.app_context():
        bob = db.session.scalar(db.select(User.id).where(User.email == "bob@example.com"))
    add_expense(app, bob, "Food & groceries", 77777, P.start, "Bob's groceries")
    return {name: category_id(app, user.id, name) for name in ("Food & groceries", "Health", "Housing", "Transport")}


def _report(client, period=P) -> str:
    response = client.get(f"/reports?period={period.key}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _list_summary(client, url: str) -> tuple[str, str]:
    page = client.get(url).get_data(as_text=True)
    return element_text(page, "list-count"), element_text(page, "list-total")


def test_monthly_spending_stacked_by_category(client, spending):
    page = _report(client)
    assert element_text(page, "period-label") == P.label
    chart = json_block(page, "monthly-chart-data")
    assert chart["labels"] == [_short(period) for period in WINDOW]
    zeros = ["0.00"] * 12
    assert [(d["label"], d["color"], d["amounts"]) for d in chart["datasets"]] == [
        ("Food & groceries", "#2e7d32", zeros[:10] + ["30.00", "35.00"]),
        ("Health", "#c62828", ["50.00"] + zeros[:11]),
        ("Housing", "#6a1b9a", zeros[:10] + ["1500.00", "1500.00"]),
        ("Transport", "#1565c0", zeros[:11] + ["4.00"]),
    ]
    assert chart["datasets"][0]["formatted"][-1] == "₹35.00"

    assert table_rows(page, "monthly-table", "thead") == [
        ("Month", "Food & groceries", "Health", "Housing", "Transport", "Total")
    ]
    rows = table_rows(page, "monthly-table")
    assert len(rows) == 12
    assert rows[0] == (WINDOW[0].label, "₹0.00", "₹50.00", "₹0.00", "₹0.00", "₹50.00")
    assert rows[1] == (WINDOW[1].label, "₹0.00", "₹0.00", "₹0.00", "₹0.00", "₹0.00")
    assert rows[10] == (P.shift(-1).label, "₹30.00", "₹0.00", "₹1,500.00", "₹0.00", "₹1,530.00")
    assert rows[11] == (P.label, "₹35.00", "₹0.00", "₹1,500.00", "₹4.00", "₹1,539.00")
    assert f"{WINDOW[0].label} to {P.label}, by category: ₹3,119.00 in all." in page


def test_every_bar_opens_the_list_of_exactly_its_expenses(client, spending):
    page = _report(client)
    for name in ("monthly", "comparison", "averages"):
        chart = json_block(page, f"{name}-chart-data")
        checked = 0
        for dataset in chart["datasets"]:
            for amount, formatted, link in zip(dataset["amounts"], dataset["formatted"], dataset["links"], strict=True):
                if name == "averages":
                    continue  # an average is not the sum of a list; checked below
                if amount == "0.00":
                    continue
                count, total = _list_summary(client, link)
                assert total == formatted, (name, dataset["label"], link)
                checked += 1
        assert checked or name == "averages"

    monthly = json_block(page, "monthly-chart-data")
    food = monthly["datasets"][0]
    assert _query(food["links"][-1]) == {
        "category": [str(spending["Food & groceries"])],
        "from": [P.start.isoformat()],
        "to": [P.last_day.isoformat()],
    }
    listed = client.get(food["links"][-1]).get_data(as_text=True)
    assert [row[1].removesuffix(" Food & groceries") for row in table_rows(listed, "expense-table")] == [
        "Market P",
        "Groceries P",
    ]

    # An average's bar opens the category over the months averaged.
    averages = json_block(page, "averages-chart-data")
    housing = averages["labels"].index("Housing")
    assert _query(averages["datasets"][0]["links"][housing]) == {
        "category": [str(spending["Housing"])],
        "from": [WINDOW[0].start.isoformat()],
        "to": [P.last_day.isoformat()],
    }
    assert _list_summary(client, averages["datasets"][0]["links"][housing]) == ("2 expenses", "₹3,000.00")


def test_same_period_a_year_earlier(client, spending):
    page = _report(client)
    year_ago = P.shift(-12)
    chart = json_block(page, "comparison-chart-data")
    assert chart["labels"] == ["Food & groceries", "Housing", "Transport"]
    assert [(d["label"], d["amounts"]) for d in chart["datasets"]] == [
        (year_ago.label, ["8.00", "0.00", "12.00"]),
        (P.label, ["35.00", "1500.00", "4.00"]),
    ]
    assert _query(chart["datasets"][0]["links"][2]) == {
        "category": [str(spending["Transport"])],
        "from": [year_ago.start.isoformat()],
        "to": [year_ago.last_day.isoformat()],
    }
    assert table_rows(page, "comparison-table", "thead") == [("Category", _short(year_ago), _short(P), "Change")]
    assert table_rows(page, "comparison-table") == [
        ("Food & groceries", "₹8.00", "₹35.00", "+₹27.00 (+337.5%)"),
        ("Housing", "₹0.00", "₹1,500.00", "+₹1,500.00"),
        ("Transport", "₹12.00", "₹4.00", "-₹8.00 (-66.7%)"),
    ]
    assert table_rows(page, "comparison-table", "tfoot") == [("Total", "₹20.00", "₹1,539.00", "+₹1,519.00")]


def test_average_per_month_per_category(client, spending):
    page = _report(client)
    # Alice's first expense is before the window, so all twelve months count.
    assert table_rows(page, "averages-table") == [
        ("Housing", "₹3,000.00", "₹250.00"),
        ("Food & groceries", "₹65.00", "₹5.42"),  # 6500 / 12 = 541.67 paise
        ("Health", "₹50.00", "₹4.17"),  # 5000 / 12 = 416.67
        ("Transport", "₹4.00", "₹0.33"),  # 400 / 12 = 33.33
    ]
    assert table_rows(page, "averages-table", "tfoot") == [("All", "₹3,119.00", "₹259.92")]
    chart = json_block(page, "averages-chart-data")
    assert chart["labels"] == ["Housing", "Food & groceries", "Health", "Transport"]
    assert chart["datasets"][0]["amounts"] == ["250.00", "5.42", "4.17", "0.33"]
    assert chart["datasets"][0]["color"] == ["#6a1b9a", "#2e7d32", "#c62828", "#1565c0"]
    assert f"Over the 12 months from {WINDOW[0].label} to {P.label}" in page


def test_averages_count_months_from_the_first_expense(app, client, user):
    add_expense(app, user.id, "Other", 1000, P.shift(-2).start, "First ever")
    add_expense(app, user.id, "Other", 2001, P.start, "Latest")
    page = _report(client)
    assert table_rows(page, "averages-table") == [("Other", "₹30.01", "₹10.00")]  # 3001 / 3 = 1000.33
    assert f"Over the 3 months from {P.shift(-2).label} to {P.label}" in page


def test_averages_round_half_to_even(app, client, user):
    add_expense(app, user.id, "Shopping", 1, P.shift(-1).start, "First ever")
    add_expense(app, user.id, "Shopping", 4, P.start)
    add_expense(app, user.id, "Other", 15, P.start)
    page = _report(client)
    assert f"Over the 2 months from {P.shift(-1).label} to {P.label}" in page
    assert table_rows(page, "averages-table") == [
        ("Other", "₹0.15", "₹0.08"),  # 7.5 paise: up to the even 8
        ("Shopping", "₹0.05", "₹0.02"),  # 2.5 paise: down to the even 2
    ]
    assert table_rows(page, "averages-table", "tfoot") == [("All", "₹0.20", "₹0.10")]


@pytest.mark.parametrize(
    ("year_ago", "now", "change"),
    [
        # Now as a share of a year earlier: 79.99%, 80%, 100%, 100.005%. The change is that share
        # less 100%, rounded as every share is (app.money): away from 100%, so away from zero here.
        (10000, 7999, "-₹20.01 (-20.1%)"),
        (10000, 8000, "-₹20.00 (-20.0%)"),
        (10000, 10000, "₹0.00 (0.0%)"),
        (20000, 20001, "+₹0.01 (+0.1%)"),  # not "(0.0%)" beside a rise
    ],
)
def test_a_change_against_a_year_earlier_never_contradicts_its_sign(app, client, user, year_ago, now, change):
    add_expense(app, user.id, "Shopping", year_ago, P.shift(-12).start)
    add_expense(app, user.id, "Shopping", now, P.start)
    rows = table_rows(_report(client), "comparison-table")
    assert [(row[0], row[3]) for row in rows] == [("Shopping", change)]


def test_largest_expenses_of_the_period(client, spending):
    page = _report(client)
    rows = [(d, text.removesuffix(" " + c), c, a) for d, text, c, a in table_rows(page, "largest-table")]
    assert rows == [
        (shown_date(P.start), "Rent P", "Housing", "₹1,500.00"),
        (shown_date(P.start + timedelta(days=1)), "Market P", "Food & groceries", "₹25.00"),
        (shown_date(P.start), "Groceries P", "Food & groceries", "₹10.00"),
        (shown_date(P.last_day), "Bus P", "Transport", "₹4.00"),
    ]
    link = re.search(r'<a href="([^"]+)" id="largest-all">', page).group(1).replace("&amp;", "&")
    assert _query(link) == {"from": [P.start.isoformat()], "to": [P.last_day.isoformat()], "sort": ["amount"]}
    assert _list_summary(client, link) == ("4 expenses", "₹1,539.00")


def test_largest_expenses_are_the_ten_largest_ties_newest_first(app, client, user):
    """Ranked in the index by amount, then id: the same order as the list sorted by amount."""
    ids = {}
    for n, cents in enumerate([500, 900, 100, 700, 700, 1200, 300, 700, 1100, 200, 1000, 800]):
        ids[n] = add_expense(app, user.id, "Other", cents, P.start + timedelta(days=n % 5), f"Thing {n}")
    add_expense(app, user.id, "Other", 99999, P.end, "Next period")
    add_expense(app, user.id, "Other", 99999, P.start - timedelta(days=1), "Last period")
    page = _report(client)
    shown = [description.removesuffix(" Other") for _, description, _, _ in table_rows(page, "largest-table")]
    # 700 three times (ids 3, 4, 7): the newest first; 100 and 200 are the two left out.
    assert shown == [f"Thing {n}" for n in (5, 8, 10, 1, 11, 7, 4, 3, 0, 6)]
    assert ids[7] > ids[4] > ids[3]


def test_the_period_can_be_chosen_but_not_in_the_future(client, spending):
    assert element_text(_report(client, P.shift(-1)), "period-label") == P.shift(-1).label
    for key in ("2099-12", ""):
        page = client.get(f"/reports?period={key}").get_data(as_text=True)
        assert element_text(page, "period-label") == CURRENT.label
    for key in ("2999-01", "2100-01", "1969-12", "nonsense"):
        assert client.get(f"/reports?period={key}").status_code == 404
    page = _report(client)
    assert f'href="/reports?period={P.shift(-1).key}"' in page
    assert f'href="/reports?period={P.shift(1).key}"' in page
    assert f"/reports?period={CURRENT.shift(1).key}" not in client.get("/reports").get_data(as_text=True)


def test_months_follow_the_payday_start_day(app, client, user):
    with app.app_context():
        db.session.execute(update(Ledger).where(Ledger.personal_user_id == user.id).values(period_start_day=15))
        db.session.commit()
    period = period_containing(date.today(), 15).shift(-1)
    add_expense(app, user.id, "Other", 100, period.start - timedelta(days=1), "Day before payday")
    add_expense(app, user.id, "Other", 200, period.start, "Payday")
    page = client.get(f"/reports?period={period.key}").get_data(as_text=True)
    chart = json_block(page, "monthly-chart-data")
    assert chart["labels"][-1] == f"{period.start:%b} 15, {period.start.year}"
    assert chart["datasets"][0]["amounts"][-2:] == ["1.00", "2.00"]
    # table_rows() collapses the thin spaces around the range's dash into plain ones.
    assert (
        table_rows(page, "monthly-table")[-1][0]
        == f"{period.start:%b} 15 – {period.last_day:%b} 14, {period.last_day.year}"
    )


def test_an_empty_report(client, user):
    page = client.get("/reports").get_data(as_text=True)
    assert "Nothing to report yet" in page
    assert json_block(page, "monthly-chart-data") is None


def test_reports_need_a_login(app):
    response = app.test_client().get("/reports")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_the_report_reads_the_month_rollups_not_the_expenses(app, user, spending):
    with app.app_context():
        ledger = db.session.get(Ledger, personal_ledger_id(app, user.id))
        with recorded_statements(app) as statements:
            cents = services.spending_by_period(ledger, WINDOW)
    assert len(statements) == 1
    assert "FROM spending_months" in statements[0]
    assert "expenses" not in statements[0]
    assert cents == {
        (spending["Health"], 0): 5000,
        (spending["Food & groceries"], 10): 3000,
        (spending["Housing"], 10): 150000,
        (spending["Food & groceries"], 11): 3500,
        (spending["Housing"], 11): 150000,
        (spending["Transport"], 11): 400,
    }


def test_the_page_loads_its_charts_without_inline_script(client, spending):
    response = client.get(f"/reports?period={P.key}")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    page = response.get_data(as_text=True)
    # Only JSON data blocks and external scripts: nothing the CSP would block.
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert 'type="application/json"' in tag or "src=" in tag, tag
    assert 'style="' not in page
    chart_js = r'<script src="/static/vendor/chart\.js/chart\.umd\.min\.js\?v=[0-9a-f]{12}" defer></script>'
    assert re.search(chart_js, page)


@pytest.mark.parametrize(
    ("category", "period"),
    [(None, None), (7, None), (None, P), (12, P), (3, period_containing(date(2024, 2, 20), 15))],
)
def test_report_links_are_the_addresses_the_list_filter_writes(app, user, category, period):
    with app.test_request_context("/reports"):
        login_user(db.session.get(User, user.id))
        expected = url_for(
            "expenses.list_expenses",
            **ExpenseFilter(
                currency="INR",
                category_ids=(category,) if category else (),
                date_from=period.start if period else None,
                date_to=period.last_day if period else None,
            ).params(),
        )
        assert list_url(category, period) == expected


def test_largest_expenses_when_one_day_holds_more_than_ten(app, user):
    """Each day gives its ten largest and the period is ranked from those: a day with twelve gives
    its ten, ties across days are broken by id (newest first), another account's never counts."""
    expected = []
    for n, cents in enumerate([300, 1200, 700, 700, 100, 1100, 900, 200, 1000, 800, 700, 500]):
        expense_id = add_expense(app, user.id, "Other", cents, P.start + timedelta(days=3), f"Busy day {n}")
        expected.append((cents, expense_id))
    expected.append((700, add_expense(app, user.id, "Other", 700, P.last_day, "Last day")))
    expected.append((1200, add_expense(app, user.id, "Other", 1200, P.start, "First day")))
    add_expense(app, user.id, "Other", 99999, P.end, "Next period")
    assert AuthActions(app.test_client()).register(email="bob@example.com").status_code == 302
    with app.app_context():
        bob = db.session.scalar(db.select(User.id).where(User.email == "bob@example.com"))
    add_expense(app, bob, "Food & groceries", 88888, P.start + timedelta(days=3), "Bob's")
    with app.app_context():
        ledger = db.session.get(Ledger, personal_ledger_id(app, user.id))
        largest = [(e.amount_cents, e.id) for e in services.largest_expenses(ledger, P)]
        # A period of another length (the union SQLite runs is built once per length).
        shorter = [e.description for e in services.largest_expenses(ledger, P.shift(1), limit=3)]
    assert largest == sorted(expected, reverse=True)[:10]
    assert [cents for cents, _ in largest] == [1200, 1200, 1100, 1000, 900, 800, 700, 700, 700, 700]
    assert (P.end - P.start).days != (P.shift(1).end - P.shift(1).start).days
    assert shorter == ["Next period"]


def test_largest_expenses_read_at_most_ten_index_entries_a_day(app, user):
    """The query reads each day's expenses off the index on (ledger, day, amount, id) in amount
    order, so that no day's rows are sorted and no other period's are read: its cost does not grow
    with the ledger (issue 24). The ledger has a history, as the planners weigh that."""
    ledger_id = personal_ledger_id(app, user.id)
    other = category_id(app, user.id, "Other")
    # Three years before P, three a day, then 20 in P.
    history = [P.start - timedelta(days=1 + n % 1000) for n in range(3000)]
    history += [P.start + timedelta(days=n) for n in range(20)]
    captured = []

    def record(_conn, _cursor, statement, parameters, *_args):
        captured.append((statement, parameters))

    with app.app_context():
        expense_rows.insert_expenses(
            [
                {"ledger_id": ledger_id, "created_by_id": user.id, "category_id": other, "spent_on": day,
                 "description": f"Thing {n}", "amount_cents": 100 + n % 997}
                for n, day in enumerate(history)
            ]
        )  # fmt: skip
        db.session.commit()
        db.session.execute(text("ANALYZE expenses"))
        db.session.commit()
        ledger = db.session.get(Ledger, ledger_id)
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            largest = [e.amount_cents for e in services.largest_expenses(ledger, P)]
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        statement, parameters = captured[-1]
        connection = db.session.connection()
        index = "ix_expenses_ledger_id_spent_on_amount_cents_id"
        if db.engine.dialect.name == "postgresql":
            plan = [row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters)]
            assert sum(index in line for line in plan) == 1  # one scan: the LATERAL join runs it per day
            at = next(number for number, line in enumerate(plan) if index in line)
            assert re.search(rf"Index (Only )?Scan Backward using {index} on expenses", plan[at])
            assert "->  Limit" in plan[at - 1]  # straight under the day's LIMIT: no Sort between
        else:
            plan = [row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
            days = (P.end - P.start).days
            day_scans = [line for line in plan if index in line]
            assert day_scans == [f"SEARCH expenses USING COVERING INDEX {index} (ledger_id=? AND spent_on=?)"] * days
            # Sorted: only the at most 10 * days candidates, and the ten rows read at the end.
            assert plan.count("USE TEMP B-TREE FOR ORDER BY") == 2
    # The 20 of P (n = 3000 ... 3019) are 100 + n % 997: 109 ... 128.
    assert largest == list(range(128, 118, -1))

"""One account must not be able to make a page cost more than what it shows (issue 16, "Availability").

The attack: restore a backup with thousands of daily budget rows per category, rollover on, then
ask for the budgets page of 2099-12. Rollover used to walk every period from 1970 times every budget
row in Python (about 30 s at 50 categories × 4,000 rows). Here at a reduced scale: the page's work
must not grow with the years between the history and the period shown, nor its statements with the
history; restore and saving refuse past the documented limits, and periods outside 1970-01..2099-12
are a 404.
"""

import json
import sys
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import MAX_CATEGORY_BUDGET_ROWS, MAX_OVERALL_BUDGET_ROWS, CategoryBudget, Ledger, OverallBudget
from tests.conftest import (
    PASSWORD,
    add_expense,
    category_id,
    count_rows,
    personal_ledger_id,
    post_form,
    recorded_statements,
)
from tests.test_backup import download, restore
from tests.test_budgets import save_budgets

FIRST_DAY = date(1970, 1, 1)


def _daily_history(app, user_id: int, names: list[str], days: int, limit_cents: int = 1) -> None:
    """`days` daily budget rows from 1970 for each category, rollover on: the attack's shape."""
    ledger_id = personal_ledger_id(app, user_id)
    with app.app_context():
        db.session.execute(
            db.insert(CategoryBudget),
            [
                {
                    "ledger_id": ledger_id,
                    "category_id": category_id(app, user_id, name),
                    "effective_from": FIRST_DAY + timedelta(days=n),
                    "limit_cents": limit_cents,
                    "rollover": True,
                }
                for name in names
                for n in range(days)
            ],
        )
        db.session.commit()


def _python_calls(client, url: str) -> int:
    """How many Python functions one request calls: a measure of work that does not depend on the
    machine's speed, unlike a timing."""
    calls = 0

    def count(_frame, event, _arg):
        nonlocal calls
        if event == "call":
            calls += 1

    sys.setprofile(count)
    try:
        response = client.get(url)
    finally:
        sys.setprofile(None)
    assert response.status_code == 200
    return calls


def _figures(page: str, category: int) -> str:
    row = page[page.index(f'data-category-id="{category}"') :]
    row = row[row.index('class="text-body-secondary small budget-figures">') :]
    return " ".join(row[: row.index("</span>")].split()[4:])


def test_a_page_about_2099_costs_what_a_page_about_2027_does(app, client, user):
    names = ["Food & groceries", "Transport", "Housing"]
    _daily_history(app, user.id, names, 3)
    add_expense(app, user.id, "Transport", 500, date(2000, 1, 10))
    for url in ("/budgets?period=2027-01", "/budgets?period=2099-12", "/?period=2027-01", "/?period=2099-12"):
        client.get(url)  # templates compiled, statements cached
    near = _python_calls(client, "/budgets?period=2027-01")
    far = _python_calls(client, "/budgets?period=2099-12")
    # The old walk went through 1,559 periods per category, over 30,000 calls more for 2099.
    assert abs(far - near) < 500, (near, far)
    near = _python_calls(client, "/?period=2027-01")
    far = _python_calls(client, "/?period=2099-12")
    assert abs(far - near) < 500, (near, far)

    # And the figures are right: the periods 1970-01..2099-11 each carry their 0.01 into 2099-12
    # (the three daily rows of January 1970 are one change), less the 5.00 spent in 2000.
    page = client.get("/budgets?period=2099-12").get_data(as_text=True)
    assert _figures(page, category_id(app, user.id, "Food & groceries")) == "of ₹15.60 (₹0.01 + ₹15.59 carried)"
    assert _figures(page, category_id(app, user.id, "Transport")) == "of ₹10.60 (₹0.01 + ₹10.59 carried)"


def test_the_budgets_page_runs_as_many_statements_for_a_long_history_as_for_a_short_one(app, client, user):
    names = ["Food & groceries", "Transport", "Housing", "Health"]
    _daily_history(app, user.id, names[:2], 10)
    client.get("/budgets?period=2099-12")
    counts = {}
    for days in (10, 1_000):
        with app.app_context():
            db.session.execute(db.delete(CategoryBudget))
            db.session.commit()
        _daily_history(app, user.id, names, days)
        for url in ("/budgets?period=2099-12", "/?period=2099-12"):
            with recorded_statements(app) as statements:
                assert client.get(url).status_code == 200
            counts[days, url] = len(statements)
    assert counts[10, "/budgets?period=2099-12"] == counts[1_000, "/budgets?period=2099-12"]
    assert counts[10, "/?period=2099-12"] == counts[1_000, "/?period=2099-12"]


@pytest.mark.parametrize("url", ["/budgets", "/", "/reports"])
@pytest.mark.parametrize("key", ["2100-01", "1969-12", "9999-12", "0000-01", "2026-13", "2026-1", "abc", "2026-11x"])
def test_periods_outside_1970_to_2099_or_malformed_are_not_found(client, user, url, key):
    assert client.get(f"{url}?period={key}").status_code == 404


def test_the_last_period_has_no_link_to_the_next(client, user):
    page = client.get("/budgets?period=2099-12").get_data(as_text=True)
    assert 'href="/budgets?period=2099-11"' in page
    assert "2100-01" not in page
    page = client.get("/budgets?period=1970-01").get_data(as_text=True)
    assert 'href="/budgets?period=1970-02"' in page
    assert "1969-12" not in page


def _backup_with_budget_rows(client, category_rows: int, overall_rows: int = 0) -> str:
    document = json.loads(download(client))
    document["budgets"] = {
        "overall_budgets": [
            {"effective_from": (FIRST_DAY + timedelta(days=n)).isoformat(), "amount": "100.00"}
            for n in range(overall_rows)
        ],
        "category_budgets": [
            {
                "category": "Food & groceries",
                "effective_from": (FIRST_DAY + timedelta(days=n)).isoformat(),
                "limit": "0.01",
                "rollover": True,
            }
            for n in range(category_rows)
        ],
    }
    return json.dumps(document)


@pytest.mark.parametrize(
    "category_rows, overall_rows, message",
    [
        (
            MAX_CATEGORY_BUDGET_ROWS + 1,
            0,
            "This backup holds 10,001 category limit changes; an account keeps at most 10,000. Nothing was changed.",
        ),
        (
            0,
            MAX_OVERALL_BUDGET_ROWS + 1,
            "This backup holds 1,201 overall budget changes; an account keeps at most 1,200. Nothing was changed.",
        ),
    ],
)
def test_restore_refuses_more_budget_rows_than_an_account_keeps(
    app, client, user, category_rows, overall_rows, message
):
    add_expense(app, user.id, "Housing", 1000, date(2026, 1, 1))
    backup = _backup_with_budget_rows(client, category_rows, overall_rows)
    response = restore(client, backup, replace=True, password=PASSWORD)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert (count_rows(app, CategoryBudget), count_rows(app, OverallBudget)) == (0, 0)
    assert client.get("/expenses").get_data(as_text=True).count("₹10.00") >= 1


def test_restore_takes_a_backup_at_the_limit_and_its_pages_render(app, client, user):
    backup = _backup_with_budget_rows(client, MAX_CATEGORY_BUDGET_ROWS, MAX_OVERALL_BUDGET_ROWS)
    assert restore(client, backup, replace=True, password=PASSWORD).status_code == 302
    assert (count_rows(app, CategoryBudget), count_rows(app, OverallBudget)) == (10_000, 1_200)
    page = client.get("/budgets?period=2099-12").get_data(as_text=True)
    # One change a period from 1970-01 on, 0.01 each: 1,559 periods carried into 2099-12.
    assert _figures(page, category_id(app, user.id, "Food & groceries")) == "of ₹15.60 (₹0.01 + ₹15.59 carried)"
    assert client.get("/?period=2099-12").status_code == 200


def test_saving_budgets_refuses_to_go_past_the_limit_and_saves_nothing(app, client, user):
    _daily_history(app, user.id, ["Food & groceries"], MAX_CATEGORY_BUDGET_ROWS - 1)
    transport, health = category_id(app, user.id, "Transport"), category_id(app, user.id, "Health")
    response = save_budgets(client, f"/budgets/{transport}/edit", {f"limit-{transport}": "10"})
    assert response.status_code == 302
    assert count_rows(app, CategoryBudget) == MAX_CATEGORY_BUDGET_ROWS
    response = save_budgets(client, f"/budgets/{health}/edit", {f"limit-{health}": "10"}, follow_redirects=True)
    assert (
        "Nothing was saved: an account keeps at most 10,000 category limit changes, and this change would go past that."
        in response.get_data(as_text=True)
    )
    assert count_rows(app, CategoryBudget) == MAX_CATEGORY_BUDGET_ROWS
    with app.app_context():
        assert db.session.scalar(db.select(CategoryBudget).where(CategoryBudget.category_id == health)) is None
    # Changing a limit already set this period adds no row, so it is still allowed.
    response = save_budgets(client, f"/budgets/{transport}/edit", {f"limit-{transport}": "20"})
    assert response.status_code == 302
    with app.app_context():
        limits = db.session.scalars(
            db.select(CategoryBudget.limit_cents).where(CategoryBudget.category_id == transport)
        )
        assert list(limits) == [2000]


def test_settings_refuse_an_overall_budget_past_the_limit_and_save_nothing(app, client, user):
    ledger_id = personal_ledger_id(app, user.id)
    with app.app_context():
        db.session.execute(
            db.insert(OverallBudget),
            [
                {"ledger_id": ledger_id, "effective_from": FIRST_DAY + timedelta(days=n), "amount_cents": 100}
                for n in range(MAX_OVERALL_BUDGET_ROWS)
            ],
        )
        db.session.commit()
    response = post_form(
        client,
        "/ledger/settings",
        {"name": "Personal", "currency": "INR", "monthly_budget": "123", "period_start_day": "1"},
    )
    assert response.status_code == 422
    assert (
        "Nothing was saved: an account keeps at most 1,200 overall budget changes, and this change would go past that."
        in response.get_data(as_text=True)
    )
    assert count_rows(app, OverallBudget) == MAX_OVERALL_BUDGET_ROWS
    with app.app_context():
        assert db.session.get(Ledger, ledger_id).monthly_budget_cents == 8_000_000

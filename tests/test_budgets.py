"""Per-category limits, rollover, the overall budget per period, and the pages that show them."""

import re
from datetime import date

import pytest

from app import budgeting
from app.extensions import db
from app.models import Category, CategoryBudget, Ledger, OverallBudget, User
from app.periods import period_containing
from tests.conftest import AuthActions, add_expense, category_id, count_rows, ledger_of, post_form
from tests.pages import text


def save_budgets(client, url: str = "/budgets", data: dict | None = None, **kwargs):
    """POST a budgets form as the browser would: with the period its page was shown for."""
    page = client.get("/budgets" if url == "/budgets" else url).get_data(as_text=True)
    match = re.search(r'name="period" type="hidden" value="([^"]*)"', page)
    return post_form(client, url, {"period": match[1] if match else "", **(data or {})}, **kwargs)


def _ledger(user_id: int) -> Ledger:
    """The account's personal ledger."""
    return db.session.scalar(db.select(Ledger).where(Ledger.personal_user_id == user_id))


def save_ledger_settings(client, currency="INR", budget="80000", start_day="1"):
    """POST the personal ledger's settings form (its name stays "Personal")."""
    return post_form(
        client,
        "/ledger/settings",
        {"name": "Personal", "currency": currency, "monthly_budget": budget, "period_start_day": start_day},
    )


def _category(user_id: int, name: str) -> Category:
    return db.session.scalar(db.select(Category).where(Category.ledger_id == ledger_of(user_id), Category.name == name))


def _set(app, user_id, name, limit_cents, rollover, period_start: date):
    with app.app_context():
        ledger = _ledger(user_id)
        period = period_containing(period_start, ledger.period_start_day)
        budgeting.set_category_budget(ledger, _category(user_id, name), limit_cents, rollover, period)
        db.session.commit()


def _status(app, user_id, name, day: date):
    with app.app_context():
        ledger = _ledger(user_id)
        period = period_containing(day, ledger.period_start_day)
        (status,) = budgeting.category_budgets(ledger, period, [_category(user_id, name)])
        return status.base_cents, status.carried_cents, status.spent_cents, status.limit_cents, status.left_cents


def _start_day(app, user_id, start_day):
    with app.app_context():
        db.session.execute(
            db.update(Ledger).where(Ledger.personal_user_id == user_id).values(period_start_day=start_day)
        )
        db.session.commit()


def test_rollover_over_three_periods_with_under_and_overspending(app, user):
    _start_day(app, user.id, 15)
    # Periods: 15 Jan-14 Feb, 15 Feb-14 Mar (28 days), 15 Mar-14 Apr 2026.
    _set(app, user.id, "Food & groceries", 10000, True, date(2026, 1, 15))
    add_expense(app, user.id, "Food & groceries", 8000, date(2026, 1, 20))  # 20.00 under
    add_expense(app, user.id, "Food & groceries", 9000, date(2026, 2, 14))  # same period, last day
    add_expense(app, user.id, "Food & groceries", 15000, date(2026, 2, 15))  # next period
    add_expense(app, user.id, "Food & groceries", 8000, date(2026, 3, 14))
    add_expense(app, user.id, "Food & groceries", 2500, date(2026, 3, 20))

    # Period 1: 100.00 limit, 170.00 spent: 70.00 over.
    assert _status(app, user.id, "Food & groceries", date(2026, 1, 15)) == (10000, 0, 17000, 10000, -7000)
    # Period 2: 100.00 - 70.00 carried = 30.00; 230.00 spent: 200.00 over.
    assert _status(app, user.id, "Food & groceries", date(2026, 2, 15)) == (10000, -7000, 23000, 3000, -20000)
    # Period 3 is carried what period 2 left, -200.00: -100.00 available; 25.00 spent.
    assert _status(app, user.id, "Food & groceries", date(2026, 3, 15)) == (10000, -20000, 2500, -10000, -12500)
    # Period 4 is carried what period 3 left: -125.00.
    assert _status(app, user.id, "Food & groceries", date(2026, 4, 15)) == (10000, -12500, 0, -2500, -2500)


def test_underspending_carries_forward_and_a_period_without_rollover_resets_the_chain(app, user):
    _set(app, user.id, "Transport", 5000, True, date(2026, 1, 1))
    add_expense(app, user.id, "Transport", 1000, date(2026, 1, 31))
    assert _status(app, user.id, "Transport", date(2026, 2, 1)) == (5000, 4000, 0, 9000, 9000)
    assert _status(app, user.id, "Transport", date(2026, 3, 1)) == (5000, 9000, 0, 14000, 14000)
    _set(app, user.id, "Transport", 5000, False, date(2026, 3, 1))
    assert _status(app, user.id, "Transport", date(2026, 3, 1)) == (5000, 0, 0, 5000, 5000)
    _set(app, user.id, "Transport", 6000, True, date(2026, 4, 1))
    assert _status(app, user.id, "Transport", date(2026, 4, 1)) == (6000, 0, 0, 6000, 6000)
    assert _status(app, user.id, "Transport", date(2026, 5, 1)) == (6000, 6000, 0, 12000, 12000)
    # Earlier periods keep the limit they had.
    assert _status(app, user.id, "Transport", date(2026, 2, 1)) == (5000, 4000, 0, 9000, 9000)


def test_a_category_with_no_limit(app, user):
    add_expense(app, user.id, "Health", 4200, date(2026, 6, 3))
    assert _status(app, user.id, "Health", date(2026, 6, 1)) == (None, 0, 4200, None, None)


@pytest.mark.parametrize(
    "spent, state",
    [(7999, "ok"), (8000, "warning"), (10000, "warning"), (10001, "over")],
)
def test_states_turn_amber_at_80_percent_and_red_past_100(app, user, spent, state):
    _set(app, user.id, "Shopping", 10000, False, date(2026, 1, 1))
    add_expense(app, user.id, "Shopping", spent, date.today())
    html = app.test_client()
    AuthActions(html).login()
    page = html.get("/budgets").get_data(as_text=True)
    shopping = category_id(app, user.id, "Shopping")
    row = page[page.index(f'data-category-id="{shopping}"') :]
    assert re.search(r'data-state="(\w+)"', row).group(1) == state
    words = {"ok": "On track", "warning": "Nearly at the limit", "over": "Over budget"}[state]
    assert words in row[: row.index("</li>")]


@pytest.mark.parametrize(
    ("limit", "spent", "shown"),
    [
        # 79.99%: rounded down, so it does not read "80.0%" while the state is still "On track".
        (10000, 7999, "On track · 79.9% used · ₹20.01 left"),
        (10000, 8000, "Nearly at the limit · 80.0% used · ₹20.00 left"),
        (10000, 10000, "Nearly at the limit · 100.0% used · ₹0.00 left"),
        # 100.005%: rounded up, so "Over budget" is never written beside "100.0%".
        (20000, 20001, "Over budget by ₹0.01 · 100.1% used"),
    ],
)
def test_the_share_used_never_contradicts_the_state(app, client, user, limit, spent, shown):
    _set(app, user.id, "Shopping", limit, False, date(2026, 1, 1))
    add_expense(app, user.id, "Shopping", spent, date.today())
    page = client.get("/budgets").get_data(as_text=True)
    row = page[page.index(f'data-category-id="{category_id(app, user.id, "Shopping")}"') :]
    row = row[: row.index("</li>")]
    state = re.search(r'<div class="small mt-1 budget-state[^>]*>(.*?)</div>', row, re.S).group(1)
    assert text(state) == shown
    share = shown.split(" · ")[1].removesuffix(" used")
    assert f'aria-label="Shopping: {share} of the limit used"' in row


def test_budgets_page_sets_all_limits_in_one_form(app, client, user):
    food, transport = category_id(app, user.id, "Food & groceries"), category_id(app, user.id, "Transport")
    response = save_budgets(
        client, "/budgets", {f"limit-{food}": "1,200.50", f"rollover-{food}": "y", f"limit-{transport}": "300"}
    )
    assert response.status_code == 302
    with app.app_context():
        rows = db.session.execute(
            db.select(CategoryBudget.category_id, CategoryBudget.limit_cents, CategoryBudget.rollover).order_by(
                CategoryBudget.limit_cents
            )
        ).all()
    assert rows == [(transport, 30000, False), (food, 120050, True)]

    add_expense(app, user.id, "Food & groceries", 100050)
    page = client.get("/budgets").get_data(as_text=True)
    assert "₹1,000.50 of ₹1,200.50" in page
    assert 'value="1200.50"' in page


def test_a_bad_limit_writes_nothing_and_keeps_what_was_typed(app, client, user):
    food, transport = category_id(app, user.id, "Food & groceries"), category_id(app, user.id, "Transport")
    response = save_budgets(client, "/budgets", {f"limit-{food}": "12.345", f"limit-{transport}": "300"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Use at most 2 decimal places." in page
    assert 'value="12.345"' in page and 'value="300"' in page
    assert count_rows(app, CategoryBudget) == 0


def test_another_users_budgets_are_neither_visible_nor_editable(app, client, user):
    bob = app.test_client()
    AuthActions(bob).register(email="bob@example.com")
    with app.app_context():
        bob_id = db.session.scalar(db.select(User.id).where(User.email == "bob@example.com"))
    bob_food = category_id(app, bob_id, "Food & groceries")
    save_budgets(bob, "/budgets", {f"limit-{bob_food}": "999"})

    assert client.get(f"/budgets/{bob_food}/edit").status_code == 404
    assert save_budgets(client, f"/budgets/{bob_food}/edit", {f"limit-{bob_food}": "1"}).status_code == 404
    # Alice's form ignores fields for categories that are not hers.
    assert save_budgets(client, "/budgets", {f"limit-{bob_food}": "1"}).status_code == 302
    assert "999" not in client.get("/budgets").get_data(as_text=True)
    with app.app_context():
        rows = db.session.execute(
            db.select(Ledger.personal_user_id, CategoryBudget.limit_cents).join(
                Ledger, Ledger.id == CategoryBudget.ledger_id
            )
        ).all()
    assert rows == [(bob_id, 99900)]


def test_single_category_budget_page(app, client, user):
    health = category_id(app, user.id, "Health")
    assert (
        save_budgets(
            client, f"/budgets/{health}/edit", {f"limit-{health}": "50", f"rollover-{health}": "y"}
        ).status_code
        == 302
    )
    assert _status(app, user.id, "Health", date.today())[0] == 5000
    assert save_budgets(client, f"/budgets/{health}/edit", {f"limit-{health}": ""}).status_code == 302
    assert _status(app, user.id, "Health", date.today())[0] is None


def test_dashboard_follows_the_period_in_the_url_and_its_overall_budget(app, client, user):
    _start_day(app, user.id, 15)
    add_expense(app, user.id, "Housing", 2000000, date(2026, 3, 15))
    add_expense(app, user.id, "Transport", 5050, date(2026, 4, 14))
    add_expense(app, user.id, "Transport", 999, date(2026, 4, 15))  # next period
    with app.app_context():
        ledger_id = _ledger(user.id).id
        db.session.add(OverallBudget(ledger_id=ledger_id, effective_from=date(1970, 1, 1), amount_cents=3000000))
        db.session.add(OverallBudget(ledger_id=ledger_id, effective_from=date(2026, 4, 15), amount_cents=1000))
        db.session.commit()

    page = client.get("/?period=2026-03").get_data(as_text=True)
    assert 'id="period-label">Mar 15\u2009–\u2009Apr 14, 2026<' in page
    assert 'id="card-total">₹20,050.50<' in page
    assert 'id="card-left">₹9,949.50<' in page
    assert 'id="card-count">2<' in page
    assert 'id="card-top">Housing<' in page
    assert 'href="/?period=2026-02"' in page and 'href="/?period=2026-04"' in page

    later = client.get("/?period=2026-04").get_data(as_text=True)
    assert 'id="card-total">₹9.99<' in later
    assert 'id="card-left">₹0.01<' in later


def test_changing_the_budget_keeps_earlier_periods_budget(app, client, user):
    today = date.today()
    current = period_containing(today, 1)
    response = save_ledger_settings(client, budget="50000", start_day="1")
    assert response.status_code == 302
    with app.app_context():
        rows = db.session.execute(
            db.select(OverallBudget.effective_from, OverallBudget.amount_cents).order_by(OverallBudget.effective_from)
        ).all()
    assert rows == [(date(1970, 1, 1), 8000000), (current.start, 5000000)]
    before = client.get(f"/?period={current.shift(-1).key}").get_data(as_text=True)
    assert 'id="card-left">₹80,000.00<' in before
    now = client.get("/").get_data(as_text=True)
    assert 'id="card-left">₹50,000.00<' in now


def test_changing_the_start_day_mid_period_regroups_spending(app, client, user):
    today = date.today()
    add_expense(app, user.id, "Transport", 1000, today)
    response = save_ledger_settings(client, budget="80000", start_day="28")
    assert response.status_code == 302
    with app.app_context():
        assert _ledger(user.id).period_start_day == 28
    period = period_containing(today, 28)
    page = client.get("/").get_data(as_text=True)
    assert f'id="period-label">{period.label}<' in page
    assert 'id="card-total">₹10.00<' in page


@pytest.mark.parametrize("day", ["0", "29", "31", "-1", "abc", ""])
def test_start_day_must_be_1_to_28(app, client, user, day):
    response = save_ledger_settings(client, budget="80000", start_day=day)
    assert response.status_code == 422
    with app.app_context():
        assert _ledger(user.id).period_start_day == 1


def test_deleting_a_category_deletes_its_budgets(app, client, user):
    health = category_id(app, user.id, "Health")
    save_budgets(client, "/budgets", {f"limit-{health}": "50"})
    assert count_rows(app, CategoryBudget) == 1
    assert post_form(client, f"/categories/{health}/delete", {"fate": "delete"}).status_code == 302
    assert count_rows(app, CategoryBudget) == 0

"""Budgets lose limits (issue 15), reproduced through the pages as a person met them:

1. A limit set on 10 November with periods starting on the 1st, then the start day moved to the
   25th: the budgets page said "no limit" until the 25th.
2. On the previous period's page, a limit typed for one category and saved: "Budgets saved
   (2 changed)", and another category's limit and rollover were wiped from the current period on.

A limit applies from the start of the period it was set in, whatever the start day becomes; only
the current period's limits can be changed, a form for another period saves nothing, and only the
categories whose values differ from what is in force are written.
"""

import re
from datetime import UTC, date, datetime

import pytest

from app import clock
from app.extensions import db
from app.models import CategoryBudget, OverallBudget
from tests.conftest import category_id, post_form
from tests.pages import flashes
from tests.test_budgets import save_budgets

NOV_10 = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch):
    def freeze(moment: datetime) -> None:
        monkeypatch.setattr(clock, "utcnow", lambda: moment)

    return freeze


def _figures(page: str, category: int) -> str:
    row = page[page.index(f'data-category-id="{category}"') :]
    row = row[row.index('budget-figures">') + len('budget-figures">') :]
    return " ".join(row[: row.index("</span>")].split())


def _start_day(client, day: int, budget: str = "80000.00"):
    data = {"name": "Personal", "currency": "INR", "monthly_budget": budget, "period_start_day": str(day)}
    response = post_form(client, "/ledger/settings", data)
    assert response.status_code == 302


def _rows(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            db.select(
                CategoryBudget.category_id,
                CategoryBudget.effective_from,
                CategoryBudget.limit_cents,
                CategoryBudget.rollover,
            ).order_by(CategoryBudget.category_id, CategoryBudget.effective_from)
        ).all()


def test_a_limit_survives_moving_the_start_day_past_the_day_it_was_set(app, client, user, frozen):
    frozen(NOV_10)
    transport = category_id(app, user.id, "Transport")
    assert save_budgets(client, "/budgets", {f"limit-{transport}": "300"}).status_code == 302
    assert _rows(app) == [(transport, date(2026, 11, 1), 30000, False)]

    _start_day(client, 25)
    # Today's period is now 25 Oct - 24 Nov: the limit set on 10 Nov still applies.
    page = client.get("/budgets").get_data(as_text=True)
    assert 'id="period-label">Oct 25\u2009–\u2009Nov 24, 2026' in page
    assert _figures(page, transport) == "₹0.00 of ₹300.00"
    assert _figures(client.get("/budgets?period=2026-10").get_data(as_text=True), transport) == "₹0.00 of ₹300.00"
    # The period before it had none, as before.
    assert _figures(client.get("/budgets?period=2026-09").get_data(as_text=True), transport) == "₹0.00 spent · no limit"
    # And the form offers the limit in force, so saving it unchanged changes nothing.
    assert f'id="limit-{transport}" name="limit-{transport}" value="300.00"' in page
    response = save_budgets(client, "/budgets", {f"limit-{transport}": "300.00"}, follow_redirects=True)
    assert flashes(response.get_data(as_text=True)) == ["No budget changed."]


def test_a_change_after_moving_the_start_day_wins_over_the_earlier_one_in_the_same_period(app, client, user, frozen):
    frozen(NOV_10)
    transport = category_id(app, user.id, "Transport")
    save_budgets(client, "/budgets", {f"limit-{transport}": "300"})
    _start_day(client, 25)
    response = save_budgets(client, "/budgets", {f"limit-{transport}": "250"}, follow_redirects=True)
    assert flashes(response.get_data(as_text=True)) == ["Budgets saved (1 changed)."]
    # Stored from the start of today's period; the row of 1 Nov (in the same period now) is replaced.
    assert _rows(app) == [(transport, date(2026, 10, 25), 25000, False)]
    assert _figures(client.get("/budgets").get_data(as_text=True), transport) == "₹0.00 of ₹250.00"


def test_the_overall_budget_follows_a_start_day_change_saved_with_it(app, client, user, frozen):
    frozen(NOV_10)
    _start_day(client, 1, budget="50000.00")
    _start_day(client, 25, budget="50000.00")
    with app.app_context():
        rows = db.session.execute(
            db.select(OverallBudget.effective_from, OverallBudget.amount_cents).order_by(OverallBudget.effective_from)
        ).all()
    # Saving the settings stores the budget from the start of the new period (the row of 1 Nov,
    # inside it now, is replaced), so the budget of this period is the one just saved.
    assert rows == [(date(1970, 1, 1), 8_000_000), (date(2026, 10, 25), 5_000_000)]
    assert "of ₹50,000.00" in client.get("/budgets").get_data(as_text=True)
    assert "of ₹80,000.00" in client.get("/budgets?period=2026-09").get_data(as_text=True)


def test_a_past_periods_form_is_not_offered_and_saving_one_touches_nothing(app, client, user, frozen):
    frozen(NOV_10)
    food, transport = category_id(app, user.id, "Food & groceries"), category_id(app, user.id, "Transport")
    response = save_budgets(
        client, "/budgets", {f"limit-{transport}": "300", f"rollover-{transport}": "y"}, follow_redirects=True
    )
    assert flashes(response.get_data(as_text=True)) == ["Budgets saved (1 changed)."]

    # The previous period's page shows its limits, read-only.
    previous = client.get("/budgets?period=2026-10").get_data(as_text=True)
    assert 'name="limit-' not in previous and "Save budgets" not in previous
    assert "go to the current period</a> to change them" in previous
    assert _figures(previous, transport) == "₹0.00 spent · no limit"

    # What that page's form used to send: a limit for Food only, Transport empty as it was shown.
    stale = {f"limit-{food}": "100", f"limit-{transport}": ""}
    for period in ("2026-10", None):  # the period it was shown for, or none at all
        data = stale if period is None else {"period": period, **stale}
        response = post_form(client, "/budgets", data, follow_redirects=True)
        assert flashes(response.get_data(as_text=True)) == [
            "Nothing was saved: that form was not for the current period (November 2026). Limits are set for the "
            "current period and apply from it on; check them below and save again."
        ]
    assert _rows(app) == [(transport, date(2026, 11, 1), 30000, True)]
    page = client.get("/budgets").get_data(as_text=True)
    assert _figures(page, transport) == "₹0.00 of ₹300.00 (₹300.00 + ₹0.00 carried)"
    assert _figures(page, food) == "₹0.00 spent · no limit"


def test_a_form_shown_before_the_period_changed_saves_nothing(app, client, user, frozen):
    frozen(datetime(2026, 11, 30, 23, 59, tzinfo=UTC))
    health = category_id(app, user.id, "Health")
    page = client.get(f"/budgets/{health}/edit").get_data(as_text=True)
    shown_for = re.search(r'name="period" type="hidden" value="([^"]*)"', page)[1]
    assert shown_for == "2026-11"
    frozen(datetime(2026, 12, 1, 0, 1, tzinfo=UTC))
    response = post_form(client, f"/budgets/{health}/edit", {"period": shown_for, f"limit-{health}": "50"})
    assert response.status_code == 302
    assert (
        "Nothing was saved: that form was not for the current period (December 2026)."
        in flashes(client.get(response.headers["Location"]).get_data(as_text=True))[0]
    )
    assert _rows(app) == []


def test_only_the_categories_that_changed_are_written(app, client, user, frozen):
    frozen(NOV_10)
    food, transport = category_id(app, user.id, "Food & groceries"), category_id(app, user.id, "Transport")
    save_budgets(client, "/budgets", {f"limit-{transport}": "300", f"rollover-{transport}": "y"})
    # Everything as the page shows it, plus a limit for Food; a rollover switch without a limit is no change.
    response = save_budgets(
        client,
        "/budgets",
        {f"limit-{transport}": "300.00", f"rollover-{transport}": "y", f"limit-{food}": "100", "rollover-999": "y"},
        follow_redirects=True,
    )
    assert flashes(response.get_data(as_text=True)) == ["Budgets saved (1 changed)."]
    health = category_id(app, user.id, "Health")
    response = save_budgets(
        client,
        "/budgets",
        {
            f"limit-{transport}": "300.00",
            f"rollover-{transport}": "y",
            f"limit-{food}": "100.00",
            f"rollover-{health}": "y",
        },
        follow_redirects=True,
    )
    assert flashes(response.get_data(as_text=True)) == ["No budget changed."]
    assert _rows(app) == [(food, date(2026, 11, 1), 10000, False), (transport, date(2026, 11, 1), 30000, True)]

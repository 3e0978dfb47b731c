"""Recurring expenses (app/recurring): rules, posting every due occurrence exactly once (from page
views, from `flask recurring run`, from two at once), pausing, skipping, editing, deleting, what is
still due, safe to spend per day, and suggestions turned into rules. The clock is frozen."""

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, update

from app import clock
from app.categories import create_category
from app.extensions import db
from app.models import Expense, Ledger, RecurringOccurrence, RecurringRule, User
from tests.conftest import PASSWORD, add_expense, category_id, count_rows, ledger_of, post_form
from tests.ledger_helpers import create_shared, join
from tests.pages import element_text, field_errors, flashes, table_rows
from tests.test_backup import download, normalised, restore
from tests.test_races import at_once, held_at_first_insert, signed_in_client

# Sunday 6 December 2026, 10:00 UTC.
NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch, auth):
    """Freeze the app's clock at NOW; call the result with another moment to move it there (and
    sign in again, as someone coming back after weeks away would: the old session has expired)."""

    def freeze(moment: datetime, sign_in: bool = True) -> None:
        monkeypatch.setattr(clock, "utcnow", lambda: moment)
        if sign_in and moment != NOW:
            auth.login()

    freeze(NOW)
    return freeze


def rule_form(app, user_id, **fields):
    data = {
        "amount": "1150.00",
        "description": "Rent",
        "category_id": category_id(app, user_id, "Housing"),
        "start_on": "2026-09-10",
        "every": "1",
        "unit": "month",
        "month_day": "",
        "ends": "never",
        "end_on": "",
        "occurrence_limit": "",
    }
    data.update(fields)
    return data


def add_rule(client, app, user_id, **fields):
    response = post_form(client, "/recurring/new", rule_form(app, user_id, **fields))
    assert response.status_code == 302, field_errors(response.get_data(as_text=True))
    with app.app_context():
        return db.session.scalar(select(RecurringRule.id).order_by(RecurringRule.id.desc()).limit(1))


def made(app, user_id) -> list[tuple[date, str, int, int | None]]:
    """Every expense in the account's ledger as (date, description, amount_cents, rule id), by date."""
    with app.app_context():
        rows = db.session.execute(
            select(Expense.spent_on, Expense.description, Expense.amount_cents, Expense.recurring_rule_id)
            .where(Expense.ledger_id == ledger_of(user_id))
            .order_by(Expense.spent_on, Expense.id)
        )
        return [tuple(row) for row in rows]


def rule_state(app, rule_id) -> tuple:
    with app.app_context():
        rule = db.session.get(RecurringRule, rule_id)
        return rule.next_due, rule.paused


def test_a_rule_dated_three_months_back_makes_three_expenses_once(app, client, user, frozen, runner):
    rule = add_rule(client, app, user.id)
    rent = [(date(2026, month, 10), "Rent", 115_000, rule) for month in (9, 10, 11)]
    assert made(app, user.id) == rent
    assert rule_state(app, rule) == (date(2026, 12, 10), False)
    page = client.get("/").get_data(as_text=True)
    assert element_text(page, "upcoming") == "Rent · Dec 10, 2026 ₹1,150.00"
    for _ in range(2):
        assert client.get("/expenses").status_code == 200
    assert runner.invoke(args=["recurring", "run"]).output == "Added 0 recurring expense(s) in 0 ledger(s).\n"
    assert made(app, user.id) == rent
    assert count_rows(app, RecurringOccurrence) == 3


def test_the_job_not_running_for_forty_days_catches_up_every_date_once(app, client, user, frozen, runner):
    rule = add_rule(client, app, user.id, description="Cleaner", amount="40.00", unit="week", start_on="2026-12-01")
    assert [row[0] for row in made(app, user.id)] == [date(2026, 12, 1)]
    frozen(datetime(2027, 1, 15, 10, 0, tzinfo=UTC), sign_in=False)  # 40 days later; nobody opened a page
    result = runner.invoke(args=["recurring", "run"])
    assert result.output == "Added 6 recurring expense(s) in 1 ledger(s).\n"
    assert [row[0] for row in made(app, user.id)] == [
        date(2026, 12, 1),
        date(2026, 12, 8),
        date(2026, 12, 15),
        date(2026, 12, 22),
        date(2026, 12, 29),
        date(2027, 1, 5),
        date(2027, 1, 12),
    ]
    assert runner.invoke(args=["recurring", "run"]).output == "Added 0 recurring expense(s) in 0 ledger(s).\n"
    assert rule_state(app, rule) == (date(2027, 1, 19), False)


def test_a_page_view_posts_what_came_due_without_cron(app, client, user, frozen):
    add_rule(client, app, user.id, start_on="2026-12-10")
    assert made(app, user.id) == []
    frozen(datetime(2027, 2, 11, 8, 0, tzinfo=UTC))
    assert client.get("/budgets").status_code == 200
    assert [row[0] for row in made(app, user.id)] == [date(2026, 12, 10), date(2027, 1, 10), date(2027, 2, 10)]


def test_a_run_repeated_after_a_crash_makes_nothing_twice(app, client, user, frozen, runner):
    """A run that claimed an occurrence but whose next-due date was never written (the process died
    between the two) is repeated: the claim stops it."""
    rule = add_rule(client, app, user.id)
    with app.app_context():
        db.session.execute(update(RecurringRule).values(next_due=date(2026, 9, 10)))
        db.session.commit()
    assert runner.invoke(args=["recurring", "run"]).output == "Added 0 recurring expense(s) in 0 ledger(s).\n"
    assert len(made(app, user.id)) == 3
    assert rule_state(app, rule) == (date(2026, 12, 10), False)


def test_two_runs_at_once_make_each_occurrence_once(app, client, user, frozen):
    """Two page views after a month's absence, held at their first claim so that both are posting
    at the same moment (SQLite, and PostgreSQL when TEST_DATABASE_URL is set)."""
    add_rule(client, app, user.id, start_on="2026-12-10")
    frozen(datetime(2027, 3, 11, 8, 0, tzinfo=UTC))
    first, second = signed_in_client(app), signed_in_client(app)
    with held_at_first_insert(app, "recurring_occurrences") as met:
        results = at_once(lambda: first.get("/"), lambda: second.get("/expenses"))
    assert met == [True, True]
    assert [status for status, _ in results] == [200, 200]
    assert [row[0] for row in made(app, user.id)] == [
        date(2026, 12, 10),
        date(2027, 1, 10),
        date(2027, 2, 10),
        date(2027, 3, 10),
    ]


def test_a_cron_run_racing_a_page_view_makes_each_occurrence_once(app, client, user, frozen):
    add_rule(client, app, user.id, start_on="2026-12-10")
    frozen(datetime(2027, 2, 11, 8, 0, tzinfo=UTC))
    browser = signed_in_client(app)

    def cron():
        result = app.test_cli_runner().invoke(args=["recurring", "run"])
        return type("Answer", (), {"status_code": result.exit_code, "get_data": lambda self, as_text: result.output})()

    with held_at_first_insert(app, "recurring_occurrences") as met:
        results = at_once(cron, lambda: browser.get("/"))
    assert met == [True, True]
    assert [status for status, _ in results] == [0, 200]
    assert results[0][1] in (
        "Added 3 recurring expense(s) in 1 ledger(s).\n",
        "Added 0 recurring expense(s) in 0 ledger(s).\n",
    )
    assert [row[0] for row in made(app, user.id)] == [date(2026, 12, 10), date(2027, 1, 10), date(2027, 2, 10)]


def test_a_time_zone_ahead_of_the_server_posts_on_its_own_today(app, client, user, frozen):
    with app.app_context():
        db.session.execute(update(User).values(time_zone="Pacific/Auckland"))
        db.session.commit()
    add_rule(client, app, user.id, start_on="2026-12-10")
    frozen(datetime(2026, 12, 9, 20, 0, tzinfo=UTC))  # 09:00 on 10 Dec in Auckland
    client.get("/")
    assert [row[0] for row in made(app, user.id)] == [date(2026, 12, 10)]


def test_a_shared_ledger_posts_on_its_owners_today_whoever_opens_it(app, client, user, frozen):
    """The owner keeps UTC; a member in Auckland opens the ledger when it is already the rule's day
    there but not yet for the owner: nothing is made until the owner's today comes."""
    ledger_id = create_shared(client)
    member = join(app, client, "kiri@example.com")
    with app.app_context():
        db.session.execute(update(User).where(User.email == "kiri@example.com").values(time_zone="Pacific/Auckland"))
        db.session.commit()
        housing = create_category(db.session.get(Ledger, ledger_id), "Housing", "#6f42c1")
        db.session.commit()
        housing = housing.id
    add_rule(client, app, user.id, start_on="2026-12-07", category_id=housing)

    def in_ledger():
        with app.app_context():
            rows = db.session.execute(
                select(Expense.spent_on, Expense.description, Expense.amount_cents).where(
                    Expense.ledger_id == ledger_id
                )
            )
            return [tuple(row) for row in rows]

    frozen(datetime(2026, 12, 6, 20, 0, tzinfo=UTC), sign_in=False)  # 09:00 on 7 Dec in Auckland
    assert member.get("/").status_code == 200
    assert in_ledger() == []
    frozen(datetime(2026, 12, 7, 0, 30, tzinfo=UTC), sign_in=False)
    assert member.get("/").status_code == 200
    assert in_ledger() == [(date(2026, 12, 7), "Rent", 115000)]


def test_a_utc_account_waits_for_its_own_today(app, client, user, frozen):
    add_rule(client, app, user.id, start_on="2026-12-10")
    frozen(datetime(2026, 12, 9, 20, 0, tzinfo=UTC))
    client.get("/")
    assert made(app, user.id) == []


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"month_day": "0"}, "month_day", "Choose a day from 1 to 31."),
        ({"month_day": "32"}, "month_day", "Choose a day from 1 to 31."),
        ({"every": "0"}, "every", "Choose a number from 1 to 24."),
        ({"every": "53", "unit": "week"}, "every", "Choose a number from 1 to 52."),
        ({"unit": "fortnight"}, "unit", "Choose days, weeks, months or years."),
        ({"ends": "on", "end_on": "2026-09-01"}, "end_on", "The last date cannot be before the first."),
        ({"ends": "on"}, "end_on", "Choose the last date."),
        ({"ends": "after"}, "occurrence_limit", "Choose a number of times from 1 to 1000."),
        ({"ends": "after", "occurrence_limit": "1001"}, "occurrence_limit", "Choose a number of times from 1 to 1000."),
        ({"ends": "after", "occurrence_limit": "0"}, "occurrence_limit", "Choose a number of times from 1 to 1000."),
        (
            {"unit": "day", "start_on": "2025-01-01"},
            "start_on",
            "From this date it would add more than 366 expenses at once; choose a later first date.",
        ),
        ({"amount": "0"}, "amount", "The amount must be more than zero."),
        ({"description": ""}, "description", "Describe the expense, for example “Rent”."),
        ({"category_id": "999999"}, "category_id", "Choose one of your categories."),
    ],
)
def test_bad_rules_are_refused_with_the_fields_own_message(app, client, user, frozen, fields, field, message):
    response = post_form(client, "/recurring/new", rule_form(app, user.id, **fields))
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True))[field] == message
    assert count_rows(app, RecurringRule) == 0
    assert count_rows(app, Expense) == 0


def test_the_month_end_rule_falls_on_each_months_last_day(app, client, user, frozen):
    frozen(datetime(2027, 5, 2, 10, 0, tzinfo=UTC))
    add_rule(client, app, user.id, start_on="2027-01-31", month_day="31", amount="9.99", description="Phone")
    assert [row[0] for row in made(app, user.id)] == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
    ]


def test_an_occurrence_count_ends_the_rule(app, client, user, frozen):
    rule = add_rule(client, app, user.id, ends="after", occurrence_limit="2")
    assert [row[0] for row in made(app, user.id)] == [date(2026, 9, 10), date(2026, 10, 10)]
    assert rule_state(app, rule) == (None, False)
    assert rules_listed(client.get("/recurring/").get_data(as_text=True)) == [
        "Rent Housing · Every month on day 10 · 2 times in all ₹1,150.00 Ended 2 expenses made Edit Rent Delete Rent"
    ]


def test_editing_applies_from_today_and_leaves_what_was_made(app, client, user, frozen):
    rule = add_rule(client, app, user.id)
    response = post_form(client, f"/recurring/{rule}/edit", rule_form(app, user.id, amount="1200.00", month_day="15"))
    assert response.status_code == 302
    frozen(datetime(2027, 1, 16, 10, 0, tzinfo=UTC))
    client.get("/")
    assert [(row[0], row[2]) for row in made(app, user.id)] == [
        (date(2026, 9, 10), 115_000),
        (date(2026, 10, 10), 115_000),
        (date(2026, 11, 10), 115_000),
        (date(2026, 12, 15), 120_000),
        (date(2027, 1, 15), 120_000),
    ]


def test_pausing_skips_the_paused_span_and_resuming_goes_on_from_today(app, client, user, frozen):
    rule = add_rule(client, app, user.id)
    assert post_form(client, f"/recurring/{rule}/pause").status_code == 302
    assert rule_state(app, rule) == (date(2026, 12, 10), True)
    frozen(datetime(2027, 2, 20, 10, 0, tzinfo=UTC))
    client.get("/")
    assert len(made(app, user.id)) == 3
    response = post_form(client, f"/recurring/{rule}/resume", follow_redirects=True)
    assert "Resumed Rent: the next one is on Mar 10, 2027." in flashes(response.get_data(as_text=True))
    assert len(made(app, user.id)) == 3
    assert rule_state(app, rule) == (date(2027, 3, 10), False)


def test_skipping_the_next_occurrence_leaves_it_out_for_good(app, client, user, frozen):
    rule = add_rule(client, app, user.id)
    response = post_form(client, f"/recurring/{rule}/skip", follow_redirects=True)
    assert "Skipped Rent on Dec 10, 2026." in flashes(response.get_data(as_text=True))
    assert rule_state(app, rule) == (date(2027, 1, 10), False)
    # Editing resets the next date from today; the skipped one stays skipped.
    post_form(client, f"/recurring/{rule}/edit", rule_form(app, user.id, amount="1100.00"))
    frozen(datetime(2027, 1, 11, 10, 0, tzinfo=UTC))
    client.get("/")
    assert [row[0] for row in made(app, user.id)] == [
        date(2026, 9, 10),
        date(2026, 10, 10),
        date(2026, 11, 10),
        date(2027, 1, 10),
    ]


def test_deleting_a_rule_keeps_its_expenses_unless_asked(app, client, user, frozen):
    rule = add_rule(client, app, user.id)
    page = client.get(f"/recurring/{rule}/delete").get_data(as_text=True)
    assert "The 3 expenses it made stay unless you tick the box." in page
    assert post_form(client, f"/recurring/{rule}/delete").status_code == 302
    assert made(app, user.id) == [(date(2026, month, 10), "Rent", 115_000, None) for month in (9, 10, 11)]
    other = add_rule(client, app, user.id, description="Gym", amount="30.00")
    response = post_form(client, f"/recurring/{other}/delete", {"delete_expenses": "y"}, follow_redirects=True)
    assert "Deleted the rule Gym and the 3 expenses it made." in flashes(response.get_data(as_text=True))
    assert [row[1] for row in made(app, user.id)] == ["Rent", "Rent", "Rent"]
    assert count_rows(app, RecurringRule) == 0


def test_editing_or_deleting_a_made_expense_never_changes_the_rule(app, client, user, frozen):
    rule = add_rule(client, app, user.id)
    with app.app_context():
        first, second = db.session.scalars(select(Expense.id).order_by(Expense.spent_on)).all()[:2]
    # Each made expense links back to its rule, on the list and on its own page.
    listed = client.get("/expenses").get_data(as_text=True)
    assert listed.count(f'href="/recurring/#rule-{rule}" title="Made by a recurring rule"') == 3
    assert element_text(client.get(f"/expenses/{first}/edit").get_data(as_text=True), "made-by-rule") == (
        "A recurring rule made this expense. Changing or deleting it here leaves the rule as it is."
    )
    post_form(
        client,
        f"/expenses/{first}/edit",
        {
            "amount": "1.00",
            "description": "Rent (part)",
            "category_id": category_id(app, user.id, "Housing"),
            "spent_on": "2026-09-11",
        },
    )
    post_form(client, f"/expenses/{second}/delete")
    frozen(datetime(2027, 1, 11, 10, 0, tzinfo=UTC))
    client.get("/")
    assert [(row[0], row[2]) for row in made(app, user.id)] == [
        (date(2026, 9, 11), 100),
        (date(2026, 11, 10), 115_000),
        (date(2026, 12, 10), 115_000),
        (date(2027, 1, 10), 115_000),
    ]
    with app.app_context():
        stored = db.session.get(RecurringRule, rule)
        assert (stored.description, stored.amount_cents, stored.next_due) == ("Rent", 115_000, date(2027, 2, 10))


def test_safe_to_spend_shows_its_arithmetic(app, client, user, frozen):
    add_expense(app, user.id, "Food & groceries", 1_000_000, date(2026, 12, 2), "Groceries")
    add_rule(client, app, user.id, start_on="2026-12-20", amount="1500.00")
    add_rule(client, app, user.id, description="Gym", amount="25.50", unit="week", start_on="2026-12-13")
    page = client.get("/").get_data(as_text=True)
    # Budget ₹80,000; spent ₹10,000; still due ₹1,500 + 3 × ₹25.50 (13, 20, 27 Dec); 26 days left
    # (6 to 31 December): (80,000 − 10,000 − 1,576.50) ÷ 26 = 2,631.6730…, rounded down.
    assert element_text(page, "projected") == "₹11,576.50"
    assert element_text(page, "projected-sum") == "₹10,000.00 spent + ₹1,576.50 still due"
    assert element_text(page, "safe-per-day") == "₹2,631.67"
    assert element_text(page, "safe-arithmetic") == (
        "(₹80,000.00 budget − ₹10,000.00 spent − ₹1,576.50 still due) ÷ 26 days left"
    )
    assert element_text(page, "upcoming") == (
        "Gym · Dec 13, 2026 ₹25.50 Gym · Dec 20, 2026 ₹25.50 Rent · Dec 20, 2026 ₹1,500.00 Gym · Dec 27, 2026 ₹25.50"
    )
    budgets = client.get("/budgets").get_data(as_text=True)
    assert element_text(budgets, "safe-per-day") == "₹2,631.67"


def test_safe_to_spend_is_never_negative(app, client, user, frozen):
    add_expense(app, user.id, "Food & groceries", 7_900_000, date(2026, 12, 2), "Big shop")
    add_rule(client, app, user.id, start_on="2026-12-20", amount="1500.00")
    page = client.get("/").get_data(as_text=True)
    assert element_text(page, "safe-per-day") == "₹0.00"
    assert element_text(page, "safe-arithmetic").endswith("· over budget by ₹500.00")


def test_a_run_that_looks_recurring_becomes_a_rule_after_its_last_occurrence(app, client, user, frozen):
    for month in (8, 9, 10, 11):
        add_expense(app, user.id, "Entertainment", 64_900, date(2026, month, 3), "Netflix")
    page = client.get("/recurring/").get_data(as_text=True)
    assert element_text(page, "suggestions").startswith("Looks recurring")
    assert "Netflix · ₹649.00" in element_text(page, "suggestions")
    response = post_form(
        client,
        "/recurring/suggestions",
        {"description": "Netflix", "category": category_id(app, user.id, "Entertainment")},
        follow_redirects=True,
    )
    assert "Saved the rule Netflix, starting on Dec 3, 2026 after its last expense." in flashes(
        response.get_data(as_text=True)
    )
    # 3 December had come, so the rule made it; nothing before it was doubled.
    assert [(row[0], row[3] is not None) for row in made(app, user.id)] == [
        (date(2026, 8, 3), False),
        (date(2026, 9, 3), False),
        (date(2026, 10, 3), False),
        (date(2026, 11, 3), False),
        (date(2026, 12, 3), True),
    ]
    assert "suggestions" not in client.get("/recurring/").get_data(as_text=True)


def test_a_forged_suggestion_makes_nothing(app, client, user, frozen):
    response = post_form(
        client,
        "/recurring/suggestions",
        {"description": "Anything", "category": category_id(app, user.id, "Housing")},
        follow_redirects=True,
    )
    assert "That suggestion is no longer there; nothing was changed." in flashes(response.get_data(as_text=True))
    assert count_rows(app, RecurringRule) == 0


def test_another_accounts_rule_is_not_found(app, client, user, frozen, auth):
    rule = add_rule(client, app, user.id)
    auth.logout()
    auth.register("bob@example.com")
    for url in (f"/recurring/{rule}/edit", f"/recurring/{rule}/delete"):
        assert client.get(url).status_code == 404
    for url in (f"/recurring/{rule}/pause", f"/recurring/{rule}/skip", f"/recurring/{rule}/delete"):
        assert post_form(client, url).status_code == 404
    assert rule_state(app, rule) == (date(2026, 12, 10), False)
    assert "Rent" not in client.get("/recurring/").get_data(as_text=True)


def rules_listed(page: str) -> list[str]:
    """Each rule on the list as its text reads, top to bottom."""
    return [
        element_text(page, f"rule-{rule_id}")
        for rule_id in re.findall(r'<li class="list-group-item rule" id="rule-(\d+)"', page)
    ]


def test_the_list_shows_each_rule_with_its_schedule(app, client, user, frozen):
    add_rule(client, app, user.id)
    add_rule(
        client, app, user.id, description="Water", amount="80.00", every="3", start_on="2026-12-31", month_day="31"
    )
    add_rule(client, app, user.id, description="Insurance", amount="500.00", unit="year", start_on="2027-02-28")
    assert rules_listed(client.get("/recurring/").get_data(as_text=True)) == [
        "Rent Housing · Every month on day 10 ₹1,150.00 next on Dec 10, 2026 3 expenses made Edit Rent Skip next Rent "
        "Pause Rent Delete Rent",
        "Water Housing · Every 3 months on the last day ₹80.00 next on Dec 31, 2026 0 expenses made Edit Water "
        "Skip next Water Pause Water Delete Water",
        "Insurance Housing · Every year ₹500.00 next on Feb 28, 2027 0 expenses made Edit Insurance Skip next "
        "Insurance Pause Insurance Delete Insurance",
    ]


def test_rules_round_trip_through_a_backup_and_post_nothing_twice(app, client, user, frozen):
    rent = add_rule(client, app, user.id)
    gym = add_rule(client, app, user.id, description="Gym", amount="30.00", ends="after", occurrence_limit="12")
    post_form(client, f"/recurring/{gym}/skip")
    post_form(client, f"/recurring/{rent}/pause")
    first = download(client)
    assert '"recurring_rule": 1' in first and '"recurring_rules": [' in first
    # Change it all, then put the backup back.
    post_form(client, f"/recurring/{gym}/delete", {"delete_expenses": "y"})
    post_form(client, f"/recurring/{rent}/resume")
    response = restore(client, first, replace=True, password=PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert normalised(download(client)) == normalised(first)
    rows = made(app, user.id)
    assert [(row[0], row[1]) for row in rows] == [
        (date(2026, 9, 10), "Rent"),
        (date(2026, 9, 10), "Gym"),
        (date(2026, 10, 10), "Rent"),
        (date(2026, 10, 10), "Gym"),
        (date(2026, 11, 10), "Rent"),
        (date(2026, 11, 10), "Gym"),
    ]
    with app.app_context():
        rules = db.session.scalars(select(RecurringRule).order_by(RecurringRule.id)).all()
        assert [(r.description, r.next_due, r.paused) for r in rules] == [
            ("Rent", date(2026, 12, 10), True),
            ("Gym", date(2027, 1, 10), False),
        ]
        assert {row[3] for row in rows} == {rules[0].id, rules[1].id}
    # The skipped 10 December stays skipped, and nothing made before is made again.
    frozen(datetime(2027, 1, 12, 10, 0, tzinfo=UTC))
    client.get("/")
    assert [(row[0], row[1]) for row in made(app, user.id)][6:] == [(date(2027, 1, 10), "Gym")]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda text: text.replace('"unit": "month"', '"unit": "fortnight"'), "recurring_rules[0].unit is not day"),
        (lambda text: text.replace('"every": 1', '"every": 0'), "recurring_rules[0].every is not a whole number"),
        (
            lambda text: text.replace('"recurring_rule": 1', '"recurring_rule": 2', 1),
            "expenses[0].recurring_rule is not a whole number from 1 to 1",
        ),
        (
            lambda text: text.replace('"occurrences": ["2026-09-10"', '"occurrences": ["2026-10-10"'),
            "recurring_rules[0].occurrences repeats a date",
        ),
    ],
)
def test_a_damaged_rule_in_a_backup_is_refused(app, client, user, frozen, damage, message):
    add_rule(client, app, user.id)
    response = restore(client, damage(download(client)), replace=True, password=PASSWORD)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert len(made(app, user.id)) == 3


def test_the_report_lists_what_is_planned_for_the_period(app, client, user, frozen):
    add_expense(app, user.id, "Housing", 100_000, date(2026, 12, 1), "Deposit")
    add_rule(client, app, user.id, start_on="2026-12-20", amount="1500.00")
    add_rule(client, app, user.id, description="Gym", amount="25.50", unit="week", start_on="2026-12-13")
    page = client.get("/reports").get_data(as_text=True)
    (row,) = table_rows(page, "monthly-table", "tbody")[-1:]
    # Gym is filed under Housing too (the form's default category in these tests).
    assert row == ("Planned: still due in December 2026", "₹1,576.50", "₹1,576.50")


def test_a_deleted_categorys_rules_go_where_its_expenses_go(app, client, user, frozen):
    moved = add_rule(client, app, user.id, start_on="2027-01-10")
    housing, other = category_id(app, user.id, "Housing"), category_id(app, user.id, "Other")
    page = client.get(f"/categories/{housing}/delete").get_data(as_text=True)
    assert element_text(page, "category-rules") == "It also has 1 recurring rule, which goes where its expenses go."
    response = post_form(client, f"/categories/{housing}/delete", {"fate": "move", "move_to": other})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(RecurringRule, moved).category_id == other
    response = post_form(client, f"/categories/{other}/delete", {"fate": "delete"})
    assert response.status_code == 302
    assert count_rows(app, RecurringRule) == 0

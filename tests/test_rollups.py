"""The rollup tables (spending per ledger, category and day or month) stay equal to the expenses under
every kind of write, and the figures read from them are the figures of the expenses themselves."""

import random
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, func, insert, select, text, update
from werkzeug.datastructures import MultiDict

from app import categories, rollups
from app.account.services import delete_account
from app.expense_filters import ExpenseFilter
from app.expense_rows import insert_expenses
from app.expenses import listing
from app.extensions import db
from app.models import Category, Expense, Ledger, SpendingDay, SpendingMonth, User
from tests.conftest import add_expense, category_id, ledger_of, personal_ledger_id, post_form, recorded_statements


def _expected() -> tuple[dict, dict]:
    """What the rollup tables should hold, worked out in Python from every expense."""
    days, months = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
    for ledger_id, category, spent_on, cents in db.session.execute(
        select(Expense.ledger_id, Expense.category_id, Expense.spent_on, Expense.amount_cents)
    ):
        for table, key in ((days, spent_on), (months, spent_on.replace(day=1))):
            table[ledger_id, category, key][0] += 1
            table[ledger_id, category, key][1] += cents
    return ({k: tuple(v) for k, v in days.items()}, {k: tuple(v) for k, v in months.items()})


def _stored() -> tuple[dict, dict]:
    def rows(model, column):
        query = select(model.ledger_id, model.category_id, column, model.expense_count, model.total_cents)
        return {(ledger, c, k): (n, cents) for ledger, c, k, n, cents in db.session.execute(query)}

    return rows(SpendingDay, SpendingDay.day), rows(SpendingMonth, SpendingMonth.month)


def assert_in_step():
    db.session.expire_all()
    assert _stored() == _expected()


@pytest.fixture
def alice(app, user):
    with app.app_context():
        yield db.session.get(User, user.id)


def _personal(user: User) -> Ledger:
    """The account's personal ledger."""
    return db.session.scalar(select(Ledger).where(Ledger.personal_user_id == user.id))


def _category(user: User, name: str) -> int:
    return db.session.scalar(select(Category.id).where(Category.ledger_id == ledger_of(user.id), Category.name == name))


def _add(user: User, category: str, cents: int, day: date, description: str = "Thing") -> Expense:
    expense = Expense(
        ledger_id=_personal(user).id,
        created_by_id=user.id,
        category_id=_category(user, category),
        spent_on=day,
        description=description,
        amount_cents=cents,
    )
    db.session.add(expense)
    db.session.commit()
    return expense


def test_every_kind_of_write_keeps_the_rollups_in_step(app, alice):
    food = _category(alice, "Food & groceries")
    rent = _add(alice, "Housing", 150000, date(2026, 3, 1), "Rent")
    bread = _add(alice, "Food & groceries", 250, date(2026, 3, 31), "Bread")
    _add(alice, "Food & groceries", 199, date(2026, 3, 31), "Milk")
    assert db.session.execute(
        select(SpendingDay.day, SpendingDay.expense_count, SpendingDay.total_cents).where(
            SpendingDay.category_id == food
        )
    ).all() == [(date(2026, 3, 31), 2, 449)]
    assert db.session.execute(
        select(SpendingMonth.month, SpendingMonth.total_cents).order_by(SpendingMonth.total_cents)
    ).all() == [(date(2026, 3, 1), 449), (date(2026, 3, 1), 150000)]

    # Edits of the amount, the date (into the next month), the category; and one of the description only.
    bread.amount_cents = 300
    db.session.commit()
    assert_in_step()
    bread.spent_on = date(2026, 4, 1)
    db.session.commit()
    assert_in_step()
    rent.category_id = food
    db.session.commit()
    assert_in_step()
    bread.description = "Rye bread"
    db.session.commit()
    assert_in_step()

    # Bulk statements, as imports, their undo and category moves use.
    db.session.execute(
        insert(Expense),
        [
            {
                "ledger_id": _personal(alice).id,
                "created_by_id": alice.id,
                "category_id": _category(alice, "Transport"),
                "spent_on": date(2026, 1, 1) + timedelta(days=n % 90),
                "description": f"Bus {n}",
                "amount_cents": 100 + n,
            }
            for n in range(300)
        ],
    )
    db.session.commit()
    assert_in_step()
    db.session.execute(
        update(Expense).where(Expense.description.like("Bus 1%")).values(category_id=_category(alice, "Other"))
    )
    db.session.commit()
    assert_in_step()
    db.session.execute(update(Expense).where(Expense.amount_cents < 150).values(amount_cents=Expense.amount_cents * 2))
    db.session.commit()
    assert_in_step()
    db.session.execute(delete(Expense).where(Expense.description.like("Bus 2%")))
    db.session.commit()
    assert_in_step()
    db.session.delete(bread)
    db.session.commit()
    assert_in_step()
    assert db.session.scalar(select(func.count()).select_from(SpendingDay)) == len(_expected()[0])


def test_a_rolled_back_write_leaves_the_rollups_as_they_were(app, alice):
    _add(alice, "Housing", 1000, date(2026, 5, 5))
    before = _stored()
    db.session.add(
        Expense(
            ledger_id=_personal(alice).id,
            created_by_id=alice.id,
            category_id=_category(alice, "Housing"),
            spent_on=date(2026, 5, 5),
            description="Never",
            amount_cents=5,
        )
    )
    db.session.flush()
    db.session.rollback()
    assert _stored() == before


def test_emptied_days_and_months_leave_no_rows(app, alice):
    expense = _add(alice, "Housing", 1000, date(2026, 5, 5))
    db.session.delete(expense)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(SpendingDay)) == 0
    assert db.session.scalar(select(func.count()).select_from(SpendingMonth)) == 0


def test_deleting_a_category_or_a_user_cascades_to_the_rollups(app, client, alice):
    other = _add(alice, "Other", 700, date(2026, 6, 6))
    _add(alice, "Transport", 300, date(2026, 6, 6))
    ledger = _personal(alice)
    categories.delete_category(ledger, db.session.get(Category, other.category_id), delete_expenses=True)
    assert_in_step()
    categories.delete_category(
        ledger,
        db.session.get(Category, _category(alice, "Transport")),
        move_to=db.session.get(Category, _category(alice, "Housing")),
    )
    assert_in_step()
    assert _stored()[1] == {(ledger.id, _category(alice, "Housing"), date(2026, 6, 1)): (1, 300)}
    # Deleting the account deletes its personal ledger, and with it the ledger's rollups.
    delete_account(alice)
    db.session.commit()
    assert _stored() == ({}, {})


def test_deleting_an_account_row_directly_also_cascades(app, client, alice):
    """An operator's DELETE FROM users: the personal ledger, its categories and expenses go in one
    cascade, which also sets `created_by_id` to NULL; that UPDATE moves no figures, so the rollup
    triggers leave it alone instead of writing rows for categories already gone."""
    _add(alice, "Housing", 1000, date(2026, 6, 6))
    db.session.execute(delete(User).where(User.id == alice.id))
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Expense)) == 0
    assert _stored() == ({}, {})


def test_the_expense_form_moves_an_edit_between_months(app, client, user):
    expense_id = add_expense(app, user.id, "Housing", 1000, date(2026, 1, 31))
    response = post_form(
        client,
        f"/expenses/{expense_id}/edit",
        {
            "amount": "12.34",
            "category_id": category_id(app, user.id, "Transport"),
            "spent_on": "2026-02-01",
            "description": "Moved",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert _stored()[1] == {
            (personal_ledger_id(app, user.id), category_id(app, user.id, "Transport"), date(2026, 2, 1)): (1, 1234)
        }
        assert_in_step()


def _raw_totals(user: User, start: date | None, end: date | None, category_ids=()) -> tuple[int, int]:
    query = select(func.count(), func.coalesce(func.sum(Expense.amount_cents), 0)).where(
        Expense.ledger_id == ledger_of(user.id)
    )
    if start:
        query = query.where(Expense.spent_on >= start)
    if end:
        query = query.where(Expense.spent_on < end)
    if category_ids:
        query = query.where(Expense.category_id.in_(category_ids))
    count, total = db.session.execute(query).one()
    return count, total


@pytest.fixture
def two_years(app, alice):
    """An expense every day of 2025 and 2026 (1 cent on 1 January 2025, counting up)."""
    names = ["Housing", "Food & groceries", "Transport"]
    ids = [_category(alice, name) for name in names]
    first = date(2025, 1, 1)
    db.session.execute(
        insert(Expense),
        [
            {
                "ledger_id": _personal(alice).id,
                "created_by_id": alice.id,
                "category_id": ids[n % 3],
                "spent_on": first + timedelta(days=n),
                "description": f"Day {n}",
                "amount_cents": n + 1,
            }
            for n in range(730)
        ],
    )
    db.session.commit()
    return ids


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Whole months only; days at both ends; inside one month; open ends; empty.
        (date(2025, 2, 1), date(2025, 4, 1), (59, sum(range(32, 91)))),
        (date(2025, 1, 31), date(2025, 3, 2), (30, sum(range(31, 61)))),
        (date(2025, 1, 10), date(2025, 1, 12), (2, 10 + 11)),
        (None, date(2025, 1, 3), (2, 1 + 2)),
        (date(2026, 12, 30), None, (2, 729 + 730)),
        (None, None, (730, sum(range(1, 731)))),
        (date(2025, 3, 5), date(2025, 3, 5), (0, 0)),
        (date(2027, 1, 1), None, (0, 0)),
    ],
)
def test_totals_over_a_span(app, alice, two_years, start, end, expected):
    assert rollups.totals(_personal(alice), rollups.Span(start, end)) == expected
    assert _raw_totals(alice, start, end) == expected


def test_random_spans_and_categories_add_up_to_the_expenses(app, alice, two_years):
    ledger = _personal(alice)
    chance = random.Random(20261130)
    for _ in range(60):
        start = date(2024, 12, 1) + timedelta(days=chance.randrange(800))
        end = start + timedelta(days=chance.randrange(400))
        chosen = tuple(chance.sample(two_years, chance.randrange(len(two_years) + 1)))
        span = rollups.Span(chance.choice([start, None]), chance.choice([end, None]))
        assert rollups.totals(ledger, span, chosen) == _raw_totals(alice, span.start, span.end, chosen), (span, chosen)


def _statements(app, action) -> tuple[list[str], object]:
    with recorded_statements(app) as seen:
        result = action()
    return seen, result


def _filter(alice: User, **args) -> ExpenseFilter:
    own = db.session.scalars(select(Category.id).where(Category.ledger_id == ledger_of(alice.id))).all()
    return ExpenseFilter.from_args(MultiDict(args), _personal(alice), own)


def test_the_list_totals_of_categories_and_dates_read_the_rollups(app, alice, two_years):
    chosen = _filter(alice, category=str(two_years[0]), **{"from": "2025-01-15", "to": "2025-03-31"})
    ledger = _personal(alice)
    statements, totals = _statements(app, lambda: listing.count_and_total(ledger, chosen))
    assert totals == listing.ListTotals(*_raw_totals(alice, date(2025, 1, 15), date(2025, 4, 1), two_years[:1]))
    assert len(statements) == 1
    assert "spending_months" in statements[0] and "spending_days" in statements[0]
    assert "FROM expenses" not in statements[0]


def test_a_search_is_counted_and_totalled_in_one_query_through_the_index(app, alice, two_years):
    search = _filter(alice, q="Day 7")
    # Day 7, Day 70 to 79, Day 700 to 729 (each day's amount is its number plus one cent).
    expected = listing.ListTotals(1 + 10 + 30, 8 + sum(range(71, 81)) + sum(range(701, 731)))
    assert expected == listing.ListTotals(41, 22228)
    ledger = _personal(alice)
    statements, first = _statements(app, lambda: listing.count_and_total(ledger, search))
    assert first == expected
    assert len(statements) == 1 and statements[0].startswith("SELECT") and "FROM expenses" in statements[0]
    if db.engine.dialect.name == "sqlite":
        assert "expenses_search MATCH" in statements[0]  # on PostgreSQL the planner picks pg_trgm

    # Nothing is kept: a change to a description shows in the very next figures.
    db.session.execute(update(Expense).where(Expense.description == "Day 70").values(description="Day off"))
    db.session.commit()
    statements, changed = _statements(app, lambda: listing.count_and_total(ledger, search))
    assert changed == listing.ListTotals(40, 22228 - 71)
    assert [statement for statement in statements if "expenses" in statement] == statements[-1:]


def test_an_amount_range_is_counted_and_totalled_from_the_expenses(app, alice, two_years):
    amounts = _filter(alice, min="7.00", max="7.05", category=str(two_years[0]))
    # Amounts 700 to 705 cents are days 699 to 704; Housing has every third day: 699 and 702.
    assert listing.count_and_total(_personal(alice), amounts) == listing.ListTotals(2, 700 + 703)


def test_a_search_counts_only_the_users_own_expenses(app, client, alice, auth):
    _add(alice, "Housing", 1000, date(2026, 1, 1), "Rent")
    assert listing.count_and_total(_personal(alice), _filter(alice, q="rent")) == listing.ListTotals(1, 1000)
    auth.logout()
    auth.register(email="bob@example.com")
    bob = db.session.scalar(select(User).where(User.email == "bob@example.com"))
    assert listing.count_and_total(_personal(bob), _filter(bob, q="rent")) == listing.ListTotals(0, 0)
    _add(bob, "Housing", 7, date(2026, 1, 1), "Rent share")
    assert listing.count_and_total(_personal(bob), _filter(bob, q="rent")) == listing.ListTotals(1, 7)
    assert listing.count_and_total(_personal(alice), _filter(alice, q="rent")) == listing.ListTotals(1, 1000)


def test_the_expense_counts_of_categories_come_from_the_rollups(app, alice, two_years):
    counts = {category.id: count for category, count, _total in categories.category_stats(_personal(alice))}
    assert counts == {**dict.fromkeys(counts, 0), **Counter(two_years[n % 3] for n in range(730))}
    assert counts[two_years[0]] == 244


def test_the_triggers_are_those_of_the_migration(app, alice):
    """The test database is built by the migrations, so these tests exercise the real triggers."""
    if db.engine.dialect.name == "sqlite":
        names = db.session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")).all()
    else:
        names = db.session.scalars(
            text("SELECT DISTINCT trigger_name FROM information_schema.triggers ORDER BY trigger_name")
        ).all()
    expected = ["expenses_rollup_delete", "expenses_rollup_insert", "expenses_rollup_update"]
    if db.engine.dialect.name == "sqlite":
        # ... and those of the search index (migration 0008; on PostgreSQL that is a plain index).
        expected += ["expenses_search_delete", "expenses_search_insert", "expenses_search_update"]
    assert names == sorted(expected)


def test_many_expenses_go_in_a_thousand_to_a_statement(app, alice):
    """On PostgreSQL the rollup triggers run once per statement: an import of 2,500 rows must be
    3 statements, not 2,500."""
    category = _category(alice, "Other")
    ledger = _personal(alice)
    rows = [
        {
            "ledger_id": ledger.id,
            "created_by_id": alice.id,
            "category_id": category,
            "spent_on": date(2026, 2, 1),
            "description": "x",
            "amount_cents": 1,
        }
        for _ in range(2500)
    ]
    statements, _ = _statements(app, lambda: insert_expenses(rows))
    db.session.commit()
    assert sum(statement.startswith("INSERT INTO expenses") for statement in statements) == 3
    assert _stored()[1] == {(ledger.id, category, date(2026, 2, 1)): (2500, 2500)}

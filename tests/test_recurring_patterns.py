"""Finding expenses that look recurring (app/recurring_patterns.py) and the safe-to-spend arithmetic."""

from datetime import date

import pytest

from app.recurrence import DAY, MONTH, WEEK, YEAR
from app.recurring_patterns import Pattern, Seen, find_recurring, steady_pattern
from app.safe_to_spend import SafeToSpend

D = date
TODAY = D(2026, 6, 3)


def history(description, category_id, *rows):
    return [Seen(day, description, category_id, cents) for day, cents in rows]


@pytest.mark.parametrize(
    "days, pattern",
    [
        ([D(2026, 1, 5), D(2026, 2, 5), D(2026, 3, 5)], Pattern(MONTH, 1, 5)),
        # a day or two late is still monthly on the latest day
        ([D(2026, 1, 5), D(2026, 2, 7), D(2026, 3, 4)], Pattern(MONTH, 1, 4)),
        # month ends: the last day of the month
        ([D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 31)], Pattern(MONTH, 1, 31)),
        ([D(2025, 11, 30), D(2026, 1, 31), D(2026, 3, 31)], Pattern(MONTH, 2, 31)),
        ([D(2024, 3, 1), D(2025, 3, 1), D(2026, 3, 1)], Pattern(YEAR, 1, None)),
        ([D(2026, 1, 1), D(2026, 1, 8), D(2026, 1, 15)], Pattern(WEEK, 1, None)),
        ([D(2026, 1, 1), D(2026, 1, 15), D(2026, 1, 29)], Pattern(WEEK, 2, None)),
        ([D(2026, 1, 1), D(2026, 1, 11), D(2026, 1, 21)], Pattern(DAY, 10, None)),
        # not steady
        ([D(2026, 1, 1), D(2026, 1, 8), D(2026, 1, 16)], None),
        ([D(2026, 1, 5), D(2026, 2, 5), D(2026, 4, 5)], None),
        ([D(2026, 1, 5), D(2026, 2, 12), D(2026, 3, 5)], None),
        ([D(2026, 1, 5), D(2026, 1, 5), D(2026, 1, 5)], None),
    ],
)
def test_steady_pattern(days, pattern):
    assert steady_pattern(days) == pattern


def test_monthly_rent_is_found_and_starts_after_its_last_occurrence():
    rows = history("Rent", 1, (D(2026, 3, 1), 120000), (D(2026, 4, 1), 120000), (D(2026, 5, 1), 120000))
    rows += history("rent ", 1, (D(2026, 6, 1), 123000))  # same description, 2.5% more
    [found] = find_recurring(rows, TODAY)
    assert (found.description, found.category_id, found.amount_cents) == ("rent ", 1, 123000)
    assert found.pattern == Pattern(MONTH, 1, 1)
    assert found.days == (D(2026, 3, 1), D(2026, 4, 1), D(2026, 5, 1), D(2026, 6, 1))
    assert found.next_day == D(2026, 7, 1)


@pytest.mark.parametrize(
    "rows",
    [
        # only two
        history("Gym", 1, (D(2026, 4, 10), 3000), (D(2026, 5, 10), 3000)),
        # an amount 6% off the latest
        history("Gym", 1, (D(2026, 3, 10), 3180), (D(2026, 4, 10), 3000), (D(2026, 5, 10), 3000)),
        # three categories
        history("Gym", 1, (D(2026, 3, 10), 3000)) + history("Gym", 2, (D(2026, 4, 10), 3000), (D(2026, 5, 10), 3000)),
        # stopped: the next one was due more than a week ago
        history("Gym", 1, (D(2026, 1, 10), 3000), (D(2026, 2, 10), 3000), (D(2026, 3, 10), 3000)),
        # irregular
        history("Coffee", 1, (D(2026, 5, 1), 300), (D(2026, 5, 2), 300), (D(2026, 5, 9), 300)),
    ],
)
def test_not_recurring(rows):
    assert find_recurring(rows, TODAY) == []


def test_amount_exactly_five_percent_off_counts():
    rows = history("Gym", 1, (D(2026, 3, 10), 3150), (D(2026, 4, 10), 2850), (D(2026, 5, 10), 3000))
    [found] = find_recurring(rows, TODAY)
    assert found.amount_cents == 3000


def test_the_latest_steady_run_counts_and_older_irregular_ones_do_not_spoil_it():
    rows = history(
        "Netflix",
        3,
        (D(2025, 7, 19), 999),
        (D(2025, 11, 2), 999),
        (D(2026, 3, 15), 1299),
        (D(2026, 4, 15), 1299),
        (D(2026, 5, 15), 1299),
    )
    [found] = find_recurring(rows, TODAY)
    assert found.days == (D(2026, 3, 15), D(2026, 4, 15), D(2026, 5, 15))
    assert found.next_day == D(2026, 6, 15)


def test_several_found_most_recent_first():
    rows = history("Bus pass", 2, (D(2026, 5, 13), 500), (D(2026, 5, 20), 500), (D(2026, 5, 27), 500))
    rows += history("Phone", 4, (D(2026, 3, 28), 2000), (D(2026, 4, 28), 2000), (D(2026, 5, 28), 2000))
    assert [(found.description, found.pattern) for found in find_recurring(rows, TODAY)] == [
        ("Phone", Pattern(MONTH, 1, 28)),
        ("Bus pass", Pattern(WEEK, 1, None)),
    ]


@pytest.mark.parametrize(
    "budget, spent, due, days, per_day, projected, left",
    [
        (3000000, 1200000, 500000, 12, 108333, 1700000, 1300000),  # 13,000.00 / 12 rounded down
        (3000000, 1200000, 500000, 1, 1300000, 1700000, 1300000),  # the last day
        (3000000, 2600000, 500000, 10, 0, 3100000, -100000),  # overspent: never negative
        (3000000, 2500000, 500000, 10, 0, 3000000, 0),
        (3000000, 0, 0, 0, 0, 0, 3000000),  # a period that is over
        (0, 0, 0, 30, 0, 0, 0),  # no budget
    ],
)
def test_safe_to_spend(budget, spent, due, days, per_day, projected, left):
    figures = SafeToSpend(budget, spent, due, days)
    assert (figures.per_day_cents, figures.projected_cents, figures.left_cents) == (per_day, projected, left)
    assert figures.overspent == (left < 0)
    assert figures.per_day_cents * max(days, 1) <= max(left, 0) or days == 0

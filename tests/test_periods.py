"""Budget periods starting on day 1, 15 and 28, across short and long months, year ends and leap years."""

from datetime import date, timedelta

import pytest
from werkzeug.exceptions import NotFound

from app.extensions import db
from app.models import Category, Expense, Ledger
from app.periods import period_containing, period_from_key
from app.rollups import totals_by_period
from tests.conftest import ledger_of, personal_ledger_id


@pytest.mark.parametrize(
    "day, start_day, start, end",
    [
        # start day 1: calendar months of 28, 29, 30 and 31 days
        (date(2026, 2, 28), 1, date(2026, 2, 1), date(2026, 3, 1)),
        (date(2024, 2, 29), 1, date(2024, 2, 1), date(2024, 3, 1)),
        (date(2026, 4, 30), 1, date(2026, 4, 1), date(2026, 5, 1)),
        (date(2026, 12, 31), 1, date(2026, 12, 1), date(2027, 1, 1)),
        # start day 15
        (date(2026, 3, 14), 15, date(2026, 2, 15), date(2026, 3, 15)),
        (date(2026, 3, 15), 15, date(2026, 3, 15), date(2026, 4, 15)),
        (date(2026, 1, 10), 15, date(2025, 12, 15), date(2026, 1, 15)),  # across the year end
        (date(2025, 12, 31), 15, date(2025, 12, 15), date(2026, 1, 15)),
        # start day 28
        (date(2024, 2, 27), 28, date(2024, 1, 28), date(2024, 2, 28)),
        (date(2024, 2, 29), 28, date(2024, 2, 28), date(2024, 3, 28)),  # leap day inside
        (date(2024, 3, 1), 28, date(2024, 2, 28), date(2024, 3, 28)),
        (date(2026, 4, 30), 28, date(2026, 4, 28), date(2026, 5, 28)),
        (date(2026, 1, 31), 28, date(2026, 1, 28), date(2026, 2, 28)),
        (date(2027, 1, 1), 28, date(2026, 12, 28), date(2027, 1, 28)),
    ],
)
def test_period_containing(day, start_day, start, end):
    period = period_containing(day, start_day)
    assert (period.start, period.end) == (start, end)
    assert period.contains(day)
    assert period.shift(1).start == end
    assert period.shift(-1).end == start


def test_labels_and_keys():
    assert period_containing(date(2026, 11, 25), 1).label == "November 2026"
    # Outside a request, in en_US; Babel puts thin spaces around the dash of a range.
    assert period_containing(date(2026, 11, 25), 15).label == "Nov 15\u2009–\u2009Dec 14, 2026"
    assert period_containing(date(2026, 1, 2), 28).label == "Dec 28, 2025\u2009–\u2009Jan 27, 2026"
    assert period_containing(date(2026, 11, 25), 1).short_label == "Nov 2026"
    assert period_containing(date(2026, 11, 25), 15).short_label == "Nov 15, 2026"
    assert period_containing(date(2026, 1, 2), 28).key == "2025-12"


@pytest.mark.parametrize("key", [None, ""])
def test_no_period_key_is_today(key):
    assert period_from_key(key, 15, date(2026, 11, 20)).start == date(2026, 11, 15)


@pytest.mark.parametrize(
    "key", ["2026-13", "2026-00", "1969-12", "2100-01", "9999-12", "abcd-ef", "2026-1", "2026-11x", "٢٠٢٦-١١"]
)
def test_bad_period_keys_are_not_found(key):
    with pytest.raises(NotFound):
        period_from_key(key, 15, date(2026, 11, 20))


@pytest.mark.parametrize("key, start", [("1970-01", date(1970, 1, 15)), ("2099-12", date(2099, 12, 15))])
def test_the_first_and_last_periods_have_no_link_beyond_them(key, start):
    period = period_from_key(key, 15, date(2026, 11, 20))
    assert period.start == start
    assert (period.has_previous, period.has_next) == (key != "1970-01", key != "2099-12")


def test_period_key_from_url():
    assert period_from_key("2024-02", 28, date(2026, 11, 20)).end == date(2024, 3, 28)


@pytest.mark.parametrize("start_day", [1, 15, 28])
def test_database_puts_every_day_of_a_leap_year_in_the_same_period_as_python(app, user, start_day):
    with app.app_context():
        db.session.execute(db.update(Ledger).values(period_start_day=start_day))
        db.session.commit()
    ledger_id = personal_ledger_id(app, user.id)
    first = date(2023, 12, 20)
    days = [first + timedelta(days=n) for n in range(400)]  # all of 2024 and both year ends
    with app.app_context():
        transport = db.session.scalar(
            db.select(Category.id).where(Category.ledger_id == ledger_of(user.id), Category.name == "Transport")
        )
        db.session.execute(
            db.insert(Expense),
            [
                {
                    "ledger_id": ledger_id,
                    "created_by_id": user.id,
                    "category_id": transport,
                    "spent_on": day,
                    "description": "x",
                    "amount_cents": 100 + n,
                }
                for n, day in enumerate(days)
            ],
        )
        db.session.commit()

    expected: dict[str, int] = {}
    for n, day in enumerate(days):
        key = period_containing(day, start_day).key
        expected[key] = expected.get(key, 0) + 100 + n

    with app.app_context():
        ledger = db.session.get(Ledger, ledger_id)
        totals = totals_by_period(ledger, date(1970, 1, 1), date(2100, 1, 1))
    by_period = {period: total for (_category, period), total in totals.items()}
    assert by_period == expected

"""The schedule arithmetic of recurring expenses (app/recurrence.py), table by table."""

from datetime import date

import pytest

from app.recurrence import DAY, MONTH, WEEK, YEAR, Schedule, due

D = date


def first(schedule: Schedule, n: int) -> list[date]:
    return [schedule.occurrence(number) for number in range(n)]


@pytest.mark.parametrize(
    "schedule, expected",
    [
        # every N days and weeks, across a month end and a leap day
        (Schedule(D(2026, 1, 30), DAY), [D(2026, 1, 30), D(2026, 1, 31), D(2026, 2, 1), D(2026, 2, 2)]),
        (Schedule(D(2024, 2, 27), DAY, 2), [D(2024, 2, 27), D(2024, 2, 29), D(2024, 3, 2), D(2024, 3, 4)]),
        (Schedule(D(2026, 12, 24), WEEK), [D(2026, 12, 24), D(2026, 12, 31), D(2027, 1, 7), D(2027, 1, 14)]),
        (Schedule(D(2026, 1, 5), WEEK, 2), [D(2026, 1, 5), D(2026, 1, 19), D(2026, 2, 2), D(2026, 2, 16)]),
        # monthly on the start's day
        (Schedule(D(2026, 1, 15), MONTH), [D(2026, 1, 15), D(2026, 2, 15), D(2026, 3, 15), D(2026, 4, 15)]),
        # started on the 31st: the month's last day where there is no 31st, back to the 31st after
        (Schedule(D(2026, 1, 31), MONTH), [D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 31), D(2026, 4, 30)]),
        (Schedule(D(2024, 1, 31), MONTH), [D(2024, 1, 31), D(2024, 2, 29), D(2024, 3, 31), D(2024, 4, 30)]),
        # started on the 29th and 30th
        (Schedule(D(2026, 1, 29), MONTH), [D(2026, 1, 29), D(2026, 2, 28), D(2026, 3, 29), D(2026, 4, 29)]),
        (Schedule(D(2024, 1, 30), MONTH), [D(2024, 1, 30), D(2024, 2, 29), D(2024, 3, 30), D(2024, 4, 30)]),
        # "last day of the month" is day 31
        (Schedule(D(2026, 2, 1), MONTH, day=31), [D(2026, 2, 28), D(2026, 3, 31), D(2026, 4, 30), D(2026, 5, 31)]),
        # a day before the start's day: the first occurrence is next month's
        (Schedule(D(2026, 1, 15), MONTH, day=1), [D(2026, 2, 1), D(2026, 3, 1), D(2026, 4, 1), D(2026, 5, 1)]),
        # a day after the start's day: this month's
        (Schedule(D(2026, 1, 15), MONTH, day=20), [D(2026, 1, 20), D(2026, 2, 20), D(2026, 3, 20), D(2026, 4, 20)]),
        # every N months, across year ends
        (Schedule(D(2026, 11, 30), MONTH, 3), [D(2026, 11, 30), D(2027, 2, 28), D(2027, 5, 30), D(2027, 8, 30)]),
        (Schedule(D(2026, 8, 31), MONTH, 6), [D(2026, 8, 31), D(2027, 2, 28), D(2027, 8, 31), D(2028, 2, 29)]),
        # yearly; 29 February falls back to the 28th between leap years
        (Schedule(D(2024, 2, 29), YEAR), [D(2024, 2, 29), D(2025, 2, 28), D(2026, 2, 28), D(2027, 2, 28)]),
        (Schedule(D(2023, 2, 28), YEAR, day=29), [D(2023, 2, 28), D(2024, 2, 29), D(2025, 2, 28), D(2026, 2, 28)]),
        (Schedule(D(2024, 2, 29), YEAR, 4), [D(2024, 2, 29), D(2028, 2, 29), D(2032, 2, 29), D(2036, 2, 29)]),
        (Schedule(D(2026, 12, 31), YEAR), [D(2026, 12, 31), D(2027, 12, 31), D(2028, 12, 31), D(2029, 12, 31)]),
    ],
)
def test_occurrences(schedule, expected):
    assert first(schedule, 4) == expected
    # Every occurrence is found again from its own date, and from the day after the one before.
    for number, day in enumerate(expected):
        assert schedule.number_on_or_after(day) == number
        assert schedule.first_on_or_after(day) == day
        if number:
            assert schedule.following(expected[number - 1]) == day


@pytest.mark.parametrize(
    "schedule, occurrences, last",
    [
        # by count
        (Schedule(D(2026, 1, 31), MONTH, count=3), [D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 31)], D(2026, 3, 31)),
        (Schedule(D(2026, 1, 1), DAY, 10, count=1), [D(2026, 1, 1)], D(2026, 1, 1)),
        # by end date, inclusive
        (
            Schedule(D(2026, 1, 1), WEEK, end=D(2026, 1, 15)),
            [D(2026, 1, 1), D(2026, 1, 8), D(2026, 1, 15)],
            D(2026, 1, 15),
        ),  # noqa: E501
        (Schedule(D(2026, 1, 1), WEEK, end=D(2026, 1, 14)), [D(2026, 1, 1), D(2026, 1, 8)], D(2026, 1, 8)),
        # the end comes before the count's last
        (
            Schedule(D(2026, 1, 31), MONTH, end=D(2026, 3, 30), count=12),
            [D(2026, 1, 31), D(2026, 2, 28)],
            D(2026, 2, 28),
        ),  # noqa: E501
        # the count comes before the end
        (Schedule(D(2026, 1, 10), MONTH, end=D(2027, 1, 1), count=2), [D(2026, 1, 10), D(2026, 2, 10)], D(2026, 2, 10)),
        # an end before the first occurrence: none at all
        (Schedule(D(2026, 1, 15), MONTH, day=1, end=D(2026, 1, 31)), [], None),
    ],
)
def test_end_by_count_and_by_date(schedule, occurrences, last):
    assert schedule.between(D(2000, 1, 1), D(2099, 12, 31)) == occurrences
    assert schedule.last == last
    assert schedule.occurrence(len(occurrences)) is None
    if occurrences:
        assert schedule.following(occurrences[-1]) is None


def test_endless_schedule_has_no_last():
    assert Schedule(D(2026, 1, 1), DAY).last is None


@pytest.mark.parametrize(
    "schedule, day, expected",
    [
        (Schedule(D(2026, 1, 31), MONTH), D(2026, 2, 1), D(2026, 2, 28)),
        (Schedule(D(2026, 1, 31), MONTH), D(2026, 3, 1), D(2026, 3, 31)),
        (Schedule(D(2026, 1, 31), MONTH), D(2025, 6, 1), D(2026, 1, 31)),  # before the start
        (Schedule(D(2026, 1, 15), MONTH, day=1), D(2026, 1, 16), D(2026, 2, 1)),
        (Schedule(D(2026, 1, 1), DAY, 3), D(2026, 1, 5), D(2026, 1, 7)),
        (Schedule(D(2026, 1, 1), WEEK), D(2099, 12, 30), D(2099, 12, 31)),  # far ahead, O(1)
        (Schedule(D(2024, 2, 29), YEAR), D(2026, 3, 1), D(2027, 2, 28)),
    ],
)
def test_first_on_or_after(schedule, day, expected):
    assert schedule.first_on_or_after(day) == expected


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"unit": MONTH, "day": 0}, "day must be 1 to 31, not 0"),
        ({"unit": MONTH, "day": 32}, "day must be 1 to 31, not 32"),
        ({"unit": DAY, "interval": 0}, "interval must be 1 to 366, not 0"),
        ({"unit": MONTH, "interval": 25}, "interval must be 1 to 24, not 25"),
        ({"unit": MONTH, "end": D(2025, 12, 31)}, "the end is before the start"),
        ({"unit": MONTH, "count": 0}, "count must be 1 to 1000, not 0"),
        ({"unit": MONTH, "count": 10**9}, "count must be 1 to 1000, not 1000000000"),
        ({"unit": "fortnight"}, "unknown unit 'fortnight'"),
    ],
)
def test_bad_schedules_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        Schedule(D(2026, 1, 1), **kwargs)


def run_job(schedule: Schedule, next_due: date | None, today: date) -> tuple[list[date], date | None]:
    """What a run of the job makes, and the rule's next due date after it (as app/recurring keeps it)."""
    made = due(schedule, next_due, today)
    return made, (schedule.following(made[-1]) if made else next_due)


def test_job_catches_up_every_missed_occurrence_once():
    schedule = Schedule(D(2026, 1, 31), MONTH)
    made, next_due = run_job(schedule, schedule.occurrence(0), D(2026, 5, 10))
    assert made == [D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 31), D(2026, 4, 30)]
    assert next_due == D(2026, 5, 31)
    # Run again the same day: nothing more.
    assert run_job(schedule, next_due, D(2026, 5, 10)) == ([], D(2026, 5, 31))
    assert run_job(schedule, next_due, D(2026, 5, 31)) == ([D(2026, 5, 31)], D(2026, 6, 30))


def test_job_stops_at_the_count():
    schedule = Schedule(D(2026, 1, 1), WEEK, count=3)
    made, next_due = run_job(schedule, schedule.occurrence(0), D(2026, 12, 31))
    assert made == [D(2026, 1, 1), D(2026, 1, 8), D(2026, 1, 15)]
    assert next_due is None
    assert run_job(schedule, next_due, D(2027, 12, 31)) == ([], None)


def test_paused_span_skips_its_occurrences():
    schedule = Schedule(D(2026, 1, 10), MONTH)
    made, next_due = run_job(schedule, schedule.occurrence(0), D(2026, 2, 20))  # paused on 20 Feb
    assert made == [D(2026, 1, 10), D(2026, 2, 10)]
    # Resumed on 12 May: 10 March, April and May fell in the pause and are skipped.
    next_due = schedule.first_on_or_after(D(2026, 5, 12))
    assert run_job(schedule, next_due, D(2026, 7, 1)) == ([D(2026, 6, 10)], D(2026, 7, 10))
    # Resumed on the day of an occurrence: that one is made.
    assert schedule.first_on_or_after(D(2026, 5, 10)) == D(2026, 5, 10)


def test_edit_mid_way_applies_to_future_occurrences_only():
    before = Schedule(D(2026, 1, 5), MONTH, count=6)
    made, _ = run_job(before, before.occurrence(0), D(2026, 3, 12))
    assert made == [D(2026, 1, 5), D(2026, 2, 5), D(2026, 3, 5)]
    # On 12 March the rule moves to the 20th: the next due date is the new schedule's first from
    # today on; what was made stays, and the count still counts from the start.
    after = Schedule(D(2026, 1, 5), MONTH, day=20, count=6)
    next_due = after.first_on_or_after(D(2026, 3, 12))
    assert next_due == D(2026, 3, 20)
    made, next_due = run_job(after, next_due, D(2026, 12, 31))
    assert made == [D(2026, 3, 20), D(2026, 4, 20), D(2026, 5, 20), D(2026, 6, 20)]
    assert next_due is None


def test_skip_next_moves_on_one_occurrence():
    schedule = Schedule(D(2026, 1, 31), MONTH)
    next_due = schedule.following(D(2026, 2, 28))  # skip 28 February
    assert run_job(schedule, next_due, D(2026, 4, 1)) == ([D(2026, 3, 31)], D(2026, 4, 30))


def test_between_is_bounded_by_its_limit():
    schedule = Schedule(D(1970, 1, 1), DAY)
    assert len(schedule.between(D(1970, 1, 1), D(2099, 12, 31), limit=400)) == 400

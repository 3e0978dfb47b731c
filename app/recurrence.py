"""The schedule of a recurring expense: pure date arithmetic, no database and no clock.

A schedule repeats every `interval` days, weeks, months or years from its `start`. Monthly and
yearly ones fall on `day` (1 to 31) of the month; a month without that day uses its last day, so
day 31 is "the last day of the month", the 30th is 28 February in 2027, and a yearly schedule on
29 February falls on 28 February in the years between leap years. The start itself is the first
occurrence when it falls on the schedule, else the first one after it. An end date (inclusive) or
a number of occurrences ends the schedule; whichever comes first.

Occurrences are numbered from 0, and every function here is O(1) in the distance to the date asked
about (apart from listing occurrences, which is bounded by `limit`), so a rule started years ago
costs what a new one does.

A rule keeps its next due date beside its schedule (app/recurring_rules.py): everything before it has been
made. Editing the schedule, or resuming a paused rule, sets the next due date to the schedule's
first occurrence from today on, so past occurrences stay as they were made and those of a paused
span are skipped; skipping one moves the next due date on by one occurrence.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

DAY, WEEK, MONTH, YEAR = "day", "week", "month", "year"
UNITS = (DAY, WEEK, MONTH, YEAR)
LAST_DAY = 31  # day 31 falls on every month's last day
# Bounds the forms and the restore enforce: a schedule past them is a typo, not a plan.
MAX_INTERVAL = {DAY: 366, WEEK: 52, MONTH: 24, YEAR: 10}
MAX_COUNT = 1000


@dataclass(frozen=True)
class Schedule:
    start: date
    unit: str
    interval: int = 1
    day: int | None = None  # day of the month for MONTH and YEAR; None: the start's day
    end: date | None = None  # the last day an occurrence may fall on
    count: int | None = None  # how many occurrences in all

    def __post_init__(self):
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r}")
        if not 1 <= self.interval <= MAX_INTERVAL[self.unit]:
            raise ValueError(f"interval must be 1 to {MAX_INTERVAL[self.unit]}, not {self.interval}")
        if self.day is not None and not 1 <= self.day <= LAST_DAY:
            raise ValueError(f"day must be 1 to 31, not {self.day}")
        if self.end is not None and self.end < self.start:
            raise ValueError("the end is before the start")
        if self.count is not None and not 1 <= self.count <= MAX_COUNT:
            raise ValueError(f"count must be 1 to {MAX_COUNT}, not {self.count}")

    @property
    def month_day(self) -> int:
        return self.day if self.day is not None else self.start.day

    @property
    def _months(self) -> int:
        return self.interval * (12 if self.unit == YEAR else 1)

    @property
    def _days(self) -> int:
        return self.interval * (7 if self.unit == WEEK else 1)

    def _counts_months(self) -> bool:
        return self.unit in (MONTH, YEAR)

    # Candidates are numbered from the start's month (or day); for month-based schedules whose day
    # comes before the start's day, candidate 0 falls before the start and is not an occurrence.
    def _candidate(self, index: int) -> date:
        if not self._counts_months():
            return self.start + timedelta(days=index * self._days)
        month = self.start.year * 12 + self.start.month - 1 + index * self._months
        year, month = divmod(month, 12)
        return on_day(year, month + 1, self.month_day)

    @property
    def _offset(self) -> int:
        return 0 if self._candidate(0) >= self.start else 1

    def _unbounded(self, number: int) -> date:
        return self._candidate(number + self._offset)

    def _in_bounds(self, number: int, day: date) -> bool:
        if self.count is not None and number >= self.count:
            return False
        return self.end is None or day <= self.end

    def occurrence(self, number: int) -> date | None:
        """Occurrence `number` (0 is the first), or None when the schedule has ended before it."""
        if number < 0:
            raise ValueError("occurrences are numbered from 0")
        day = self._unbounded(number)
        return day if self._in_bounds(number, day) else None

    def number_on_or_after(self, day: date) -> int:
        """The number of the first occurrence on or after `day`, ignoring the end and the count."""
        if day <= self.start:
            return 0
        if self._counts_months():
            months = (day.year - self.start.year) * 12 + day.month - self.start.month
            index = max(months // self._months, 0)
        else:
            index = (day - self.start).days // self._days
        # The estimate is the candidate at or just before `day`; step past it if it is earlier.
        while self._candidate(index) < day:
            index += 1
        return max(index - self._offset, 0)

    def first_on_or_after(self, day: date) -> date | None:
        """The first occurrence on or after `day`; None when the schedule has ended by then."""
        return self.occurrence(self.number_on_or_after(day))

    def following(self, day: date) -> date | None:
        """The first occurrence after `day`."""
        return self.first_on_or_after(day + timedelta(days=1))

    def between(self, first: date, last: date, limit: int = MAX_COUNT) -> list[date]:
        """Occurrences from `first` to `last`, both included; at most `limit` of them."""
        found = []
        number = self.number_on_or_after(first)
        while len(found) < limit:
            day = self.occurrence(number)
            if day is None or day > last:
                break
            found.append(day)
            number += 1
        return found

    @property
    def last(self) -> date | None:
        """The last occurrence of a schedule with an end or a count; None when it never ends."""
        if self.count is not None:
            last = self._unbounded(self.count - 1)
            if self.end is None or last <= self.end:
                return last
        if self.end is not None:
            number = self.number_on_or_after(self.end + timedelta(days=1))
            return self.occurrence(number - 1) if number > 0 else None
        return None


def on_day(year: int, month: int, day: int) -> date:
    """`day` of the month, or the month's last day when it is shorter."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def due(schedule: Schedule, next_due: date | None, today: date, limit: int = MAX_COUNT) -> list[date]:
    """The occurrences to make now: from the rule's next due date up to today, both included."""
    if next_due is None or next_due > today:
        return []
    return schedule.between(next_due, today, limit)

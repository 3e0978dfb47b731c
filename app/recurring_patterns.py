"""Finding expenses that look recurring in a ledger's own history: pure, no database.

A run looks recurring when at least MIN_RUN expenses share a description (ignoring case and outer
spaces) and a category, each amount is within 5% of the latest one, and they fall at a steady
interval: the same number of months apart near the same day of the month (a bill paid a day or
two late still counts), or exactly the same number of days apart. The run is the longest stretch
of the most recent ones that fits; older, irregular ones before it do not spoil it.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .recurrence import DAY, LAST_DAY, MAX_INTERVAL, MONTH, WEEK, YEAR, Schedule, on_day

MIN_RUN = 3
AMOUNT_TOLERANCE_PERCENT = 5
DAY_TOLERANCE = 3  # how far from its day of the month a monthly payment may fall
# Only the latest expenses of a description count; a suggestion is about what happens now.
RUN_WINDOW = 24
# A suggestion stands while its next occurrence is at most this late; after that it has stopped.
STALE_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class Seen:
    """One expense as the detection sees it."""

    day: date
    description: str
    category_id: int
    amount_cents: int


@dataclass(frozen=True)
class Pattern:
    unit: str
    interval: int
    day: int | None  # day of the month for MONTH and YEAR


@dataclass(frozen=True)
class Suggestion:
    description: str  # as the latest expense spells it
    category_id: int
    amount_cents: int  # the latest amount
    pattern: Pattern
    days: tuple[date, ...]  # the run, oldest first

    @property
    def last(self) -> date:
        return self.days[-1]

    @property
    def schedule(self) -> Schedule:
        """The schedule the run follows, started at its last occurrence."""
        return Schedule(self.last, self.pattern.unit, self.pattern.interval, self.pattern.day)

    @property
    def next_day(self) -> date:
        """The first occurrence after the run: where a rule made from it starts."""
        following = self.schedule.following(self.last)
        assert following is not None  # an endless schedule always has one
        return following


def _months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def _month_day(days: list[date]) -> int:
    """The day of the month of a monthly run: the last day when every one was a month's last day."""
    if all(on_day(day.year, day.month, LAST_DAY) == day for day in days):
        return LAST_DAY
    return days[-1].day


def _monthly(days: list[date]) -> Pattern | None:
    steps = {_months_between(a, b) for a, b in zip(days, days[1:], strict=False)}
    if len(steps) != 1:
        return None
    months = steps.pop()
    month_day = _month_day(days)
    if months < 1 or any(abs((day - on_day(day.year, day.month, month_day)).days) > DAY_TOLERANCE for day in days):
        return None
    if months % 12 == 0 and months // 12 <= MAX_INTERVAL[YEAR]:
        return Pattern(YEAR, months // 12, None if month_day == days[-1].day else month_day)
    if months <= MAX_INTERVAL[MONTH]:
        return Pattern(MONTH, months, month_day)
    return None


def _daily(days: list[date]) -> Pattern | None:
    gaps = {(b - a).days for a, b in zip(days, days[1:], strict=False)}
    if len(gaps) != 1:
        return None
    gap = gaps.pop()
    if gap % 7 == 0 and 1 <= gap // 7 <= MAX_INTERVAL[WEEK]:
        return Pattern(WEEK, gap // 7, None)
    if 1 <= gap <= MAX_INTERVAL[DAY]:
        return Pattern(DAY, gap, None)
    return None


def steady_pattern(days: list[date]) -> Pattern | None:
    """The schedule that `days` (sorted, at least two) follow, or None when they follow none."""
    return _monthly(days) or _daily(days)


def _close_amounts(amounts: list[int]) -> bool:
    latest = amounts[-1]
    return all(abs(amount - latest) * 100 <= AMOUNT_TOLERANCE_PERCENT * latest for amount in amounts)


def _longest_run(group: list[Seen]) -> Suggestion | None:
    for size in range(len(group), MIN_RUN - 1, -1):
        run = group[-size:]
        days = [seen.day for seen in run]
        pattern = steady_pattern(days)
        if pattern is not None and _close_amounts([seen.amount_cents for seen in run]):
            latest = run[-1]
            return Suggestion(latest.description, latest.category_id, latest.amount_cents, pattern, tuple(days))
    return None


def find_recurring(history: Iterable[Seen], today: date) -> list[Suggestion]:
    """Runs in `history` that look recurring and have not stopped by `today`, the most recent first."""
    groups: dict[tuple[str, int], list[Seen]] = defaultdict(list)
    for seen in history:
        groups[(seen.description.strip().casefold(), seen.category_id)].append(seen)
    found = []
    for group in groups.values():
        group.sort(key=lambda seen: seen.day)
        suggestion = _longest_run(group[-RUN_WINDOW:])
        if suggestion is not None and suggestion.next_day >= today - STALE_AFTER:
            found.append(suggestion)
    found.sort(key=lambda suggestion: (suggestion.last, suggestion.description), reverse=True)
    return found

"""Budget periods: monthly, starting on the user's chosen day of the month (1 to 28).

A period is identified by the month it starts in ("2026-11" is the period that starts on the
start day of November 2026) and is the half-open range [start, end).
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask import abort

from . import l10n
from .models import EARLIEST_DATE, LATEST_DATE

MIN_START_DAY, MAX_START_DAY = 1, 28
# Periods named in URLs: "1970-01" to "2099-12", the years a date may have (models.EARLIEST_DATE
# and LATEST_DATE). Anything else is a 404, so no page is asked about the year 9999.
FIRST_YEAR, LAST_YEAR = EARLIEST_DATE.year, LATEST_DATE.year


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # exclusive

    @property
    def key(self) -> str:
        return f"{self.start.year:04d}-{self.start.month:02d}"

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def label(self) -> str:
        """In the reader's locale: "November 2026", or "Nov 15 – Dec 14, 2026" for periods starting
        mid-month ("15 Nov – 14 Dec 2026" in en_GB)."""
        if self.start.day == 1:
            return l10n.format_month(self.start)
        return l10n.format_date_range(self.start, self.last_day)

    @property
    def short_label(self) -> str:
        """For chart axes: "Nov 2026", or the first day ("Nov 15, 2026") for periods starting mid-month."""
        if self.start.day == 1:
            return l10n.format_month(self.start, short=True)
        return l10n.format_day(self.start)

    def shift(self, periods: int) -> "Period":
        return period_starting(_add_months(self.start, periods), self.start.day)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    @property
    def index(self) -> int:
        """Months since year 0 of the month the period starts in: consecutive periods differ by 1."""
        return self.start.year * 12 + self.start.month - 1

    @property
    def has_previous(self) -> bool:
        """Whether the period before this one can be named in a URL."""
        return (self.start.year, self.start.month) > (FIRST_YEAR, 1)

    @property
    def has_next(self) -> bool:
        return (self.start.year, self.start.month) < (LAST_YEAR, 12)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, day.day)  # day <= 28 exists in every month


def period_starting(start: date, start_day: int) -> Period:
    first = start.replace(day=start_day)
    return Period(first, _add_months(first, 1))


def period_containing(day: date, start_day: int) -> Period:
    """The period that `day` falls in, for periods starting on `start_day`."""
    if not MIN_START_DAY <= start_day <= MAX_START_DAY:
        raise ValueError(f"start day must be 1 to 28, not {start_day}")
    month_start = day.replace(day=start_day) if day.day >= start_day else _add_months(day.replace(day=start_day), -1)
    return period_starting(month_start, start_day)


def period_from_index(index: int, start_day: int) -> Period:
    """The period starting in month `index` (see Period.index)."""
    return period_starting(date(index // 12, index % 12 + 1, start_day), start_day)


def period_from_key(key: str | None, start_day: int, today: date) -> Period:
    """The period named by a URL key like "2026-11"; today's period when there is no key. A key that
    is malformed or outside 1970-01..2099-12 is a 404 (abort), not a quiet fallback."""
    if not key:
        return period_containing(today, start_day)
    match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", key)
    if not match or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR or not 1 <= int(match[2]) <= 12:
        abort(404)
    return period_starting(date(int(match[1]), int(match[2]), start_day), start_day)

"""Budget periods: monthly, starting on the user's chosen day of the month (1 to 28).

A period is identified by the month it starts in ("2026-11" is the period that starts on the
start day of November 2026) and is the half-open range [start, end).
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from . import l10n

MIN_START_DAY, MAX_START_DAY = 1, 28


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


def period_from_key(key: str | None, start_day: int, today: date) -> Period:
    """The period named by a URL key like "2026-11"; today's period when the key is missing or bad."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", key or "")
    if match:
        year, month = int(match[1]), int(match[2])
        if 1970 <= year <= 2099 and 1 <= month <= 12:
            return period_starting(date(year, month, start_day), start_day)
    return period_containing(today, start_day)

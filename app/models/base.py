"""The schema's shared limits and the one way a timestamp is written."""

from datetime import date, datetime

from .. import clock

# Input limits: the forms, the CSV import and the restore check them before anything is written.
EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2099, 12, 31)
EMAIL_MAX = 254
DESCRIPTION_MAX = 200
CATEGORY_NAME_MAX = 40
# Budget history per account. A limit or budget change adds at most one row per category (or one
# overall) per budget period, so these hold 50 categories changed every month for over 16 years,
# and a century of monthly overall budgets. Saving budgets and restoring a backup refuse to go past
# them; the budgets page reads a category's whole history to work out rollover, so they bound its work.
MAX_CATEGORY_BUDGET_ROWS = 10_000
MAX_OVERALL_BUDGET_ROWS = 1_200
# Categories and saved CSV column mappings per account. Every page that lists categories stays
# bounded by the first; creating, importing and restoring refuse to go past either.
MAX_CATEGORIES = 200
MAX_IMPORT_MAPPINGS = 100
# A rate written out in full ("0.006154220", at most ten significant digits; see app/money.py).
RATE_TEXT_MAX = 40


def utcnow() -> datetime:
    """Naive UTC, stored the same way by SQLite and PostgreSQL."""
    return clock.utcnow().replace(tzinfo=None)

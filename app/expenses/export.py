"""CSV downloads of expenses: the same columns, encoding and formula safety for every export."""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date

from flask import Response, stream_with_context
from sqlalchemy import String, type_coerce

from .. import money
from ..models import Category, Expense

# amount and currency are the ledger's, which every total uses; the last three say what an expense in
# another currency was spent in and at what rate (ledger units per unit), empty for the others.
COLUMNS = ("date", "description", "category", "amount", "currency", "original_amount", "original_currency", "rate")

# What an export query selects per expense, in this order (services.export_rows, listing.filtered_export_rows).
Row = tuple[date | str, str, str, int, int | None, str | None, str | None]

# Formula triggers for spreadsheets; leading spaces do not disarm them.
_FORMULA_STARTS = frozenset("=+-@\t\r\0")

_ROWS_PER_CHUNK = 500


def day_text(column):
    """A date column as ISO text ("2026-12-01"): SQLite stores dates as exactly that text, so an
    export builds no date object per row; psycopg still returns a date, which str() writes the same."""
    return type_coerce(column, String)


def export_columns() -> tuple:
    """What an export row (Row) is read from, in its order; the category's name needs the join."""
    return (
        day_text(Expense.spent_on),
        Expense.description,
        Category.name,
        Expense.amount_cents,
        Expense.original_amount_minor,
        Expense.original_currency,
        Expense.rate,
    )


def csv_safe(cell: str) -> str:
    """Neutralise a cell a spreadsheet would run as a formula, by making it text with a quote."""
    first = cell[:1]
    if first in _FORMULA_STARTS or (first == " " and cell.lstrip(" ")[:1] in _FORMULA_STARTS):
        return "'" + cell
    return cell


def _csv_chunks(rows: Iterable[Row], code: str) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")  # BOM: spreadsheets then read the file as UTF-8
    writer.writerow(COLUMNS)
    # Per row only what differs between rows: 100,000 rows are written in a second or two.
    categories: dict[str, str] = {}
    for index, (spent_on, description, category, amount_cents, original_minor, original_code, rate) in enumerate(rows):
        if category not in categories:
            categories[category] = csv_safe(category)
        original = "" if original_minor is None else money.format_plain(original_minor, original_code)
        writer.writerow(
            (
                str(spent_on),
                csv_safe(description),
                categories[category],
                money.format_plain(amount_cents, code),
                code,
                original,
                original_code or "",
                rate or "",
            )
        )
        if index % _ROWS_PER_CHUNK == _ROWS_PER_CHUNK - 1:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(rows: Iterable[Row], code: str, filename: str) -> Response:
    """Stream Row rows (date or its ISO text, description, category, amount in minor units, and the
    original amount in its minor units, its currency and the rate, or None) as a CSV download.

    `rows` should be a generator that runs its query lazily: it is consumed while the response is
    sent, inside the request context (so the database session is still there).
    """
    return Response(
        stream_with_context(_csv_chunks(rows, code)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )

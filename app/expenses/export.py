"""CSV downloads of expenses: the same columns, encoding and formula safety for every export."""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date

from flask import Response, stream_with_context
from sqlalchemy import String, type_coerce

from .. import money

COLUMNS = ("date", "description", "category", "amount", "currency")

# Formula triggers for spreadsheets; leading spaces do not disarm them.
_FORMULA_STARTS = frozenset("=+-@\t\r\0")

_ROWS_PER_CHUNK = 500


def day_text(column):
    """A date column as ISO text ("2026-12-01"): SQLite stores dates as exactly that text, so an
    export builds no date object per row; psycopg still returns a date, which str() writes the same."""
    return type_coerce(column, String)


def csv_safe(cell: str) -> str:
    """Neutralise a cell a spreadsheet would run as a formula, by making it text with a quote."""
    first = cell[:1]
    if first in _FORMULA_STARTS or (first == " " and cell.lstrip(" ")[:1] in _FORMULA_STARTS):
        return "'" + cell
    return cell


def _csv_chunks(rows: Iterable[tuple[date | str, str, str, int]], code: str) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")  # BOM: spreadsheets then read the file as UTF-8
    writer.writerow(COLUMNS)
    # Per row only what differs between rows: 100,000 rows are written in a second or two.
    categories: dict[str, str] = {}
    for index, (spent_on, description, category, amount_cents) in enumerate(rows):
        if category not in categories:
            categories[category] = csv_safe(category)
        writer.writerow(
            (str(spent_on), csv_safe(description), categories[category], money.format_plain(amount_cents, code), code)
        )
        if index % _ROWS_PER_CHUNK == _ROWS_PER_CHUNK - 1:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(rows: Iterable[tuple[date | str, str, str, int]], code: str, filename: str) -> Response:
    """Stream (date or its ISO text, description, category, amount in minor units) rows as a CSV download.

    `rows` should be a generator that runs its query lazily: it is consumed while the response is
    sent, inside the request context (so the database session is still there).
    """
    return Response(
        stream_with_context(_csv_chunks(rows, code)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )

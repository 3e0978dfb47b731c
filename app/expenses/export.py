"""CSV downloads of expenses: the same columns, encoding and formula safety for every export."""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date

from flask import Response, stream_with_context

from .. import money

COLUMNS = ("date", "description", "category", "amount", "currency")

# Formula triggers for spreadsheets; leading spaces do not disarm them.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")

_ROWS_PER_CHUNK = 500


def csv_safe(cell: str) -> str:
    """Neutralise a cell a spreadsheet would run as a formula, by making it text with a quote."""
    if cell.lstrip(" ").startswith(_FORMULA_STARTS) or cell.startswith(_FORMULA_STARTS):
        return "'" + cell
    return cell


def _csv_chunks(rows: Iterable[tuple[date, str, str, int]], code: str) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")  # BOM: spreadsheets then read the file as UTF-8
    writer.writerow(COLUMNS)
    for index, (spent_on, description, category, amount_cents) in enumerate(rows):
        amount = money.format_plain(amount_cents, code)
        writer.writerow([spent_on.isoformat(), csv_safe(description), csv_safe(category), amount, code])
        if index % _ROWS_PER_CHUNK == _ROWS_PER_CHUNK - 1:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(rows: Iterable[tuple[date, str, str, int]], code: str, filename: str) -> Response:
    """Stream (date, description, category, amount in minor units) rows as a CSV download.

    `rows` should be a generator that runs its query lazily: it is consumed while the response is
    sent, inside the request context (so the database session is still there).
    """
    return Response(
        stream_with_context(_csv_chunks(rows, code)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )

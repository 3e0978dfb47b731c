"""Reading an uploaded CSV file: encoding, delimiter, header row and records with line numbers.

Nothing here knows about expenses; `csv_import` decides what each record means.
"""

import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import l10n
from ..validators import is_control

DELIMITERS = (",", ";", "\t", "|")
# As the columns page says it: "… separated by semicolons".
DELIMITER_NAMES = {",": _l("commas"), ";": _l("semicolons"), "\t": _l("tabs"), "|": _l("vertical bars")}
# Lines read to find the delimiter and the header row.
_SAMPLE_LINES = 60
MAX_COLUMNS = 60
MAX_HEADER_CELL = 100


class ImportFileError(ValueError):
    """A file that cannot be imported at all; the message is written for the user."""


@dataclass(frozen=True)
class Record:
    line: int  # the line of the file the record starts on, counting from 1
    cells: list[str]


@dataclass(frozen=True)
class CsvTable:
    delimiter: str
    header: list[str]
    header_line: int
    records: list[Record]  # the rows after the header; blank lines left out

    @property
    def signature(self) -> str:
        return header_signature(self.header)


def header_signature(header: list[str]) -> str:
    """What identifies a file layout: its header cells, trimmed and case-folded."""
    return hashlib.sha256("\x1f".join(cell.strip().casefold() for cell in header).encode()).hexdigest()


def decode(data: bytes) -> str:
    """The file's text: UTF-8 with or without a byte-order mark. Anything else is refused."""
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(
            _(
                "The file is saved as UTF-16. Save it as “CSV UTF-8” (in a spreadsheet: Save as → CSV UTF-8) and "
                "upload it again."
            )
        )
    if b"\x00" in data:
        raise ImportFileError(
            _("This is not a CSV file: it contains binary data. Export the statement as CSV and upload that file.")
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFileError(
            _(
                "The file is not UTF-8 text (line %(line)s cannot be read as UTF-8). If it is a CSV file, "
                "save it as “CSV UTF-8” and upload it again.",
                line=line,
            )
        ) from None


def _records(text: str, delimiter: str):
    """(first line, cells) of every record; blank lines come out as empty lists."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    for cells in reader:
        yield line, cells
        line = reader.line_num + 1


def _sample(text: str) -> str:
    end = 0
    for _line in range(_SAMPLE_LINES):
        found = text.find("\n", end)
        if found < 0:
            return text
        end = found + 1
    return text[:end]


def detect_delimiter(text: str) -> tuple[str, int]:
    """The delimiter that splits the first lines into the most rows of one width, and that width."""
    sample = _sample(text)
    best = None
    for delimiter in DELIMITERS:
        try:
            widths = Counter(len(cells) for _, cells in _records(sample, delimiter) if any(c.strip() for c in cells))
        except csv.Error:
            continue
        if not widths:
            continue
        width, rows = max(widths.items(), key=lambda item: (item[1], item[0]))
        if width >= 2 and (best is None or (rows, width) > best[0]):
            best = ((rows, width), delimiter, width)
    if best is None:
        raise ImportFileError(
            _("No columns found. The file needs a header row and columns separated by commas, semicolons or tabs.")
        )
    return best[1], best[2]


def header_name(cell: str) -> str:
    """A column name on one line of ordinary text: it is shown, saved with the mapping and written
    to backups, which refuse control characters (a quoted header may hold a line break)."""
    return " ".join("".join(" " if is_control(char) else char for char in cell).split())[:MAX_HEADER_CELL]


def read_table(text: str, max_rows: int) -> CsvTable:
    """Split the text into a header and records. The header is the first row as wide as most rows,
    so that lines a bank puts above it (account number, period) are passed over."""
    delimiter, width = detect_delimiter(text)
    if width > MAX_COLUMNS:
        raise ImportFileError(
            _(
                "The file has %(width)s columns; at most %(max_columns)s can be imported.",
                width=width,
                max_columns=MAX_COLUMNS,
            )
        )
    header, header_line, records, line = None, 0, [], 1
    try:
        for line, cells in _records(text, delimiter):  # noqa: B007 (line is reported on a CSV error)
            if header is None:
                if len(cells) == width:
                    header, header_line = [header_name(cell) for cell in cells], line
                continue
            if not any(cell.strip() for cell in cells):
                continue
            if len(records) == max_rows:
                raise ImportFileError(
                    _(
                        "The file has more than %(count)s rows, the most one import takes. Split it into smaller "
                        "files and import them one after another.",
                        count=l10n.format_count(max_rows),
                    )
                )
            records.append(Record(line, cells))
    except csv.Error as error:
        raise ImportFileError(
            _("The file could not be read as CSV near line %(line)s: %(error)s.", line=line, error=error)
        ) from None
    if not records:
        raise ImportFileError(_("The file has a header row but no rows below it."))
    header = [name or f"Column {index + 1}" for index, name in enumerate(header)]
    return CsvTable(delimiter, header, header_line, records)

"""The European Central Bank's euro reference rates, read from the CSV file people download
themselves (the server never calls out for rates).

Both of the ECB's layouts are read: the daily file (eurofxref.csv: "Date, USD, JPY, ..." then one
row "04 December 2026, 1.0514, 162.49, ...") and the historical one (eurofxref-hist.csv: ISO dates,
newest first, "N/A" where a currency had no rate that day), as CSV or as the ZIP the ECB serves.
A rate is units of the currency per 1 euro, so a rate between two other currencies goes through the
euro (`cross_rate`), rounded once as app/money.py says.
"""

import csv
import io
import re
import zipfile
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from . import l10n, money

# The historical file holds about 6,800 days since 1999 and weighs about 1.6 MB.
MAX_DAYS = 20_000
MAX_UNZIPPED_BYTES = 8 * 1024 * 1024

_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
_RATE_RE = re.compile(r"[0-9]{1,10}(?:\.[0-9]{1,10})?")


def is_rate(text: str) -> bool:
    """Whether `text` is a rate as the ECB writes it (and as it is stored): "1.0514", more than zero."""
    return bool(_RATE_RE.fullmatch(text)) and Decimal(text) != 0


class RatesFileError(ValueError):
    """A file that is not a readable ECB rates file; the message is written for the user."""


def read_upload(data: bytes) -> str:
    """The text of an uploaded rates file: the CSV itself, or the one CSV inside the ECB's ZIP."""
    if data[:4] == b"PK\x03\x04":
        data = _unzip_one_csv(data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RatesFileError(_("This is not the ECB's rates file: it is not text.")) from None


def _unzip_one_csv(data: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
            if len(members) != 1:
                raise RatesFileError(_("The ZIP file should hold exactly one CSV file, as the ECB's does."))
            if members[0].file_size > MAX_UNZIPPED_BYTES:
                raise RatesFileError(_("The CSV file inside the ZIP is too large for a rates file."))
            with archive.open(members[0]) as member:
                content = member.read(MAX_UNZIPPED_BYTES + 1)
    except zipfile.BadZipFile:
        raise RatesFileError(_("This ZIP file cannot be opened.")) from None
    if len(content) > MAX_UNZIPPED_BYTES:
        raise RatesFileError(_("The CSV file inside the ZIP is too large for a rates file."))
    return content


def parse_rates(text: str) -> dict[date, dict[str, Decimal]]:
    """Euro reference rates per day: {day: {"USD": Decimal("1.0514"), ...}}, units per 1 euro.

    Currencies that are no longer tender (CYP, ROL ...) are left out, as are "N/A" cells.
    Raises RatesFileError with the line number when a row cannot be read.
    """
    rows = csv.reader(io.StringIO(text))
    header = [cell.strip() for cell in next(rows, [])]
    if not header or header[0].lstrip("\ufeff") != "Date" or len(header) < 2:
        raise RatesFileError(_("This is not the ECB's rates file: its first column should be Date."))
    columns = [(index, code) for index, code in enumerate(header) if index and code in money.ALL_CURRENCIES]
    if not columns:
        raise RatesFileError(_("This rates file has no currency columns (USD, JPY, ...)."))
    days: dict[date, dict[str, Decimal]] = {}
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(days) >= MAX_DAYS:
            raise RatesFileError(_("A rates file can hold at most %(count)s days.", count=l10n.format_count(MAX_DAYS)))
        day = _parse_day(row[0].strip(), line)
        if day in days:
            raise RatesFileError(_("Line %(line)s: %(value)s is in the file twice.", line=line, value=day.isoformat()))
        rates = {}
        for index, code in columns:
            cell = row[index].strip() if index < len(row) else ""
            if cell in ("", "N/A"):
                continue
            if not is_rate(cell):
                raise RatesFileError(
                    _(
                        "Line %(line)s: the %(code)s rate “%(value)s” is not a number like 1.0514.",
                        line=line,
                        code=code,
                        value=cell[:20],
                    )
                )
            rates[code] = Decimal(cell)
        days[day] = rates
    if not days:
        raise RatesFileError(_("This rates file has no rows of rates."))
    return days


def _parse_day(text: str, line: int) -> date:
    """ "2026-12-04" (historical file) or "04 December 2026" (daily file)."""
    try:
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            return date.fromisoformat(text)
        match = re.fullmatch(r"([0-9]{1,2}) ([A-Za-z]+) ([0-9]{4})", text)
        if match and match[2].lower() in _MONTHS:
            return date(int(match[3]), _MONTHS[match[2].lower()], int(match[1]))
    except ValueError:
        pass
    raise RatesFileError(
        _("Line %(line)s: “%(value)s” is not a date like 2026-12-04 or 04 December 2026.", line=line, value=text[:30])
    )


def cross_rate(per_euro: Mapping[str, Decimal], from_code: str, to_code: str) -> Decimal | None:
    """Units of `to_code` per unit of `from_code` from one day's euro rates, rounded as stored
    (money.rate_quotient); None when the day has no rate for either."""
    from_rate = Decimal(1) if from_code == "EUR" else per_euro.get(from_code)
    to_rate = Decimal(1) if to_code == "EUR" else per_euro.get(to_code)
    if from_rate is None or to_rate is None:
        return None
    return money.rate_quotient(to_rate, from_rate)

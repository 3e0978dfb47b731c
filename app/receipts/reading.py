"""What a receipt says: its total, date and merchant, found in the text Tesseract read from it.

A pure function of the text (and the locale, for dates like 03/04/2026), so it is tested on a table
of receipt texts without running Tesseract. Every finding may be None: the expense form asks the
person for whatever the receipt did not give.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

# Months as English and German receipts write them, by their first three letters ("Mär" for März,
# "Mrz" too); the rest of the word may follow.
_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "mär": 3,
    "mrz": 3,
    "apr": 4,
    "may": 5,
    "mai": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "okt": 10,
    "nov": 11,
    "dec": 12,
    "dez": 12,
}

# An amount with two decimals: 12.34, 12,34, 1,234.56, 1.234,56, 1 234,56, 1'234.56. A minus
# before it (a discount, a refund line) is captured so such lines can be left out.
_AMOUNT = re.compile(r"(?<![\d.,])(-\s?)?(\d{1,3}(?:[.,' ]\d{3})+|\d+)\s?[.,]\s?(\d{2})(?![\d.,]*\d)")

# Words that mark the total, strongest first: a line with a stronger one wins over a weaker one
# ("Total 12.00 ... Amount due 10.80" after a voucher answers 10.80).
_TOTAL_WORDS = (
    re.compile(r"\b(amount\s+due|balance\s+due|total\s+due|grand\s+total|zu\s+zahlen|endsumme|gesamtbetrag)\b"),
    re.compile(r"\b(total|summe|gesamt|betrag)\b"),
)
# Lines that mention a total word but are not the total.
_NOT_TOTAL = re.compile(
    r"subtotal|sub-total|sub total|zwischensumme|netto|\bnet\b|\bitems?\b|artikel|anzahl|"
    r"saving|ersparnis|rabatt|discount|"
    r"(?<!incl\. )(?<!incl )(?<!inkl\. )(?<!inkl )\b(tax|vat|mwst|ust|steuer)\b"
)
# Lines whose amounts are money handed over or back, not spent: never the total.
_PAYMENT = re.compile(
    r"\b(cash|change|tendered|given|gegeben|bar|r[üu]ckgeld|zur[üu]ck|wechselgeld|visa|mastercard|"
    r"ec-?karte|girocard|card|karte|tip|trinkgeld)\b"
)

_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,4})([./-])(\d{1,2})\2(\d{2,4})(?!\d)")
_WORDED_DATE = re.compile(
    r"(?<![\w])(?:(\d{1,2})\.?\s+([a-zäöü]{3,9})\.?,?\s+(\d{4})|([a-zäöü]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4}))(?!\d)",
    re.IGNORECASE,
)

# Lines that are not the merchant's name even when they come first.
_NOT_MERCHANT = re.compile(
    r"\b(welcome|willkommen|receipt|kassenbon|kassenbeleg|beleg|quittung|rechnung|invoice|bon|"
    r"tel|telefon|phone|fax|www|http|street|road|avenue|ust-?id|st-?nr|vat|steuer-?nr|filiale|"
    r"thank|thanks|danke|vielen)\b|@|stra(ss|ß)e\b|str\.|gasse\b|allee\b|platz\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ReceiptReading:
    total: Decimal | None
    spent_on: date | None
    merchant: str | None

    @property
    def found_anything(self) -> bool:
        return self.total is not None or self.spent_on is not None or self.merchant is not None


def read_receipt(
    text: str, locale: str = "en_US", earliest: date | None = None, latest: date | None = None
) -> ReceiptReading:
    """The total, date and merchant of a receipt's text; dates that could be either day or month
    first (03/04/2026) are read as the locale writes them, and dates outside earliest..latest are
    ignored."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    return ReceiptReading(
        total=find_total(lines),
        spent_on=find_date(
            lines, month_first=locale.replace("-", "_") in _MONTH_FIRST, earliest=earliest, latest=latest
        ),
        merchant=find_merchant(lines),
    )


# Locales that write the month before the day (03/04/2026 is March 4th).
_MONTH_FIRST = {"en_US", "en_CA", "fr_CA", "es_US"}


def amounts_in(line: str) -> list[Decimal]:
    """The positive two-decimal amounts in a line, in order."""
    found = []
    for match in _AMOUNT.finditer(line):
        minus, whole, cents = match.groups()
        if minus:
            continue
        digits = re.sub(r"[.,' ]", "", whole)
        found.append(Decimal(f"{int(digits)}.{cents}"))
    return found


def find_total(lines: list[str]) -> Decimal | None:
    """The amount beside the strongest total word (or on the line after it), the last such line
    winning a tie; else the largest amount in the bottom half that is not money handed over."""
    for words in _TOTAL_WORDS:
        for index in range(len(lines) - 1, -1, -1):
            lowered = lines[index].casefold()
            if not words.search(lowered) or _NOT_TOTAL.search(lowered) or _PAYMENT.search(lowered):
                continue
            amounts = amounts_in(lines[index])
            if not amounts and index + 1 < len(lines) and not _letters(lines[index + 1]):
                amounts = amounts_in(lines[index + 1])
            if amounts:
                return amounts[-1]
    # A short text (a photo of the bottom of a long receipt) is all bottom.
    bottom = lines[len(lines) // 2 :] if len(lines) > 6 else lines
    candidates = [amount for line in bottom if not _PAYMENT.search(line.casefold()) for amount in amounts_in(line)]
    return max(candidates, default=None)


def _letters(line: str) -> int:
    return sum(character.isalpha() for character in line)


def find_date(
    lines: list[str], month_first: bool = False, earliest: date | None = None, latest: date | None = None
) -> date | None:
    """The first date on the receipt that exists and lies within earliest..latest."""
    for line in lines:
        for candidate in _dates_in(line, month_first):
            if (earliest is None or candidate >= earliest) and (latest is None or candidate <= latest):
                return candidate
    return None


def _dates_in(line: str, month_first: bool):
    for match in _NUMERIC_DATE.finditer(line):
        first, separator, middle, last = match.groups()
        if len(first) == 4:
            orders = [(int(first), int(middle), int(last))]  # 2026-03-04
        elif len(last) in (2, 4) and len(first) <= 2:
            year = _full_year(last)
            day_first = (year, int(middle), int(first))
            month_first_order = (year, int(first), int(middle))
            # A dot is German (day first) whatever the locale; otherwise the locale decides, and
            # the other order is tried when the first cannot be a date (25/12/2026 in en_US).
            if separator == "." or not month_first:
                orders = [day_first, month_first_order]
            else:
                orders = [month_first_order, day_first]
        else:
            continue
        for year, month, day in orders:
            found = _valid(year, month, day)
            if found:
                yield found
                break
    for match in _WORDED_DATE.finditer(line):
        day, month_name, year, month_name_2, day_2, year_2 = match.groups()
        if month_name is None:
            day, month_name, year = day_2, month_name_2, year_2
        month = _MONTHS.get(month_name[:3].casefold())
        if month is None:
            continue
        found = _valid(int(year), month, int(day))
        if found:
            yield found


def _full_year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_merchant(lines: list[str]) -> str | None:
    """The first strong line among the top ones: mostly letters, not an address, phone number,
    greeting or date, with any stray marks OCR read around it trimmed."""
    for line in lines[:8]:
        cleaned = re.sub(r"^[\W_]+|[^\w.!&')]+$|[|:;_~\"“”„‚«»]", "", line).strip()
        letters = _letters(cleaned)
        digits = sum(character.isdigit() for character in cleaned)
        if letters < 3 or letters < 0.6 * len(cleaned.replace(" ", "")) or digits > 2:
            continue
        if _NOT_MERCHANT.search(cleaned) or amounts_in(cleaned) or any(_dates_in(cleaned, False)):
            continue
        return re.sub(r"\s{2,}", " ", cleaned)[:80]
    return None

"""What a CSV file's columns mean: the wizard's choices, and the guesses that pre-fill them.

Guesses come from the header names first and the data second: which column holds dates, which date
format fits every value, whether the decimal mark is a point or a comma, and whether spending is
written as negative or positive amounts.
"""

import re
from dataclasses import asdict, dataclass, field, fields
from datetime import date

from .. import money
from .csv_file import CsvTable

# Where spending and income are.
NEGATIVE_IS_SPENDING = "negative"  # bank statements: money out is negative
POSITIVE_IS_SPENDING = "positive"  # expense apps and card statements: refunds are negative
SPENDING_SIGNS = (NEGATIVE_IS_SPENDING, POSITIVE_IS_SPENDING)
DECIMAL_MARKS = (".", ",")

# How an unknown category name in the file is handled: created, put in the default category, or
# put in an existing category (EXISTING + its name; the prefix keeps "new" a possible category name).
CREATE = "new"
USE_DEFAULT = "default"
EXISTING = "category:"

_TIME = r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?: ?[AaPp][Mm])?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}


@dataclass(frozen=True)
class DateFormat:
    key: str  # also what people see: "DD/MM/YYYY"
    example: str
    pattern: re.Pattern
    order: str  # the order of the groups: d(ay), m(onth number), b (month name), y(ear), two-digit Y

    def matches(self, text: str) -> bool:
        """Written in this format, whether or not the day exists (31.11.2026)."""
        return self.pattern.fullmatch(text.strip()) is not None

    def parse(self, text: str) -> date | None:
        match = self.pattern.fullmatch(text.strip())
        if match is None:
            return None
        parts = dict(zip(self.order, match.groups(), strict=True))
        if "b" in parts:
            month = _MONTHS.get(parts["b"][:3].casefold())
            if month is None or not re.fullmatch(r"[a-z]{3}|[a-z]{4,9}", parts["b"].casefold()):
                return None
        else:
            month = int(parts["m"])
        if "Y" in parts:
            year = int(parts["Y"])
            year += 2000 if year < 70 else 1900
        else:
            year = int(parts["y"])
        try:
            return date(year, month, int(parts["d"]))
        except ValueError:
            return None


def _format(key: str, example: str, pattern: str, order: str) -> DateFormat:
    return DateFormat(key, example, re.compile(pattern + _TIME), order)


DATE_FORMATS = {
    f.key: f
    for f in (
        _format("YYYY-MM-DD", "2025-12-31", r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", "ymd"),
        _format("DD/MM/YYYY", "31/12/2025", r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})", "dmy"),
        _format("MM/DD/YYYY", "12/31/2025", r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})", "mdy"),
        _format("DD.MM.YYYY", "31.12.2025", r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})", "dmy"),
        _format("DD-MM-YYYY", "31-12-2025", r"([0-9]{1,2})-([0-9]{1,2})-([0-9]{4})", "dmy"),
        _format("MM-DD-YYYY", "12-31-2025", r"([0-9]{1,2})-([0-9]{1,2})-([0-9]{4})", "mdy"),
        _format("YYYY/MM/DD", "2025/12/31", r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})", "ymd"),
        _format("YYYY.MM.DD", "2025.12.31", r"([0-9]{4})\.([0-9]{1,2})\.([0-9]{1,2})", "ymd"),
        _format("DD/MM/YY", "31/12/25", r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{2})", "dmY"),
        _format("MM/DD/YY", "12/31/25", r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{2})", "mdY"),
        _format("DD.MM.YY", "31.12.25", r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{2})", "dmY"),
        _format("DD Mon YYYY", "31 Dec 2025", r"([0-9]{1,2})[ -]([A-Za-z]{3,9})\.?[ -]([0-9]{4})", "dby"),
        _format("Mon DD, YYYY", "Dec 31, 2025", r"([A-Za-z]{3,9})\.? ([0-9]{1,2}),? ([0-9]{4})", "bdy"),
    )
}


@dataclass
class ImportSettings:
    """Every choice the wizard makes; stored as JSON on the draft, and per header in saved mappings.
    Columns are indexes into the header; categories are named, so they survive a backup and restore."""

    date_column: int | None = None
    description_column: int | None = None
    extra_columns: list[int] = field(default_factory=list)  # appended to the description
    category_column: int | None = None
    amount_column: int | None = None  # one signed amount ...
    debit_column: int | None = None  # ... or spending and income in two columns
    credit_column: int | None = None
    # Optional: each row's currency (rows in another than the ledger's are converted, see
    # app/conversion.py) and the rate it was converted at (ledger units per unit).
    currency_column: int | None = None
    rate_column: int | None = None
    date_format: str | None = None  # None: not chosen yet (ambiguous, or nothing fits)
    spending_sign: str = NEGATIVE_IS_SPENDING
    decimal_mark: str = "."
    default_category: str = ""  # an existing category's name; "" is a new category named DEFAULT_CATEGORY
    # Per unknown category name (its key): CREATE, USE_DEFAULT or EXISTING + a category's name.
    category_choices: dict[str, str] = field(default_factory=dict)
    import_duplicates: bool = False
    # Categories the person chose in the preview for single rows: {line number: category id}.
    row_categories: dict[str, int] = field(default_factory=dict)

    @property
    def split_amounts(self) -> bool:
        return self.amount_column is None and (self.debit_column is not None or self.credit_column is not None)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict | None, width: int) -> "ImportSettings":
        """Settings from stored JSON, dropping anything that does not fit a file `width` columns wide."""
        data = data if isinstance(data, dict) else {}
        settings = cls()
        known = {f.name for f in fields(cls)}
        for name, value in data.items():
            if name in known:
                setattr(settings, name, value)
        for name in (
            "date_column",
            "description_column",
            "category_column",
            "amount_column",
            "debit_column",
            "currency_column",
            "rate_column",
        ):
            if not _is_column(getattr(settings, name), width):
                setattr(settings, name, None)
        if not _is_column(settings.credit_column, width):
            settings.credit_column = None
        if not isinstance(settings.extra_columns, list):
            settings.extra_columns = []
        settings.extra_columns = [c for c in settings.extra_columns if _is_column(c, width)]
        # Stored JSON may hold anything (a restored backup too): only known strings are kept.
        if not isinstance(settings.date_format, str) or settings.date_format not in DATE_FORMATS:
            settings.date_format = None
        if not isinstance(settings.spending_sign, str) or settings.spending_sign not in SPENDING_SIGNS:
            settings.spending_sign = NEGATIVE_IS_SPENDING
        if not isinstance(settings.decimal_mark, str) or settings.decimal_mark not in DECIMAL_MARKS:
            settings.decimal_mark = "."
        if not isinstance(settings.default_category, str):
            settings.default_category = ""
        if not isinstance(settings.category_choices, dict):
            settings.category_choices = {}
        settings.category_choices = {
            str(k): v for k, v in settings.category_choices.items() if isinstance(v, str) and v.strip()
        }
        settings.import_duplicates = settings.import_duplicates is True
        if not isinstance(settings.row_categories, dict):
            settings.row_categories = {}
        settings.row_categories = {
            str(line): value
            for line, value in settings.row_categories.items()
            if isinstance(value, int) and not isinstance(value, bool)
        }
        return settings

    def for_saving(self) -> dict:
        """What is remembered for the next file of this layout (not the one-off duplicate choice)."""
        data = self.to_json()
        del data["import_duplicates"]
        del data["row_categories"]
        return data


def _is_column(value, width: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < width


def _words(name: str) -> str:
    return " " + re.sub(r"[^0-9a-z]+", " ", name.casefold()).strip() + " "


# Header words, best first, in the languages banks most often export in.
_HEADER_WORDS = {
    "date": (
        "transaction date",
        "booking date",
        "posting date",
        "date",
        "buchungstag",
        "buchungsdatum",
        "datum",
        "fecha",
        "data",
        "day",
    ),
    "description": (
        "description",
        "payee",
        "merchant",
        "narrative",
        "details",
        "particulars",
        "beschreibung",
        "verwendungszweck",
        "descripcion",
        "concepto",
        "text",
        "name",
        "memo",
    ),
    "category": ("category", "kategorie", "categoria", "categorie"),
    "currency": ("currency", "ccy", "wahrung", "währung", "devise", "moneda", "valuta"),
    "rate": ("exchange rate", "fx rate", "rate", "wechselkurs", "kurs", "taux", "tipo de cambio"),
    "amount": ("amount", "betrag", "importe", "montant", "value", "sum"),
    "debit": ("debit", "withdrawal", "withdrawals", "paid out", "money out", "soll", "out"),
    "credit": ("credit", "deposit", "deposits", "paid in", "money in", "haben", "in"),
}


def guess_columns(table: CsvTable) -> ImportSettings:
    """Columns guessed from the header names, then from the data for date and amount."""
    names = [_words(name) for name in table.header]
    taken: set[int] = set()

    def find(kind: str) -> int | None:
        for word in _HEADER_WORDS[kind]:
            for index, name in enumerate(names):
                if index not in taken and f" {word} " in name:
                    taken.add(index)
                    return index
        return None

    settings = ImportSettings()
    settings.date_column = find("date")
    settings.amount_column = find("amount")
    if settings.amount_column is None:
        settings.debit_column = find("debit")
        settings.credit_column = find("credit")
    settings.category_column = find("category")
    settings.currency_column = find("currency")
    settings.rate_column = find("rate")
    settings.description_column = find("description")

    sample = table.records[:50]
    if settings.date_column is None:
        settings.date_column = _best_column(table, sample, taken, _fits_any_date)
        taken.add(settings.date_column)
    if settings.amount_column is None and settings.debit_column is None:
        settings.amount_column = _best_column(table, sample, taken, _looks_like_amount)
        taken.add(settings.amount_column)
    if settings.description_column is None:
        settings.description_column = _longest_text_column(table, sample, taken)
    return settings


def _cell(record_cells: list[str], index: int | None) -> str:
    if index is None or index >= len(record_cells):
        return ""
    return record_cells[index].strip()


def _best_column(table, sample, taken, test) -> int | None:
    best, best_hits = None, 0
    for index in range(len(table.header)):
        if index in taken:
            continue
        values = [_cell(r.cells, index) for r in sample]
        values = [v for v in values if v]
        hits = sum(1 for v in values if test(v))
        if values and hits * 10 >= len(values) * 8 and hits > best_hits:
            best, best_hits = index, hits
    return best


def _longest_text_column(table, sample, taken) -> int | None:
    best, best_length = None, 0
    for index in range(len(table.header)):
        if index in taken:
            continue
        length = sum(len(_cell(r.cells, index)) for r in sample if not _looks_like_amount(_cell(r.cells, index)))
        if length > best_length:
            best, best_length = index, length
    return best


def _fits_any_date(value: str) -> bool:
    return any(f.parse(value) for f in DATE_FORMATS.values())


def _looks_like_amount(value: str) -> bool:
    return bool(re.fullmatch(r"[-+−(]?\s*[$€£¥₹]?\s*[0-9][0-9.,' ]*\)?-?", value)) and any(c in value for c in ".,")


def date_format_candidates(values: list[str]) -> list[DateFormat]:
    """The formats that read the most of `values` (usually all of them). More than one means the
    dates are ambiguous (03/04/2025: day first or month first?) and the user must choose."""
    values = [v for v in values if v.strip()]
    scores = {key: sum(1 for v in values if f.parse(v)) for key, f in DATE_FORMATS.items()}
    best = max(scores.values(), default=0)
    if best == 0:
        return []
    return [DATE_FORMATS[key] for key, score in scores.items() if score == best]


def guess_decimal_mark(values: list[str]) -> str:
    """ "," when the amounts read like 1.234,56 or 3,50; "." otherwise."""
    votes = {".": 0, ",": 0}
    for value in values:
        marks = [c for c in value if c in ".,"]
        if not marks:
            continue
        if len(set(marks)) == 2:
            votes[marks[-1]] += 1  # 1.234,56 or 1,234.56: the last mark is the decimal one
            continue
        match = re.search(r"[.,]([0-9]+)\)?-?$", value)
        if match and len(match.group(1)) != 3:
            votes[marks[-1]] += 1  # 3,50 or 3.5: three digits after the mark would be grouping
    return "," if votes[","] > votes["."] else "."


def guess_spending_sign(values: list[str], code: str, decimal_mark: str) -> str:
    """Most rows of a statement are spending: the more common sign is the spending sign."""
    negative = positive = 0
    for value in values:
        try:
            amount = money.parse_signed_amount(value, code, decimal_mark)
        except money.AmountError:
            continue
        if amount < 0:
            negative += 1
        elif amount > 0:
            positive += 1
    return NEGATIVE_IS_SPENDING if negative > positive else POSITIVE_IS_SPENDING


def column_values(table: CsvTable, index: int | None) -> list[str]:
    if index is None:
        return []
    return [value for value in (_cell(r.cells, index) for r in table.records) if value]


def guess_settings(table: CsvTable, code: str) -> ImportSettings:
    """Every choice guessed from the file: columns, then the formats of what is in them."""
    settings = guess_columns(table)
    guess_date_format(settings, table)
    guess_amount_format(settings, table, code)
    return settings


def guess_date_format(settings: ImportSettings, table: CsvTable) -> None:
    """The one date format that reads the date column; None when several do (the user chooses)."""
    candidates = date_format_candidates(column_values(table, settings.date_column))
    settings.date_format = candidates[0].key if len(candidates) == 1 else None


def guess_amount_format(settings: ImportSettings, table: CsvTable, code: str) -> None:
    """Decimal mark and spending sign, from the data in the amount (or debit and credit) columns."""
    amounts = []
    for index in (settings.amount_column, settings.debit_column, settings.credit_column):
        amounts += column_values(table, index)
    settings.decimal_mark = guess_decimal_mark(amounts)
    if settings.amount_column is not None:
        settings.spending_sign = guess_spending_sign(amounts, code, settings.decimal_mark)

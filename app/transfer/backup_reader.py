"""Reading a backup: the file parsed and every part of it checked, naming where a problem is
(expenses[3].amount), before restore.py writes anything. A file that is damaged or from a newer
version is refused with a message for the person."""

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _

from .. import clock, conversion, ecb_rates, l10n, money
from ..models import (
    CATEGORY_NAME_MAX,
    DESCRIPTION_MAX,
    EARLIEST_DATE,
    EMAIL_MAX,
    LATEST_DATE,
    LEDGER_NAME_MAX,
    MAX_CATEGORIES,
    MAX_CATEGORY_BUDGET_ROWS,
    MAX_IMPORT_MAPPINGS,
    MAX_OVERALL_BUDGET_ROWS,
    Ledger,
    User,
)
from ..periods import MAX_START_DAY, MIN_START_DAY
from ..validators import is_unicode_text
from .analysis import text_problem
from .backup import FORMAT, VERSION
from .csv_file import MAX_COLUMNS, MAX_HEADER_CELL, header_signature
from .csv_import import FILE_NAME_MAX
from .filing_rules_backup import read_filing_rules
from .layout import ImportSettings
from .recurring_backup import read_rules

# A backup is larger than a CSV of the same expenses; its upload may be this large (about
# 100,000 expenses). Everything else keeps MAX_CONTENT_LENGTH.
BACKUP_MAX_BYTES = 20 * 1024 * 1024
SITE_MAX = 2000  # the address of the site a backup was made on, as the browser reached it
_COLOUR_CHARS = set("0123456789abcdefABCDEF")


class BackupError(ValueError):
    """A file that cannot be restored; the message is written for the user. Nothing was changed."""


@dataclass
class Backup:
    """A checked backup, ready to be written."""

    currency: str
    monthly_budget_cents: int
    period_start_day: int
    source: "Source"
    time_zone: str = clock.DEFAULT_TIME_ZONE
    categories: list[dict] = field(default_factory=list)
    overall_budgets: list[dict] = field(default_factory=list)
    category_budgets: list[dict] = field(default_factory=list)  # "category" is a name key
    expenses: list[dict] = field(default_factory=list)  # "category" is a name key, "import_batch" a number
    import_batches: list[dict] = field(default_factory=list)
    import_mappings: list[dict] = field(default_factory=list)
    recurring_rules: list[dict] = field(default_factory=list)  # "category" is a name key
    filing_rules: list[dict] = field(default_factory=list)  # "category" is a name key or None
    exchange_rates: list[dict] = field(default_factory=list)  # LedgerRate rows, without the ledger


@dataclass(frozen=True)
class Source:
    """Where a backup came from, as it says: the account, its ledger and the site (backups from
    before ledgers name no ledger, and those from before this name no site)."""

    email: str
    ledger: str | None
    site: str | None
    exported_at: datetime | None

    def is_elsewhere(self, user: User, ledger: Ledger, site: str) -> bool:
        """Whether restoring it into `ledger` moves data from another account, ledger or site: then
        the person confirms where it came from first."""
        return (
            self.email != user.email
            or (self.site is not None and self.site != site)
            or (ledger.personal_user_id != user.id if self.ledger is None else self.ledger != ledger.name)
        )


class _Reader:
    """Checks one part of the file, naming where a problem is (expenses[3].amount)."""

    def __init__(self, code: str = "USD"):
        self.code = code

    @staticmethod
    def fail(where: str, problem: str):
        raise BackupError(
            _(
                "The backup is damaged or was edited: %(where)s %(problem)s. Nothing was changed.",
                where=where,
                problem=problem,
            )
        )

    def obj(self, value, where: str, keys: tuple[str, ...]) -> dict:
        if not isinstance(value, dict):
            self.fail(where, "is not an object")
        missing = [key for key in keys if key not in value]
        if missing:
            self.fail(where, f"has no “{missing[0]}”")
        return value

    def items(self, value, where: str) -> list:
        if not isinstance(value, list):
            self.fail(where, "is not a list")
        return value

    def text(self, value, where: str, max_length: int, allow_empty: bool = False) -> str:
        if not isinstance(value, str) or (not value.strip() and not allow_empty):
            self.fail(where, "is not a text")
        if len(value) > max_length:
            self.fail(where, f"is longer than {max_length} characters")
        if problem := text_problem(value):
            self.fail(where, problem)
        return value

    def integer(self, value, where: str, low: int, high: int) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.fail(where, f"is not a whole number from {low} to {high}")
        return value

    def day(self, value, where: str, earliest: date = EARLIEST_DATE) -> date:
        try:
            parsed = date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(where, "is not a date like 2025-12-31")
        if not earliest <= parsed <= LATEST_DATE:
            self.fail(where, f"is not between {earliest.year} and {LATEST_DATE.year}")
        return parsed

    def moment(self, value, where: str) -> datetime:
        try:
            parsed = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(where, "is not a time like 2025-12-31T10:30:00")
        if parsed.tzinfo is not None:
            self.fail(where, "has a time zone (times are stored in UTC without one)")
        return parsed

    def cents(self, value, where: str, allow_zero: bool) -> int:
        if not isinstance(value, str):
            self.fail(where, 'is not an amount written as text, like "12.50"')
        try:
            return money.to_minor(money.parse_amount(value, self.code, allow_zero=allow_zero), self.code)
        except money.AmountError as error:
            self.fail(where, f"“{value[:40]}”: {error}")


def parse_backup(data: bytes) -> Backup:
    """Read and check a whole backup file; raises BackupError with the reason."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise BackupError(_("This file is not a backup: it is not UTF-8 text. Nothing was changed.")) from None
    except json.JSONDecodeError as error:
        raise BackupError(
            _(
                "This file is not a backup, or it is damaged: it is not valid JSON (line %(lineno)s, "
                "column %(colno)s). Nothing was changed.",
                lineno=error.lineno,
                colno=error.colno,
            )
        ) from None
    except (ValueError, RecursionError):
        # Numbers with thousands of digits, or lists nested thousands deep: not something this app wrote.
        raise BackupError(
            _("This file is not a backup, or it is damaged: it is not valid JSON. Nothing was changed.")
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(_("This file is not an Expense Tracker backup. Nothing was changed."))
    if (where := _first_broken_text(document)) is not None:
        _Reader.fail(where, "holds text that is not valid Unicode (a lone surrogate such as \\ud800)")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BackupError(_("This backup has no valid format version. Nothing was changed."))
    if version > VERSION:
        raise BackupError(
            _(
                "This backup was made by a newer version of Expense Tracker (format version %(version)s); "
                "this one reads version %(readable)s. Update the app, then restore it. Nothing was changed.",
                version=version,
                readable=VERSION,
            )
        )
    reader = _Reader()
    account_keys = ("email", "currency", "monthly_budget", "period_start_day")
    account = reader.obj(document.get("account"), "account", account_keys)
    source = Source(
        email=reader.text(account["email"], "account.email", EMAIL_MAX).strip().lower(),
        ledger=reader.text(account["ledger"], "account.ledger", LEDGER_NAME_MAX) if "ledger" in account else None,
        site=reader.text(document["site"], "site", SITE_MAX) if "site" in document else None,
        exported_at=reader.moment(document["exported_at"], "exported_at") if "exported_at" in document else None,
    )
    if account["currency"] not in money.ALL_CURRENCIES:
        reader.fail("account.currency", "is not a currency this app knows")
    reader.code = account["currency"]
    backup = Backup(
        source=source,
        currency=account["currency"],
        monthly_budget_cents=reader.cents(account["monthly_budget"], "account.monthly_budget", allow_zero=True),
        period_start_day=reader.integer(
            account["period_start_day"], "account.period_start_day", MIN_START_DAY, MAX_START_DAY
        ),
    )
    # Backups from before time zones have none: their days were counted in UTC, and still are.
    if "time_zone" in account:
        if not clock.is_time_zone(account["time_zone"]):
            reader.fail("account.time_zone", "is not a time zone this app knows (an IANA name like Asia/Kolkata)")
        backup.time_zone = account["time_zone"]
    for key in ("categories", "expenses", "import_batches"):
        if key not in document:
            reader.fail("the file", f"has no “{key}”")
    categories = _read_categories(reader, document["categories"], backup)
    batches = _read_batches(reader, document["import_batches"], backup)
    _read_budgets(reader, document.get("budgets", {}), categories, backup)
    backup.recurring_rules = read_rules(reader, document.get("recurring_rules", []), categories, _category_key)
    backup.filing_rules = read_filing_rules(reader, document.get("filing_rules", []), categories, _category_key)
    _read_expenses(reader, document["expenses"], categories, batches, backup)
    _read_mappings(reader, document.get("import_mappings", []), backup)
    _read_rates(reader, document.get("exchange_rates", []), backup)
    return backup


def _first_broken_text(document) -> str | None:
    """Where the first string (a key or a value, anywhere in the file) that is not Unicode text is.

    JSON's \\u escapes can spell half of a surrogate pair, which json.loads accepts; nothing like it
    may be stored, since it could never be written out again. Walked with a stack, not recursion:
    json.loads accepts nesting deeper than Python's recursion limit allows to walk."""
    stack = [(document, "the file")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            if not is_unicode_text(value):
                return where
        elif isinstance(value, dict):
            for key, item in value.items():
                if not is_unicode_text(key):
                    return f"{where} (a key)"
                stack.append((item, key if where == "the file" else f"{where}.{key}"))
        elif isinstance(value, list):
            stack.extend((item, f"{where}[{index}]") for index, item in enumerate(value))
    return None


def _refuse_past_limit(count: int, limit: int, what: str) -> None:
    if count > limit:
        raise BackupError(
            _(
                "This backup holds %(count)s %(what)s; an account keeps at most %(limit)s. Nothing was changed.",
                count=l10n.format_count(count),
                what=what,
                limit=l10n.format_count(limit),
            )
        )


def _read_categories(reader: _Reader, items, backup: Backup) -> set[str]:
    keys = set()
    items = reader.items(items, "categories")
    _refuse_past_limit(len(items), MAX_CATEGORIES, _("categories"))
    for index, item in enumerate(items):
        where = f"categories[{index}]"
        item = reader.obj(item, where, ("name", "color"))
        name = reader.text(item["name"], f"{where}.name", CATEGORY_NAME_MAX)
        if name != name.strip() or len(name.casefold()) > CATEGORY_NAME_MAX:
            reader.fail(f"{where}.name", "is not a valid category name")
        colour = item["color"]
        if not (isinstance(colour, str) and len(colour) == 7 and colour[0] == "#" and set(colour[1:]) <= _COLOUR_CHARS):
            reader.fail(f"{where}.color", "is not a colour like #1565c0")
        if name.casefold() in keys:
            reader.fail(where, f"repeats the category name “{name}”")
        keys.add(name.casefold())
        backup.categories.append({"name": name, "name_key": name.casefold(), "color": colour})
    return keys


def _category_key(reader: _Reader, value, where: str, categories: set[str]) -> str:
    if not isinstance(value, str) or value.casefold() not in categories:
        reader.fail(where, "names a category that is not in the backup")
    return value.casefold()


def _read_batches(reader: _Reader, items, backup: Backup) -> set[int]:
    numbers = set()
    for index, item in enumerate(reader.items(items, "import_batches")):
        where = f"import_batches[{index}]"
        item = reader.obj(
            item,
            where,
            ("number", "file_name", "created_at", "row_count", "duplicate_count", "income_count", "invalid_count"),
        )
        number = reader.integer(item["number"], f"{where}.number", 1, 10**9)
        if number in numbers:
            reader.fail(f"{where}.number", "is used twice")
        numbers.add(number)
        counts = {
            name: reader.integer(item[name], f"{where}.{name}", 0, 10**9)
            for name in ("row_count", "duplicate_count", "income_count", "invalid_count")
        }
        backup.import_batches.append(
            {
                "number": number,
                "file_name": reader.text(item["file_name"], f"{where}.file_name", FILE_NAME_MAX),
                "created_at": reader.moment(item["created_at"], f"{where}.created_at"),
                **counts,
            }
        )
    return numbers


def _read_budgets(reader: _Reader, budgets, categories: set[str], backup: Backup) -> None:
    budgets = reader.obj(budgets, "budgets", ())
    overall = reader.items(budgets.get("overall_budgets", []), "budgets.overall_budgets")
    by_category = reader.items(budgets.get("category_budgets", []), "budgets.category_budgets")
    # Counted before any row is read: past these the budgets page would have to do more work than
    # any account needs (see models.MAX_CATEGORY_BUDGET_ROWS).
    _refuse_past_limit(len(overall), MAX_OVERALL_BUDGET_ROWS, _("overall budget changes"))
    _refuse_past_limit(len(by_category), MAX_CATEGORY_BUDGET_ROWS, _("category limit changes"))
    seen = set()
    for index, item in enumerate(overall):
        where = f"budgets.overall_budgets[{index}]"
        item = reader.obj(item, where, ("effective_from", "amount"))
        effective_from = reader.day(item["effective_from"], f"{where}.effective_from")
        if effective_from in seen:
            reader.fail(where, "repeats a date")
        seen.add(effective_from)
        amount = reader.cents(item["amount"], f"{where}.amount", allow_zero=True)
        backup.overall_budgets.append({"effective_from": effective_from, "amount_cents": amount})
    seen = set()
    for index, item in enumerate(by_category):
        where = f"budgets.category_budgets[{index}]"
        item = reader.obj(item, where, ("category", "effective_from", "limit", "rollover"))
        key = _category_key(reader, item["category"], f"{where}.category", categories)
        effective_from = reader.day(item["effective_from"], f"{where}.effective_from")
        if (key, effective_from) in seen:
            reader.fail(where, "repeats a category and date")
        seen.add((key, effective_from))
        limit = None if item["limit"] is None else reader.cents(item["limit"], f"{where}.limit", allow_zero=True)
        if not isinstance(item["rollover"], bool):
            reader.fail(f"{where}.rollover", "is not true or false")
        backup.category_budgets.append(
            {"category": key, "effective_from": effective_from, "limit_cents": limit, "rollover": item["rollover"]}
        )


def _read_expenses(reader: _Reader, items, categories: set[str], batches: set[int], backup: Backup) -> None:
    keys = ("date", "description", "category", "amount", "created_at", "updated_at", "import_batch")
    for index, item in enumerate(reader.items(items, "expenses")):
        where = f"expenses[{index}]"
        item = reader.obj(item, where, keys)
        batch = item["import_batch"]
        if batch is not None:
            batch = reader.integer(batch, f"{where}.import_batch", 1, 10**9)
        if batch is not None and batch not in batches:
            reader.fail(f"{where}.import_batch", "is not one of the import batches in the backup")
        rule = item.get("recurring_rule")
        if rule is not None:
            rule = reader.integer(rule, f"{where}.recurring_rule", 1, len(backup.recurring_rules) or 1)
            if rule > len(backup.recurring_rules):
                reader.fail(f"{where}.recurring_rule", "is not one of the recurring rules in the backup")
        backup.expenses.append(
            {
                "spent_on": reader.day(item["date"], f"{where}.date"),
                "description": reader.text(item["description"], f"{where}.description", DESCRIPTION_MAX),
                "category": _category_key(reader, item["category"], f"{where}.category", categories),
                "amount_cents": reader.cents(item["amount"], f"{where}.amount", allow_zero=False),
                "created_at": reader.moment(item["created_at"], f"{where}.created_at"),
                "updated_at": reader.moment(item["updated_at"], f"{where}.updated_at"),
                "import_batch": batch,
                "recurring_rule": rule,
                **_read_original(reader, item.get("original"), f"{where}.original"),
            }
        )


def _read_original(reader: _Reader, item, where: str) -> dict:
    """An expense in another currency (backups from before have none): its amount in that currency's
    minor units, the code and the rate, exactly as stored."""
    if item is None:
        return conversion.same_currency_columns()
    item = reader.obj(item, where, ("amount", "currency", "rate"))
    code = item["currency"]
    if code not in money.ALL_CURRENCIES or code == reader.code:
        reader.fail(f"{where}.currency", "is not a currency this app knows, other than the ledger's")
    original = _Reader(code).cents(item["amount"], f"{where}.amount", allow_zero=False)
    text = item["rate"]
    try:
        rate = money.parse_rate(text) if isinstance(text, str) and "," not in text else None
    except money.AmountError:
        rate = None
    if rate is None or conversion.rate_text(rate) != text:
        reader.fail(f"{where}.rate", "is not a rate written out in full, like 89.81")
    return {"original_amount_minor": original, "original_currency": code, "rate": text}


def _read_rates(reader: _Reader, items, backup: Backup) -> None:
    items = reader.items(items, "exchange_rates")
    _refuse_past_limit(len(items), ecb_rates.MAX_DAYS, _("days of exchange rates"))
    seen = set()
    for index, item in enumerate(items):
        where = f"exchange_rates[{index}]"
        item = reader.obj(item, where, ("day", "per_euro"))
        day = reader.day(item["day"], f"{where}.day")
        if day in seen:
            reader.fail(f"{where}.day", "repeats a date")
        seen.add(day)
        rates = reader.obj(item["per_euro"], f"{where}.per_euro", ())
        for code, text in rates.items():
            if code not in money.ALL_CURRENCIES or not isinstance(text, str) or not ecb_rates.is_rate(text):
                reader.fail(f"{where}.per_euro", f"has “{str(code)[:3]}” that is not a rate of a known currency")
            backup.exchange_rates.append({"day": day, "currency": code, "per_euro": text})


def _read_mappings(reader: _Reader, items, backup: Backup) -> None:
    signatures = set()
    items = reader.items(items, "import_mappings")
    _refuse_past_limit(len(items), MAX_IMPORT_MAPPINGS, _("saved CSV column mappings"))
    for index, item in enumerate(items):
        where = f"import_mappings[{index}]"
        item = reader.obj(item, where, ("header", "settings", "updated_at"))
        header = reader.items(item["header"], f"{where}.header")
        if not header or len(header) > MAX_COLUMNS:
            reader.fail(f"{where}.header", f"does not have 1 to {MAX_COLUMNS} column names")
        for column, cell in enumerate(header):
            reader.text(cell, f"{where}.header[{column}]", MAX_HEADER_CELL)
        signature = header_signature(header)
        if signature in signatures:
            reader.fail(where, "repeats a file layout")
        signatures.add(signature)
        if not isinstance(item["settings"], dict):
            reader.fail(f"{where}.settings", "is not an object")
        settings = ImportSettings.from_json(item["settings"], len(header))
        backup.import_mappings.append(
            {
                "header_signature": signature,
                "header": header,
                "settings": settings.for_saving(),
                "updated_at": reader.moment(item["updated_at"], f"{where}.updated_at"),
            }
        )

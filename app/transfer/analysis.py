"""What importing a file with given settings would do, row by row: new expense, duplicate, income
(skipped) or invalid (with its line number and the reason). The preview shows this plan and the
import carries out the same plan, computed again from the stored file, never from the page.
"""

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from .. import conversion, money
from ..category_guess import FROM_FILE, FROM_PERSON, NO_GUESS, Guesser
from ..clock import user_today
from ..extensions import db
from ..models import (
    CATEGORY_NAME_MAX,
    DESCRIPTION_MAX,
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_CATEGORIES,
    Category,
    Expense,
    Ledger,
)
from ..validators import is_control
from .csv_file import CsvTable
from .layout import CREATE, DATE_FORMATS, EXISTING, NEGATIVE_IS_SPENDING, USE_DEFAULT, ImportSettings

NEW, DUPLICATE, INCOME, INVALID = "new", "duplicate", "income", "invalid"
# The category that takes rows without one, unless the ledger picks an existing category.
DEFAULT_CATEGORY = "Imported"
# Extra columns mapped to the description are joined to it with this.
DESCRIPTION_JOINER = " · "
RAW_MAX = 160
# The preview offers a choice (create it, or put its rows elsewhere) for this many of the file's
# category names that the ledger does not have, the first ones in the file; rows naming any other
# get the default choice. Each choice lists every category, so this bounds the page's size.
UNKNOWN_CATEGORIES_SHOWN = 50
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_TOTAL_WORDS = ("total", "sum", "balance", "closing", "opening", "summe", "saldo")
# Bidirectional overrides and isolates, refused like app.validators.PlainText does.


@dataclass(frozen=True)
class CategoryTarget:
    """Where a row goes: an existing category (id), or one the import creates (name)."""

    category_id: int | None = None
    new_name: str | None = None

    @property
    def key(self) -> str:
        return self.new_name.casefold() if self.new_name is not None else f"#{self.category_id}"


@dataclass(frozen=True)
class Row:
    line: int
    status: str
    reason: str = ""
    spent_on: date | None = None
    description: str = ""
    category: str = ""  # the category's name, for people
    amount_cents: int | None = None  # spending (and income) as a positive amount
    target: CategoryTarget | None = None
    duplicate_key: tuple | None = None
    raw: str = ""  # an invalid row's cells, for people to find it in the file
    # Why the row has its category ("rule 3: contains “TESCO”", "no guess"), and from where
    # (app.category_guess: file, rule, history, person, none).
    guess_reason: str = ""
    guess_source: str = ""
    # The description as the file has it, before a rule rewrote it; and the duplicate key with it.
    file_description: str = ""
    file_duplicate_key: tuple | None = None
    # In another currency: the amount in its minor units, its code and the rate (app/conversion.py).
    original: dict = field(default_factory=conversion.same_currency_columns)
    needs_rate: bool = False  # invalid only because no rate is known for its currency and day


@dataclass
class UnknownCategory:
    key: str
    name: str  # as first written in the file
    rows: int
    choice: str  # CREATE, USE_DEFAULT or EXISTING + an existing category's name
    problem: str = ""  # why it cannot be created, when it cannot


@dataclass
class ImportPlan:
    rows: list[Row] = field(default_factory=list)
    unknown_categories: list[UnknownCategory] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what must be chosen before anything can be imported
    import_duplicates: bool = False

    def with_status(self, status: str) -> list[Row]:
        return [row for row in self.rows if row.status == status]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((NEW, DUPLICATE, INCOME, INVALID), 0)
        for row in self.rows:
            counts[row.status] += 1
        return counts

    @property
    def importable(self) -> list[Row]:
        wanted = (NEW, DUPLICATE) if self.import_duplicates else (NEW,)
        return [row for row in self.rows if row.status in wanted]

    @property
    def needing_rate(self) -> int:
        return sum(1 for row in self.rows if row.needs_rate)

    @property
    def new_categories(self) -> list[str]:
        names = {}
        for row in self.importable:
            if row.target.new_name is not None:
                names.setdefault(row.target.key, row.target.new_name)
        return list(names.values())


def clean_cell(text: str) -> str:
    """A cell as text: whitespace (line breaks and tabs too) collapsed, and the quote that spreadsheet
    exports (ours too) put before formula-looking text to disarm it removed again."""
    text = " ".join(text.split())
    if text.startswith("'") and text[1:].lstrip(" ").startswith(_FORMULA_STARTS):
        text = text[1:]
    return text


def text_problem(text: str) -> str:
    return "contains control characters" if any(map(is_control, text)) else ""


def category_name_problem(name: str) -> str:
    if len(name) > CATEGORY_NAME_MAX or len(name.casefold()) > CATEGORY_NAME_MAX:
        return f"is longer than {CATEGORY_NAME_MAX} characters"
    return text_problem(name)


def settings_problems(settings: ImportSettings) -> list[str]:
    problems = []
    if settings.date_column is None:
        problems.append("Choose the column that holds the dates.")
    if settings.description_column is None:
        problems.append("Choose the column that holds the descriptions.")
    if settings.amount_column is None and settings.debit_column is None:
        problems.append("Choose the column with the amounts (or the debit column).")
    if settings.date_format is None:
        problems.append("Choose the date format the file uses.")
    return problems


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def _looks_like_total(cells: list[str]) -> bool:
    return any(clean_cell(cell).casefold().startswith(_TOTAL_WORDS) for cell in cells)


class _Categories:
    """Resolves the file's category names against the ledger's categories and the wizard's choices."""

    def __init__(self, ledger: Ledger, settings: ImportSettings):
        self.by_key = {
            c.name_key: c for c in db.session.scalars(select(Category).where(Category.ledger_id == ledger.id))
        }
        self.by_id = {c.id: c for c in self.by_key.values()}
        self.choices = settings.category_choices
        self.chosen_per_row = settings.row_categories
        self.ledger = ledger
        self._guesser: Guesser | None = None
        self.default = self.named(settings.default_category) or self.named(DEFAULT_CATEGORY, create=True)
        self.unknown: dict[str, UnknownCategory] = {}  # in the order the file names them
        # How many categories an import may still create.
        self.room = max(0, MAX_CATEGORIES - len(self.by_key))

    def shown_unknown(self) -> list[UnknownCategory]:
        """The unknown names the preview offers a choice for, by name."""
        return sorted(list(self.unknown.values())[:UNKNOWN_CATEGORIES_SHOWN], key=lambda u: u.key)

    def named(self, name: str, create: bool = False) -> tuple[CategoryTarget, str] | None:
        category = self.by_key.get(name.casefold()) if name else None
        if category is not None:
            return CategoryTarget(category_id=category.id), category.name
        return (CategoryTarget(new_name=name), name) if create else None

    @property
    def guesser(self) -> Guesser:
        # Read on the first row that needs it: rules and history only when there are rows.
        if self._guesser is None:
            self._guesser = Guesser(self.ledger, list(self.by_id.values()))
        return self._guesser

    def choose(self, line: int, source: str, description: str, amount_cents: int):
        """(target, category name, description, reason, source) for a row: the person's choice for
        this line, else the file's category if the ledger has it, else the first matching rule, else
        the file's category as chosen for names the ledger lacks, else the history's suggestion,
        else the default. A rule's rewritten description applies whatever decides the category."""
        ruled = self.guesser.by_rule(description, amount_cents, source or None)
        description = ruled.description
        chosen = self.by_id.get(self.chosen_per_row.get(str(line)))
        if chosen is not None:
            if ruled.category_id == chosen.id:  # a rule says the same by now ("Always file ..." was taken)
                return CategoryTarget(category_id=chosen.id), chosen.name, description, ruled.reason, ruled.source
            return CategoryTarget(category_id=chosen.id), chosen.name, description, _("chosen by you"), FROM_PERSON
        from_file = _("from the file's category column")
        if source and (found := self.named(source)) is not None:
            return *found, description, from_file, FROM_FILE
        if ruled.category_id is not None:
            category = self.by_id[ruled.category_id]
            return CategoryTarget(category_id=category.id), category.name, description, ruled.reason, ruled.source
        if source:
            return *self.resolve(source), description, from_file, FROM_FILE
        learned = self.guesser.by_history(description, amount_cents)
        if learned.category_id is not None:
            category = self.by_id[learned.category_id]
            return CategoryTarget(category_id=category.id), category.name, description, learned.reason, learned.source
        return *self.default, description, _("no guess"), NO_GUESS

    def resolve(self, name: str) -> tuple[CategoryTarget, str]:
        if not name:
            return self.default
        key = name.casefold()
        found = self.named(name)
        if found is not None:
            return found
        unknown = self.unknown.get(key)
        if unknown is None:
            problem = category_name_problem(name)
            choice = self.choices.get(key, CREATE)
            valid = choice in (CREATE, USE_DEFAULT) or (
                choice.startswith(EXISTING) and self.named(choice.removeprefix(EXISTING)) is not None
            )
            if not valid or (choice == CREATE and problem):
                choice = USE_DEFAULT if problem else CREATE
            unknown = self.unknown[key] = UnknownCategory(key, name, 0, choice, problem)
        unknown.rows += 1
        if unknown.choice == CREATE:
            return CategoryTarget(new_name=unknown.name), unknown.name
        if unknown.choice == USE_DEFAULT:
            return self.default
        return self.named(unknown.choice.removeprefix(EXISTING))


def unknown_categories(ledger: Ledger, table: CsvTable, settings: ImportSettings) -> list[UnknownCategory]:
    """The file's category names the ledger has no category for, with the choice made for each (a
    quick pass over one column; `analyse` finds the same names among the rows it imports)."""
    if settings.category_column is None:
        return []
    categories = _Categories(ledger, settings)
    for record in table.records:
        if name := clean_cell(_cell(record.cells, settings.category_column)):
            categories.resolve(name)
    return categories.shown_unknown()


def analyse(ledger: Ledger, table: CsvTable, settings: ImportSettings) -> ImportPlan:
    """Every row of the file, classified; duplicates found with one query over the file's dates."""
    plan = ImportPlan(problems=settings_problems(settings), import_duplicates=settings.import_duplicates)
    if plan.problems:
        return plan
    categories = _Categories(ledger, settings)
    date_format = DATE_FORMATS[settings.date_format]
    width = len(table.header)
    # Spending that has not happened yet where the person is (a bank's scheduled payment) is not
    # imported; counted in the account's time zone, as every other "today".
    today = user_today()
    rates = conversion.RateBook(ledger)
    for record in table.records:
        row = _row(record.line, record.cells, width, settings, date_format, rates, categories, today)
        if row.status == INVALID:
            row = replace(row, raw=_raw(record.cells))
        plan.rows.append(row)
    plan.unknown_categories = categories.shown_unknown()
    _mark_duplicates(ledger, plan)
    _limit_new_categories(plan, table, categories.room)
    return plan


def _raw(cells: list[str]) -> str:
    return " | ".join(clean_cell(cell) for cell in cells)[:RAW_MAX]


def _limit_new_categories(plan: ImportPlan, table: CsvTable, room: int) -> None:
    """Rows that would need a new category past MAX_CATEGORIES become invalid, with the reason.

    The names get the room in file order, new rows before duplicates, so whether the duplicates
    are imported changes nothing about the other rows (the preview's counts stay true)."""
    allowed: set[str] = set()
    for status in (NEW, DUPLICATE):
        for index, row in enumerate(plan.rows):
            if row.status != status or row.target.new_name is None or row.target.key in allowed:
                continue
            if len(allowed) < room:
                allowed.add(row.target.key)
                continue
            reason = (
                f"would need a new category “{row.target.new_name}”, past the {MAX_CATEGORIES} categories "
                "an account can have (put its rows in one you have, or delete categories you no longer need)"
            )
            plan.rows[index] = replace(row, status=INVALID, reason=reason, raw=_raw(table.records[index].cells))


def _row(line, cells, width, settings, date_format, rates, categories, today) -> Row:
    if any(cell.strip() for cell in cells[width:]):
        reason = f"has {len(cells)} cells but the header has {width} (a separator inside an unquoted cell?)"
        return Row(line, INVALID, reason)
    date_text = clean_cell(_cell(cells, settings.date_column))
    if not date_text:
        reason = "looks like a total row, not an expense" if _looks_like_total(cells) else "has no date"
        return Row(line, INVALID, reason)
    spent_on = date_format.parse(date_text)
    if spent_on is None:
        if _looks_like_total(cells):
            return Row(line, INVALID, "looks like a total row, not an expense")
        if date_format.matches(date_text):
            return Row(line, INVALID, f"the date “{date_text}” does not exist")
        return Row(line, INVALID, f"the date “{date_text[:40]}” is not in the format {date_format.key}")
    if not EARLIEST_DATE <= spent_on <= LATEST_DATE:
        reason = f"the date {spent_on.isoformat()} is not between {EARLIEST_DATE.year} and {LATEST_DATE.year}"
        return Row(line, INVALID, reason)
    if spent_on > today:
        return Row(line, INVALID, f"the date {spent_on.isoformat()} is in the future (today is {today.isoformat()})")

    code = rates.ledger.currency
    row_code = clean_cell(_cell(cells, settings.currency_column)).upper() or code
    if row_code not in money.ALL_CURRENCIES:
        return Row(line, INVALID, f"the currency “{row_code[:20]}” is not an ISO 4217 code this app knows")
    try:
        amount, is_income = _amount(cells, settings, row_code)
        original = conversion.same_currency_columns()
        if row_code == code:
            amount_cents = money.to_minor(amount, code)
        else:
            converted = _converted(cells, settings, rates, row_code, amount, spent_on)
            original = converted.stored(code)
            amount_cents = original.pop("amount_cents")
    except conversion.RateNeeded:
        reason = (
            f"needs a rate: there is none for {row_code} on {spent_on.isoformat()} (add a rate column, or "
            "upload the ECB's rates on the Exchange rates page, then this file again)"
        )
        return Row(line, INVALID, reason, needs_rate=True)
    except money.AmountError as error:
        return Row(line, INVALID, f"amount: {error}")

    parts = [_cell(cells, settings.description_column)] + [_cell(cells, i) for i in settings.extra_columns]
    description = DESCRIPTION_JOINER.join(part for part in map(clean_cell, parts) if part)
    if is_income:
        return Row(line, INCOME, "income", spent_on, description[:DESCRIPTION_MAX], "", amount_cents, original=original)
    if not description:
        return Row(line, INVALID, "has no description")
    if len(description) > DESCRIPTION_MAX:
        reason = f"the description is {len(description)} characters long; the limit is {DESCRIPTION_MAX}"
        return Row(line, INVALID, reason)
    if problem := text_problem(description):
        return Row(line, INVALID, f"the description {problem}")

    source = clean_cell(_cell(cells, settings.category_column))
    target, category_name, stored_description, reason, guess_source = categories.choose(
        line, source, description, amount_cents
    )
    key = (spent_on, amount_cents, stored_description.casefold())
    file_key = (spent_on, amount_cents, description.casefold())
    return Row(
        line,
        NEW,
        "",
        spent_on,
        stored_description,
        category_name,
        amount_cents,
        target,
        key,
        guess_reason=reason,
        guess_source=guess_source,
        file_description=description,
        file_duplicate_key=file_key,
        original=original,
    )


def _converted(cells, settings: ImportSettings, rates, row_code: str, amount, spent_on) -> conversion.Conversion:
    """A row's amount in another currency, at the file's rate if it has one, else as the form would."""
    rate_text = clean_cell(_cell(cells, settings.rate_column))
    if rate_text:
        rate, source = money.parse_rate(rate_text), conversion.TYPED
    else:
        rate, source = rates.rate(row_code, spent_on)
    return conversion.Conversion(amount, row_code, rate, money.convert(amount, rate, rates.ledger.currency), source)


def _amount(cells, settings: ImportSettings, code: str):
    """(amount as a positive Decimal, whether it is income)."""
    if settings.split_amounts:
        debit_text = clean_cell(_cell(cells, settings.debit_column))
        credit_text = clean_cell(_cell(cells, settings.credit_column))
        debit = abs(money.parse_signed_amount(debit_text, code, settings.decimal_mark)) if debit_text else 0
        credit = abs(money.parse_signed_amount(credit_text, code, settings.decimal_mark)) if credit_text else 0
        if debit and credit:
            raise money.AmountError(_("the row has both a debit and a credit."))
        if not debit and not credit:
            raise money.AmountError(_("there is no debit or credit."))
        return (debit, False) if debit else (credit, True)
    amount = money.parse_signed_amount(clean_cell(_cell(cells, settings.amount_column)), code, settings.decimal_mark)
    if amount == 0:
        raise money.AmountError(_("the amount is zero."))
    spending_is_negative = settings.spending_sign == NEGATIVE_IS_SPENDING
    return abs(amount), (amount > 0) == spending_is_negative


def _mark_duplicates(ledger: Ledger, plan: ImportPlan) -> None:
    """Rows and stored expenses are matched as multisets on (date, amount, description ignoring
    case): where the file has n rows with a key that k stored expenses have, its first min(n, k) rows
    are duplicates and the rest are new. Two coffees of the same price on the same day are two
    expenses, and importing the same file again still adds nothing."""
    candidates = [row for row in plan.rows if row.status == NEW]
    if not candidates:
        return
    first = min(row.spent_on for row in candidates)
    last = max(row.spent_on for row in candidates)
    stored = Counter(
        (spent_on, amount_cents, description.casefold())
        for spent_on, amount_cents, description in db.session.execute(
            select(Expense.spent_on, Expense.amount_cents, Expense.description).where(
                Expense.ledger_id == ledger.id, Expense.spent_on >= first, Expense.spent_on <= last
            )
        )
    )
    matched: Counter = Counter()
    for index, row in enumerate(plan.rows):
        if row.status != NEW:
            continue
        # Stored as a rule rewrote it, or as the file had it (imported before the rule existed).
        key = next(
            (k for k in (row.duplicate_key, row.file_duplicate_key) if k is not None and matched[k] < stored[k]), None
        )
        if key is None:
            continue
        matched[key] += 1
        count = stored[key]
        reason = "already in your expenses" if count == 1 else f"already in your expenses ({count} times)"
        plan.rows[index] = _as_duplicate(row, reason)


def _as_duplicate(row: Row, reason: str) -> Row:
    return replace(row, status=DUPLICATE, reason=reason)

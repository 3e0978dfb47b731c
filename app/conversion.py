"""Expenses in another currency than their ledger's: which rate converts them, and what is stored.

A rate is ledger units per one unit of the other currency; rounding is app/money.py's (one rule,
stated there). The rate comes, in this order, from:
1. the amount charged in the ledger's currency, typed (the rate is then the one it implies, unless
   the rate typed beside it converts to exactly that amount: a rate typed and its result both sent);
2. a rate typed;
3. the rate of the ledger's latest expense in that currency (the rate used last);
4. the euro reference rates uploaded for the ledger (the ECB's file), for the expense's day or
   the latest earlier day in the file;
otherwise there is none, and the person is asked for one (`RateNeeded`).
Shared by the expense form (pages, quick add), the CSV import and the restore's checks.
"""

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, select

from . import ecb_rates, money
from .extensions import db
from .models import Expense, Ledger, LedgerRate

CHARGED, TYPED, LAST_USED, RATES_FILE = "charged", "typed", "last_used", "rates_file"

RATE_NEEDED = _l(
    "There is no rate for this currency yet: enter the amount charged in the ledger's currency, or the rate."
)


class RateNeeded(Exception):
    """No rate was typed and none is known for this currency and day."""


@dataclass(frozen=True)
class Conversion:
    """An amount in another currency, what it came to in the ledger's, and at what rate."""

    original: Decimal
    currency: str
    rate: Decimal
    amount: Decimal  # in the ledger's currency
    source: str  # CHARGED, TYPED, LAST_USED or RATES_FILE

    def stored(self, ledger_code: str) -> dict:
        """The expense's columns: amount_cents and the three of the original."""
        return {
            "amount_cents": money.to_minor(self.amount, ledger_code),
            "original_amount_minor": money.to_minor(self.original, self.currency),
            "original_currency": self.currency,
            "rate": rate_text(self.rate),
        }


def rate_text(rate: Decimal) -> str:
    """A rate as stored: written out in full, without an exponent ("0.00614", "89.81")."""
    return f"{rate:f}"


def stored_rate(text: str) -> Decimal:
    return Decimal(text)


def same_currency_columns() -> dict:
    return {"original_amount_minor": None, "original_currency": None, "rate": None}


def convert(
    ledger: Ledger,
    code: str,
    original: Decimal,
    day: date,
    *,
    charged: Decimal | None = None,
    rate: Decimal | None = None,
) -> Conversion:
    """`original` (in `code`, not the ledger's currency) converted by the rules above.
    Raises RateNeeded, or money.AmountError when the result is nothing or too much."""
    if charged is not None:
        if rate is not None and money.convert(original, rate, ledger.currency) == charged:
            return Conversion(original, code, rate, charged, CHARGED)
        return Conversion(original, code, money.implied_rate(original, charged), charged, CHARGED)
    source = TYPED
    if rate is None:
        rate, source = known_rate(ledger, code, day)
    return Conversion(original, code, rate, money.convert(original, rate, ledger.currency), source)


def known_rate(ledger: Ledger, code: str, day: date) -> tuple[Decimal, str]:
    """The rate used last for `code`, else the uploaded file's for `day`; RateNeeded when neither."""
    last = last_used_rate(ledger, code)
    if last is not None:
        return last, LAST_USED
    from_file = file_rate(ledger, code, day)
    if from_file is not None:
        return from_file, RATES_FILE
    raise RateNeeded(code)


def last_used_rate(ledger: Ledger, code: str) -> Decimal | None:
    """The rate of the ledger's latest expense in `code` (by date, then the one added last)."""
    text = db.session.scalar(
        select(Expense.rate)
        .where(Expense.ledger_id == ledger.id, Expense.original_currency == code)
        .order_by(Expense.spent_on.desc(), Expense.id.desc())
        .limit(1)
    )
    return None if text is None else stored_rate(text)


def last_used_rates(ledger: Ledger) -> dict[str, str]:
    """{code: rate text} of the rate used last for every currency the ledger has expenses in, for the
    form to show before saving. One query; at most one row per currency."""
    latest = (
        select(
            Expense.original_currency,
            Expense.rate,
            func.row_number()
            .over(partition_by=Expense.original_currency, order_by=(Expense.spent_on.desc(), Expense.id.desc()))
            .label("position"),
        )
        .where(Expense.ledger_id == ledger.id, Expense.original_currency.is_not(None))
        .subquery()
    )
    rows = db.session.execute(select(latest.c.original_currency, latest.c.rate).where(latest.c.position == 1))
    return {code: text for code, text in rows}


def file_rate(ledger: Ledger, code: str, day: date) -> Decimal | None:
    """Ledger units per unit of `code` from the uploaded euro rates of `day`, or of the latest day
    before it that the file has a rate of `code` on; None when the file has none."""
    codes = {code, ledger.currency} - {"EUR"}
    if not codes:
        return None
    on = db.session.scalar(
        select(func.max(LedgerRate.day)).where(
            LedgerRate.ledger_id == ledger.id,
            LedgerRate.currency == (code if code != "EUR" else ledger.currency),
            LedgerRate.day <= day,
        )
    )
    if on is None:
        return None
    per_euro = {
        currency: Decimal(text)
        for currency, text in db.session.execute(
            select(LedgerRate.currency, LedgerRate.per_euro).where(
                LedgerRate.ledger_id == ledger.id, LedgerRate.day == on, LedgerRate.currency.in_(codes)
            )
        )
    }
    return ecb_rates.cross_rate(per_euro, code, ledger.currency)


class RateBook:
    """known_rate() for many rows at once (a CSV import): the rate used last per currency, and the
    uploaded rates of a currency read once, then looked up by day in memory."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.last_used: dict[str, Decimal | None] = {}
        self.days: dict[str, tuple[list[date], list[Decimal]]] = {}

    def rate(self, code: str, day: date) -> tuple[Decimal, str]:
        """Like known_rate(); raises RateNeeded."""
        if code not in self.last_used:
            self.last_used[code] = last_used_rate(self.ledger, code)
        if self.last_used[code] is not None:
            return self.last_used[code], LAST_USED
        from_file = self._file_rate(code, day)
        if from_file is None:
            raise RateNeeded(code)
        return from_file, RATES_FILE

    def _per_euro(self, code: str, day: date) -> tuple[date, Decimal] | None:
        """The latest uploaded rate of `code` on or before `day`, with its day."""
        if code == "EUR":
            return day, Decimal(1)
        if code not in self.days:
            rows = db.session.execute(
                select(LedgerRate.day, LedgerRate.per_euro)
                .where(LedgerRate.ledger_id == self.ledger.id, LedgerRate.currency == code)
                .order_by(LedgerRate.day)
            ).all()
            self.days[code] = ([row[0] for row in rows], [Decimal(row[1]) for row in rows])
        days, rates = self.days[code]
        index = bisect.bisect_right(days, day) - 1
        return None if index < 0 else (days[index], rates[index])

    def _file_rate(self, code: str, day: date) -> Decimal | None:
        foreign = self._per_euro(code, day)
        if foreign is None:
            return None
        ledger = self._per_euro(self.ledger.currency, foreign[0] if code != "EUR" else day)
        # The ledger's currency on the same day of the file as the other one, as file_rate() reads it.
        if ledger is None or (code != "EUR" and self.ledger.currency != "EUR" and ledger[0] != foreign[0]):
            return None
        return ecb_rates.cross_rate({code: foreign[1], self.ledger.currency: ledger[1]}, code, self.ledger.currency)


@dataclass(frozen=True)
class RatesSummary:
    days: int
    first: date | None
    last: date | None
    currencies: int


def rates_summary(ledger: Ledger) -> RatesSummary:
    """What the ledger's uploaded rates cover."""
    days, first, last, currencies = db.session.execute(
        select(
            func.count(func.distinct(LedgerRate.day)),
            func.min(LedgerRate.day),
            func.max(LedgerRate.day),
            func.count(func.distinct(LedgerRate.currency)),
        ).where(LedgerRate.ledger_id == ledger.id)
    ).one()
    return RatesSummary(int(days), first, last, int(currencies))


def store_rates(ledger: Ledger, days: dict[date, dict[str, Decimal]]) -> int:
    """Merge an uploaded file's rates into the ledger's: the file's days replace the same days kept
    before, other days stay. Returns the number of rates stored."""
    rows = [
        {"ledger_id": ledger.id, "currency": code, "day": day, "per_euro": rate_text(rate)}
        for day, rates in days.items()
        for code, rate in rates.items()
    ]
    for chunk in _chunks(sorted(days), 500):
        db.session.execute(delete(LedgerRate).where(LedgerRate.ledger_id == ledger.id, LedgerRate.day.in_(chunk)))
    for chunk in _chunks(rows, 5000):
        db.session.execute(insert(LedgerRate), chunk)
    return len(rows)


def forget_rates(ledger: Ledger) -> None:
    db.session.execute(delete(LedgerRate).where(LedgerRate.ledger_id == ledger.id))


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def describe(original_minor: int, original_currency: str, amount_cents: int, ledger_code: str, rate: str) -> str:
    """ "€12.30 → ₹1,104.66 at 89.81": what was spent, what it came to and at what rate."""
    return _(
        "%(original)s → %(amount)s at %(rate)s",
        original=money.format_amount(original_minor, original_currency),
        amount=money.format_amount(amount_cents, ledger_code),
        rate=money.format_rate(stored_rate(rate)),
    )


def describe_expense(expense: Expense, ledger_code: str) -> str | None:
    """describe() of an expense in another currency; None for one in the ledger's."""
    if expense.original_currency is None:
        return None
    return describe(
        expense.original_amount_minor, expense.original_currency, expense.amount_cents, ledger_code, expense.rate
    )

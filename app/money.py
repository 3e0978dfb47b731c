"""Amounts of money: the one place that knows about currencies and minor units.

The database stores integer minor units (cents); Python code handles `Decimal`. Nothing here, or
anywhere else, goes through `float`.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache

from babel import Locale
from babel import numbers as babel_numbers
from babel.core import get_global
from flask_babel import gettext as _

from .l10n import current_locale, decimal_mark


@dataclass(frozen=True)
class Currency:
    code: str
    name: str
    symbol: str
    exponent: int  # digits after the decimal point


CURRENCIES = {
    c.code: c
    for c in (
        Currency("AUD", "Australian dollar", "A$", 2),
        Currency("BRL", "Brazilian real", "R$", 2),
        Currency("CAD", "Canadian dollar", "CA$", 2),
        Currency("CHF", "Swiss franc", "CHF ", 2),
        Currency("CNY", "Chinese yuan", "CN¥", 2),
        Currency("EUR", "Euro", "€", 2),
        Currency("GBP", "British pound", "£", 2),
        Currency("INR", "Indian rupee", "₹", 2),
        Currency("JPY", "Japanese yen", "¥", 0),
        Currency("KRW", "South Korean won", "₩", 0),
        Currency("MXN", "Mexican peso", "MX$", 2),
        Currency("NOK", "Norwegian krone", "NOK ", 2),
        Currency("NZD", "New Zealand dollar", "NZ$", 2),
        Currency("SEK", "Swedish krona", "SEK ", 2),
        Currency("SGD", "Singapore dollar", "S$", 2),
        Currency("USD", "US dollar", "$", 2),
        Currency("ZAR", "South African rand", "R ", 2),
    )
}


def _tender_codes() -> frozenset[str]:
    """ISO 4217 codes that CLDR (through Babel) lists as legal tender somewhere today, without an end
    date: the 154 an expense can be in. Funds codes (CLF, XDR) and withdrawn ones (DEM) are left out."""
    return frozenset(
        code
        for history in get_global("territory_currencies").values()
        for code, _start, end, tender in history
        if end is None and tender
    )


def _from_babel(code: str) -> Currency:
    return Currency(
        code,
        babel_numbers.get_currency_name(code, locale="en"),
        babel_numbers.get_currency_symbol(code, "en_US"),
        babel_numbers.get_currency_precision(code),
    )


# A ledger is kept in one of CURRENCIES; an expense can be in any of these, each with CLDR's number
# of decimal places (0 for JPY and KRW, 3 for KWD, BHD, OMR, JOD and TND).
ALL_CURRENCIES = {code: CURRENCIES.get(code) or _from_babel(code) for code in sorted(_tender_codes())}


def currency_choices() -> list[tuple[str, str]]:
    """(code, "JPY — Japanese yen") for every currency a ledger or an expense can be in, named in the
    reader's language ("JPY — Japanischer Yen")."""
    return _named_currencies(str(current_locale()))


@cache
def _named_currencies(locale_id: str) -> list[tuple[str, str]]:
    # CLDR's names never change while the app runs: once per language, not 154 lookups per page.
    return [(code, f"{code} — {babel_numbers.get_currency_name(code, locale=locale_id)}") for code in ALL_CURRENCIES]


# The largest single amount (and budget) accepted, in major units of any currency.
MAX_AMOUNT = Decimal("1000000000")

# Plain digits, optionally grouped with commas (1,234,567 or the Indian 12,34,567) or apostrophes
# (de_CH: 1’234’567), then an optional fraction. ASCII digits only: `\d` would also take
# Arabic-Indic and other digits.
_AMOUNT_RE = re.compile(
    r"(?P<whole>[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,2}(?:,[0-9]{2})+,[0-9]{3}|[0-9]{1,3}(?:['’][0-9]{3})+)"
    r"(?:\.(?P<fraction>[0-9]*))?"
)


class AmountError(ValueError):
    """An amount that cannot be accepted; the message is written for the user."""


def currency(code: str) -> Currency:
    try:
        return ALL_CURRENCIES[code]
    except KeyError:
        raise ValueError(f"unknown currency {code!r}") from None


def parse_amount(text: str | None, code: str, *, allow_zero: bool = False, decimal_mark: str = ".") -> Decimal:
    """Parse what a person typed ("12", "12.5", "1,234.50") into an exact Decimal.

    With decimal_mark="," (the reader's locale writes 1.234,50) it reads "12,50" and "1.234,50",
    and still the plain "1234.50" that forms and links are filled with. A dot followed by no more
    digits than the currency has decimals is that plain form: "1.234" is 1.234 in KWD (three
    decimals, and what a KWD form is filled with) but 1234 in EUR and JPY.
    Raises AmountError with a message fit to show next to the field.
    """
    cur = currency(code)
    text = (text or "").strip()
    if not text:
        raise AmountError(_("Enter an amount."))
    if len(text) > 32:
        raise AmountError(_("The largest amount allowed is %(value)s.", value=format_amount(MAX_AMOUNT, code)))
    if text[0] in "-−":
        raise AmountError(_("The amount must be more than zero."))
    if text[0] == "+":
        text = text[1:]
    if decimal_mark == ",":
        plain = _PLAIN_AMOUNT_RE.fullmatch(text)
        if plain and len(plain["fraction"] or "") <= cur.exponent:
            match = plain
        else:
            match = _BANK_AMOUNT_RES[","].fullmatch(text) or plain
    else:
        match = _AMOUNT_RE.fullmatch(text)
    if match is None:
        if re.fullmatch(r"[0-9.,]*[eE][+-]?[0-9]*", text):
            raise AmountError(_("Write the amount out in full, without an exponent (1000, not 1e3)."))
        raise AmountError(_("Enter the amount as a number, like 12%(decimal_mark)s50.", decimal_mark=decimal_mark))
    fraction = match["fraction"] or ""
    if len(fraction) > cur.exponent:
        if cur.exponent == 0:
            raise AmountError(_("Amounts in %(code)s have no decimal places.", code=cur.code))
        raise AmountError(_("Use at most %(exponent)s decimal places.", exponent=cur.exponent))
    amount = Decimal(re.sub(r"[^0-9]", "", match["whole"]) + "." + fraction.ljust(cur.exponent, "0"))
    # Checked before quantize(), which raises InvalidOperation past the context's 28 digits.
    if amount > MAX_AMOUNT:
        raise AmountError(_("The largest amount allowed is %(value)s.", value=format_amount(MAX_AMOUNT, code)))
    amount = amount.quantize(Decimal(1).scaleb(-cur.exponent))
    if amount == 0 and not allow_zero:
        raise AmountError(_("The amount must be more than zero."))
    return amount


# Amounts in banks' files: digits grouped by the mark that is not the decimal mark, or by spaces or
# apostrophes (1 234,56 and 1'234.56); Indian grouping (12,34,567.00) with a decimal point.
_SPACE_GROUPS = "[0-9]{1,3}(?:[ '’\u00a0\u202f][0-9]{3})+"
_BANK_AMOUNT_RES = {
    ".": re.compile(
        rf"(?P<whole>[0-9]+|[0-9]{{1,3}}(?:,[0-9]{{3}})+|[0-9]{{1,2}}(?:,[0-9]{{2}})+,[0-9]{{3}}|{_SPACE_GROUPS})"
        r"(?:\.(?P<fraction>[0-9]*))?"
    ),
    ",": re.compile(rf"(?P<whole>[0-9]+|[0-9]{{1,3}}(?:\.[0-9]{{3}})+|{_SPACE_GROUPS})(?:,(?P<fraction>[0-9]*))?"),
}
_CURRENCY_SIGNS = "$€£¥₹₩"
# What format_plain writes: digits and a decimal point, no grouping.
_PLAIN_AMOUNT_RE = re.compile(r"(?P<whole>[0-9]+)(?:\.(?P<fraction>[0-9]*))?")


def parse_signed_amount(text: str | None, code: str, decimal_mark: str = ".") -> Decimal:
    """Parse an amount from a bank's or another app's file, keeping its sign: "-12.50", "(12.50)"
    and "12,50-" are negative; "1.234,56" reads with decimal_mark=",". Zero is allowed.

    Raises AmountError with a message fit to show next to the row.
    """
    cur = currency(code)
    text = (text or "").strip()
    if not text:
        raise AmountError(_("There is no amount."))
    if len(text) > 40:
        raise AmountError(_("The largest amount allowed is %(value)s.", value=format_amount(MAX_AMOUNT, code)))
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    if text[:1] in ("-", "−", "+"):
        negative, text = negative or text[0] != "+", text[1:].strip()
    elif text[-1:] in ("-", "−"):
        negative, text = True, text[:-1].strip()
    # A currency sign or code before or after the number ("€12.50", "12.50 EUR").
    for mark in (cur.code, cur.symbol.strip(), *_CURRENCY_SIGNS):
        if text.startswith(mark):
            text = text[len(mark) :].strip()
        elif text.endswith(mark):
            text = text[: -len(mark)].strip()
    if text[:1] in ("-", "−") and not negative:
        negative, text = True, text[1:].strip()  # "€-12.50"
    match = _BANK_AMOUNT_RES[decimal_mark].fullmatch(text)
    if match is None:
        if re.fullmatch(r"[0-9.,]*[eE][+-]?[0-9]*", text):
            raise AmountError(_("Write the amount out in full, without an exponent (1000, not 1e3)."))
        example = "1234,56" if decimal_mark == "," else "1234.56"
        raise AmountError(_("The amount is not a number like %(example)s.", example=example))
    fraction = match["fraction"] or ""
    # Some banks write four decimal places; trailing zeros beyond the currency's are exact.
    if len(fraction) > cur.exponent and fraction[cur.exponent :].strip("0"):
        if cur.exponent == 0:
            raise AmountError(_("Amounts in %(code)s have no decimal places.", code=cur.code))
        raise AmountError(_("Use at most %(exponent)s decimal places.", exponent=cur.exponent))
    fraction = fraction[: cur.exponent].ljust(cur.exponent, "0")
    amount = Decimal(re.sub(r"[^0-9]", "", match["whole"]) + "." + fraction)
    if amount > MAX_AMOUNT:
        raise AmountError(_("The largest amount allowed is %(value)s.", value=format_amount(MAX_AMOUNT, code)))
    amount = amount.quantize(Decimal(1).scaleb(-cur.exponent))
    return -amount if negative else amount


def to_minor(amount: Decimal, code: str) -> int:
    """Exact integer minor units of `amount`; refuses to round."""
    exponent = currency(code).exponent
    minor = amount.scaleb(exponent)
    if minor != minor.to_integral_value():
        raise AmountError(_("%(amount)s has more decimal places than %(code)s allows.", amount=amount, code=code))
    return int(minor)


def from_minor(minor: int, code: str) -> Decimal:
    """The Decimal amount of `minor` units, with the currency's number of decimal places."""
    return Decimal(int(minor)).scaleb(-currency(code).exponent)


def _as_decimal(value: int | Decimal, code: str) -> Decimal:
    # Integers are minor units as they come from the database; Decimals are already amounts.
    if isinstance(value, Decimal):
        return value.quantize(Decimal(1).scaleb(-currency(code).exponent))
    return from_minor(value, code)


def format_plain(value: int | Decimal, code: str) -> str:
    """The amount without symbol or grouping ("1234.50"), for CSV cells and form fields."""
    return f"{_as_decimal(value, code):f}"


def input_placeholder(code: str) -> str:
    """An amount field's placeholder as the reader types: "0.00", "0,00" (de_DE), "0" (JPY)."""
    return format_plain(0, code).replace(".", decimal_mark())


def format_amount(value: int | Decimal, code: str, locale: Locale | None = None) -> str:
    """The amount for people to read, in the request's locale (en_US outside a request):
    "₹1,234.50", "-$3.00", "¥1,200"; "1.234,50\xa0€" in de_DE, "₹1,23,456.00" in en_IN,
    "CHF\xa09.95" in en_US. Babel writes it; only CLDR's currency spacing is added here."""
    locale = locale or current_locale()
    text = babel_numbers.format_currency(_as_decimal(value, code), code, locale=locale)
    return _currency_spacing(text, babel_numbers.get_currency_symbol(code, locale))


def _currency_spacing(text: str, symbol: str) -> str:
    """CLDR's currency spacing, which Babel leaves out: a symbol that ends (or starts) with a letter,
    such as "CHF" or "NOK", is kept from the digits by a no-break space: "CHF\xa09.95", not "CHF9.95"."""
    if unicodedata.category(symbol[-1])[0] not in "SZ":
        text = re.sub(rf"(?<={re.escape(symbol)})(?=[0-9])", "\xa0", text, count=1)
    if unicodedata.category(symbol[0])[0] not in "SZ":
        text = re.sub(rf"(?<=[0-9])(?={re.escape(symbol)})", "\xa0", text, count=1)
    return text


# Rounding of shares and averages, the one rule for every page that shows them:
# - A share (`percent`) is written to one decimal place and never says more or less than the state
#   beside it: below 100% it is rounded down, above 100% up, and exactly 100% is "100.0%". So 79.99%
#   of a limit is "79.9%" under "On track" (the amber state starts at exactly 80%), and 200.01 of
#   200.00 is "100.1%" under "Over budget", never "100.0%". A change against an earlier figure,
#   `percent(now, before) - 100`, so rounds away from zero and agrees with the sign of the change.
# - An average (`average`) is rounded half to even to the currency's minor unit.


def percent(part: int, whole: int) -> Decimal | None:
    """`part` as a percentage of `whole` (> 0), to one decimal place, rounded away from 100% (see
    above); None when `whole` is 0, a share of nothing. Exact: integer arithmetic."""
    if whole == 0:
        return None
    if whole < 0:
        part, whole = -part, -whole
    tenths, remainder = divmod(part * 1000, whole)  # floor
    if remainder and part > whole:
        tenths += 1
    return Decimal(tenths).scaleb(-1)


def average(total: int, count: int) -> int:
    """`total` minor units spread over `count` (> 0), rounded half to even to a whole minor unit;
    0 when count is 0. Exact: integer arithmetic."""
    if count <= 0:
        return 0
    quotient, remainder = divmod(total, count)
    if 2 * remainder > count or (2 * remainder == count and quotient % 2):
        quotient += 1
    return quotient


# Conversion between currencies, the one rule for every expense in another currency:
# - A rate is how many units of the ledger's currency one unit of the expense's currency costs
#   (89.81 for EUR to INR). A rate that is worked out rather than typed (from the two amounts a
#   person typed, or across the euro from reference rates) is rounded half to even to RATE_DIGITS
#   significant digits, once; the rate stored is the one used.
# - The amount in the ledger's currency is the original amount times that rate, rounded half to
#   even to the ledger currency's minor unit, once. An amount the person typed (what the bank
#   charged) is kept as typed.
# - A ledger converted at one rate into another currency: each rate of an expense in a third
#   currency becomes its rate times the ledger's, rounded like a worked-out rate (`chain_rates`);
#   budgets relabelled into a currency with fewer decimals are rounded half to even (`round_to_currency`).
# - Shown to people, a rate has at most RATE_SHOWN_DIGITS significant digits; it is stored whole.
RATE_DIGITS = 10
RATE_SHOWN_DIGITS = 6
MAX_RATE = Decimal("1000000000")
_RATE_RE = re.compile(r"(?P<whole>[0-9]+)(?:[.,](?P<fraction>[0-9]+))?|[.,](?P<bare>[0-9]+)")


def _round_significant(value: Decimal, digits: int) -> Decimal:
    if value == 0:
        return value
    exponent = value.adjusted() - digits + 1
    return _without_trailing_zeros(value.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_EVEN))


def _without_trailing_zeros(value: Decimal) -> Decimal:
    # normalize() alone writes 100 as 1E+2.
    value = value.normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value


def rate_quotient(numerator: Decimal, denominator: Decimal) -> Decimal:
    """numerator / denominator (both > 0) as a stored rate, rounded once (see above): in integers,
    because a Decimal division first rounds to 28 digits, and a second rounding could meet a tie
    that the exact quotient does not have."""
    num_exp, den_exp = numerator.as_tuple().exponent, denominator.as_tuple().exponent
    num, den = int(numerator.scaleb(-num_exp)), int(denominator.scaleb(-den_exp))
    # Scale so that the integer quotient has RATE_DIGITS digits (or one more, cut below).
    shift = RATE_DIGITS - (len(str(num)) - len(str(den)))
    scaled_num, scaled_den = (num * 10**shift, den) if shift >= 0 else (num, den * 10**-shift)
    quotient, remainder = divmod(scaled_num, scaled_den)
    if len(str(quotient)) > RATE_DIGITS:
        shift -= 1
        scaled_num, scaled_den = (num * 10**shift, den) if shift >= 0 else (num, den * 10**-shift)
        quotient, remainder = divmod(scaled_num, scaled_den)
    if 2 * remainder > scaled_den or (2 * remainder == scaled_den and quotient % 2):
        quotient += 1
    return _without_trailing_zeros(Decimal(quotient).scaleb(num_exp - den_exp - shift))


def chain_rates(first: Decimal, second: Decimal) -> Decimal:
    """The rate of two conversions one after the other, rounded as stored (see above)."""
    return _round_significant(first * second, RATE_DIGITS)


def round_to_currency(amount: Decimal, code: str) -> Decimal:
    """`amount` rounded half to even to the minor unit of `code` (see above)."""
    return amount.quantize(Decimal(1).scaleb(-currency(code).exponent), rounding=ROUND_HALF_EVEN)


def implied_rate(original: Decimal, charged: Decimal) -> Decimal:
    """The rate at which `original` became `charged` (both > 0), rounded as stored."""
    return rate_quotient(charged, original)


def convert(original: Decimal, rate: Decimal, code: str) -> Decimal:
    """`original` at `rate`, in `code`: rounded half to even to its minor unit (see above).
    Raises AmountError when the result is zero or past MAX_AMOUNT."""
    amount = round_to_currency(original * rate, code)
    if amount > MAX_AMOUNT:
        raise AmountError(
            _(
                "At that rate this is more than the largest amount allowed, %(value)s.",
                value=format_amount(MAX_AMOUNT, code),
            )
        )
    if amount <= 0:
        raise AmountError(
            _("At that rate this is less than %(value)s.", value=format_amount(from_minor(1, code), code))
        )
    return amount


def parse_rate(text: str | None) -> Decimal:
    """A rate as people type it: "89.81", "89,81" or ",5" (rates are never grouped, so either mark is
    the decimal mark). Positive, at most MAX_RATE, and at most RATE_DIGITS significant digits."""
    text = (text or "").strip()
    if not text:
        raise AmountError(_("Enter a rate."))
    match = _RATE_RE.fullmatch(text) if len(text) <= 40 else None
    if match is None:
        raise AmountError(_("Enter the rate as a number, like 89.81."))
    whole = match["whole"] or "0"
    fraction = match["fraction"] or match["bare"] or ""
    rate = Decimal(f"{whole}.{fraction}") if fraction else Decimal(whole)
    if rate <= 0:
        raise AmountError(_("The rate must be more than zero."))
    if rate > MAX_RATE:
        raise AmountError(
            _(
                "The rate must be at most %(rate)s.",
                rate=babel_numbers.format_decimal(MAX_RATE, locale=current_locale()),
            )
        )
    if len(rate.normalize().as_tuple().digits) > RATE_DIGITS:
        raise AmountError(_("Use at most %(rate_digits)s significant digits in a rate.", rate_digits=RATE_DIGITS))
    return _without_trailing_zeros(rate)


def format_rate(rate: Decimal, locale: Locale | None = None) -> str:
    """A rate for people to read, to RATE_SHOWN_DIGITS significant digits: "89.81", "0.00615422",
    "89,81" in de_DE. Never grouped, so that it reads the same typed back in."""
    shown = _round_significant(rate, RATE_SHOWN_DIGITS)
    text = f"{shown:f}"
    return text.replace(".", decimal_mark(locale or current_locale()))

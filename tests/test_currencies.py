"""Expenses in other currencies, the pure parts: every currency Babel knows with its own decimal
places, amounts with 0, 2 and 3 decimals typed in every offered locale, and conversion that rounds
once, as app/money.py states."""

import random
from decimal import Decimal, localcontext

import pytest
from babel import numbers as babel_numbers

from app import l10n, money
from app.money import AmountError, convert, format_rate, implied_rate, parse_amount, parse_rate, rate_quotient

# Amounts with each number of decimal places, as people in each locale write them.
AMOUNTS = [
    ("JPY", "1234567"),
    ("JPY", "5"),
    ("KRW", "12000"),
    ("EUR", "1234567.89"),
    ("EUR", "0.05"),
    ("INR", "123456.70"),
    ("KWD", "1234567.891"),
    ("KWD", "1.234"),
    ("KWD", "0.005"),
    ("BHD", "12.500"),
    ("OMR", "1000.000"),
    ("JOD", "0.100"),
    ("TND", "45.678"),
]


def test_every_tender_currency_is_known_with_cldrs_decimal_places():
    assert len(money.ALL_CURRENCIES) == 154
    assert set(money.CURRENCIES) <= set(money.ALL_CURRENCIES)
    places = {code: cur.exponent for code, cur in money.ALL_CURRENCIES.items()}
    assert {code for code, exponent in places.items() if exponent == 3} >= {"KWD", "BHD", "OMR", "JOD", "TND"}
    assert places["JPY"] == places["KRW"] == 0
    assert places["EUR"] == places["USD"] == 2
    for code, exponent in places.items():
        assert exponent == babel_numbers.get_currency_precision(code), code
    assert money.currency("KWD") == money.Currency("KWD", "Kuwaiti Dinar", "KWD", 3)
    # Withdrawn currencies and funds codes are not among them.
    for code in ("DEM", "CYP", "CLF", "XDR"):
        with pytest.raises(ValueError, match="unknown currency"):
            money.currency(code)


def _written(amount: Decimal, code: str, locale_id: str, grouped: bool) -> str:
    """The number as Babel writes it in the locale, without the currency: "1.234.567,891" (de_DE)."""
    locale = l10n.parse_locale(locale_id)
    pattern = locale.decimal_formats[None].pattern if grouped else "0.###"
    return babel_numbers.format_currency(amount, code, format=pattern, locale=locale, currency_digits=True)


@pytest.mark.parametrize("locale_id", l10n.OFFERED_LOCALES)
@pytest.mark.parametrize(("code", "text"), AMOUNTS)
def test_amounts_typed_as_the_locale_writes_them_parse_exactly(locale_id, code, text):
    amount = Decimal(text)
    mark = l10n.decimal_mark(l10n.parse_locale(locale_id))
    places = money.currency(code).exponent
    for written in (
        _written(amount, code, locale_id, grouped=True),
        _written(amount, code, locale_id, grouped=False),
        money.format_plain(amount, code),  # what forms and links are filled with
    ):
        parsed = parse_amount(written, code, decimal_mark=mark)
        assert parsed == amount, written
        assert parsed.as_tuple().exponent == -places, written


@pytest.mark.parametrize("locale_id", l10n.OFFERED_LOCALES)
def test_one_point_two_three_four(locale_id):
    """ "1.234" is one dinar and 234 fils in every locale; in EUR and JPY a decimal-comma locale
    reads it grouped (1234), a decimal-point one refuses the third decimal."""
    mark = l10n.decimal_mark(l10n.parse_locale(locale_id))
    assert parse_amount("1.234", "KWD", decimal_mark=mark) == Decimal("1.234")
    assert parse_amount("0.5", "KWD", decimal_mark=mark) == Decimal("0.500")
    with pytest.raises(AmountError, match="^Use at most 3 decimal places.$"):
        parse_amount("1.2345", "KWD", decimal_mark=mark)
    if mark == ",":
        assert parse_amount("1.234", "EUR", decimal_mark=mark) == Decimal("1234.00")
        assert parse_amount("1.234", "JPY", decimal_mark=mark) == Decimal("1234")
        assert parse_amount("1,234", "KWD", decimal_mark=mark) == Decimal("1.234")
        assert parse_amount("1.234,5", "KWD", decimal_mark=mark) == Decimal("1234.500")
    else:
        with pytest.raises(AmountError, match="^Use at most 2 decimal places.$"):
            parse_amount("1.234", "EUR", decimal_mark=mark)
        with pytest.raises(AmountError, match="^Amounts in JPY have no decimal places.$"):
            parse_amount("1.234", "JPY", decimal_mark=mark)
        assert parse_amount("1,234", "KWD", decimal_mark=mark) == Decimal("1234.000")
        assert parse_amount("1’234.5", "KWD", decimal_mark=mark) == Decimal("1234.500")


@pytest.mark.parametrize(
    ("original", "rate", "code", "expected"),
    [
        ("12.30", "89.81", "INR", "1104.66"),  # 1104.663
        ("1200", "0.00615", "EUR", "7.38"),
        ("7.38", "162.49", "JPY", "1199"),  # 1199.1762
        ("100", "0.32719", "KWD", "32.719"),
        ("1.234", "3.0565", "EUR", "3.77"),  # 3.7717...
        ("1", "0.125", "EUR", "0.12"),  # a tie: half to even
        ("1", "0.135", "EUR", "0.14"),
        ("2.5", "1", "JPY", "2"),
        ("3.5", "1", "JPY", "4"),
    ],
)
def test_convert_rounds_once_half_to_even(original, rate, code, expected):
    amount = convert(Decimal(original), Decimal(rate), code)
    assert amount == Decimal(expected)
    assert str(amount) == expected


def test_convert_refuses_nothing_and_too_much():
    with pytest.raises(AmountError, match="^At that rate this is less than €0.01.$"):
        convert(Decimal("1"), Decimal("0.004"), "EUR")
    with pytest.raises(
        AmountError, match=r"^At that rate this is more than the largest amount allowed, ¥1,000,000,000.$"
    ):
        convert(Decimal("1000000000"), Decimal("1.5"), "JPY")


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        ("7.38", "1200", "0.00615"),
        ("1", "162.49", "0.006154224875"),
        ("1104.66", "12.30", "89.8097561"),
        ("2", "3", "0.6666666667"),
        ("1.0000000005", "1", "1"),  # a tie at the 11th digit: half to even
        ("1.0000000015", "1", "1.000000002"),
        ("91.234", "1.0514", "86.77382538"),
        ("100", "1", "100"),
    ],
)
def test_rate_quotient_keeps_ten_significant_digits(numerator, denominator, expected):
    assert f"{rate_quotient(Decimal(numerator), Decimal(denominator)):f}" == expected


def test_rate_quotient_is_the_exact_quotient_rounded_once():
    generator = random.Random(22)
    for _ in range(3000):
        numerator = Decimal(generator.randint(1, 10**9)).scaleb(-generator.randint(0, 9))
        denominator = Decimal(generator.randint(1, 10**9)).scaleb(-generator.randint(0, 9))
        with localcontext() as context:
            context.prec = 80  # exact enough that one rounding to 10 digits is the only one
            exact = numerator / denominator
            expected = exact.quantize(Decimal(1).scaleb(exact.adjusted() - 9))
        assert rate_quotient(numerator, denominator) == expected, (numerator, denominator)


def test_implied_rate_is_charged_over_original():
    assert implied_rate(Decimal("12.30"), Decimal("1104.66")) == Decimal("89.80975610")


@pytest.mark.parametrize(
    ("text", "rate"),
    [("89.81", "89.81"), ("89,81", "89.81"), (" 0.00615 ", "0.00615"), (",5", "0.5"), ("100", "100"), ("1.50", "1.5")],
)
def test_parse_rate_accepts(text, rate):
    assert f"{parse_rate(text):f}" == rate


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a rate."),
        ("0", "The rate must be more than zero."),
        ("0.000", "The rate must be more than zero."),
        ("-1", "Enter the rate as a number, like 89.81."),
        ("1e3", "Enter the rate as a number, like 89.81."),
        ("NaN", "Enter the rate as a number, like 89.81."),
        ("1,234.5", "Enter the rate as a number, like 89.81."),
        ("1000000001", "The rate must be at most 1,000,000,000."),
        ("1.2345678901", "Use at most 10 significant digits in a rate."),
    ],
)
def test_parse_rate_refuses(text, message):
    with pytest.raises(AmountError) as error:
        parse_rate(text)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("rate", "locale_id", "text"),
    [
        ("89.81", "en_US", "89.81"),
        ("89.81", "de_DE", "89,81"),
        ("0.006154224875", "en_US", "0.00615422"),
        ("89.80975610", "en_IN", "89.8098"),
        ("1000", "en_US", "1000"),
        ("162.49", "fr_FR", "162,49"),
    ],
)
def test_format_rate_shows_six_significant_digits(rate, locale_id, text):
    assert format_rate(Decimal(rate), l10n.parse_locale(locale_id)) == text


def test_chained_rates_keep_ten_significant_digits():
    """A ledger converted at one rate: an expense's rate becomes its rate times the ledger's."""
    assert f"{money.chain_rates(Decimal('0.006154224875'), Decimal('89.81')):f}" == "0.552710936"
    assert f"{money.chain_rates(Decimal('2'), Decimal('0.5')):f}" == "1"


def test_round_to_currency_is_half_to_even_at_the_minor_unit():
    assert money.round_to_currency(Decimal("500.125"), "EUR") == Decimal("500.12")
    assert money.round_to_currency(Decimal("500.135"), "EUR") == Decimal("500.14")
    assert money.round_to_currency(Decimal("500.5"), "JPY") == Decimal("500")
    assert money.round_to_currency(Decimal("500.5"), "KWD") == Decimal("500.500")

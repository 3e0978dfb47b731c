"""app/money.py: parsing what people type, minor units, formatting, and sums that stay exact."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from app.extensions import db
from app.models import Expense
from app.money import (
    MAX_AMOUNT,
    AmountError,
    average,
    format_amount,
    format_plain,
    from_minor,
    parse_amount,
    percent,
    to_minor,
)
from tests.conftest import category_id, ledger_of, personal_ledger_id

APP_DIR = Path(__file__).resolve().parent.parent / "app"

NOT_A_NUMBER = "Enter the amount as a number, like 12.50."
NOT_POSITIVE = "The amount must be more than zero."
TOO_LARGE = "The largest amount allowed is ₹1,000,000,000.00."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", Decimal("12.00")),
        ("12.5", Decimal("12.50")),
        ("12.50", Decimal("12.50")),
        ("12.", Decimal("12.00")),
        ("0.01", Decimal("0.01")),
        ("1,234.50", Decimal("1234.50")),
        ("1,234,567", Decimal("1234567.00")),
        ("12,34,567.00", Decimal("1234567.00")),
        ("1,00,000", Decimal("100000.00")),
        ("+12", Decimal("12.00")),
        ("  7.25  ", Decimal("7.25")),
        ("1000000000", MAX_AMOUNT),
        ("1,000,000,000.00", MAX_AMOUNT),
    ],
)
def test_parse_amount_accepts(text, expected):
    amount = parse_amount(text, "INR")
    assert amount == expected
    # Always quantized to the currency's places, so str() is what the form shows back.
    assert str(amount) == str(expected.quantize(Decimal("0.01")))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter an amount."),
        ("   ", "Enter an amount."),
        (None, "Enter an amount."),
        ("-5", NOT_POSITIVE),
        ("−5", NOT_POSITIVE),  # U+2212 MINUS SIGN
        ("-0", NOT_POSITIVE),
        ("0", NOT_POSITIVE),
        ("0.00", NOT_POSITIVE),
        ("0.001", "Use at most 2 decimal places."),
        ("12.345", "Use at most 2 decimal places."),
        ("NaN", NOT_A_NUMBER),
        ("sNaN", NOT_A_NUMBER),
        ("Infinity", NOT_A_NUMBER),
        ("inf", NOT_A_NUMBER),
        ("1e3", "Write the amount out in full, without an exponent (1000, not 1e3)."),
        ("1E3", "Write the amount out in full, without an exponent (1000, not 1e3)."),
        ("1_000", NOT_A_NUMBER),
        ("١٢", NOT_A_NUMBER),  # Arabic-Indic digits
        ("１２", NOT_A_NUMBER),  # full-width digits
        ("12.5.3", NOT_A_NUMBER),
        ("1,23", NOT_A_NUMBER),
        ("1,2345", NOT_A_NUMBER),
        ("12 000", NOT_A_NUMBER),
        ("+", NOT_A_NUMBER),
        ("+-5", NOT_A_NUMBER),
        ("₹12", NOT_A_NUMBER),
        ("0x10", NOT_A_NUMBER),
        ("1" * 25, TOO_LARGE),
        # Past the 28 digits of Decimal's default context: must still be a message, not a crash.
        ("9" * 32, TOO_LARGE),
        ("1000000000.01", TOO_LARGE),
        ("1,000,000,001", TOO_LARGE),
    ],
)
def test_parse_amount_rejects_with_the_message_shown_to_the_user(text, message):
    with pytest.raises(AmountError) as error:
        parse_amount(text, "INR")
    assert str(error.value) == message


def test_zero_is_accepted_only_when_allowed():
    assert parse_amount("0", "INR", allow_zero=True) == Decimal("0.00")
    assert parse_amount("0.00", "INR", allow_zero=True) == Decimal("0.00")
    with pytest.raises(AmountError):
        parse_amount("-0", "INR", allow_zero=True)


def test_currency_without_decimal_places():
    assert parse_amount("1200", "JPY") == Decimal("1200")
    assert parse_amount("1,200", "JPY") == Decimal("1200")
    assert str(parse_amount("1200", "JPY")) == "1200"
    for text in ("12.5", "1200.00", "1200.0"):
        with pytest.raises(AmountError) as error:
            parse_amount(text, "JPY")
        assert str(error.value) == "Amounts in JPY have no decimal places."
    with pytest.raises(AmountError) as error:
        parse_amount("1000000001", "JPY")
    assert str(error.value) == "The largest amount allowed is ¥1,000,000,000."


def test_unknown_currency_is_a_programming_error_not_a_user_message():
    with pytest.raises(ValueError, match="unknown currency 'XYZ'") as error:
        parse_amount("12", "XYZ")
    assert not isinstance(error.value, AmountError)


@pytest.mark.parametrize(
    ("amount", "code", "minor"),
    [
        (Decimal("12.34"), "INR", 1234),
        (Decimal("0.01"), "INR", 1),
        (Decimal("0.10"), "USD", 10),
        (Decimal("1234567.89"), "EUR", 123456789),
        (MAX_AMOUNT, "INR", 100_000_000_000),
        (Decimal("1200"), "JPY", 1200),
        (Decimal("5"), "KRW", 5),
    ],
)
def test_to_minor_and_from_minor_round_trip_exactly(amount, code, minor):
    assert to_minor(amount, code) == minor
    assert type(to_minor(amount, code)) is int
    back = from_minor(minor, code)
    assert back == amount
    assert isinstance(back, Decimal)
    assert to_minor(back, code) == minor


def test_every_cent_up_to_a_thousand_round_trips():
    for minor in range(100_001):
        amount = from_minor(minor, "INR")
        assert to_minor(amount, "INR") == minor
        assert parse_amount(format_plain(amount, "INR"), "INR", allow_zero=True) == amount


def test_from_minor_keeps_the_currency_places():
    assert str(from_minor(5, "INR")) == "0.05"
    assert str(from_minor(100, "INR")) == "1.00"
    assert str(from_minor(1200, "JPY")) == "1200"


def test_to_minor_refuses_to_round():
    with pytest.raises(AmountError) as error:
        to_minor(Decimal("0.001"), "INR")
    assert str(error.value) == "0.001 has more decimal places than INR allows."
    with pytest.raises(AmountError):
        to_minor(Decimal("12.5"), "JPY")


@pytest.mark.parametrize(
    ("value", "code", "text"),
    [
        (123450, "INR", "₹1,234.50"),
        (Decimal("1234.5"), "INR", "₹1,234.50"),
        (-300, "USD", "-$3.00"),
        (Decimal("-3"), "USD", "-$3.00"),
        (1200, "JPY", "¥1,200"),
        (0, "INR", "₹0.00"),
        (1, "EUR", "€0.01"),
        (100_000_000_000, "INR", "₹1,000,000,000.00"),
        (123456789, "GBP", "£1,234,567.89"),
        # CLDR's currency spacing: a symbol ending in a letter gets a no-break space before digits.
        (995, "CHF", "CHF\xa09.95"),
        (-7_999_999, "INR", "-₹79,999.99"),
    ],
)
def test_format_amount(value, code, text):
    assert format_amount(value, code) == text


@pytest.mark.parametrize(
    ("value", "code", "text"),
    [
        (123450, "INR", "1234.50"),
        (5, "INR", "0.05"),
        (-5, "INR", "-0.05"),
        (Decimal("5"), "INR", "5.00"),
        (1200, "JPY", "1200"),
        (100_000_000_000, "USD", "1000000000.00"),
    ],
)
def test_format_plain(value, code, text):
    assert format_plain(value, code) == text


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (1, 3, "33.3"),
        (2, 3, "66.6"),  # below 100%: down, never up to a share not reached
        (1, 8, "12.5"),
        (50, 100, "50.0"),
        (150, 100, "150.0"),
        (0, 100, "0.0"),
        (153_775, 8_000_000, "1.9"),
        (7_999, 10_000, "79.9"),  # not "80.0": the amber state starts at exactly 80%
        (8_000, 10_000, "80.0"),
        (9_999_999, 10_000_000, "99.9"),
        (10_000, 10_000, "100.0"),
        (20_001, 20_000, "100.1"),  # above 100%: up, never down to "100.0%" when over
        (4, 3, "133.4"),
        (-3, -4, "75.0"),
    ],
)
def test_percent(part, whole, expected):
    result = percent(part, whole)
    assert isinstance(result, Decimal)
    assert str(result) == expected


def test_there_is_no_share_of_nothing():
    assert percent(0, 0) is None
    assert percent(5, 0) is None


@pytest.mark.parametrize(
    ("total", "count", "expected"),
    [
        (6_500, 12, 542),  # 541.67
        (3_001, 3, 1_000),  # 1000.33
        (5, 2, 2),  # 2.5: half to even, down
        (15, 2, 8),  # 7.5: half to even, up
        (25, 2, 12),
        (-5, 2, -2),
        (-15, 2, -8),
        (7, 4, 2),  # 1.75
        (0, 5, 0),
        (10, 0, 0),
        (10**15 + 1, 2, 500_000_000_000_000),
    ],
)
def test_average_rounds_half_to_even_in_minor_units(total, count, expected):
    assert average(total, count) == expected


def test_pure_python_sums_are_exact():
    dimes = [parse_amount("0.10", "INR") for _ in range(3)]
    assert sum(dimes) == Decimal("0.30")
    assert sum(to_minor(d, "INR") for d in dimes) == 30
    assert format_amount(sum(to_minor(d, "INR") for d in dimes), "INR") == "₹0.30"
    # The float way gives 0.30000000000000004; this is why nothing may use float.
    assert 0.1 + 0.1 + 0.1 != 0.3

    cents = [parse_amount("0.01", "INR") for _ in range(1000)]
    assert sum(cents) == Decimal("10.00")
    assert from_minor(sum(to_minor(c, "INR") for c in cents), "INR") == Decimal("10.00")
    assert str(sum(cents)) == "10.00"


def _insert_expenses(app, user_id, category, amount_cents, count):
    ledger_id = personal_ledger_id(app, user_id)
    with app.app_context():
        db.session.execute(
            insert(Expense),
            [
                {
                    "ledger_id": ledger_id,
                    "created_by_id": user_id,
                    "category_id": category,
                    "spent_on": date.today(),
                    "description": f"Item {n}",
                    "amount_cents": amount_cents,
                }
                for n in range(count)
            ],
        )
        db.session.commit()
        return db.session.scalar(select(func.sum(Expense.amount_cents)).where(Expense.ledger_id == ledger_of(user_id)))


def _card(html, card):
    match = re.search(rf'id="card-{card}">([^<]*)<', html)
    assert match, f"no card-{card} on the dashboard"
    return match.group(1)


def test_three_expenses_of_ten_cents_total_exactly_thirty_through_the_database(app, client, user):
    total = _insert_expenses(app, user.id, category_id(app, user.id, "Other"), 10, 3)
    assert total == 30
    html = client.get("/").get_data(as_text=True)
    assert _card(html, "total") == "₹0.30"
    assert _card(html, "count") == "3"
    assert _card(html, "left") == "₹79,999.70"


def test_a_thousand_expenses_of_one_cent_total_exactly_ten_through_the_database(app, client, user):
    total = _insert_expenses(app, user.id, category_id(app, user.id, "Other"), 1, 1000)
    assert total == 1000
    assert from_minor(total, "INR") == Decimal("10.00")
    html = client.get("/").get_data(as_text=True)
    assert _card(html, "total") == "₹10.00"
    assert _card(html, "count") == "1000"
    assert _card(html, "left") == "₹79,990.00"


def test_no_float_anywhere_in_the_application_code():
    offenders = []
    for path in sorted(APP_DIR.rglob("*")):
        if path.suffix not in (".py", ".html") or "vendor" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"\bfloat\(|\|\s*float\b|\bFloat\b", line):
                offenders.append(f"{path.relative_to(APP_DIR.parent)}:{number}: {line.strip()}")
    assert offenders == []

"""app/ecb_rates.py: the ECB's daily and historical reference-rate files, and cross rates through
the euro, rounded once."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest

from app.ecb_rates import RatesFileError, cross_rate, parse_rates, read_upload

# The layouts as the ECB serves them: spaces after the commas and a trailing comma in the daily
# file; ISO dates, newest first, N/A and withdrawn currencies in the historical one.
DAILY = (
    "Date, USD, JPY, BGN, CZK, DKK, GBP, HUF, PLN, RON, SEK, CHF, ISK, NOK, TRY, AUD, BRL, CAD, CNY, HKD, "
    "IDR, ILS, INR, KRW, MXN, MYR, NZD, PHP, SGD, THB, ZAR, \n"
    "04 December 2026, 1.0514, 162.49, 1.9558, 25.205, 7.4593, 0.86213, 409.85, 4.2718, 4.9735, 11.4935, "
    "0.9312, 146.10, 11.7405, 36.4128, 1.6295, 6.3178, 1.4746, 7.6436, 8.1802, 16787.64, 3.7621, 91.234, "
    "1527.41, 21.3542, 4.6898, 1.8101, 61.517, 1.4123, 36.155, 19.0312, \n"
)
HISTORICAL = (
    "Date,USD,JPY,BGN,CYP,CZK,GBP,INR,ISK,KRW,\n"
    "2026-12-04,1.0514,162.49,1.9558,N/A,25.205,0.86213,91.234,146.10,1527.41,\n"
    "2026-12-03,1.0498,161.80,1.9558,N/A,25.190,0.86040,90.987,N/A,1522.10,\n"
    "1999-01-04,1.1789,133.73,N/A,0.58231,35.107,0.7111,N/A,N/A,N/A,\n"
)


def test_the_daily_file():
    days = parse_rates(DAILY)
    assert list(days) == [date(2026, 12, 4)]
    rates = days[date(2026, 12, 4)]
    assert len(rates) == 30
    assert rates["USD"] == Decimal("1.0514")
    assert rates["JPY"] == Decimal("162.49")
    assert rates["IDR"] == Decimal("16787.64")
    assert rates["ZAR"] == Decimal("19.0312")


def test_the_historical_file_leaves_out_na_and_withdrawn_currencies():
    days = parse_rates(HISTORICAL)
    assert list(days) == [date(2026, 12, 4), date(2026, 12, 3), date(1999, 1, 4)]
    assert days[date(2026, 12, 3)] == {
        "USD": Decimal("1.0498"),
        "JPY": Decimal("161.80"),
        "BGN": Decimal("1.9558"),
        "CZK": Decimal("25.190"),
        "GBP": Decimal("0.86040"),
        "INR": Decimal("90.987"),
        "KRW": Decimal("1522.10"),
    }
    assert days[date(1999, 1, 4)] == {
        "USD": Decimal("1.1789"),
        "JPY": Decimal("133.73"),
        "CZK": Decimal("35.107"),
        "GBP": Decimal("0.7111"),
    }


@pytest.mark.parametrize(
    ("from_code", "to_code", "rate"),
    [
        ("EUR", "JPY", "162.49"),
        ("JPY", "EUR", "0.006154224875"),  # 1 / 162.49
        ("USD", "INR", "86.77382538"),  # 91.234 / 1.0514 = 86.773825375...
        ("GBP", "USD", "1.219537657"),
        ("EUR", "EUR", "1"),
        ("KRW", "JPY", "0.1063827001"),  # 162.49 / 1527.41
    ],
)
def test_cross_rates_go_through_the_euro(from_code, to_code, rate):
    per_euro = parse_rates(DAILY)[date(2026, 12, 4)]
    assert f"{cross_rate(per_euro, from_code, to_code):f}" == rate


def test_no_cross_rate_without_both_rates():
    per_euro = parse_rates(HISTORICAL)[date(1999, 1, 4)]
    assert cross_rate(per_euro, "INR", "EUR") is None
    assert cross_rate(per_euro, "USD", "KWD") is None


def test_the_zip_the_ecb_serves_is_read_too():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("eurofxref-hist.csv", HISTORICAL)
    assert read_upload(buffer.getvalue()) == HISTORICAL
    assert read_upload(b"\xef\xbb\xbf" + DAILY.encode()) == DAILY


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "This is not the ECB's rates file: its first column should be Date."),
        ("Datum,USD\n2026-12-04,1.05\n", "This is not the ECB's rates file: its first column should be Date."),
        ("Date,FOO,BAR\n2026-12-04,1,2\n", "This rates file has no currency columns (USD, JPY, ...)."),
        ("Date,USD,\n", "This rates file has no rows of rates."),
        ("Date,USD\n2026-13-04,1.05\n", "Line 2: “2026-13-04” is not a date like 2026-12-04 or 04 December 2026."),
        (
            "Date,USD\n4 Dezember 2026,1.05\n",
            "Line 2: “4 Dezember 2026” is not a date like 2026-12-04 or 04 December 2026.",
        ),
        ("Date,USD\n2026-12-04,1.05\n2026-12-03,1e3\n", "Line 3: the USD rate “1e3” is not a number like 1.0514."),
        ("Date,USD\n2026-12-04,-1.05\n", "Line 2: the USD rate “-1.05” is not a number like 1.0514."),
        ("Date,USD\n2026-12-04,0\n", "Line 2: the USD rate “0” is not a number like 1.0514."),
        ("Date,USD\n2026-12-04,1.05\n2026-12-04,1.06\n", "Line 3: 2026-12-04 is in the file twice."),
    ],
)
def test_files_that_cannot_be_read_say_why(text, message):
    with pytest.raises(RatesFileError) as error:
        parse_rates(text)
    assert str(error.value) == message


def test_uploads_that_are_not_text_or_hold_other_files_are_refused():
    with pytest.raises(RatesFileError, match="^This is not the ECB's rates file: it is not text.$"):
        read_upload(b"\xff\xfe\x00D")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.csv", "Date,USD\n")
        archive.writestr("b.csv", "Date,USD\n")
    with pytest.raises(RatesFileError, match="^The ZIP file should hold exactly one CSV file, as the ECB's does.$"):
        read_upload(buffer.getvalue())
    with pytest.raises(RatesFileError, match="^This ZIP file cannot be opened.$"):
        read_upload(b"PK\x03\x04broken")

"""The receipt reader on receipt texts as Tesseract returns them: English and German layouts,
OCR's stray marks, payment lines that are larger than the total, dates in many formats."""

from datetime import date
from decimal import Decimal

import pytest

from app.receipts.reading import amounts_in, read_receipt

TESCO = """\
TESCO
Express
123 High Street, London EC1A 1BB
VAT No: GB 220 4302 31
MILK SEMI SKIMMED 2L        1.45
BREAD WHOLEMEAL             1.10
BANANAS LOOSE               0.84
SUBTOTAL                    3.39
TOTAL                       3.39
CASH                       10.00
CHANGE DUE                  6.61
14/03/2026 18:22  ST:2241
THANK YOU FOR SHOPPING
"""

REWE = """\
REWE
Hauptstraße 12
50667 Köln
UID Nr.: DE812706034
EUR
BIO VOLLMILCH 3,8%           1,29 B
LAUGENBREZEL                 0,89 B
KAFFEE CREMA 1KG            14,99 B
--------------------------------------
SUMME                 EUR   17,17
Geg. Bar              EUR   20,00
Rückgeld BAR          EUR    2,83
Steuer   %     Netto   Steuer  Brutto
B=  7,0%      16,05     1,12   17,17
Datum: 03.04.2026  Uhrzeit: 09:14:55
"""

WHOLE_FOODS_US = """\
WHOLE FOODS MARKET
1765 California St
San Francisco, CA 94109
(415) 674-0500
ORGANIC AVOCADO        2 @ 1.99   3.98
KOMBUCHA                          4.49
SPARKLING WATER                   1.29
Subtotal                          9.76
Tax                               0.86
Total                            10.62
VISA ************4242            10.62
03/04/2026 12:01 PM
"""

BAKERY_GERMAN_WORDED = """\
~ Bäckerei Schmidt ~
Marktplatz 3, 80331 München
Tel. 089 123456
2x Brötchen           0,90
1x Apfelstrudel       3,20
Gesamt           EUR  4,10
Vielen Dank für Ihren Einkauf!
12. März 2026
"""

RESTAURANT_DUE = """\
The Golden Fork
Welcome!
42 Baker Road
Table 7   Server: Anna
2 Burger                   27.00
1 Caesar Salad             11.50
2 Lemonade                  7.00
Subtotal                   45.50
Service 10%                 4.55
Total                      50.05
Voucher                    -5.00
AMOUNT DUE                 45.05
Tip                         5.00
Mar 7, 2026
"""

ALDI_NEXT_LINE = """\
ALDI SÜD
Filiale 1234
Bananen                 1,19
Eier 10 Stück           2,49
zu zahlen
                       3,68
EC-Karte                3,68
2026-02-28 17:45
"""

NOISY_OCR = """\
| EDEKA Müller ,
Bahnhofstr. 5 . 10115 Berlin
Tomaten 1,99
Käse 4,49
Summe EUR 6 ,48
Gegeben 10,00
21.01.26 10:01
"""

NO_TOTAL_WORD = """\
CORNER CAFE
Flat White            3.40
Croissant             2.60
                      6.00
Thanks!
5 Feb 2026
"""

THOUSANDS = """\
MediaMarkt
Laptop Pro 15           1.299,00
Maus                       19,99
Gesamtbetrag EUR        1.318,99
Karte                   1.318,99
Zwischensumme           1.318,99
28.11.2025
"""

US_THOUSANDS = """\
BEST BUY
Store 1049
TV 65 INCH            1,499.99
HDMI CABLE               24.99
SUBTOTAL              1,524.98
SALES TAX               125.81
TOTAL                 1,650.79
11/28/2025
"""

CASH_LARGER = """\
Kiosk am Eck
Zeitung     2,50
Kaugummi    1,20
BAR         50,00
SUMME        3,70
Rückgeld    46,30
Datum 01.12.2025
"""

DAY_FIRST_IMPOSSIBLE_FOR_US = """\
Pret A Manger
Soup                   4.25
Total                  4.25
25/12/2025
"""

TOTAL_INCL_VAT = """\
Boots
Paracetamol 16        0.39
Toothpaste            2.50
Total incl. VAT       2.89
VAT 20%               0.48
04 Jan 2026
"""

ONLY_BODY = """\
12.50
3.00
"""

CASES = [
    # text, locale, total, date, merchant
    (TESCO, "en_GB", "3.39", date(2026, 3, 14), "TESCO"),
    (REWE, "de_DE", "17.17", date(2026, 4, 3), "REWE"),
    (WHOLE_FOODS_US, "en_US", "10.62", date(2026, 3, 4), "WHOLE FOODS MARKET"),
    (WHOLE_FOODS_US, "en_GB", "10.62", date(2026, 4, 3), "WHOLE FOODS MARKET"),
    (BAKERY_GERMAN_WORDED, "de_DE", "4.10", date(2026, 3, 12), "Bäckerei Schmidt"),
    (RESTAURANT_DUE, "en_US", "45.05", date(2026, 3, 7), "The Golden Fork"),
    (ALDI_NEXT_LINE, "de_DE", "3.68", date(2026, 2, 28), "ALDI SÜD"),
    (NOISY_OCR, "de_DE", "6.48", date(2026, 1, 21), "EDEKA Müller"),
    (NO_TOTAL_WORD, "en_GB", "6.00", date(2026, 2, 5), "CORNER CAFE"),
    (THOUSANDS, "de_DE", "1318.99", date(2025, 11, 28), "MediaMarkt"),
    (US_THOUSANDS, "en_US", "1650.79", date(2025, 11, 28), "BEST BUY"),
    (CASH_LARGER, "de_DE", "3.70", date(2025, 12, 1), "Kiosk am Eck"),
    (DAY_FIRST_IMPOSSIBLE_FOR_US, "en_US", "4.25", date(2025, 12, 25), "Pret A Manger"),
    (TOTAL_INCL_VAT, "en_GB", "2.89", date(2026, 1, 4), "Boots"),
    (ONLY_BODY, "en_US", "12.50", None, None),
    ("", "en_US", None, None, None),
]


@pytest.mark.parametrize(("text", "locale", "total", "spent_on", "merchant"), CASES)
def test_reads_total_date_and_merchant(text, locale, total, spent_on, merchant):
    reading = read_receipt(text, locale)
    assert reading.total == (Decimal(total) if total else None)
    assert reading.spent_on == spent_on
    assert reading.merchant == merchant


def test_dates_outside_the_range_are_ignored():
    text = "Shop\nValid until 31/12/2099\nTotal 5.00\n02/01/2026\n"
    reading = read_receipt(text, "en_GB", earliest=date(1970, 1, 1), latest=date(2026, 1, 2))
    assert reading.spent_on == date(2026, 1, 2)


def test_amounts_leave_out_discounts_dates_and_times():
    assert amounts_in("Rabatt -1,00 then 2,50 at 12:34 on 03.04.2026") == [Decimal("2.50")]
    assert amounts_in("1'234.50 and 1 234,56") == [Decimal("1234.50"), Decimal("1234.56")]


def test_nothing_found_is_reported_as_such():
    assert not read_receipt("\n\n").found_anything
    assert read_receipt("Total 1.00").found_anything

"""Quick add in plain words: the parser's table of phrasings (English and German, ambiguous ones
included) and the messages for lines it cannot read. Today is Saturday, 14 March 2026."""

from datetime import date
from decimal import Decimal

import pytest

from app.autocat.plain_words import PlainWordsError, parse_plain_words

TODAY = date(2026, 3, 14)  # a Saturday

# (line, locale, currency, (amount, date, description, #category)).
READ = [
    # The examples.
    ("coffee 4.50", "en_US", "USD", ("4.50", "2026-03-14", "coffee", None)),
    ("4,50 € Kaffee gestern", "de_DE", "EUR", ("4.50", "2026-03-13", "Kaffee", None)),
    ("rent 1150 on the 1st", "en_US", "USD", ("1150.00", "2026-03-01", "rent", None)),
    ("uber 23.10 #transport yesterday", "en_US", "USD", ("23.10", "2026-03-13", "uber", "transport")),
    ("lunch 12.30 2 days ago", "en_US", "USD", ("12.30", "2026-03-12", "lunch", None)),
    ("groceries 56.20 last friday", "en_US", "USD", ("56.20", "2026-03-13", "groceries", None)),
    ("₹250 auto rickshaw", "en_IN", "INR", ("250.00", "2026-03-14", "auto rickshaw", None)),
    # Amount first, last or in the middle; whole numbers; one decimal.
    ("4.50 coffee", "en_US", "USD", ("4.50", "2026-03-14", "coffee", None)),
    ("coffee 4", "en_US", "USD", ("4.00", "2026-03-14", "coffee", None)),
    ("coffee 4.5", "en_US", "USD", ("4.50", "2026-03-14", "coffee", None)),
    ("flat white 3.80 with oat milk", "en_US", "USD", ("3.80", "2026-03-14", "flat white with oat milk", None)),
    ("Coffee  4.50", "en_US", "USD", ("4.50", "2026-03-14", "Coffee", None)),
    ("  tea 2.10  ", "en_GB", "GBP", ("2.10", "2026-03-14", "tea", None)),
    ("train ticket 1,234.50", "en_US", "USD", ("1234.50", "2026-03-14", "train ticket", None)),
    ("laptop 1,299", "en_US", "USD", ("1299.00", "2026-03-14", "laptop", None)),
    ("rent 12,34,567.00", "en_IN", "INR", ("1234567.00", "2026-03-14", "rent", None)),
    ("rent 1150", "en_US", "USD", ("1150.00", "2026-03-14", "rent", None)),
    ("lunch for 12.50", "en_US", "USD", ("12.50", "2026-03-14", "lunch", None)),
    ("12.50 for lunch", "en_US", "USD", ("12.50", "2026-03-14", "lunch", None)),
    ("Mittagessen für 12,50", "de_DE", "EUR", ("12.50", "2026-03-14", "Mittagessen", None)),
    ("coffee 4.50!", "en_US", "USD", ("4.50", "2026-03-14", "coffee", None)),
    ("coffee, 4.50", "en_US", "USD", ("4.50", "2026-03-14", "coffee", None)),
    ("bus 0.99", "en_US", "USD", ("0.99", "2026-03-14", "bus", None)),
    ("sushi 1200", "en_US", "JPY", ("1200", "2026-03-14", "sushi", None)),
    ("ramen ¥980", "ja_JP", "JPY", ("980", "2026-03-14", "ramen", None)),
    ("bibimbap ₩12000", "en_US", "KRW", ("12000", "2026-03-14", "bibimbap", None)),
    # The ledger currency's signs and codes, before or after, joined or apart.
    ("$4.50 coffee", "en_US", "USD", ("4.50", "2026-03-14", "coffee", None)),
    ("coffee $4.50", "en_US", "USD", ("4.50", "2026-03-14", "coffee", None)),
    ("coffee 4.50$", "en_US", "USD", ("4.50", "2026-03-14", "coffee", None)),
    ("coffee $ 4.50", "en_US", "USD", ("4.50", "2026-03-14", "coffee", None)),
    ("coffee 4.50 USD", "en_US", "USD", ("4.50", "2026-03-14", "coffee", None)),
    ("coffee USD 4.50", "en_US", "USD", ("4.50", "2026-03-14", "coffee", None)),
    ("coffee usd4.50", "en_US", "USD", ("4.50", "2026-03-14", "coffee", None)),
    ("coffee 4.50usd", "en_US", "USD", ("4.50", "2026-03-14", "coffee", None)),
    ("Kaffee 4,50€", "de_DE", "EUR", ("4.50", "2026-03-14", "Kaffee", None)),
    ("Kaffee €4,50", "de_DE", "EUR", ("4.50", "2026-03-14", "Kaffee", None)),
    ("Kaffee 4,50 EUR", "de_DE", "EUR", ("4.50", "2026-03-14", "Kaffee", None)),
    ("Kaffee EUR 4,50", "de_DE", "EUR", ("4.50", "2026-03-14", "Kaffee", None)),
    ("Kaffee 4,50 eur", "de_DE", "EUR", ("4.50", "2026-03-14", "Kaffee", None)),
    ("tea £2.10", "en_GB", "GBP", ("2.10", "2026-03-14", "tea", None)),
    ("tea 2.10 GBP", "en_GB", "GBP", ("2.10", "2026-03-14", "tea", None)),
    ("auto ₹250", "en_IN", "INR", ("250.00", "2026-03-14", "auto", None)),
    ("auto 250 INR", "en_IN", "INR", ("250.00", "2026-03-14", "auto", None)),
    ("Kaffee CHF 4.50", "de_CH", "CHF", ("4.50", "2026-03-14", "Kaffee", None)),
    ("Kaffee 4.50 CHF", "de_CH", "CHF", ("4.50", "2026-03-14", "Kaffee", None)),
    ("flat white A$5.20", "en_AU", "AUD", ("5.20", "2026-03-14", "flat white", None)),
    ("flat white AUD 5.20", "en_AU", "AUD", ("5.20", "2026-03-14", "flat white", None)),
    ("poutine CA$12.50", "en_CA", "CAD", ("12.50", "2026-03-14", "poutine", None)),
    ("café 3,20 €", "fr_FR", "EUR", ("3.20", "2026-03-14", "café", None)),
    # The reader's number format: German decimal comma and dot grouping.
    ("Kaffee 4,50", "de_DE", "EUR", ("4.50", "2026-03-14", "Kaffee", None)),
    ("Miete 1.150", "de_DE", "EUR", ("1150.00", "2026-03-14", "Miete", None)),
    ("Miete 1.150,00", "de_DE", "EUR", ("1150.00", "2026-03-14", "Miete", None)),
    ("1.000 Miete", "de_DE", "EUR", ("1000.00", "2026-03-14", "Miete", None)),
    ("Laptop 1.299,99 €", "de_DE", "EUR", ("1299.99", "2026-03-14", "Laptop", None)),
    ("Kaffee 4.50", "de_DE", "EUR", ("4.50", "2026-03-14", "Kaffee", None)),
    ("Brötchen 2,1", "de_DE", "EUR", ("2.10", "2026-03-14", "Brötchen", None)),
    ("Kaffee 4", "de_DE", "EUR", ("4.00", "2026-03-14", "Kaffee", None)),
    ("1,000 rent", "en_US", "USD", ("1000.00", "2026-03-14", "rent", None)),
    # Two numbers: a currency sign wins, then decimals, then the last.
    ("5 coffees 12.50", "en_US", "USD", ("12.50", "2026-03-14", "5 coffees", None)),
    ("12.50 5 coffees", "en_US", "USD", ("12.50", "2026-03-14", "5 coffees", None)),
    ("5 Kaffee 12,50", "de_DE", "EUR", ("12.50", "2026-03-14", "5 Kaffee", None)),
    ("2 coffees 7", "en_US", "USD", ("7.00", "2026-03-14", "2 coffees", None)),
    ("$7 2 coffees", "en_US", "USD", ("7.00", "2026-03-14", "2 coffees", None)),
    ("3.5 kg apples $6", "en_US", "USD", ("6.00", "2026-03-14", "3.5 kg apples", None)),
    ("Tesco 1234 45.60", "en_GB", "GBP", ("45.60", "2026-03-14", "Tesco 1234", None)),
    ("bus 24 2.90", "en_GB", "GBP", ("2.90", "2026-03-14", "bus 24", None)),
    ("7-eleven 3.20", "en_US", "USD", ("3.20", "2026-03-14", "7-eleven", None)),
    ("1st class ticket 45.00", "en_GB", "GBP", ("45.00", "2026-03-14", "1st class ticket", None)),
    # #category anywhere; the rest is the description.
    ("#food coffee 4.50", "en_US", "USD", ("4.50", "2026-03-14", "coffee", "food")),
    ("coffee #food 4.50", "en_US", "USD", ("4.50", "2026-03-14", "coffee", "food")),
    ("coffee 4.50 #Food", "en_US", "USD", ("4.50", "2026-03-14", "coffee", "Food")),
    ("Kaffee 4,50 #Essen gestern", "de_DE", "EUR", ("4.50", "2026-03-13", "Kaffee", "Essen")),
    ("taxi 23 #transport", "en_US", "USD", ("23.00", "2026-03-14", "taxi", "transport")),
    ("coffee # 4.50", "en_US", "USD", ("4.50", "2026-03-14", "coffee #", None)),
    ("coffee 4.50 #food-and-groceries", "en_US", "USD", ("4.50", "2026-03-14", "coffee", "food-and-groceries")),
    # English date words.
    ("coffee 4.50 today", "en_US", "USD", ("4.50", "2026-03-14", "coffee", None)),
    ("today coffee 4.50", "en_US", "USD", ("4.50", "2026-03-14", "coffee", None)),
    ("coffee 4.50 yesterday", "en_US", "USD", ("4.50", "2026-03-13", "coffee", None)),
    ("coffee 4.50 Yesterday", "en_US", "USD", ("4.50", "2026-03-13", "coffee", None)),
    ("coffee 4.50 yesterday,", "en_US", "USD", ("4.50", "2026-03-13", "coffee", None)),
    ("yesterday, coffee 4.50", "en_US", "USD", ("4.50", "2026-03-13", "coffee", None)),
    ("coffee 4.50 day before yesterday", "en_US", "USD", ("4.50", "2026-03-12", "coffee", None)),
    ("coffee 4.50 the day before yesterday", "en_US", "USD", ("4.50", "2026-03-12", "coffee", None)),
    ("coffee 4.50 1 day ago", "en_US", "USD", ("4.50", "2026-03-13", "coffee", None)),
    ("coffee 4.50 a day ago", "en_US", "USD", ("4.50", "2026-03-13", "coffee", None)),
    ("coffee 4.50 3 days ago", "en_US", "USD", ("4.50", "2026-03-11", "coffee", None)),
    ("coffee 4.50 three days ago", "en_US", "USD", ("4.50", "2026-03-11", "coffee", None)),
    ("coffee 4.50 14 days ago", "en_US", "USD", ("4.50", "2026-02-28", "coffee", None)),
    ("coffee 4.50 a week ago", "en_US", "USD", ("4.50", "2026-03-07", "coffee", None)),
    ("coffee 4.50 2 weeks ago", "en_US", "USD", ("4.50", "2026-02-28", "coffee", None)),
    ("5 days ago 5 coffees 12", "en_US", "USD", ("12.00", "2026-03-09", "5 coffees", None)),
    ("2 days ago lunch 12", "en_US", "USD", ("12.00", "2026-03-12", "lunch", None)),
    ("coffee 4.50 friday", "en_US", "USD", ("4.50", "2026-03-13", "coffee", None)),
    ("coffee 4.50 on friday", "en_US", "USD", ("4.50", "2026-03-13", "coffee", None)),
    ("coffee 4.50 last friday", "en_US", "USD", ("4.50", "2026-03-13", "coffee", None)),
    ("coffee 4.50 monday", "en_US", "USD", ("4.50", "2026-03-09", "coffee", None)),
    ("coffee 4.50 on Monday", "en_US", "USD", ("4.50", "2026-03-09", "coffee", None)),
    ("coffee 4.50 sunday", "en_US", "USD", ("4.50", "2026-03-08", "coffee", None)),
    ("coffee 4.50 saturday", "en_US", "USD", ("4.50", "2026-03-14", "coffee", None)),
    ("coffee 4.50 last saturday", "en_US", "USD", ("4.50", "2026-03-07", "coffee", None)),
    ("coffee 4.50 this saturday", "en_US", "USD", ("4.50", "2026-03-14", "coffee", None)),
    ("Sunday roast 18.00", "en_GB", "GBP", ("18.00", "2026-03-08", "roast", None)),
    ("rent 1150 on the 1st", "en_GB", "GBP", ("1150.00", "2026-03-01", "rent", None)),
    ("rent 1150 the 1st", "en_US", "USD", ("1150.00", "2026-03-01", "rent", None)),
    ("rent 1150 on 1st", "en_US", "USD", ("1150.00", "2026-03-01", "rent", None)),
    ("phone 30 on the 2nd", "en_US", "USD", ("30.00", "2026-03-02", "phone", None)),
    ("gym 40 on the 3rd", "en_US", "USD", ("40.00", "2026-03-03", "gym", None)),
    ("water 20 on the 14th", "en_US", "USD", ("20.00", "2026-03-14", "water", None)),
    ("insurance 80 on the 15th", "en_US", "USD", ("80.00", "2026-02-15", "insurance", None)),
    ("insurance 80 on the 31st", "en_US", "USD", ("80.00", "2026-01-31", "insurance", None)),
    ("rent 1150 on the 21st", "en_US", "USD", ("1150.00", "2026-02-21", "rent", None)),
    ("coffee 4.50 2026-03-10", "en_US", "USD", ("4.50", "2026-03-10", "coffee", None)),
    ("2026-03-10 coffee 4.50", "de_DE", "EUR", ("4.50", "2026-03-10", "coffee", None)),
    ("coffee 4.50 on 2026-03-10", "en_US", "USD", ("4.50", "2026-03-10", "coffee", None)),
    ("coffee 4.50 2025-12-31", "en_US", "USD", ("4.50", "2025-12-31", "coffee", None)),
    ("coffee 4.50 3/10/26", "en_US", "USD", ("4.50", "2026-03-10", "coffee", None)),
    ("coffee 4.50 3/10/2026", "en_US", "USD", ("4.50", "2026-03-10", "coffee", None)),
    ("coffee 4.50 3/10", "en_US", "USD", ("4.50", "2026-03-10", "coffee", None)),
    ("coffee 4.50 12/25", "en_US", "USD", ("4.50", "2025-12-25", "coffee", None)),
    ("coffee 3/14 4.50", "en_US", "USD", ("4.50", "2026-03-14", "coffee", None)),
    ("tea 2.10 10/03/2026", "en_GB", "GBP", ("2.10", "2026-03-10", "tea", None)),
    ("tea 2.10 10/03", "en_GB", "GBP", ("2.10", "2026-03-10", "tea", None)),
    ("chai 20 10/03/26", "en_IN", "INR", ("20.00", "2026-03-10", "chai", None)),
    ("coffee 4.50 on 3/10", "en_US", "USD", ("4.50", "2026-03-10", "coffee", None)),
    # German date words.
    ("Kaffee 4,50 heute", "de_DE", "EUR", ("4.50", "2026-03-14", "Kaffee", None)),
    ("Kaffee 4,50 gestern", "de_DE", "EUR", ("4.50", "2026-03-13", "Kaffee", None)),
    ("Gestern Kaffee 4,50", "de_DE", "EUR", ("4.50", "2026-03-13", "Kaffee", None)),
    ("Kaffee 4,50 vorgestern", "de_DE", "EUR", ("4.50", "2026-03-12", "Kaffee", None)),
    ("Kaffee 4,50 vor 3 Tagen", "de_DE", "EUR", ("4.50", "2026-03-11", "Kaffee", None)),
    ("Kaffee 4,50 vor drei Tagen", "de_DE", "EUR", ("4.50", "2026-03-11", "Kaffee", None)),
    ("Kaffee 4,50 vor einem Tag", "de_DE", "EUR", ("4.50", "2026-03-13", "Kaffee", None)),
    ("Kaffee 4,50 vor einer Woche", "de_DE", "EUR", ("4.50", "2026-03-07", "Kaffee", None)),
    ("Kaffee 4,50 vor 2 Wochen", "de_DE", "EUR", ("4.50", "2026-02-28", "Kaffee", None)),
    ("Kaffee 4,50 Freitag", "de_DE", "EUR", ("4.50", "2026-03-13", "Kaffee", None)),
    ("Kaffee 4,50 am Freitag", "de_DE", "EUR", ("4.50", "2026-03-13", "Kaffee", None)),
    ("Kaffee 4,50 letzten Freitag", "de_DE", "EUR", ("4.50", "2026-03-13", "Kaffee", None)),
    ("Kaffee 4,50 letzten Samstag", "de_DE", "EUR", ("4.50", "2026-03-07", "Kaffee", None)),
    ("Kaffee 4,50 Samstag", "de_DE", "EUR", ("4.50", "2026-03-14", "Kaffee", None)),
    ("Kaffee 4,50 Sonnabend", "de_DE", "EUR", ("4.50", "2026-03-14", "Kaffee", None)),
    ("Kaffee 4,50 vergangenen Mittwoch", "de_DE", "EUR", ("4.50", "2026-03-11", "Kaffee", None)),
    ("Kaffee 4,50 am Sonntag", "de_DE", "EUR", ("4.50", "2026-03-08", "Kaffee", None)),
    ("Miete 1150 am 1.", "de_DE", "EUR", ("1150.00", "2026-03-01", "Miete", None)),
    ("Miete 1150 am 1", "de_DE", "EUR", ("1150.00", "2026-03-01", "Miete", None)),
    ("Miete 1.150 am 1.", "de_DE", "EUR", ("1150.00", "2026-03-01", "Miete", None)),
    ("Versicherung 80 am 15.", "de_DE", "EUR", ("80.00", "2026-02-15", "Versicherung", None)),
    ("Kaffee 4,50 12.03.2026", "de_DE", "EUR", ("4.50", "2026-03-12", "Kaffee", None)),
    ("Kaffee 4,50 12.03.26", "de_DE", "EUR", ("4.50", "2026-03-12", "Kaffee", None)),
    ("Kaffee 4,50 12.3.2026", "de_DE", "EUR", ("4.50", "2026-03-12", "Kaffee", None)),
    ("Kaffee 4,50 12.03.", "de_DE", "EUR", ("4.50", "2026-03-12", "Kaffee", None)),
    ("Kaffee 4,50 am 12.03.", "de_DE", "EUR", ("4.50", "2026-03-12", "Kaffee", None)),
    ("Kaffee 4,50 24.12.", "de_DE", "EUR", ("4.50", "2025-12-24", "Kaffee", None)),
    ("12.03. Kaffee 4,50", "de_DE", "EUR", ("4.50", "2026-03-12", "Kaffee", None)),
    ("Kaffee 4,50 2026-03-12", "de_DE", "EUR", ("4.50", "2026-03-12", "Kaffee", None)),
    ("Kaffee 4.50 am 12.03.", "de_CH", "CHF", ("4.50", "2026-03-12", "Kaffee", None)),
    # Either language whatever the locale.
    ("Kaffee 4.50 gestern", "en_US", "USD", ("4.50", "2026-03-13", "Kaffee", None)),
    ("coffee 4,50 yesterday", "de_DE", "EUR", ("4.50", "2026-03-13", "coffee", None)),
    # A date and an amount that look alike.
    ("Kaffee 12.03", "de_DE", "EUR", ("12.03", "2026-03-14", "Kaffee", None)),
    ("coffee 3.10", "en_US", "USD", ("3.10", "2026-03-14", "coffee", None)),
    ("coffee 3.10 3/10", "en_US", "USD", ("3.10", "2026-03-10", "coffee", None)),
    ("Kaffee 3,10 3.10.", "de_DE", "EUR", ("3.10", "2025-10-03", "Kaffee", None)),
    ("Kaffee 12 12.03.", "de_DE", "EUR", ("12.00", "2026-03-12", "Kaffee", None)),
    ("pizza 12 on the 12th", "en_US", "USD", ("12.00", "2026-03-12", "pizza", None)),
    ("Pizza 12 am 12.", "de_DE", "EUR", ("12.00", "2026-03-12", "Pizza", None)),
    ("bus 2026 fare 3.00", "en_US", "USD", ("3.00", "2026-03-14", "bus 2026 fare", None)),
    # Words that look like dates but are not.
    ("Monday Market 8.00", "en_US", "USD", ("8.00", "2026-03-09", "Market", None)),
    ("todays special 9.90", "en_US", "USD", ("9.90", "2026-03-14", "todays special", None)),
    ("ago bar 9.90", "en_US", "USD", ("9.90", "2026-03-14", "ago bar", None)),
    ("Kaffee am Markt 3,50", "de_DE", "EUR", ("3.50", "2026-03-14", "Kaffee am Markt", None)),
]

# (line, locale, currency, the message shown).
REFUSED = [
    ("", "en_US", "USD", "Type what you spent, like “coffee 4.50”."),
    ("   ", "en_US", "USD", "Type what you spent, like “coffee 4.50”."),
    ("coffee", "en_US", "USD", "There is no amount in that line. Add one, like “coffee 4.50”."),
    ("Kaffee gestern", "de_DE", "EUR", "There is no amount in that line. Add one, like “coffee 4,50”."),
    ("sushi", "en_US", "JPY", "There is no amount in that line. Add one, like “coffee 4”."),
    ("4.50", "en_US", "USD", "Say what it was for too, like “coffee 4.50”."),
    ("4.50 yesterday", "en_US", "USD", "Say what it was for too, like “coffee 4.50”."),
    ("4.50 #food", "en_US", "USD", "Say what it was for too, like “coffee 4.50”."),
    ("coffee 0", "en_US", "USD", "The amount must be more than zero."),
    ("coffee 0.00", "en_US", "USD", "The amount must be more than zero."),
    ("coffee 4.505", "en_US", "USD", "Use at most 2 decimal places."),
    ("1.000 rent", "en_US", "USD", "Use at most 2 decimal places."),
    ("1.000 Miete", "de_CH", "CHF", "Use at most 2 decimal places."),
    ("coffee -4.50", "en_US", "USD", "The amount must be more than zero."),
    ("sushi 1200.50", "en_US", "JPY", "Amounts in JPY have no decimal places."),
    ("Miete 1.000", "en_US", "JPY", "Amounts in JPY have no decimal places."),
    ("Kaffee 4,50", "en_US", "USD", "Enter the amount as a number, like 12.50."),
    ("coffee 1,2,3", "en_US", "USD", "Enter the amount as a number, like 12.50."),
    ("yacht 2000000000", "en_US", "USD", "The largest amount allowed is $1,000,000,000.00."),
    ("coffee 4.50 3.20", "en_US", "USD", "That line has two amounts, “4.50” and “3.20”. Keep one."),
    ("Kaffee 12.03 4,50", "de_DE", "EUR", "That line has two amounts, “12.03” and “4,50”. Keep one."),
    ("coffee $4 $5", "en_US", "USD", "That line has two amounts, “4” and “5”. Keep one."),
    ("coffee $4.50", "en_US", "EUR", "This ledger keeps its books in EUR; “$4.50” is in another currency."),
    ("coffee 4.50 USD", "en_US", "EUR", "This ledger keeps its books in EUR; “USD” is in another currency."),
    ("Kaffee 4,50 £", "de_DE", "EUR", "This ledger keeps its books in EUR; “£” is in another currency."),
    ("coffee €4.50", "en_IN", "INR", "This ledger keeps its books in INR; “€4.50” is in another currency."),
    ("coffee 4.50 yesterday friday", "en_US", "USD", "That line has two dates, “yesterday” and “friday”. Keep one."),
    ("coffee 4.50 31.02.2026", "de_DE", "EUR", "“31.02.2026” is not a date."),
    ("coffee 4.50 2026-13-01", "en_US", "USD", "“2026-13-01” is not a date."),
    ("coffee 4.50 on the 32nd", "en_US", "USD", "“on the 32nd” is not a date."),
    ("coffee € ", "de_DE", "EUR", "Write the amount next to “€”, like €12."),
    ("coffee #food #drinks 4.50", "en_US", "USD", "Give one #category, not #food and #drinks."),
    ("coffee\t4.50", "en_US", "USD", "Use ordinary characters only: no tabs, line breaks or control codes."),
    ("coffee 4.50 " + "x" * 300, "en_US", "USD", "That line is too long: keep it under 300 characters."),
    ("x" * 201 + " 4.50", "en_US", "USD", "Keep the description under 200 characters."),
    ("coffee 1e3", "en_US", "USD", "There is no amount in that line. Add one, like “coffee 4.50”."),
]


def _read(line, locale, code):
    return parse_plain_words(line, currency_code=code, locale=locale, today=TODAY)


def test_the_table_has_at_least_150_phrasings():
    assert len(READ) + len(REFUSED) >= 150
    assert len({(line, locale, code) for line, locale, code, _ in READ + REFUSED}) == len(READ) + len(REFUSED)


@pytest.mark.parametrize(("line", "locale", "code", "expected"), READ)
def test_reads(line, locale, code, expected):
    parsed = _read(line, locale, code)
    amount, day, description, category = expected
    assert (parsed.amount, parsed.spent_on, parsed.description, parsed.category) == (
        Decimal(amount),
        date.fromisoformat(day),
        description,
        category,
    )


@pytest.mark.parametrize(("line", "locale", "code", "message"), REFUSED)
def test_refuses_with_a_clear_message(line, locale, code, message):
    with pytest.raises(PlainWordsError) as refused:
        _read(line, locale, code)
    assert str(refused.value) == message


def test_says_which_words_it_read_as_the_date():
    assert _read("coffee 4.50 2 days ago", "en_US", "USD").date_words == "2 days ago"
    assert _read("Miete 1150 am 1.", "de_DE", "EUR").date_words == "am 1."
    assert _read("coffee 4.50", "en_US", "USD").date_words is None

"""Amounts and dates in the reader's locale: the setting, the browser's Accept-Language, exact
formatted strings (with Babel's no-break and narrow no-break spaces), typing "12,50", and exports
that stay plain whatever the locale."""

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from babel.numbers import format_currency

from app import l10n, money
from app.extensions import db
from app.models import Category, Expense, Ledger, OverallBudget, User
from app.money import AmountError, format_amount, format_plain, parse_amount
from tests.conftest import add_expense, category_id, count_rows, post_form
from tests.pages import field_errors, flashes, input_value, json_block, options, selected_option, table_rows

GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}
NBSP, NNBSP, THIN = "\xa0", "\u202f", "\u2009"


def _locale(locale_id):
    return l10n.parse_locale(locale_id)


# Formatting amounts


@pytest.mark.parametrize(
    ("locale_id", "value", "code", "text"),
    [
        ("en_US", 123450, "INR", "₹1,234.50"),
        ("en_US", Decimal("1234.5"), "INR", "₹1,234.50"),
        ("en_US", -300, "USD", "-$3.00"),
        ("en_US", 123450, "CHF", f"CHF{NBSP}1,234.50"),
        ("en_GB", 123450, "USD", "US$1,234.50"),
        ("de_DE", 123450, "EUR", f"1.234,50{NBSP}€"),
        ("de_DE", -123450, "EUR", f"-1.234,50{NBSP}€"),
        ("de_DE", 100_000_000_000, "INR", f"1.000.000.000,00{NBSP}₹"),
        ("en_IN", 12345600, "INR", "₹1,23,456.00"),
        ("en_IN", 100_000_000_000, "INR", "₹1,00,00,00,000.00"),
        ("en_IN", -12345600, "INR", "-₹1,23,456.00"),
        ("hi_IN", 12345600, "INR", "₹1,23,456.00"),
        ("fr_FR", 123450, "EUR", f"1{NNBSP}234,50{NBSP}€"),
        ("fr_FR", -99, "EUR", f"-0,99{NBSP}€"),
        ("ja_JP", 1200, "JPY", "￥1,200"),
        ("ja_JP", 1234567, "JPY", "￥1,234,567"),
        ("de_DE", 1200, "JPY", f"1.200{NBSP}¥"),
        ("nl_NL", -123450, "EUR", f"€{NBSP}-1.234,50"),
        ("pt_BR", 123450, "BRL", f"R${NBSP}1.234,50"),
        ("de_CH", 123456789, "CHF", f"CHF{NBSP}1’234’567.89"),
        ("sv_SE", 123450, "SEK", f"1{NBSP}234,50{NBSP}kr"),
        ("es_ES", 0, "EUR", f"0,00{NBSP}€"),
        # A symbol made of letters is kept from the digits (CLDR's currency spacing)...
        ("en_US", 995, "CHF", f"CHF{NBSP}9.95"),
        ("en_US", -995, "CHF", f"-CHF{NBSP}9.95"),
        ("en_GB", 500, "NOK", f"NOK{NBSP}5.00"),
        ("en_US", 500, "ZAR", f"ZAR{NBSP}5.00"),
        # ... but not from a minus sign (de_CH writes the sign after the symbol), nor a sign symbol.
        ("de_CH", -995, "CHF", "CHF-9.95"),
        ("en_US", 500, "AUD", "A$5.00"),
        ("en_US", -120000, "JPY", "-¥120,000"),
        ("ko_KR", 1234, "KRW", "₩1,234"),
    ],
)
def test_format_amount_in_a_locale(locale_id, value, code, text):
    assert format_amount(value, code, _locale(locale_id)) == text


@pytest.mark.parametrize("locale_id", l10n.OFFERED_LOCALES)
def test_amounts_are_written_by_babel(locale_id):
    """Every amount is Babel's format_currency, plus CLDR's currency spacing (the no-break space
    after "CHF"), which Babel leaves out; and each currency's decimal places are CLDR's."""
    locale = _locale(locale_id)
    for code, cur in money.CURRENCIES.items():
        for minor in (0, 7, 99, 123450, -123450, 12345678901, -100_000_000_000):
            amount = money.from_minor(minor, code)
            expected = format_currency(amount, code, locale=locale)
            shown = format_amount(minor, code, locale)
            assert shown.replace(NBSP, "") == expected.replace(NBSP, ""), (code, minor)
            assert len(shown) - len(expected) in (0, 1), (code, minor)
        assert cur.exponent == (0 if code in ("JPY", "KRW") else 2)


def test_pages_keep_a_letter_symbol_apart_from_the_digits(app, client, user):
    _set_ledger(app, user.id, currency="CHF")
    add_expense(app, user.id, "Other", 995, date.today(), "Coffee")
    page = client.get("/").get_data(as_text=True)
    assert f'id="card-total">CHF{NBSP}9.95<' in page
    page = client.get("/expenses").get_data(as_text=True)
    assert f"CHF{NBSP}9.95" in page and "CHF9.95" not in page


def test_outside_a_request_amounts_are_en_us(app):
    assert format_amount(123450, "INR") == "₹1,234.50"
    with app.app_context():  # the CLI
        assert format_amount(-123450, "EUR") == "-€1,234.50"


def test_in_a_request_amounts_follow_its_locale_and_plain_ones_do_not(app):
    with app.test_request_context(headers=GERMAN):
        assert format_amount(123450, "INR") == f"1.234,50{NBSP}₹"
        assert format_plain(123450, "INR") == "1234.50"
        assert l10n.format_day(date(2026, 11, 25)) == "25.11.2026"
    with app.test_request_context(headers={"Accept-Language": "en-IN"}):
        assert format_amount(12345600, "INR") == "₹1,23,456.00"
        assert format_plain(12345600, "INR") == "123456.00"


# Dates


@pytest.mark.parametrize(
    ("locale_id", "medium", "long", "month", "range_"),
    [
        ("en_US", "Nov 25, 2026", "November 25, 2026", "November 2026", f"Nov 15{THIN}–{THIN}Dec 14, 2026"),
        ("en_GB", "25 Nov 2026", "25 November 2026", "November 2026", f"15 Nov{THIN}–{THIN}14 Dec 2026"),
        ("de_DE", "25.11.2026", "25. November 2026", "November 2026", f"15. Nov.{THIN}–{THIN}14. Dez. 2026"),
        ("fr_FR", "25 nov. 2026", "25 novembre 2026", "novembre 2026", f"15 nov.{THIN}–{THIN}14 déc. 2026"),
        ("ja_JP", "2026/11/25", "2026年11月25日", "2026年11月", "2026年11月15日～12月14日"),
    ],
)
def test_dates_in_a_locale(app, locale_id, medium, long, month, range_):
    with app.test_request_context(headers={"Accept-Language": l10n.html_lang(locale_id)}):
        day = date(2026, 11, 25)
        assert l10n.format_day(day) == medium
        assert l10n.format_day(day, "long") == long
        assert l10n.format_month(day) == month
        assert l10n.format_date_range(date(2026, 11, 15), date(2026, 12, 14)) == range_


# Choosing the locale


@pytest.mark.parametrize(
    ("header", "locale_id"),
    [
        ("de-DE,de;q=0.9", "de_DE"),
        ("de", "de_DE"),
        ("en-GB,en;q=0.8", "en_GB"),
        ("en-gb", "en_GB"),
        ("en-AU", "en_AU"),
        ("en-NZ,en;q=0.8", "en_US"),
        ("fr-BE,fr;q=0.9,en;q=0.5", "fr_FR"),
        ("es-AR,en-GB;q=0.9", "es_ES"),  # the same language before a less preferred one
        ("pt", "pt_BR"),
        ("ja-JP", "ja_JP"),
        ("hi", "hi_IN"),
        ("de;q=0,nl;q=0.5", "nl_NL"),
        ("zz-ZZ,xx", "en_US"),
        ("*", "en_US"),
        ("", "en_US"),
        (";;;,,", "en_US"),
    ],
)
def test_browser_locale_is_the_best_offered_match(app, header, locale_id):
    with app.test_request_context(headers={"Accept-Language": header}):
        assert l10n.browser_locale() == locale_id
        assert l10n.select_locale() is l10n.parse_locale(locale_id)
        assert l10n.current_locale() is l10n.parse_locale(locale_id)


def test_offered_locales_are_named_in_their_own_language():
    assert l10n.display_name("de_DE") == "Deutsch (Deutschland)"
    assert l10n.display_name("en_IN") == "English (India)"
    assert l10n.display_name("fr_FR") == "Français (France)"
    assert l10n.display_name("ja_JP") == "日本語 (日本)"
    assert len(set(l10n.OFFERED_LOCALES)) == len(l10n.OFFERED_LOCALES)


# Typing amounts with a decimal comma


@pytest.mark.parametrize(
    ("text", "code", "amount"),
    [
        ("12,50", "EUR", Decimal("12.50")),
        ("12,5", "EUR", Decimal("12.50")),
        ("0,05", "EUR", Decimal("0.05")),
        ("1.234,50", "EUR", Decimal("1234.50")),
        ("1.234", "EUR", Decimal("1234.00")),  # grouped, as these locales write a thousand
        ("1.234.567", "EUR", Decimal("1234567.00")),
        ("1 234,50", "EUR", Decimal("1234.50")),
        (f"1{NNBSP}234,50", "EUR", Decimal("1234.50")),
        ("1234.50", "EUR", Decimal("1234.50")),  # what the edit forms are filled with
        ("12.5", "EUR", Decimal("12.50")),
        ("12", "EUR", Decimal("12.00")),
        ("1.200", "JPY", Decimal("1200")),
        ("1200", "JPY", Decimal("1200")),
    ],
)
def test_parse_amount_with_a_decimal_comma(text, code, amount):
    assert parse_amount(text, code, decimal_mark=",") == amount


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("1,234.50", "EUR", "Enter the amount as a number, like 12,50."),
        ("12,,5", "EUR", "Enter the amount as a number, like 12,50."),
        ("1.23,50", "EUR", "Enter the amount as a number, like 12,50."),
        ("1,234", "EUR", "Use at most 2 decimal places."),
        ("12,5", "JPY", "Amounts in JPY have no decimal places."),
        ("0,00", "EUR", "The amount must be more than zero."),
        ("-12,50", "EUR", "The amount must be more than zero."),
        ("1e3", "EUR", "Write the amount out in full, without an exponent (1000, not 1e3)."),
    ],
)
def test_parse_amount_with_a_decimal_comma_refuses(text, code, message):
    with pytest.raises(AmountError) as error:
        parse_amount(text, code, decimal_mark=",")
    assert str(error.value) == message


def test_parse_amount_with_a_decimal_point_is_unchanged():
    assert parse_amount("1,234", "EUR") == Decimal("1234.00")
    assert parse_amount("1,234.50", "EUR") == Decimal("1234.50")
    with pytest.raises(AmountError) as error:
        parse_amount("12,50", "EUR")
    assert str(error.value) == "Enter the amount as a number, like 12.50."


# Pages


def _set_user(app, user_id, **values):
    with app.app_context():
        user = db.session.get(User, user_id)
        for name, value in values.items():
            setattr(user, name, value)
        db.session.commit()


def _set_ledger(app, user_id, **values):
    """Set columns of the account's personal ledger (its currency, budget, period start day)."""
    with app.app_context():
        db.session.execute(db.update(Ledger).where(Ledger.personal_user_id == user_id).values(**values))
        db.session.commit()


def _user(app, user_id):
    """The account's locale, and its personal ledger's currency, budget and period start day."""
    with app.app_context():
        user = db.session.get(User, user_id)
        ledger = db.session.scalar(db.select(Ledger).where(Ledger.personal_user_id == user_id))
        return user.locale, ledger.currency, ledger.monthly_budget_cents, ledger.period_start_day


def test_browser_language_formats_the_dashboard_without_a_setting(app, client, user):
    _set_ledger(app, user.id, currency="EUR")
    add_expense(app, user.id, "Housing", 123450, date.today(), "Rent")
    add_expense(app, user.id, "Food & groceries", 99, date.today(), "Bread")
    page = client.get("/", headers=GERMAN).get_data(as_text=True)
    assert f'id="card-total">1.235,49{NBSP}€<' in page
    assert f"Budget 80.000,00{NBSP}€" in page
    assert json_block(page, "category-chart-data")["formatted"] == [f"1.234,50{NBSP}€", f"0,99{NBSP}€"]
    assert json_block(page, "category-chart-data")["amounts"] == ["1234.50", "0.99"]
    # The same page for a browser that asks for nothing: en_US.
    page = client.get("/").get_data(as_text=True)
    assert 'id="card-total">€1,235.49<' in page


def test_the_setting_overrides_the_browser(app, client, user):
    add_expense(app, user.id, "Housing", 12345600, date.today(), "Rent")
    _set_user(app, user.id, locale="en_IN")
    page = client.get("/", headers=GERMAN).get_data(as_text=True)
    assert 'id="card-total">₹1,23,456.00<' in page
    _set_user(app, user.id, locale=None)
    page = client.get("/", headers=GERMAN).get_data(as_text=True)
    assert f'id="card-total">123.456,00{NBSP}₹<' in page


def test_an_unknown_stored_locale_falls_back_to_the_browser(app, client, user):
    add_expense(app, user.id, "Housing", 123450, date.today(), "Rent")
    _set_user(app, user.id, locale="xx_XX")
    page = client.get("/", headers=GERMAN).get_data(as_text=True)
    assert f'id="card-total">1.234,50{NBSP}₹<' in page


@pytest.mark.parametrize(
    ("setting", "header", "shown"),
    [
        (None, None, "Nov 25, 2026"),
        ("en_GB", None, "25 Nov 2026"),
        (None, "de-DE,de;q=0.9", "25.11.2026"),
        ("de_DE", "en-GB", "25.11.2026"),
        ("fr_FR", None, "25 nov. 2026"),
    ],
)
def test_expense_list_dates_in_the_locale(app, client, user, setting, header, shown):
    _set_user(app, user.id, locale=setting)
    add_expense(app, user.id, "Housing", 123450, date(2026, 11, 25), "Rent")
    page = client.get("/expenses", headers={"Accept-Language": header} if header else {}).get_data(as_text=True)
    assert table_rows(page, "expense-table")[0][0] == shown
    assert f'<time datetime="2026-11-25">{shown}</time>' in page


def test_period_labels_in_the_locale(app, client, user):
    _set_ledger(app, user.id, period_start_day=15)
    _set_user(app, user.id, locale="de_DE")
    page = client.get("/?period=2026-11").get_data(as_text=True)
    assert f'id="period-label">15. Nov.{THIN}–{THIN}14. Dez. 2026<' in page
    _set_ledger(app, user.id, period_start_day=1)
    _set_user(app, user.id, locale="fr_FR")
    page = client.get("/?period=2026-11").get_data(as_text=True)
    assert 'id="period-label">novembre 2026<' in page


def test_exports_stay_plain_whatever_the_locale(app, client, user):
    _set_user(app, user.id, locale="de_DE")
    add_expense(app, user.id, "Housing", 123450, date(2026, 11, 25), "Rent")
    response = client.get("/expenses/export.csv", headers=GERMAN)
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1] == ["2026-11-25", "Rent", "Housing", "1234.50", "INR", "", "", ""]
    backup = json.loads(client.get("/backup.json", headers=GERMAN).get_data(as_text=True))
    assert backup["account"]["monthly_budget"] == "80000.00"
    assert [(e["date"], e["amount"]) for e in backup["expenses"]] == [("2026-11-25", "1234.50")]


def test_a_decimal_comma_locale_can_type_12_comma_50(app, client, user):
    _set_user(app, user.id, locale="de_DE")
    data = {
        "amount": "1.234,50",
        "description": "Rent",
        "category_id": str(category_id(app, user.id, "Housing")),
        "spent_on": "2026-11-25",
    }
    assert post_form(client, "/expenses/new", data).status_code == 302
    with app.app_context():
        expense = db.session.scalar(db.select(Expense))
        assert expense.amount_cents == 123450
        expense_id = expense.id
    # The edit form is filled with the plain amount, and saving it unchanged keeps it.
    page = client.get(f"/expenses/{expense_id}/edit").get_data(as_text=True)
    assert input_value(page, "amount") == "1234.50"
    assert post_form(client, f"/expenses/{expense_id}/edit", {**data, "amount": "1234.50"}).status_code == 302
    assert post_form(client, f"/expenses/{expense_id}/edit", {**data, "amount": "12,5"}).status_code == 302
    with app.app_context():
        assert db.session.get(Expense, expense_id).amount_cents == 1250


def test_a_decimal_point_locale_is_told_how_to_write_an_amount(app, client, user):
    data = {
        "amount": "12,50",
        "description": "Lunch",
        "category_id": str(category_id(app, user.id, "Food & groceries")),
        "spent_on": "2026-11-25",
    }
    response = post_form(client, "/expenses/new", data)
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == {"amount": "Enter the amount as a number, like 12.50."}
    response = post_form(client, "/expenses/new", data, headers=GERMAN)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(Expense.amount_cents)) == 1250


# The setting


def _save(client, locale, headers=None):
    return post_form(client, "/account/settings", {"locale": locale}, headers=headers)


def test_settings_offer_the_browser_default_and_every_locale_with_examples(app, client, user):
    today = date.today()
    page = client.get("/account/settings", headers=GERMAN).get_data(as_text=True)
    offered = options(page, "locale")
    de_today = f"{today.day:02d}.{today.month:02d}.{today.year}"
    # options() collapses the no-break spaces into plain ones.
    assert offered[0] == ("", "Browser-Standard · Deutsch (Deutschland)")  # in German: the browser asks for it
    assert [value for value, _ in offered[1:]] == list(l10n.OFFERED_LOCALES)
    assert offered[1] == ("en_US", "English (United States) · ₹1,234.56")
    assert ("fr_FR", "Français (France) · 1 234,56 ₹") in offered
    assert f"Français (France) · 1{NNBSP}234,56{NBSP}₹</option>" in page
    assert selected_option(page, "locale") == ""
    assert '<option lang="de-DE" value="de_DE">' in page
    help_text = f"Now: 1.234,56{NBSP}₹ · {de_today}. This changes how amounts and dates are written; "
    assert help_text + "the site&#39;s text stays in English." in page
    assert 'aria-describedby="locale-help"' in page


def test_saving_a_locale_and_going_back_to_the_browser_default(app, client, user):
    response = _save(client, "en_GB", headers=GERMAN)
    assert response.status_code == 302
    assert _user(app, user.id) == ("en_GB", "INR", 8_000_000, 1)
    page = client.get("/account/settings", headers=GERMAN).get_data(as_text=True)
    assert flashes(page) == ["Settings saved."]
    assert selected_option(page, "locale") == "en_GB"
    today = date.today()
    assert f"Now: ₹1,234.56 · {today.day} {today:%b} {today.year}." in page

    assert _save(client, "").status_code == 302
    assert _user(app, user.id)[0] is None


@pytest.mark.parametrize("locale", ["xx_XX", "de-DE", "DE_DE", "de", "en_US'--", "x" * 300])
def test_settings_refuse_a_locale_not_offered_and_write_nothing(app, client, user, locale):
    _set_user(app, user.id, locale="fr_FR")
    response = post_form(client, "/account/settings", {"locale": locale, "time_zone": "Asia/Tokyo"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    # Said in the account's language, French.
    assert field_errors(page) == {"locale": "Choisissez un format de nombres et de dates dans la liste."}
    assert _user(app, user.id) == ("fr_FR", "INR", 8_000_000, 1)
    with app.app_context():
        assert db.session.get(User, user.id).time_zone == "UTC"
    assert count_rows(app, OverallBudget) == 0
    assert count_rows(app, Category) == 8


def test_settings_budget_field_reads_the_locales_decimal_comma(app, client, user):
    _set_user(app, user.id, locale="de_DE")
    response = post_form(
        client,
        "/ledger/settings",
        {"name": "Personal", "currency": "EUR", "monthly_budget": "1.500,50", "period_start_day": "1"},
    )
    assert response.status_code == 302
    assert _user(app, user.id) == ("de_DE", "EUR", 150050, 1)


@pytest.mark.parametrize(
    ("header", "texts"),
    [
        (None, ["12.5%", "-3.0%", "100%", "1,234.5%"]),
        ("de-DE", [f"12,5{NBSP}%", f"-3,0{NBSP}%", f"100{NBSP}%", f"1.234,5{NBSP}%"]),
        ("fr-FR", [f"12,5{NBSP}%", f"-3,0{NBSP}%", f"100{NBSP}%", f"1{NNBSP}234,5{NBSP}%"]),
        ("nl-NL", ["12,5%", "-3,0%", "100%", "1.234,5%"]),
    ],
)
def test_percentages_in_the_locale(app, header, texts):
    with app.test_request_context(headers={"Accept-Language": header} if header else {}):
        assert [l10n.format_percent(v) for v in (Decimal("12.5"), Decimal("-3.0"), 100, Decimal("1234.5"))] == texts


def test_dashboard_percentages_and_report_charts_follow_the_locale(app, client, user):
    add_expense(app, user.id, "Housing", 1_000_000, date.today(), "Rent")
    page = client.get("/", headers=GERMAN).get_data(as_text=True)
    assert f"12,5{NBSP}% von 80.000,00{NBSP}₹" in page
    page = client.get("/reports", headers=GERMAN).get_data(as_text=True)
    chart = json_block(page, "monthly-chart-data")
    assert chart["locale"] == "de-DE"
    assert chart["datasets"][0]["formatted"][-1] == f"10.000,00{NBSP}₹"
    assert chart["datasets"][0]["amounts"][-1] == "10000.00"
    assert json_block(client.get("/reports").get_data(as_text=True), "averages-chart-data")["locale"] == "en-US"


@pytest.mark.parametrize(
    ("header", "currency", "placeholder"),
    [(None, "INR", "0.00"), ("de-DE", "INR", "0,00"), ("fr-FR", "EUR", "0,00"), ("de-DE", "JPY", "0")],
)
def test_amount_fields_show_the_decimal_mark_to_type(app, client, user, header, currency, placeholder):
    _set_ledger(app, user.id, currency=currency)
    page = client.get("/expenses/new", headers={"Accept-Language": header} if header else {}).get_data(as_text=True)
    assert re.search(r'<input [^>]*id="amount"[^>]*>', page).group(0).count(f'placeholder="{placeholder}"') == 1
    # The quick add dialog (in every signed-in page) says the same.
    assert 'id="quick-add-amount" name="amount" inputmode="decimal"\n' in page
    assert f'autocomplete="off" placeholder="{placeholder}" required>' in page


def test_quick_add_reads_and_answers_in_the_locale(app, client, user):
    data = {
        "amount": "1.234,50",
        "description": "Miete",
        "category_id": str(category_id(app, user.id, "Housing")),
        "spent_on": "2026-11-25",
    }
    response = post_form(client, "/expenses/quick-add", data, headers=GERMAN)
    assert response.status_code == 201
    assert response.get_json()["message"] == f"Added 1.234,50{NBSP}₹ for Miete"
    with app.app_context():
        assert db.session.scalar(db.select(Expense.amount_cents)) == 123450
    response = post_form(client, "/expenses/quick-add", {**data, "amount": "12,50"})
    assert response.status_code == 422
    assert response.get_json() == {"errors": {"amount": ["Enter the amount as a number, like 12.50."]}}
    assert count_rows(app, Expense) == 1

"""Expenses in another currency than the ledger's: the form's ways to a rate (charged, typed, used
last, uploaded file, none), what is stored, what the list, the edit page and the export show."""

import io
import re
import zipfile
from datetime import date

import pytest

from app.extensions import db
from app.models import Category, CategoryBudget, CategoryRule, Expense, Ledger, LedgerRate
from tests.conftest import add_expense, category_id, count_rows, personal_ledger_id, post_form
from tests.pages import element_text, field_errors, flashes, input_value, options, selected_option, table_rows
from tests.pages import text as text_of


def _set_currency(app, user_id: int, code: str) -> None:
    with app.app_context():
        ledger = db.session.get(Ledger, personal_ledger_id(app, user_id))
        ledger.currency = code
        db.session.commit()


@pytest.fixture
def euro_user(app, user):
    _set_currency(app, user.id, "EUR")
    return user


def _form(app, user, **overrides):
    data = {
        "currency": "JPY",
        "amount": "4500",
        "charged": "",
        "rate": "",
        "description": "Dinner in Tokyo",
        "category_id": str(category_id(app, user.id, "Food & groceries")),
        "spent_on": "2026-12-04",
    }
    data.update(overrides)
    return data


def _stored(app) -> list[tuple]:
    with app.app_context():
        return [
            (e.description, e.amount_cents, e.original_amount_minor, e.original_currency, e.rate)
            for e in db.session.scalars(db.select(Expense).order_by(Expense.id))
        ]


def test_the_amount_charged_gives_the_rate(app, client, euro_user):
    response = post_form(client, "/expenses/new", _form(app, euro_user, charged="27.63"))
    assert response.status_code == 302
    assert _stored(app) == [("Dinner in Tokyo", 2763, 4500, "JPY", "0.00614")]
    page = client.get("/expenses").get_data(as_text=True)
    assert flashes(page) == ["Added Dinner in Tokyo (¥4,500 → €27.63 at 0.00614)."]
    row = table_rows(page, "expense-table")[0]
    assert row[3] == "€27.63 ¥4,500 → €27.63 at 0.00614"
    assert element_text(page, "list-total") == "€27.63"


def test_a_charged_amount_that_implies_a_long_rate_keeps_ten_digits(app, client, euro_user):
    assert post_form(client, "/expenses/new", _form(app, euro_user, charged="27.64")).status_code == 302
    assert _stored(app) == [("Dinner in Tokyo", 2764, 4500, "JPY", "0.006142222222")]
    page = client.get("/expenses").get_data(as_text=True)
    assert table_rows(page, "expense-table")[0][3] == "€27.64 ¥4,500 → €27.64 at 0.00614222"


def test_a_typed_rate_gives_the_amount_rounded_half_to_even(app, client, user):
    # A ledger in INR: €12.30 at 89.81 is ₹1,104.663, stored as ₹1,104.66.
    response = post_form(client, "/expenses/new", _form(app, user, currency="EUR", amount="12.30", rate="89.81"))
    assert response.status_code == 302
    assert _stored(app) == [("Dinner in Tokyo", 110466, 1230, "EUR", "89.81")]
    page = client.get("/expenses").get_data(as_text=True)
    assert table_rows(page, "expense-table")[0][3] == "₹1,104.66 €12.30 → ₹1,104.66 at 89.81"


def test_a_rate_typed_beside_the_amount_it_gives_is_kept(app, client, user):
    # What the form's script sends: the rate typed and the amount it filled in.
    data = _form(app, user, currency="EUR", amount="12.30", rate="89.81", charged="1104.66")
    assert post_form(client, "/expenses/new", data).status_code == 302
    assert _stored(app) == [("Dinner in Tokyo", 110466, 1230, "EUR", "89.81")]


def test_a_charged_amount_wins_over_a_rate_that_does_not_give_it(app, client, user):
    data = _form(app, user, currency="EUR", amount="12.30", rate="89.81", charged="1100.00")
    assert post_form(client, "/expenses/new", data).status_code == 302
    assert _stored(app) == [("Dinner in Tokyo", 110000, 1230, "EUR", "89.43089431")]


def test_without_a_rate_the_rate_used_last_for_that_currency_is_used(app, client, euro_user):
    post_form(client, "/expenses/new", _form(app, euro_user, charged="27.63", spent_on="2026-12-01"))
    post_form(client, "/expenses/new", _form(app, euro_user, amount="1000", rate="0.0062", spent_on="2026-12-03"))
    # An older expense in JPY, added after: "last" is the latest by date.
    post_form(client, "/expenses/new", _form(app, euro_user, amount="1000", rate="0.007", spent_on="2026-11-01"))
    page = client.get("/expenses/new").get_data(as_text=True)
    assert "{&#34;JPY&#34;: &#34;0.0062&#34;}" in page
    response = post_form(client, "/expenses/new", _form(app, euro_user, amount="2000", description="Ramen"))
    assert response.status_code == 302
    assert _stored(app)[-1] == ("Ramen", 1240, 2000, "JPY", "0.0062")


ECB_DAILY = "Date, USD, JPY, KWD, INR, \n03 December 2026, 1.0500, 162.50, 0.3220, 89.00, \n"
ECB_HISTORY = "Date,USD,JPY,KWD,INR,\n2026-12-02,1.0514,162.49,0.3225,88.50,\n2026-11-27,1.0400,160.00,N/A,88.00,\n"


def _store_rates(app, user_id, text):
    from app import conversion, ecb_rates

    with app.app_context():
        ledger = db.session.get(Ledger, personal_ledger_id(app, user_id))
        conversion.store_rates(ledger, ecb_rates.parse_rates(text))
        db.session.commit()


def test_without_a_rate_used_before_the_uploaded_rates_of_that_day_or_the_last_before_are_used(app, client, euro_user):
    _store_rates(app, euro_user.id, ECB_HISTORY)
    _store_rates(app, euro_user.id, ECB_DAILY)
    assert count_rows(app, LedgerRate) == 4 + 4 + 3
    # 4 December: no rates that day (the file's last is 3 December): 4500 / 162.50 = 27.6923 -> 27.69.
    assert post_form(client, "/expenses/new", _form(app, euro_user)).status_code == 302
    # 28 November: the rates of 27 November, across the euro for USD to EUR: 1 / 1.04.
    data = _form(app, euro_user, currency="USD", amount="10.00", spent_on="2026-11-28", description="Taxi")
    assert post_form(client, "/expenses/new", data).status_code == 302
    assert _stored(app) == [
        ("Dinner in Tokyo", 2769, 4500, "JPY", "0.006153846154"),
        ("Taxi", 962, 1000, "USD", "0.9615384615"),
    ]


def test_uploaded_rates_convert_between_two_other_currencies_through_the_euro(app, client, user):
    # An INR ledger, a KWD expense on 2 December: 88.50 / 0.3225 INR per dinar.
    _store_rates(app, user.id, ECB_HISTORY)
    data = _form(app, user, currency="KWD", amount="1.234", spent_on="2026-12-02")
    assert post_form(client, "/expenses/new", data).status_code == 302
    # 1.234 * 274.4186047 = 338.6325582 -> ₹338.63.
    assert _stored(app) == [("Dinner in Tokyo", 33863, 1234, "KWD", "274.4186047")]


def test_no_rate_to_be_had_is_the_rate_fields_error_and_nothing_is_saved(app, client, euro_user):
    # Uploaded rates start after the expense's day: none for it.
    _store_rates(app, euro_user.id, ECB_DAILY)
    response = post_form(client, "/expenses/new", _form(app, euro_user, spent_on="2026-12-01"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_errors(page) == {
        "rate": "There is no rate for this currency yet: "
        "enter the amount charged in the ledger's currency, or the rate."
    }
    assert count_rows(app, Expense) == 0
    # The form keeps what was typed.
    assert selected_option(page, "currency") == "JPY"
    assert input_value(page, "amount") == "4500"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount": "4500.5"}, "amount", "Amounts in JPY have no decimal places."),
        ({"currency": "KWD", "amount": "1.2345", "rate": "2"}, "amount", "Use at most 3 decimal places."),
        ({"charged": "27.634"}, "charged", "Use at most 2 decimal places."),
        ({"rate": "abc"}, "rate", "Enter the rate as a number, like 89.81."),
        ({"rate": "0"}, "rate", "The rate must be more than zero."),
        ({"rate": "0.0000001"}, "rate", "At that rate this is less than €0.01."),
        ({"currency": "XYZ"}, "currency", "Choose a currency from the list."),
    ],
)
def test_amounts_and_rates_refused(app, client, euro_user, overrides, field, message):
    response = post_form(client, "/expenses/new", _form(app, euro_user, **overrides))
    assert response.status_code == 422
    errors = field_errors(response.get_data(as_text=True))
    if field == "currency":
        assert message in response.get_data(as_text=True)
    else:
        assert errors == {field: message}
    assert count_rows(app, Expense) == 0


def test_three_and_zero_decimal_currencies_are_exact(app, client, user):
    _set_currency(app, user.id, "KWD")
    # In a KWD ledger, "1.234" is one dinar and 234 fils.
    data = _form(app, user, currency="KWD", amount="1.234")
    assert post_form(client, "/expenses/new", data).status_code == 302
    # A JPY expense at 0.002 KWD per yen: 4500 * 0.002 = 9.000 KWD.
    assert post_form(client, "/expenses/new", _form(app, user, rate="0.002", description="Sushi")).status_code == 302
    assert _stored(app) == [("Dinner in Tokyo", 1234, None, None, None), ("Sushi", 9000, 4500, "JPY", "0.002")]
    page = client.get("/expenses").get_data(as_text=True)
    assert [row[3] for row in table_rows(page, "expense-table")] == [
        "KWD 9.000 ¥4,500 → KWD 9.000 at 0.002",
        "KWD 1.234",
    ]


def test_the_ledgers_currency_chosen_stores_no_original(app, client, euro_user):
    data = _form(app, euro_user, currency="EUR", amount="12.50", rate="3", charged="1")
    assert post_form(client, "/expenses/new", data).status_code == 302
    assert _stored(app) == [("Dinner in Tokyo", 1250, None, None, None)]


def test_the_form_offers_every_currency_with_the_ledgers_first_chosen(app, client, euro_user):
    page = client.get("/expenses/new").get_data(as_text=True)
    assert selected_option(page, "currency") == "EUR"
    assert sorted(re.findall(r'value="([A-Z]{3})" data-places="3"', page)) == ["BHD", "JOD", "KWD", "LYD", "OMR", "TND"]
    assert len(options(page, "currency")) == 154
    assert 'value="JPY" data-places="0"' in page
    assert 'src="/static/currency-form.js?v=' in page


def test_editing_shows_both_amounts_and_the_rate_and_keeps_them(app, client, user):
    post_form(client, "/expenses/new", _form(app, user, currency="EUR", amount="12.30", rate="89.81"))
    with app.app_context():
        expense_id = db.session.scalar(db.select(Expense.id))
    page = client.get(f"/expenses/{expense_id}/edit").get_data(as_text=True)
    assert selected_option(page, "currency") == "EUR"
    assert (input_value(page, "amount"), input_value(page, "charged"), input_value(page, "rate")) == (
        "12.30",
        "1104.66",
        "89.81",
    )
    assert element_text(page, "conversion-preview") == "€12.30 → ₹1,104.66 at 89.81"
    # Saved as shown: the rate typed beside the amount it gives stays.
    data = _form(app, user, currency="EUR", amount="12.30", rate="89.81", charged="1104.66", description="Lunch")
    assert post_form(client, f"/expenses/{expense_id}/edit", data).status_code == 302
    assert _stored(app) == [("Lunch", 110466, 1230, "EUR", "89.81")]
    assert flashes(client.get("/expenses").get_data(as_text=True)) == ["Saved Lunch (€12.30 → ₹1,104.66 at 89.81)."]
    # Back to the ledger's currency: the original goes.
    data = _form(app, user, currency="INR", amount="1000.00", description="Lunch")
    assert post_form(client, f"/expenses/{expense_id}/edit", data).status_code == 302
    assert _stored(app) == [("Lunch", 100000, None, None, None)]


def test_the_database_refuses_half_an_original(app, euro_user):
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        expense = Expense(
            ledger_id=personal_ledger_id(app, euro_user.id),
            category_id=category_id(app, euro_user.id, "Other"),
            spent_on=date(2026, 12, 1),
            description="Half",
            amount_cents=100,
            original_currency="JPY",
        )
        db.session.add(expense)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


# Backup and restore


def _expense_in(app, user_id, amount_cents, description, original=None):
    """An expense added directly; `original` is (minor units, code, rate text)."""
    expense_id = add_expense(app, user_id, "Other", amount_cents, date(2026, 12, 1), description)
    if original:
        with app.app_context():
            expense = db.session.get(Expense, expense_id)
            expense.original_amount_minor, expense.original_currency, expense.rate = original
            db.session.commit()
    return expense_id


def test_a_kwd_ledger_and_kwd_expenses_in_a_euro_ledger_round_trip_exactly(app, client, user):
    from tests.test_backup import PASSWORD, download, normalised, restore

    # A KWD ledger: "1.234" typed is one dinar and 234 fils, and comes back as 1.234.
    _set_currency(app, user.id, "KWD")
    data = _form(app, user, currency="KWD", amount="1.234", description="Tea")
    assert post_form(client, "/expenses/new", data).status_code == 302
    first = download(client)
    assert '"currency": "KWD"' in first
    assert '"description": "Tea", "category": "Food & groceries", "amount": "1.234"' in first
    assert restore(client, first, replace=True, password=PASSWORD).status_code == 302
    assert normalised(download(client)) == normalised(first)
    assert _stored(app) == [("Tea", 1234, None, None, None)]

    # A EUR ledger with a KWD expense (1.234 dinar at 2.987654321 euro), a JPY one and uploaded rates.
    _set_currency(app, user.id, "EUR")
    with app.app_context():
        db.session.execute(db.delete(Expense))
        db.session.commit()
    _expense_in(app, user.id, 369, "Tea in Kuwait", (1234, "KWD", "2.987654321"))
    _expense_in(app, user.id, 2763, "Dinner in Tokyo", (4500, "JPY", "0.00614"))
    _expense_in(app, user.id, 1250, "Bread")
    _store_rates(app, user.id, ECB_HISTORY)
    first = download(client)
    assert (
        '"original": {"amount": "1.234", "currency": "KWD", "rate": "2.987654321"}' in first
        and '"original": {"amount": "4500", "currency": "JPY", "rate": "0.00614"}' in first
    )
    assert '{"day": "2026-11-27", "per_euro": {"INR": "88.00", "JPY": "160.00", "USD": "1.0400"}}' in first
    # Change it all, then restore: everything comes back as it was.
    with app.app_context():
        db.session.execute(db.delete(Expense))
        db.session.execute(db.delete(LedgerRate))
        db.session.commit()
    response = restore(client, first, replace=True, password=PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)
    second = download(client)
    assert normalised(second) == normalised(first)
    assert sorted(_stored(app)) == [
        ("Bread", 1250, None, None, None),
        ("Dinner in Tokyo", 2763, 4500, "JPY", "0.00614"),
        ("Tea in Kuwait", 369, 1234, "KWD", "2.987654321"),
    ]
    assert count_rows(app, LedgerRate) == 7


def test_a_backup_from_before_other_currencies_still_restores(app, client, user):
    from tests.test_backup import PASSWORD, download, restore

    _expense_in(app, user.id, 1250, "Bread")
    old = download(client)
    assert '"original"' not in old and "exchange_rates" not in old
    assert restore(client, old, replace=True, password=PASSWORD).status_code == 302
    assert _stored(app) == [("Bread", 1250, None, None, None)]


@pytest.mark.parametrize(
    ("original", "message"),
    [
        ('{"amount": "1.2345", "currency": "KWD", "rate": "2.98"}', "expenses[0].original.amount “1.2345”"),
        ('{"amount": "1.234", "currency": "XYZ", "rate": "2.98"}', "expenses[0].original.currency is not a"),
        ('{"amount": "1.234", "currency": "INR", "rate": "2.98"}', "expenses[0].original.currency is not a"),
        ('{"amount": "1.234", "currency": "KWD", "rate": "2.980"}', "expenses[0].original.rate is not a rate"),
        ('{"amount": "1.234", "currency": "KWD", "rate": "1e3"}', "expenses[0].original.rate is not a rate"),
        ('{"amount": "1.234", "currency": "KWD"}', "expenses[0].original has no “rate”"),
    ],
)
def test_a_damaged_original_is_refused(app, client, user, original, message):
    from tests.test_backup import PASSWORD, download, restore

    _expense_in(app, user.id, 1250, "Bread", (1234, "KWD", "2.98"))
    good = download(client)
    damaged = re.sub(r'"original": \{[^}]*\}', f'"original": {original}', good)
    assert damaged != good
    response = restore(client, damaged, replace=True, password=PASSWORD)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True).replace("&#34;", '"')
    assert _stored(app) == [("Bread", 1250, 1234, "KWD", "2.98")]


# The exchange rates page


def _upload_rates(client, content: bytes, name="eurofxref.csv"):
    return post_form(
        client, "/exchange-rates", {"rates_file": (io.BytesIO(content), name)}, content_type="multipart/form-data"
    )


def test_uploading_the_ecbs_files_stores_and_merges_their_rates(app, client, euro_user):
    page = client.get("/exchange-rates").get_data(as_text=True)
    assert element_text(page, "rates-summary") == "No rates are stored yet."
    response = _upload_rates(client, ECB_HISTORY.encode(), "eurofxref-hist.csv")
    assert response.status_code == 302
    page = client.get("/exchange-rates").get_data(as_text=True)
    assert flashes(page) == ["Stored 7 rates of 2 days, from Nov 27, 2026 to Dec 2, 2026."]
    assert element_text(page, "rates-summary") == (
        "Rates of 2 days are stored, from Nov 27, 2026 to Dec 2, 2026, for 4 currencies."
    )
    # The daily file as the ZIP the ECB serves; a day uploaded again replaces the one before.
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("eurofxref.csv", ECB_DAILY.replace("03 December", "02 December"))
    assert _upload_rates(client, archive.getvalue(), "eurofxref.zip").status_code == 302
    with app.app_context():
        rows = db.session.execute(
            db.select(LedgerRate.day, LedgerRate.currency, LedgerRate.per_euro).order_by(
                LedgerRate.day, LedgerRate.currency
            )
        ).all()
    assert [(day.isoformat(), code, rate) for day, code, rate in rows] == [
        ("2026-11-27", "INR", "88.00"),
        ("2026-11-27", "JPY", "160.00"),
        ("2026-11-27", "USD", "1.0400"),
        ("2026-12-02", "INR", "89.00"),
        ("2026-12-02", "JPY", "162.50"),
        ("2026-12-02", "KWD", "0.3220"),
        ("2026-12-02", "USD", "1.0500"),
    ]
    response = post_form(client, "/exchange-rates/forget")
    assert response.status_code == 302
    assert count_rows(app, LedgerRate) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Day,USD\n2026-12-01,1.05\n", "This is not the ECB&#39;s rates file: its first column should be Date."),
        (b"Date,USD\n2026-13-01,1.05\n", "Line 2: “2026-13-01” is not a date like 2026-12-04 or 04 December 2026."),
        (b"Date,USD\n1960-01-01,1.05\n", "Jan 1, 1960 is not a date between 1970 and 2099."),
        (b"\xff\xfe", "This is not the ECB&#39;s rates file: it is not text."),
    ],
)
def test_a_file_that_is_not_the_ecbs_is_refused_and_changes_nothing(app, client, euro_user, content, message):
    response = _upload_rates(client, content)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count_rows(app, LedgerRate) == 0


# Importing a CSV file with a currency column


def test_an_import_with_a_currency_column_converts_by_the_same_rules_and_lists_rows_without_a_rate(
    app, client, euro_user
):
    from tests.test_import import counts, do_import, page, upload_ok

    # A JPY rate used before, and uploaded rates with USD but no CHF.
    post_form(client, "/expenses/new", _form(app, euro_user, charged="27.63", spent_on="2026-11-01"))
    _store_rates(app, euro_user.id, ECB_HISTORY)
    text = (
        "Date,Payee,Amount,Currency,Rate\n"
        "2026-12-01,Bakery,-3.50,EUR,\n"
        "2026-12-01,Ramen,-1000,JPY,\n"
        "2026-12-02,Taxi,-10.00,usd,\n"
        "2026-12-02,Hotel,-200.00,USD,0.95\n"
        "2026-12-03,Fondue,-40.00,CHF,\n"
        "2026-12-03,Souk,-1.234,KWD,2.9\n"
        "2026-12-03,Odd,-5.00,XYZ,\n"
    )
    draft_id = upload_ok(client, text)
    columns = page(client, f"/import/{draft_id}/columns")
    assert selected_option(columns, "currency_column") == "3"
    assert selected_option(columns, "rate_column") == "4"
    post_form(
        client,
        f"/import/{draft_id}/columns",
        {
            "date_column": "0",
            "description_column": "1",
            "amount_column": "2",
            "currency_column": "3",
            "rate_column": "4",
        },
    )
    post_form(
        client,
        f"/import/{draft_id}/formats",
        {"date_format": "YYYY-MM-DD", "decimal_mark": ".", "spending_sign": "negative"},
    )
    assert counts(client, draft_id) == {"new": 5, "duplicate": 0, "income": 0, "invalid": 2}
    html = page(client, f"/import/{draft_id}/preview")
    assert element_text(html, "rows-needing-rate").startswith(
        "1 row is in a currency with no rate for its day: give the file a rate column, or upload"
    )
    assert "needs a rate: there is none for CHF on 2026-12-03" in html
    assert "the currency “XYZ” is not an ISO 4217 code this app knows" in html
    assert "¥1,000 → €6.14 at 0.00614" in html
    response = do_import(client, draft_id, expected="5")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _stored(app)[1:] == [
        ("Bakery", 350, None, None, None),
        # The rate used last for JPY.
        ("Ramen", 614, 1000, "JPY", "0.00614"),
        # The uploaded rates of 2 December: 1 / 1.0514 euro per dollar.
        ("Taxi", 951, 1000, "USD", "0.951112802"),
        # The file's own rate.
        ("Hotel", 19000, 20000, "USD", "0.95"),
        ("Souk", 358, 1234, "KWD", "2.9"),
    ]


# Changing the ledger's currency


def _ledger_state(app, user_id):
    with app.app_context():
        ledger = db.session.get(Ledger, personal_ledger_id(app, user_id))
        limits = db.session.scalars(db.select(CategoryBudget.limit_cents).order_by(CategoryBudget.id)).all()
        return ledger.currency, ledger.monthly_budget_cents, limits


def _limit(app, user_id, name, limit_cents):
    with app.app_context():
        db.session.add(
            CategoryBudget(
                ledger_id=personal_ledger_id(app, user_id),
                category_id=category_id(app, user_id, name),
                effective_from=date(2026, 1, 1),
                limit_cents=limit_cents,
            )
        )
        db.session.commit()


def test_without_expenses_the_settings_relabel_the_ledger_keeping_the_figures(app, client, user):
    _limit(app, user.id, "Food & groceries", 10050)
    data = {"name": "Personal", "currency": "JPY", "monthly_budget": "80000", "period_start_day": "1"}
    assert post_form(client, "/ledger/settings", data).status_code == 302
    # ₹100.50 becomes ¥100 (half to even), the budget is read in yen.
    assert _ledger_state(app, user.id) == ("JPY", 80000, [100])
    page = client.get("/ledger/currency").get_data(as_text=True)
    assert "It has no expenses: choose another currency on the" in page
    assert 'id="currency"' not in page


def _rows_with_update(app):
    with app.app_context():
        return [
            (e.description, e.amount_cents, e.original_amount_minor, e.original_currency, e.rate, e.updated_at)
            for e in db.session.scalars(db.select(Expense).order_by(Expense.id))
        ]


def test_with_expenses_the_currency_changes_only_by_converting_everything_at_one_rate_and_undo(app, client, user):
    _expense_in(app, user.id, 10000, "Bread")
    _expense_in(app, user.id, 270000, "Ramen", (4500, "JPY", "0.6"))
    _expense_in(app, user.id, 110466, "Lunch in Paris", (1230, "EUR", "89.81"))
    _limit(app, user.id, "Food & groceries", 10050)
    before = _rows_with_update(app)
    response = post_form(client, "/ledger/currency", {"currency": "EUR", "rate": "0.0111"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert element_text(page, "preview-totals") == "₹3,904.66 → €43.38"
    assert "Budget per period: ₹80,000.00 → €888.00" in text_of(page)
    assert _ledger_state(app, user.id) == ("INR", 8_000_000, [10050])  # a preview changes nothing

    response = post_form(client, "/ledger/currency", {"currency": "EUR", "rate": "0.0111", "confirmed": "1"})
    assert response.status_code == 302
    assert flashes(client.get("/ledger/currency").get_data(as_text=True)) == [
        "Converted 3 expenses from INR to EUR at 0.0111."
    ]
    assert _ledger_state(app, user.id) == ("EUR", 88800, [112])
    assert _stored(app) == [
        # Kept in rupees as its original.
        ("Bread", 111, 10000, "INR", "0.0111"),
        # Yen at 0.6 × 0.0111: 4500 × 0.00666 = 29.97.
        ("Ramen", 2997, 4500, "JPY", "0.00666"),
        # Spent in euros: exactly that again.
        ("Lunch in Paris", 1230, None, None, None),
    ]

    # Undo: every amount exactly as it was, the edit times too.
    assert post_form(client, "/ledger/currency/undo").status_code == 302
    assert flashes(client.get("/ledger/currency").get_data(as_text=True)) == [
        "Undone: the ledger is in INR again, with every amount as it was."
    ]
    assert _ledger_state(app, user.id) == ("INR", 8_000_000, [10050])
    assert _rows_with_update(app) == before


def test_a_conversion_cannot_be_undone_once_the_ledger_changed(app, client, user):
    _expense_in(app, user.id, 10000, "Bread")
    post_form(client, "/ledger/currency", {"currency": "EUR", "rate": "0.0111", "confirmed": "1"})
    _expense_in(app, user.id, 500, "Coffee")
    assert post_form(client, "/ledger/currency/undo").status_code == 302
    assert flashes(client.get("/ledger/currency").get_data(as_text=True)) == [
        "Converted 1 expense from INR to EUR at 0.0111.",
        "The ledger has changed since it was converted, so the conversion cannot be undone. "
        "Convert it back at a rate instead.",
    ]
    assert _ledger_state(app, user.id)[0] == "EUR"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"currency": "INR", "rate": "1"}, "currency", "Choose another currency than the ledger's, INR."),
        ({"currency": "EUR", "rate": ""}, "rate", "Enter a rate."),
        ({"currency": "EUR", "rate": "-1"}, "rate", "Enter the rate as a number, like 89.81."),
        ({"currency": "EUR", "rate": "0.00001"}, "rate", "At that rate this is less than €0.01."),
    ],
)
def test_a_conversion_refused_changes_nothing(app, client, user, data, field, message):
    _expense_in(app, user.id, 100, "Sweet")
    response = post_form(client, "/ledger/currency", {**data, "confirmed": "1"})
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == {field: message}
    assert _ledger_state(app, user.id) == ("INR", 8_000_000, [])
    assert _stored(app) == [("Sweet", 100, None, None, None)]


def test_the_api_keeps_an_original_while_the_amount_stays_and_drops_it_when_the_amount_changes(app, client, user):
    from tests.conftest import bearer, make_token

    expense_id = _expense_in(app, user.id, 110466, "Lunch in Paris", (1230, "EUR", "89.81"))
    headers = bearer(make_token(app, user.id))
    url = f"/api/v1/ledgers/{personal_ledger_id(app, user.id)}/expenses/{expense_id}"
    response = client.patch(url, json={"description": "Lunch"}, headers=headers)
    assert response.status_code == 200
    assert _stored(app) == [("Lunch", 110466, 1230, "EUR", "89.81")]
    response = client.patch(url, json={"amount": {"amount": "1100.00", "currency": "INR"}}, headers=headers)
    assert response.status_code == 200
    assert _stored(app) == [("Lunch", 110000, None, None, None)]
    response = client.patch(url, json={"amount": {"amount": "12.30", "currency": "EUR"}}, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["pointer"] == "#/amount/currency"


def test_a_restore_ends_what_a_conversion_could_undo(app, client, user):
    from app.models import CurrencyChange
    from tests.test_backup import PASSWORD, download, restore

    _expense_in(app, user.id, 10000, "Bread")
    backup = download(client)
    post_form(client, "/ledger/currency", {"currency": "EUR", "rate": "0.0111", "confirmed": "1"})
    assert count_rows(app, CurrencyChange) == 1
    assert restore(client, backup, replace=True, password=PASSWORD).status_code == 302
    assert count_rows(app, CurrencyChange) == 0
    assert 'id="undo-change"' not in client.get("/ledger/currency").get_data(as_text=True)
    assert _stored(app) == [("Bread", 10000, None, None, None)]


def test_a_conversion_converts_the_filing_rules_amount_bounds_and_undo_puts_them_back(app, client, user):
    _expense_in(app, user.id, 10000, "Bread")
    with app.app_context():
        ledger_id = personal_ledger_id(app, user.id)
        category = db.session.scalar(db.select(Category).where(Category.ledger_id == ledger_id).limit(1))
        db.session.add(
            CategoryRule(
                ledger_id=ledger_id,
                position=1,
                enabled=True,
                description_op="contains",
                description_value="bread",
                amount_min_cents=1000,
                amount_max_cents=5000,
                category_id=category.id,
            )
        )
        db.session.commit()

    def bounds():
        with app.app_context():
            return db.session.execute(db.select(CategoryRule.amount_min_cents, CategoryRule.amount_max_cents)).all()

    post_form(client, "/ledger/currency", {"currency": "EUR", "rate": "0.0111", "confirmed": "1"})
    assert bounds() == [(11, 56)]  # ₹10.00 → €0.111 → €0.11; ₹50.00 → €0.555 → €0.56 (half to even)
    assert post_form(client, "/ledger/currency/undo").status_code == 302
    assert bounds() == [(1000, 5000)]

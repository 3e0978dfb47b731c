"""CSV import: reading real-world files, the wizard step by step, duplicates, all-or-nothing writes,
undo, saved mappings and the limits. Figures are exact: the rows that end up in the database."""

import io
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app import money
from app.extensions import db
from app.models import Category, Expense, ImportBatch, ImportDraft, ImportMapping, Ledger, utcnow
from app.transactions import run_and_commit
from app.transfer import csv_import
from app.transfer.analysis import analyse
from app.transfer.csv_file import ImportFileError, decode, read_table
from app.transfer.forms import category_field_name
from app.transfer.layout import (
    DATE_FORMATS,
    date_format_candidates,
    guess_columns,
    guess_decimal_mark,
    guess_spending_sign,
)
from tests.conftest import (
    PASSWORD,
    AuthActions,
    add_expense,
    count_rows,
    csrf_token,
    ledger_of,
    personal_ledger_id,
    post_form,
)

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "bank-statement.csv"


# Helpers: the wizard as a browser drives it


def upload(client, content: bytes | str, name: str = "bank.csv"):
    if isinstance(content, str):
        content = content.encode()
    return post_form(client, "/import", {"csv_file": (io.BytesIO(content), name)})


def upload_ok(client, content, name="bank.csv") -> int:
    response = upload(client, content, name)
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.fullmatch(r"/import/(\d+)/columns", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def expected_rows(client, draft_id, name="expected_rows") -> str:
    html = page(client, f"/import/{draft_id}/preview")
    return re.search(rf'name="{name}" type="hidden" value="(\d+)"', html).group(1)


def checked_radio(html: str, name: str) -> str | None:
    match = re.search(
        rf'<input checked class="form-check-input" id="{name}-\d+" name="{name}" type="radio" value="([^"]*)">', html
    )
    return match.group(1) if match else None


def counts(client, draft_id) -> dict:
    html = page(client, f"/import/{draft_id}/preview")
    return {status: int(re.search(rf'id="count-{status}">([\d,]+)<', html).group(1).replace(",", "")) for status in
            ("new", "duplicate", "income", "invalid")}  # fmt: skip


def do_import(client, draft_id, choices: dict | None = None, expected: str | None = None):
    data = {"default_category": "", "submit": "1", **(choices or {})}
    if expected is None:
        data["expected_rows"] = expected_rows(client, draft_id)
        data["expected_with_duplicates"] = expected_rows(client, draft_id, "expected_with_duplicates")
    else:
        data["expected_rows"] = data["expected_with_duplicates"] = expected
    return post_form(client, f"/import/{draft_id}/preview", data)


def expenses(app, user_id) -> list[tuple]:
    with app.app_context():
        return [
            (spent_on.isoformat(), description, name, cents)
            for spent_on, description, name, cents in db.session.execute(
                select(Expense.spent_on, Expense.description, Category.name, Expense.amount_cents)
                .join(Category, Category.id == Expense.category_id)
                .where(Expense.ledger_id == ledger_of(user_id))
                .order_by(Expense.spent_on, Expense.id)
            )
        ]


def plan_for(app, user_id, text: str, **settings):
    with app.app_context():
        ledger = db.session.get(Ledger, personal_ledger_id(app, user_id))
        table = read_table(text, 1000)
        guessed = csv_import.guess_settings(table, ledger.currency)
        for name, value in settings.items():
            setattr(guessed, name, value)
        return analyse(ledger, table, guessed)


# Reading the file


def test_decode_takes_utf8_with_or_without_bom():
    assert decode(b"date,x\n") == "date,x\n"
    assert decode("\ufeffdate,Café\n".encode()) == "date,Café\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"  \r\n", "The file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "This is not a CSV file: it contains binary data."),
        (b"date,amount\n2025-01-01,\x0012\n", "This is not a CSV file: it contains binary data."),
        ("date,description\n".encode("utf-16"), "The file is saved as UTF-16."),
        (b"date,description\n2025-01-01,Caf\xe9\n", "The file is not UTF-8 text (line 2 cannot be read as UTF-8)."),
    ],
)
def test_decode_refuses_what_is_not_utf8_text(data, message):
    with pytest.raises(ImportFileError) as error:
        decode(data)
    assert str(error.value).startswith(message)


@pytest.mark.parametrize(("delimiter", "name"), [(",", "comma"), (";", "semicolon"), ("\t", "tab")])
def test_the_delimiter_is_detected(delimiter, name):
    text = delimiter.join(["Date", "Description", "Amount"]) + "\n"
    text += delimiter.join(["2025-01-02", '"Coffee, milk; sugar"', "3.50"]) + "\n"
    table = read_table(text, 10)
    assert table.delimiter == delimiter
    assert table.header == ["Date", "Description", "Amount"]
    assert table.records[0].cells == ["2025-01-02", "Coffee, milk; sugar", "3.50"]


def test_lines_above_the_header_blank_lines_and_multi_line_cells_keep_line_numbers():
    text = (
        "Account;DE12 3456\r\n"
        "Period;January\r\n"
        "\r\n"
        "Date;Description;Amount\r\n"
        '02.01.2025;"Two\r\nlines";-1,00\r\n'
        "\r\n"
        "03.01.2025;After a blank line;-2,00\r\n"
    )
    table = read_table(text, 10)
    assert table.header_line == 4
    assert [(r.line, r.cells) for r in table.records] == [
        (5, ["02.01.2025", "Two\r\nlines", "-1,00"]),
        (8, ["03.01.2025", "After a blank line", "-2,00"]),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("just one column\nand another line\n", "No columns found."),
        ("date,description,amount\n\n\n", "The file has a header row but no rows below it."),
        ("a,b\n" + "1,2\n" * 4, "The file has more than 3 rows, the most one import takes."),
    ],
)
def test_files_that_cannot_be_imported_are_refused(text, message):
    with pytest.raises(ImportFileError) as error:
        read_table(text, 3)
    assert str(error.value).startswith(message)


# Bank amounts, dates and guesses


@pytest.mark.parametrize(
    ("text", "mark", "amount"),
    [
        ("12.50", ".", "12.50"),
        ("-12.50", ".", "-12.50"),
        ("−12.50", ".", "-12.50"),
        ("+7", ".", "7.00"),
        ("1,234.56", ".", "1234.56"),
        ("-1,234,567.00", ".", "-1234567.00"),
        ("12,34,567.89", ".", "1234567.89"),
        ("1.234,56", ",", "1234.56"),
        ("-1.234,56", ",", "-1234.56"),
        ("1 234,56", ",", "1234.56"),
        ("1'234.56", ".", "1234.56"),
        ("3,5", ",", "3.50"),
        ("(45.00)", ".", "-45.00"),
        ("12,50-", ",", "-12.50"),
        ("€-3.20", ".", "-3.20"),
        ("4.20 EUR", ".", "4.20"),
        ("12.5000", ".", "12.50"),
        ("0.00", ".", "0.00"),
    ],
)
def test_bank_amounts_keep_their_sign_and_read_either_decimal_mark(text, mark, amount):
    assert money.parse_signed_amount(text, "EUR", mark) == Decimal(amount)


@pytest.mark.parametrize(
    ("text", "mark", "message"),
    [
        ("", ".", "There is no amount."),
        ("1,5", ".", "The amount is not a number like 1234.56."),
        ("1.234,56", ".", "The amount is not a number like 1234.56."),
        ("12.505", ".", "Use at most 2 decimal places."),
        ("1e3", ".", "Write the amount out in full, without an exponent (1000, not 1e3)."),
        ("=1+2", ".", "The amount is not a number like 1234.56."),
        ("NaN", ".", "The amount is not a number like 1234.56."),
        ("1000000000.01", ".", "The largest amount allowed is €1,000,000,000.00."),
    ],
)
def test_bank_amounts_that_are_refused(text, mark, message):
    with pytest.raises(money.AmountError) as error:
        money.parse_signed_amount(text, "EUR", mark)
    assert str(error.value) == message


def test_parse_amount_still_refuses_negatives():
    with pytest.raises(money.AmountError, match="more than zero"):
        money.parse_amount("-12.50", "EUR")


@pytest.mark.parametrize(
    ("values", "formats"),
    [
        (["2025-12-31", "2026-01-02"], ["YYYY-MM-DD"]),
        (["31/12/2025", "01/02/2026"], ["DD/MM/YYYY"]),
        (["12/31/2025", "01/02/2026"], ["MM/DD/YYYY"]),
        (["03/04/2025", "05/06/2025"], ["DD/MM/YYYY", "MM/DD/YYYY"]),
        (["31.12.2025"], ["DD.MM.YYYY"]),
        (["31/12/25", "1/2/26"], ["DD/MM/YY"]),
        (["31 Dec 2025", "1 January 2026"], ["DD Mon YYYY"]),
        (["2025-12-31 10:22:00", "2026-01-02T08:00:00Z"], ["YYYY-MM-DD"]),
        (["yesterday"], []),
    ],
)
def test_date_formats_are_detected_and_ambiguity_is_reported(values, formats):
    assert [f.key for f in date_format_candidates(values)] == formats


def test_date_formats_read_exact_dates():
    assert DATE_FORMATS["DD/MM/YYYY"].parse("31/12/2025") == date(2025, 12, 31)
    assert DATE_FORMATS["MM/DD/YYYY"].parse("03/04/2025") == date(2025, 3, 4)
    assert DATE_FORMATS["DD/MM/YY"].parse("01/02/69") == date(2069, 2, 1)
    assert DATE_FORMATS["DD/MM/YY"].parse("01/02/70") == date(1970, 2, 1)
    assert DATE_FORMATS["Mon DD, YYYY"].parse("Dec 31, 2025") == date(2025, 12, 31)
    assert DATE_FORMATS["DD.MM.YYYY"].parse("31.11.2025") is None
    assert DATE_FORMATS["DD.MM.YYYY"].matches("31.11.2025")


def test_columns_are_guessed_from_header_names():
    table = read_table("Booking date;Verwendungszweck;Reference;Betrag;Saldo\n01.02.2025;Bakery;R1;-2,50;100,00\n", 9)
    settings = guess_columns(table)
    assert (settings.date_column, settings.description_column, settings.amount_column) == (0, 1, 3)
    assert settings.category_column is None

    split = guess_columns(read_table("Date,Details,Paid out,Paid in,Balance\n2025-01-02,Tea,3.00,,10.00\n", 9))
    assert (split.date_column, split.description_column, split.amount_column) == (0, 1, None)
    assert (split.debit_column, split.credit_column, split.split_amounts) == (2, 3, True)


def test_columns_without_telling_names_are_guessed_from_the_data():
    table = read_table("A,B,C\n2025-01-02,Weekly groceries at the market,-45.10\n2025-01-03,Bus,-2.80\n", 9)
    settings = guess_columns(table)
    assert (settings.date_column, settings.description_column, settings.amount_column) == (0, 1, 2)


def test_decimal_mark_and_spending_sign_are_guessed_from_the_amounts():
    assert guess_decimal_mark(["-4,50", "1.200,00", "15,99"]) == ","
    assert guess_decimal_mark(["-4.50", "1,200.00", "1,234"]) == "."
    assert guess_spending_sign(["-4.50", "-1,200.00", "2500.00"], "EUR", ".") == "negative"
    assert guess_spending_sign(["4.50", "12.00", "-3.00"], "EUR", ".") == "positive"


# The wizard with the sample bank statement


SAMPLE_IMPORTED = [
    ("2026-11-02", "Rent November", "Housing", 120000),
    ("2026-11-03", "Bakery Müller", "Food & groceries", 450),
    ("2026-11-03", "Bakery Müller", "Food & groceries", 450),
    ("2026-11-05", "Supermarket; weekly shop", "Food & groceries", 6789),
    ("2026-11-07", "City transport pass", "Transport", 4900),
    ("2026-11-10", "Pharmacy (prescription)", "Health", 1230),
    ("2026-11-14", "Electricity", "Utilities", 8540),
    ("2026-11-18", "Cinema", "Entertainment", 2400),
    ("2026-11-21", "Gym membership", "Fitness", 3500),
    ("2026-11-25", "Bookshop", "Entertainment", 1875),
    ("2026-11-28", "Streaming service", "Entertainment", 999),
]


def test_the_sample_bank_statement_through_every_step(app, client, user):
    draft_id = upload_ok(client, SAMPLE.read_bytes(), "bank-statement.csv")

    html = page(client, f"/import/{draft_id}/columns")
    assert "15 rows below the header (line 4), 6 columns separated by semicolons." in html
    assert re.search(r'<option selected value="0">Date \(column 1\)</option>', html)
    assert re.search(r'<option selected value="1">Payee \(column 2\)</option>', html)
    assert re.search(r'<option selected value="4">Amount \(column 5\)</option>', html)
    response = post_form(
        client,
        f"/import/{draft_id}/columns",
        {"date_column": "0", "description_column": "1", "category_column": "3", "amount_column": "4"},
    )
    assert response.headers["Location"] == f"/import/{draft_id}/formats"

    html = page(client, f"/import/{draft_id}/formats")
    assert "Day or month first?" not in html
    assert checked_radio(html, "date_format") == "DD.MM.YYYY"
    assert "DD.MM.YYYY: “01.11.2026” is November 1, 2026 · reads 13 of 14 dates" in html
    assert checked_radio(html, "decimal_mark") == ","
    assert checked_radio(html, "spending_sign") == "negative"
    response = post_form(
        client,
        f"/import/{draft_id}/formats",
        {"date_format": "DD.MM.YYYY", "decimal_mark": ",", "spending_sign": "negative"},
    )
    assert response.headers["Location"] == f"/import/{draft_id}/preview"

    assert counts(client, draft_id) == {"new": 11, "duplicate": 0, "income": 2, "invalid": 2}
    html = page(client, f"/import/{draft_id}/preview")
    assert "Import 11 expenses (₹1,511.33)" in html
    assert "Creates 3 categories: Fitness, Hobbies, Imported." not in html  # rows all have a category
    assert "Creates 2 categories: Fitness, Hobbies." in html
    assert "<td>18</td>" in html and "the date “31.11.2026” does not exist" in html
    assert "<td>20</td>" in html and "looks like a total row, not an expense" in html
    assert "Salary November" in html and "Refund: online shop" in html

    # Hobbies goes into Entertainment; Fitness is created.
    choice = {category_field_name("hobbies"): "category:Entertainment", category_field_name("fitness"): "new"}
    response = do_import(client, draft_id, choice, expected="11")
    assert response.headers["Location"] == "/imports"
    html = page(client, "/imports")
    assert "Imported 11 expenses from bank-statement.csv; skipped 4 rows." in html
    assert "bank-statement.csv" in html and "₹1,511.33" in html

    assert expenses(app, user.id) == SAMPLE_IMPORTED
    with app.app_context():
        batch = db.session.scalar(select(ImportBatch))
        assert (batch.ledger_id, batch.file_name, batch.row_count) == (
            personal_ledger_id(app, user.id),
            "bank-statement.csv",
            11,
        )
        assert (batch.duplicate_count, batch.income_count, batch.invalid_count) == (0, 2, 2)
        assert db.session.scalars(select(Expense.import_batch_id).distinct()).all() == [batch.id]
        fitness = db.session.scalar(
            select(Category).where(Category.ledger_id == ledger_of(user.id), Category.name == "Fitness")
        )
        assert fitness.name_key == "fitness"
        assert db.session.scalar(select(Category).where(Category.name == "Hobbies")) is None
        assert count_rows(app, ImportDraft) == 0


def test_a_saved_mapping_is_offered_for_the_next_file_with_the_same_header(app, client, user):
    text = "Date,Payee,Memo,Amount\n2025-01-02,Bakery,card 12,-3.50\n"
    draft_id = upload_ok(client, text)
    post_form(
        client,
        f"/import/{draft_id}/columns",
        {"date_column": "0", "description_column": "1", "extra_columns": "2", "amount_column": "3"},
    )
    post_form(client, f"/import/{draft_id}/formats", {"date_format": "YYYY-MM-DD", "decimal_mark": ".",
                                                      "spending_sign": "negative"})  # fmt: skip
    do_import(client, draft_id, {"default_category": "Food & groceries"})
    assert expenses(app, user.id) == [("2025-01-02", "Bakery · card 12", "Food & groceries", 350)]
    with app.app_context():
        mapping = db.session.scalar(select(ImportMapping))
        assert mapping.header == ["Date", "Payee", "Memo", "Amount"]
        assert mapping.settings["extra_columns"] == [2]
        assert mapping.settings["default_category"] == "Food & groceries"

    # Same columns, written differently: the saved choices come back.
    again = upload_ok(client, " date , PAYEE,memo,amount\n2025-01-03,Bakery,card 13,-4.00\n")
    html = page(client, f"/import/{again}/columns")
    assert 'id="saved-mapping"' in html
    assert re.search(r'name="extra_columns" id="extra_columns-2" value="2" checked', html)
    html = page(client, f"/import/{again}/preview")
    assert re.search(r'<option selected value="Food &amp; groceries">', html)

    other = upload_ok(client, "Date,Payee,Amount\n2025-01-03,Bakery,-4.00\n")
    assert 'id="saved-mapping"' not in page(client, f"/import/{other}/columns")


# Real-world quirks


QUIRKS = (
    "\ufeffDate,Description,Category,Amount\r\n"
    '2025-12-31,"Dinner, drinks and a tip",Food & groceries,"1,234.56"\r\n'
    "\r\n"
    '2025-12-30,"Hardware store\r\n(two lines)",Shopping,-12.00\r\n'
    '2025-12-29,=HYPERLINK("http://x"),Other,3.00\r\n'
    "2025-12-28,'=SUM(A1:A2),Other,4.00\r\n"
    "2025-12-27,'-Minus sign first,Other,5.00\r\n"
    "2025-12-26,@mention,Other,6.00\r\n"
    "2025-12-25,Too small,Other,0.001\r\n"
    ',Total,,"1,254.56"\r\n'
)


def test_real_world_quirks(app, client, user):
    draft_id = upload_ok(client, QUIRKS.encode(), "quirks.csv")
    html = page(client, f"/import/{draft_id}/formats")
    assert checked_radio(html, "decimal_mark") == "."
    # Mostly positive amounts: positive is spending, the negative one is a refund.
    assert checked_radio(html, "spending_sign") == "positive"
    assert counts(client, draft_id) == {"new": 5, "duplicate": 0, "income": 1, "invalid": 2}
    html = page(client, f"/import/{draft_id}/preview")
    assert "amount: Use at most 2 decimal places." in html
    assert "looks like a total row, not an expense" in html
    assert do_import(client, draft_id).status_code == 302
    assert expenses(app, user.id) == [
        ("2025-12-26", "@mention", "Other", 600),
        ("2025-12-27", "-Minus sign first", "Other", 500),
        ("2025-12-28", "=SUM(A1:A2)", "Other", 400),
        ("2025-12-29", '=HYPERLINK("http://x")', "Other", 300),
        ("2025-12-31", "Dinner, drinks and a tip", "Food & groceries", 123456),
    ]
    # Formula-looking text is stored as text and shown escaped; the CSV export neutralises it again.
    assert "=HYPERLINK(&#34;http://x&#34;)" in page(client, "/expenses")
    assert "'=SUM(A1:A2)" in client.get("/export.csv").get_data(as_text=True)


def test_decimal_comma_and_day_first_dates(app, client, user):
    text = (
        "Datum;Beschreibung;Betrag\n"
        "31/12/2025;Werkzeug;-1.234,56\n"
        "01/12/2025;Bäckerei;-3,5\n"
        "02/12/2025;Gehalt;2.000,00\n"
    )
    draft_id = upload_ok(client, text)
    assert counts(client, draft_id) == {"new": 2, "duplicate": 0, "income": 1, "invalid": 0}
    do_import(client, draft_id, {"default_category": "Other"})
    assert expenses(app, user.id) == [
        ("2025-12-01", "Bäckerei", "Other", 350),
        ("2025-12-31", "Werkzeug", "Other", 123456),
    ]


def test_ambiguous_dates_make_the_wizard_ask(app, client, user):
    draft_id = upload_ok(client, "Date,Description,Amount\n03/04/2025,Tea,-2.00\n05/06/2025,Cake,-3.00\n")
    html = page(client, f"/import/{draft_id}/formats")
    assert "Day or month first?" in html
    assert "“03/04/2025” could be April 3, 2025 as DD/MM/YYYY or March 4, 2025 as MM/DD/YYYY." in html
    assert 'id="date_format-0" name="date_format" type="radio" value="DD/MM/YYYY"' in html
    assert checked_radio(html, "date_format") is None  # nothing chosen for them
    assert "Choose the date format the file uses." in page(client, f"/import/{draft_id}/preview")

    response = post_form(client, f"/import/{draft_id}/formats", {"decimal_mark": ".", "spending_sign": "negative"})
    assert response.status_code == 422
    assert "Choose the date format the file uses." in response.get_data(as_text=True)

    post_form(client, f"/import/{draft_id}/formats", {"date_format": "MM/DD/YYYY", "decimal_mark": ".",
                                                      "spending_sign": "negative"})  # fmt: skip
    do_import(client, draft_id, {"default_category": "Other"})
    assert expenses(app, user.id) == [("2025-03-04", "Tea", "Other", 200), ("2025-05-06", "Cake", "Other", 300)]


def test_changing_other_columns_keeps_the_chosen_date_format(app, client, user):
    text = (
        "Date,Booked,Description,Memo,Amount\n03/04/2025,2025-04-03,Tea,x,-2.00\n05/06/2025,2025-06-05,Cake,y,-3.00\n"
    )
    draft_id = upload_ok(client, text)
    columns = {"date_column": "0", "description_column": "2", "amount_column": "4"}
    post_form(client, f"/import/{draft_id}/formats", {"date_format": "MM/DD/YYYY", "decimal_mark": ".",
                                                      "spending_sign": "negative"})  # fmt: skip
    post_form(client, f"/import/{draft_id}/columns", {**columns, "extra_columns": "3"})
    assert checked_radio(page(client, f"/import/{draft_id}/formats"), "date_format") == "MM/DD/YYYY"
    post_form(client, f"/import/{draft_id}/columns", {**columns, "date_column": "1"})
    assert checked_radio(page(client, f"/import/{draft_id}/formats"), "date_format") == "YYYY-MM-DD"


def test_debit_and_credit_columns(app, client, user):
    text = (
        "Date,Details,Debit,Credit,Balance\n"
        "2025-01-02,Groceries,45.10,,954.90\n"
        "2025-01-03,Salary,,1000.00,1954.90\n"
        "2025-01-04,Card fee,-1.50,,1953.40\n"
        "2025-01-05,Both filled,2.00,3.00,1952.40\n"
        "2025-01-06,Neither,,,1952.40\n"
    )
    draft_id = upload_ok(client, text)
    assert "amounts in the debit column are imported as expenses" in page(client, f"/import/{draft_id}/formats")
    assert counts(client, draft_id) == {"new": 2, "duplicate": 0, "income": 1, "invalid": 2}
    html = page(client, f"/import/{draft_id}/preview")
    assert "amount: the row has both a debit and a credit." in html
    assert "amount: there is no debit or credit." in html
    do_import(client, draft_id, {"default_category": "Other"})
    assert expenses(app, user.id) == [
        ("2025-01-02", "Groceries", "Other", 4510),
        ("2025-01-04", "Card fee", "Other", 150),
    ]


def test_invalid_rows_are_listed_with_line_and_reason(app, user):
    text = (
        "Date,Description,Category,Amount\n"
        "2025-01-02,,Other,-1.00\n"
        "2025-01-03,Zero,Other,0.00\n"
        "1969-12-31,Too early,Other,-1.00\n"
        "not a date,Words,Other,-1.00\n"
        "2025-01-04,Bell\x07,Other,-1.00\n"
        "2025-01-05," + "x" * 201 + ",Other,-1.00\n"
        "2025-01-06,Extra cells,Other,-1.00,surprise\n"
        "2025-01-07,Too many decimals,Other,-1.005\n"
        "2025-01-08,Fine,Other,-1.00\n"
    )
    plan = plan_for(app, user.id, text)
    assert [(row.line, row.reason) for row in plan.rows if row.status == "invalid"] == [
        (2, "has no description"),
        (3, "amount: the amount is zero."),
        (4, "the date 1969-12-31 is not between 1970 and 2099"),
        (5, "the date “not a date” is not in the format YYYY-MM-DD"),
        (6, "the description contains control characters"),
        (7, "the description is 201 characters long; the limit is 200"),
        (8, "has 5 cells but the header has 4 (a separator inside an unquoted cell?)"),
        (9, "amount: Use at most 2 decimal places."),
    ]
    assert [(row.line, row.status) for row in plan.importable] == [(10, "new")]


def test_unknown_category_names_that_cannot_be_created_go_to_the_default(app, client, user):
    long_name = "A" * 41
    text = f"Date,Description,Category,Amount\n2025-01-02,Tea,{long_name},-2.00\n2025-01-03,Bus,TRANSPORT,-1.00\n"
    draft_id = upload_ok(client, text)
    html = page(client, f"/import/{draft_id}/preview")
    assert "This name is longer than 40 characters, so it cannot be a category." in html
    assert f"Create category “{long_name}”" not in html
    do_import(client, draft_id)
    assert expenses(app, user.id) == [("2025-01-02", "Tea", "Imported", 200), ("2025-01-03", "Bus", "Transport", 100)]


# Duplicates


DUPLICATES = (
    "Date,Description,Amount\n"
    "2025-02-01,Coffee,-3.50\n"
    "2025-02-01,COFFEE,-3.50\n"
    "2025-02-02,Rent,-900.00\n"
    "2025-02-03,Lunch,-12.00\n"
)


def test_rows_matching_stored_expenses_are_skipped_and_repeats_in_the_file_are_not(app, client, user):
    add_expense(app, user.id, "Housing", 90000, date(2025, 2, 2), "rent")
    add_expense(app, user.id, "Other", 1200, date(2025, 2, 4), "Lunch")  # another day: not a duplicate
    draft_id = upload_ok(client, DUPLICATES)
    assert counts(client, draft_id) == {"new": 3, "duplicate": 1, "income": 0, "invalid": 0}
    html = page(client, f"/import/{draft_id}/preview")
    assert "already in your expenses" in html and "same as line" not in html
    assert "Import 3 expenses (₹19.00)" in html
    do_import(client, draft_id, {"default_category": "Other"})
    assert expenses(app, user.id) == [
        ("2025-02-01", "Coffee", "Other", 350),
        ("2025-02-01", "COFFEE", "Other", 350),
        ("2025-02-02", "rent", "Housing", 90000),
        ("2025-02-03", "Lunch", "Other", 1200),
        ("2025-02-04", "Lunch", "Other", 1200),
    ]
    with app.app_context():
        assert db.session.scalar(select(ImportBatch.duplicate_count)) == 1


def test_two_same_coffees_in_a_file_are_two_expenses(app, client, user):
    draft_id = upload_ok(client, "Date,Description,Amount\n2025-02-01,Coffee,-3.50\n2025-02-01,Coffee,-3.50\n")
    assert counts(client, draft_id) == {"new": 2, "duplicate": 0, "income": 0, "invalid": 0}
    do_import(client, draft_id, {"default_category": "Other"})
    assert expenses(app, user.id) == [("2025-02-01", "Coffee", "Other", 350), ("2025-02-01", "Coffee", "Other", 350)]


def test_only_the_rows_beyond_what_is_stored_are_new(app, client, user):
    add_expense(app, user.id, "Other", 350, date(2025, 2, 1), "coffee")
    text = "Date,Description,Amount\n" + "2025-02-01,Coffee,-3.50\n" * 3
    draft_id = upload_ok(client, text)
    assert counts(client, draft_id) == {"new": 2, "duplicate": 1, "income": 0, "invalid": 0}
    html = page(client, f"/import/{draft_id}/preview")
    assert "Import 2 expenses (₹7.00)" in html and "Import the duplicate anyway" in html
    do_import(client, draft_id, {"default_category": "Other"})
    assert expenses(app, user.id) == [
        ("2025-02-01", "coffee", "Other", 350),
        ("2025-02-01", "Coffee", "Other", 350),
        ("2025-02-01", "Coffee", "Other", 350),
    ]
    with app.app_context():
        assert db.session.scalar(select(ImportBatch.duplicate_count)) == 1


def test_the_same_file_with_repeated_rows_imported_again_adds_nothing(app, client, user):
    text = "Date,Description,Amount\n2025-02-01,Coffee,-3.50\n2025-02-01,Coffee,-3.50\n2025-02-02,Tea,-2.00\n"
    do_import(client, upload_ok(client, text), {"default_category": "Other"})
    assert len(expenses(app, user.id)) == 3
    draft_id = upload_ok(client, text)
    assert counts(client, draft_id) == {"new": 0, "duplicate": 3, "income": 0, "invalid": 0}
    html = page(client, f"/import/{draft_id}/preview")
    assert "already in your expenses (2 times)" in html and "Nothing in this file is new." in html
    assert 'id="import-button"' not in html
    assert len(expenses(app, user.id)) == 3


def test_duplicates_can_be_imported_anyway(app, client, user):
    add_expense(app, user.id, "Housing", 90000, date(2025, 2, 2), "Rent")
    draft_id = upload_ok(client, DUPLICATES)
    response = post_form(
        client,
        f"/import/{draft_id}/preview",
        {"default_category": "Other", "import_duplicates": "y", "refresh": "1"},
    )
    assert response.status_code == 302
    html = page(client, f"/import/{draft_id}/preview")
    assert "Import 4 expenses (₹919.00)" in html
    do_import(client, draft_id, {"default_category": "Other", "import_duplicates": "y"})
    assert len(expenses(app, user.id)) == 5
    with app.app_context():
        assert db.session.scalar(select(ImportBatch.duplicate_count)) == 0


def test_ticking_the_duplicates_box_and_importing_at_once(app, client, user):
    add_expense(app, user.id, "Housing", 90000, date(2025, 2, 2), "Rent")
    draft_id = upload_ok(client, DUPLICATES)
    html = page(client, f"/import/{draft_id}/preview")
    assert "Import the duplicate anyway" in html and "Import 3 expenses" in html
    response = do_import(client, draft_id, {"default_category": "Other", "import_duplicates": "y"})
    assert response.headers["Location"] == "/imports"
    assert len(expenses(app, user.id)) == 5


# One transaction, all or nothing


def test_a_row_the_database_refuses_rolls_back_the_whole_import(app, user, monkeypatch):
    text = "Date,Description,Category,Amount\n" + "".join(
        f"2025-03-{day:02d},Row {day},New category,-{day}.00\n" for day in range(1, 11)
    )
    real_analyse = csv_import.analyse

    def analyse_with_a_bad_row(*args):
        plan = real_analyse(*args)
        plan.rows[6] = replace(plan.rows[6], amount_cents=0)  # refused by the amount_positive check
        return plan

    monkeypatch.setattr(csv_import, "analyse", analyse_with_a_bad_row)
    categories_before = count_rows(app, Category)
    with app.app_context():
        ledger = db.session.get(Ledger, personal_ledger_id(app, user.id))
        draft = run_and_commit(csv_import.create_draft, ledger, "bad.csv", text.encode())
        table = csv_import.draft_table(draft)
        settings = csv_import.draft_settings(draft, table)
        with pytest.raises(IntegrityError):
            run_and_commit(csv_import.run_import, ledger, draft, settings, None, user.id)
    assert count_rows(app, Expense) == 0
    assert count_rows(app, ImportBatch) == 0
    assert count_rows(app, ImportMapping) == 0
    assert count_rows(app, Category) == categories_before  # "New category" was not kept
    assert count_rows(app, ImportDraft) == 1  # still there to try again


def test_a_preview_that_no_longer_holds_imports_nothing(app, client, user):
    draft_id = upload_ok(client, DUPLICATES)
    shown = expected_rows(client, draft_id)
    assert shown == "4"
    add_expense(app, user.id, "Other", 1200, date(2025, 2, 3), "Lunch")  # meanwhile, in another tab
    response = do_import(client, draft_id, {"default_category": "Other"}, expected=shown)
    assert response.headers["Location"] == f"/import/{draft_id}/preview"
    html = page(client, f"/import/{draft_id}/preview")
    assert "changed since the preview was shown (your expenses or categories changed), so nothing was imported" in html
    assert count_rows(app, ImportBatch) == 0
    assert len(expenses(app, user.id)) == 1


def test_importing_twice_from_one_preview_imports_once(app, client, user):
    draft_id = upload_ok(client, DUPLICATES)
    shown = expected_rows(client, draft_id)
    assert do_import(client, draft_id, expected=shown).headers["Location"] == "/imports"
    # The second click of a double click: the draft is gone.
    assert do_import(client, draft_id, expected=shown).status_code == 404
    assert count_rows(app, ImportBatch) == 1
    assert len(expenses(app, user.id)) == 4


def test_a_file_with_nothing_new_imports_nothing(app, client, user):
    add_expense(app, user.id, "Other", 350, date(2025, 2, 1), "Coffee")
    draft_id = upload_ok(client, "Date,Description,Amount\n2025-02-01,Coffee,-3.50\n")
    html = page(client, f"/import/{draft_id}/preview")
    assert "Nothing in this file is new." in html and 'id="import-button"' not in html
    response = do_import(client, draft_id, expected="0")
    assert response.headers["Location"] == f"/import/{draft_id}/preview"
    assert count_rows(app, ImportBatch) == 0


# Undo


def test_undo_deletes_the_whole_batch_and_nothing_else(app, client, user):
    add_expense(app, user.id, "Other", 999, date(2025, 2, 1), "Typed by hand")
    first = upload_ok(client, DUPLICATES, "first.csv")
    do_import(client, first, {"default_category": "Other"})
    second = upload_ok(client, "Date,Description,Amount\n2025-05-01,Later,-1.00\n", "second.csv")
    do_import(client, second, {"default_category": "Other"})
    assert len(expenses(app, user.id)) == 6
    with app.app_context():
        batch_id = db.session.scalar(select(ImportBatch.id).where(ImportBatch.file_name == "first.csv"))

    assert client.get(f"/imports/{batch_id}/undo").status_code == 405
    response = post_form(client, f"/imports/{batch_id}/undo")
    assert response.headers["Location"] == "/imports"
    assert "Undid the import of first.csv: deleted 4 expenses." in page(client, "/imports")
    assert expenses(app, user.id) == [
        ("2025-02-01", "Typed by hand", "Other", 999),
        ("2025-05-01", "Later", "Other", 100),
    ]
    with app.app_context():
        assert db.session.scalars(select(ImportBatch.file_name)).all() == ["second.csv"]
    assert post_form(client, f"/imports/{batch_id}/undo").status_code == 404


def test_another_users_import_cannot_be_undone_or_seen(app, client, user):
    bob = app.test_client()
    AuthActions(bob).register(email="bob@example.com")
    bob_draft = upload_ok(bob, DUPLICATES)
    do_import(bob, bob_draft, {"default_category": "Other"})
    with app.app_context():
        bob_batch = db.session.scalar(select(ImportBatch.id))
    pending = upload_ok(bob, "Date,Description,Amount\n2025-05-01,Later,-1.00\n")

    assert post_form(client, f"/imports/{bob_batch}/undo").status_code == 404
    for step in ("columns", "formats", "preview"):
        assert client.get(f"/import/{pending}/{step}").status_code == 404
    assert post_form(client, f"/import/{pending}/cancel").status_code == 404
    assert "bob" not in page(client, "/imports")
    assert count_rows(app, Expense) == 4
    assert count_rows(app, ImportDraft) == 1


def test_cancel_deletes_the_upload(app, client, user):
    draft_id = upload_ok(client, DUPLICATES)
    assert post_form(client, f"/import/{draft_id}/cancel").headers["Location"] == "/import"
    assert count_rows(app, ImportDraft) == 0
    assert client.get(f"/import/{draft_id}/preview").status_code == 404


def test_deleting_the_account_deletes_its_imports(app, client, user):
    draft_id = upload_ok(client, DUPLICATES)
    do_import(client, draft_id, {"default_category": "Other"})
    upload_ok(client, DUPLICATES)
    response = post_form(client, "/account/delete", {"password": PASSWORD, "understood": "y"})
    assert response.status_code == 302
    for model in (Expense, ImportBatch, ImportDraft, ImportMapping):
        assert count_rows(app, model) == 0, model


# Limits and refused files


def test_refused_files_say_why(app, client, user):
    response = upload(client, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "receipt.png")
    assert response.status_code == 422
    assert "This is not a CSV file: it contains binary data." in response.get_data(as_text=True)

    response = upload(client, "Date,Description\n2025-01-01,Café\n".encode("latin-1"))
    assert response.status_code == 422
    assert "The file is not UTF-8 text" in response.get_data(as_text=True)

    response = post_form(client, "/import", {})
    assert response.status_code == 422
    assert "Choose a CSV file to upload." in response.get_data(as_text=True)
    assert count_rows(app, ImportDraft) == 0


def test_the_row_limit(app, client, user):
    app.config["IMPORT_MAX_ROWS"] = 3
    response = upload(client, "Date,Description,Amount\n" + "2025-01-01,Tea,-1.00\n" * 4)
    assert response.status_code == 422
    assert "The file has more than 3 rows, the most one import takes." in response.get_data(as_text=True)
    assert upload(client, "Date,Description,Amount\n" + "2025-01-01,Tea,-1.00\n" * 3).status_code == 302


def test_a_file_over_the_size_limit_gets_a_clear_413(app, client, user):
    big = b"Date,Description,Amount\n" + b"2025-01-01,Tea,-1.00\n" * 260_000  # 5.5 MB
    # The multipart body is built here: the test client would spool it to a temporary file it never closes.
    boundary = "----upload-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{csrf_token(client)}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="csv_file"; filename="big.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + big
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = client.post("/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    assert "The file is larger than 5 MB, the most this page accepts." in response.get_data(as_text=True)
    assert count_rows(app, ImportDraft) == 0


def test_the_wizard_keeps_the_file_in_the_database_not_in_the_cookie(app, client, user):
    text = "Date,Description,Amount\n" + "".join(f"2025-01-{d % 28 + 1:02d},Row {d},-1.00\n" for d in range(2000))
    draft_id = upload_ok(client, text)
    assert len(client.get_cookie("session").value) < 1000
    with app.app_context():
        assert db.session.get(ImportDraft, draft_id).content == text


def test_old_uploads_are_cleared(app, client, user):
    bob = app.test_client()
    AuthActions(bob).register(email="bob@example.com")
    abandoned = upload_ok(bob, DUPLICATES)
    with app.app_context():
        db.session.execute(update(ImportDraft).values(created_at=utcnow() - csv_import.DRAFT_LIFETIME))
        db.session.commit()
    assert bob.get(f"/import/{abandoned}/preview").status_code == 404  # expired
    ids = [upload_ok(client, DUPLICATES) for _ in range(csv_import.MAX_DRAFTS + 2)]
    with app.app_context():
        kept = db.session.scalars(select(ImportDraft.id).order_by(ImportDraft.id)).all()
    assert kept == ids[-csv_import.MAX_DRAFTS :]  # Bob's expired upload is gone too


def test_ten_thousand_rows(app, client, user):
    lines = ["Date,Description,Category,Amount"]
    for n in range(10_000):
        lines.append(f"2025-{n % 12 + 1:02d}-{n % 28 + 1:02d},Purchase {n},Category {n % 5},-{n // 100}.{n % 100:02d}")
    draft_id = upload_ok(client, "\n".join(lines))
    # Row 0 has amount 0.00: invalid. Everything else is new.
    assert counts(client, draft_id) == {"new": 9_999, "duplicate": 0, "income": 0, "invalid": 1}
    assert do_import(client, draft_id).headers["Location"] == "/imports"
    with app.app_context():
        total = db.session.scalar(
            select(db.func.sum(Expense.amount_cents)).where(Expense.ledger_id == ledger_of(user.id))
        )
        names = db.session.scalars(select(Category.name).where(Category.name.like("Category %"))).all()
    assert count_rows(app, Expense) == 9_999
    assert total == sum(range(10_000))
    assert sorted(names) == [f"Category {n}" for n in range(5)]


def test_a_stored_file_that_no_longer_reads_sends_back_to_upload(app, client, user):
    draft_id = upload_ok(client, "Date,Description,Amount\n2025-01-01,Tea,-1.00\n2025-01-02,Cake,-2.00\n")
    app.config["IMPORT_MAX_ROWS"] = 1  # lowered after the upload
    response = client.get(f"/import/{draft_id}/columns")
    assert response.status_code == 302
    assert response.headers["Location"] == "/import"
    page = client.get("/import").get_data(as_text=True)
    assert "Nothing was imported; upload the file again." in page

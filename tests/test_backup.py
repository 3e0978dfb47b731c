"""Backup and restore: the exact file, export → restore → export giving the same bytes (SQLite and
PostgreSQL), and every file that must be refused leaving the account exactly as it was.

`exported_at` is the one line that differs between two exports (it is the time of the export);
the comparisons replace it with a fixed value.
"""

import hashlib
import io
import json
import re
from datetime import date, datetime

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Category, CategoryBudget, Expense, ImportBatch, ImportMapping, Ledger, OverallBudget, User
from app.transfer import restore as restoring
from app.transfer.csv_file import read_table
from app.transfer.layout import DATE_FORMATS
from tests.conftest import (
    PASSWORD,
    AuthActions,
    add_expense,
    category_id,
    count_rows,
    csrf_token,
    ledger_of,
    personal_ledger_id,
    post_form,
)
from tests.test_import import do_import, expenses, upload_ok

FIXED = '"exported_at": "2000-01-01T00:00:00"'
CREATED = datetime(2026, 1, 5, 9, 30, 15, 123456)


def download(client) -> str:
    response = client.get("/backup.json")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def normalised(text: str) -> str:
    return re.sub(r'"exported_at": "[^"]*"', FIXED, text, count=1)


def restore(
    client, content: str | bytes, replace: bool = False, password: str | None = None, confirm_source: bool = False
):
    """POST the restore form. The multipart body is built here: for bodies past 500 KB the test
    client would spool it to a temporary file that it never closes (a ResourceWarning).
    `confirm_source` ticks the box that confirms where the file came from, naming this very file
    (its SHA-256) as the page that asked for it does."""
    if isinstance(content, str):
        content = content.encode()
    fields = {"csrf_token": csrf_token(client)}
    if replace:
        fields["replace"] = "y"
    if password is not None:
        fields["password"] = password
    if confirm_source:
        fields["source_file"] = hashlib.sha256(content).hexdigest()
        fields["confirm_source"] = "y"
    boundary = "----backup-boundary"
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="backup_file"; filename="backup.json"\r\n'
        "Content-Type: application/json\r\n\r\n"
    ).encode()
    body += content + f"\r\n--{boundary}--\r\n".encode()
    return client.post("/backup", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def save_settings(client, currency: str, monthly_budget: str, period_start_day: str, time_zone: str | None = None):
    """The personal ledger's currency, budget and period start day (its settings page) and, when
    given, the account's time zone (the account's settings page)."""
    ledger_settings = {
        "name": "Personal",
        "currency": currency,
        "monthly_budget": monthly_budget,
        "period_start_day": period_start_day,
    }
    response = post_form(client, "/ledger/settings", ledger_settings)
    assert response.status_code == 302, response.get_data(as_text=True)
    if time_zone is not None:
        response = post_form(client, "/account/settings", {"time_zone": time_zone})
        assert response.status_code == 302, response.get_data(as_text=True)


def fill_account(app, client, user_id) -> None:
    """Everything an account can hold: settings, budgets with history, expenses typed in and imported,
    a category the import created, a saved mapping."""
    save_settings(client, "INR", "50000.00", "5", time_zone="Asia/Kolkata")
    add_expense(app, user_id, "Food & groceries", 10, date(2025, 12, 31), "Chai <script>alert(1)</script>")
    add_expense(app, user_id, "Food & groceries", 20, date(2025, 12, 31), "=1+1 ünïcödé 🍵")
    add_expense(app, user_id, "Housing", 12_345_678, date(2026, 1, 1), "Rent")
    ledger_id = personal_ledger_id(app, user_id)
    with app.app_context():
        db.session.add(
            CategoryBudget(
                ledger_id=ledger_id,
                category_id=category_id(app, user_id, "Housing"),
                effective_from=date(2025, 12, 5),
                limit_cents=15_000_000,
                rollover=True,
            )
        )
        db.session.add(
            CategoryBudget(
                ledger_id=ledger_id,
                category_id=category_id(app, user_id, "Transport"),
                effective_from=date(2026, 1, 5),
                limit_cents=None,
                rollover=False,
            )
        )
        db.session.commit()
    draft_id = upload_ok(
        client,
        "Date;Payee;Category;Amount\n02.01.2026;Gym;Fitness;-35,00\n03.01.2026;Bus;Transport;-2,50\n"
        "04.01.2026;Salary;;1.000,00\n",
        "bank.csv",
    )
    assert do_import(client, draft_id).status_code == 302


# The file


def test_the_backup_file_exactly(app, client, user):
    add_expense(app, user.id, "Food & groceries", 1050, date(2026, 1, 2), 'Tea "with" milk')
    add_expense(app, user.id, "Housing", 90000, date(2026, 1, 1), "Rent")
    with app.app_context():
        db.session.execute(update(Expense).values(created_at=CREATED, updated_at=CREATED))
        db.session.execute(delete_categories_except(user.id, ("Food & groceries", "Housing")))
        db.session.add(
            OverallBudget(ledger_id=ledger_of(user.id), effective_from=date(1970, 1, 1), amount_cents=8_000_000)
        )
        db.session.commit()
    response = client.get("/backup.json")
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="expense-tracker-backup-\d{4}-\d{2}-\d{2}\.json"', disposition)
    assert response.headers["Cache-Control"] == "no-store"
    assert normalised(response.get_data(as_text=True)) == (
        "{\n"
        '  "format": "expense-tracker-backup",\n'
        '  "version": 1,\n'
        f"  {FIXED},\n"
        '  "site": "http://localhost/",\n'
        '  "account": {"email": "alice@example.com", "ledger": "Personal", "currency": "INR", '
        '"monthly_budget": "80000.00", "period_start_day": 1, "time_zone": "UTC"},\n'
        '  "categories": [\n'
        '    {"name": "Food & groceries", "color": "#2e7d32"},\n'
        '    {"name": "Housing", "color": "#6a1b9a"}\n'
        "  ],\n"
        '  "budgets": {\n'
        '    "overall_budgets": [\n'
        '      {"effective_from": "1970-01-01", "amount": "80000.00"}\n'
        "    ],\n"
        '    "category_budgets": []\n'
        "  },\n"
        '  "expenses": [\n'
        '    {"date": "2026-01-01", "description": "Rent", "category": "Housing", "amount": "900.00", '
        '"created_at": "2026-01-05T09:30:15.123456", "updated_at": "2026-01-05T09:30:15.123456", '
        '"import_batch": null},\n'
        '    {"date": "2026-01-02", "description": "Tea \\"with\\" milk", "category": "Food & groceries", '
        '"amount": "10.50", "created_at": "2026-01-05T09:30:15.123456", "updated_at": "2026-01-05T09:30:15.123456", '
        '"import_batch": null}\n'
        "  ],\n"
        '  "import_batches": [],\n'
        '  "import_mappings": []\n'
        "}\n"
    )


def delete_categories_except(user_id, names):
    return Category.__table__.delete().where(Category.ledger_id == ledger_of(user_id), Category.name.not_in(names))


def test_a_full_backup_names_categories_and_numbers_batches(app, client, user):
    fill_account(app, client, user.id)
    data = json.loads(download(client))
    assert data["site"] == "http://localhost/"
    assert data["account"] == {
        "email": "alice@example.com",
        "ledger": "Personal",
        "currency": "INR",
        "monthly_budget": "50000.00",
        "period_start_day": 5,
        "time_zone": "Asia/Kolkata",
    }
    assert [b["effective_from"] for b in data["budgets"]["overall_budgets"]][0] == "1970-01-01"
    assert [b["amount"] for b in data["budgets"]["overall_budgets"]] == ["80000.00", "50000.00"]
    assert data["budgets"]["category_budgets"] == [
        {"category": "Housing", "effective_from": "2025-12-05", "limit": "150000.00", "rollover": True},
        {"category": "Transport", "effective_from": "2026-01-05", "limit": None, "rollover": False},
    ]
    assert "Fitness" in [c["name"] for c in data["categories"]]
    assert [(e["date"], e["description"], e["category"], e["amount"], e["import_batch"]) for e in data["expenses"]] == [
        ("2025-12-31", "Chai <script>alert(1)</script>", "Food & groceries", "0.10", None),
        ("2025-12-31", "=1+1 ünïcödé 🍵", "Food & groceries", "0.20", None),
        ("2026-01-01", "Rent", "Housing", "123456.78", None),
        ("2026-01-02", "Gym", "Fitness", "35.00", 1),
        ("2026-01-03", "Bus", "Transport", "2.50", 1),
    ]
    [batch] = data["import_batches"]
    assert {k: v for k, v in batch.items() if k != "created_at"} == {
        "number": 1,
        "file_name": "bank.csv",
        "row_count": 2,
        "duplicate_count": 0,
        "income_count": 1,
        "invalid_count": 0,
    }
    [mapping] = data["import_mappings"]
    assert mapping["header"] == ["Date", "Payee", "Category", "Amount"]
    assert mapping["settings"]["date_format"] == "DD.MM.YYYY"


# Round trips


def test_export_restore_export_gives_the_same_file(app, client, user):
    fill_account(app, client, user.id)
    first = download(client)
    # Change everything after the backup: restoring must bring all of it back.
    add_expense(app, user.id, "Other", 500, date(2026, 2, 1), "After the backup")
    with app.app_context():
        batch_id = db.session.scalar(select(ImportBatch.id))
    post_form(client, f"/imports/{batch_id}/undo")
    save_settings(client, "INR", "1.00", "1", time_zone="Pacific/Auckland")
    assert normalised(download(client)) != normalised(first)

    response = restore(client, first, replace=True, password=PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "Restored the backup: 5 expenses in 9 categories." in client.get("/").get_data(as_text=True)
    second = download(client)
    assert normalised(second) == normalised(first)
    assert [line for line in second.splitlines() if '"exported_at"' not in line] == [
        line for line in first.splitlines() if '"exported_at"' not in line
    ]

    # The restored import is still one batch that can be undone.
    with app.app_context():
        batch_id = db.session.scalar(select(ImportBatch.id))
        alice = db.session.get(User, user.id)
        ledger = db.session.scalar(select(Ledger).where(Ledger.personal_user_id == user.id))
        assert (ledger.currency, ledger.monthly_budget_cents, ledger.period_start_day, alice.time_zone) == (
            "INR",
            5_000_000,
            5,
            "Asia/Kolkata",
        )
    post_form(client, f"/imports/{batch_id}/undo")
    assert [e[1] for e in expenses(app, user.id)] == ["Chai <script>alert(1)</script>", "=1+1 ünïcödé 🍵", "Rent"]


def test_restore_into_an_empty_account(app, client, user):
    fill_account(app, client, user.id)
    first = download(client)
    assert post_form(client, "/account/delete", {"password": PASSWORD, "understood": "y"}).status_code == 302
    AuthActions(client).register()  # the same address, a new and empty account (with starter categories)
    assert 'name="password"' not in client.get("/backup").get_data(as_text=True)

    response = restore(client, first)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert normalised(download(client)) == normalised(first)
    with app.app_context():
        new_id = db.session.scalar(select(User.id))
    assert len(expenses(app, new_id)) == 5


def test_a_backup_from_before_time_zones_restores_in_utc(app, client, user):
    fill_account(app, client, user.id)
    first = download(client)
    older = first.replace(', "time_zone": "Asia/Kolkata"', "")
    assert older != first
    response = restore(client, older, replace=True, password=PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user.id).time_zone == "UTC"
    assert normalised(download(client)) == normalised(first).replace('"Asia/Kolkata"', '"UTC"')


def test_a_currency_without_decimals_round_trips(app, client, user):
    save_settings(client, "JPY", "150000", "1")
    add_expense(app, user.id, "Other", 1200, date(2026, 1, 2), "Ramen")
    first = download(client)
    assert '"amount": "1200"' in first and '"monthly_budget": "150000"' in first
    assert restore(client, first, replace=True, password=PASSWORD).status_code == 302
    assert normalised(download(client)) == normalised(first)


# Refused files change nothing


@pytest.fixture
def filled(app, client, user):
    fill_account(app, client, user.id)
    return normalised(download(client))


def assert_refused(client, response, message, before):
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page, page[page.find("invalid-feedback") - 200 :][:800]
    assert normalised(download(client)) == before


def bob_backup(app) -> str:
    bob = app.test_client()
    AuthActions(bob).register(email="bob@example.com")
    return download(bob)


def test_a_backup_of_another_account_is_restored_only_once_its_source_is_confirmed(app, client, filled):
    bobs = re.sub(r'"exported_at": "[^"]*"', '"exported_at": "2026-01-05T09:30:15.123456"', bob_backup(app), count=1)
    digest = hashlib.sha256(bobs.encode()).hexdigest()
    response = restore(client, bobs, replace=True, password=PASSWORD)
    assert_refused(
        client,
        response,
        "Check where this backup came from, choose the same file again and tick this box to restore it.",
        filled,
    )
    page = response.get_data(as_text=True)
    assert (
        "This backup is of bob@example.com, ledger “Personal”, exported Jan 5, 2026, 9:30\u202fAM UTC from "
        "http://localhost/." in page
    )
    assert "Restoring it puts its expenses, categories and budgets into “Personal”." in page
    assert f'value="{digest}"' in page

    # The tick confirms one file: with another file's checksum the page asks again.
    other = bobs.replace('"time_zone": "UTC"', '"time_zone": "Asia/Kolkata"')
    assert other != bobs
    response = restore(client, other, replace=True, password=PASSWORD, confirm_source=False)
    assert_refused(client, response, "Check where this backup came from", filled)
    fields = {"replace": "y", "password": PASSWORD, "source_file": digest, "confirm_source": "y"}
    response = post_form(
        client,
        "/backup",
        {**fields, "backup_file": (io.BytesIO(other.encode()), "backup.json")},
        content_type="multipart/form-data",
    )
    assert_refused(client, response, "Check where this backup came from", filled)

    # Confirmed for this very file, it replaces Alice's data (her box ticked and her password given).
    response = restore(client, bobs, replace=True, password=PASSWORD, confirm_source=True)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "Restored the backup: 0 expenses in 8 categories." in client.get("/").get_data(as_text=True)
    restored = json.loads(download(client))
    assert restored["account"] == {
        "email": "alice@example.com",
        "ledger": "Personal",
        "currency": "INR",
        "monthly_budget": "80000.00",
        "period_start_day": 1,
        "time_zone": "UTC",
    }
    assert (restored["expenses"], restored["import_batches"], restored["import_mappings"]) == ([], [], [])
    assert len(restored["categories"]) == 8


def test_a_backup_from_a_newer_version_is_refused(client, filled):
    newer = filled.replace('"version": 1', '"version": 2')
    response = restore(client, newer, replace=True, password=PASSWORD)
    assert_refused(
        client,
        response,
        "This backup was made by a newer version of Expense Tracker (format version 2); this one reads version 1.",
        filled,
    )


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda text: text[: len(text) // 2], "it is not valid JSON (line"),
        (lambda text: "", "it is not valid JSON (line 1, column 1)"),
        (lambda text: '{"hello": "world"}', "This file is not an Expense Tracker backup."),
        (lambda text: "[1, 2, 3]", "This file is not an Expense Tracker backup."),
        (lambda text: "[" * 100_000 + "]" * 100_000, "it is not valid JSON."),
        (lambda text: text.replace('"version": 1', '"version": 1' + "0" * 5000), "it is not valid JSON."),
        (lambda text: text.encode("utf-16"), "This file is not a backup: it is not UTF-8 text."),
        (lambda text: text.replace('"version": 1', '"version": "1"'), "This backup has no valid format version."),
        (
            lambda text: text.replace('"amount": "0.10"', '"amount": "-0.10"'),
            "The backup is damaged or was edited: expenses[0].amount “-0.10”: The amount must be more than zero.",
        ),
        (
            lambda text: text.replace('"amount": "0.10"', '"amount": 0.1'),
            "expenses[0].amount is not an amount written as text",
        ),
        (
            lambda text: text.replace('"category": "Fitness"', '"category": "Gone"'),
            "expenses[3].category names a category that is not in the backup",
        ),
        (
            lambda text: text.replace('"date": "2025-12-31"', '"date": "2025-02-30"', 1),
            "expenses[0].date is not a date like 2025-12-31",
        ),
        (
            lambda text: text.replace('"Rent"', '"Rent\\u0000"'),
            "expenses[2].description contains control characters",
        ),
        (
            lambda text: text.replace('"name": "Other"', '"name": "housing"'),
            "repeats the category name “housing”",
        ),
        (
            lambda text: text.replace('"import_batch": 1', '"import_batch": 7', 1),
            "expenses[3].import_batch is not one of the import batches in the backup",
        ),
        (
            lambda text: text.replace('"period_start_day": 5', '"period_start_day": 31'),
            "account.period_start_day is not a whole number from 1 to 28",
        ),
        (
            lambda text: text.replace('"time_zone": "Asia/Kolkata"', '"time_zone": "Mars/Olympus_Mons"'),
            "account.time_zone is not a time zone this app knows (an IANA name like Asia/Kolkata)",
        ),
        (
            lambda text: text.replace('"time_zone": "Asia/Kolkata"', '"time_zone": null'),
            "account.time_zone is not a time zone this app knows (an IANA name like Asia/Kolkata)",
        ),
        # Not hashable, or not a number: refused like any damage, never a 500.
        (
            lambda text: text.replace('"import_batch": 1', '"import_batch": [1]', 1),
            "expenses[3].import_batch is not a whole number from 1 to 1000000000",
        ),
        (
            lambda text: text.replace('"import_batch": 1', '"import_batch": true', 1),
            "expenses[3].import_batch is not a whole number from 1 to 1000000000",
        ),
    ],
)
def test_a_damaged_backup_is_refused_with_the_reason(client, filled, damage, message):
    response = restore(client, damage(filled), replace=True, password=PASSWORD)
    assert_refused(client, response, message, filled)
    assert "Nothing was changed." in response.get_data(as_text=True)


def test_replacing_data_needs_the_box_ticked_and_the_password(client, filled):
    response = restore(client, filled)
    assert_refused(client, response, "This ledger already has expenses, budgets or imports.", filled)
    response = restore(client, filled, replace=True, password="not my password")
    assert_refused(client, response, "That is not your password.", filled)
    response = restore(client, filled, replace=True)
    assert_refused(client, response, "That is not your password.", filled)


def test_no_file_is_a_form_error(client, filled):
    response = post_form(client, "/backup", {"replace": "y", "password": PASSWORD})
    assert_refused(client, response, "Choose a backup file.", filled)


def test_a_failure_while_writing_rolls_everything_back(app, client, filled, monkeypatch):
    def failing_insert(rows):
        raise IntegrityError("INSERT INTO expenses", {}, Exception("simulated"))

    # The expenses go in last but one, after the categories, budgets and batches.
    monkeypatch.setattr(restoring, "insert_expenses", failing_insert)
    response = restore(client, filled, replace=True, password=PASSWORD)
    message = "The backup contains rows that contradict each other. Nothing was changed."
    assert_refused(client, response, message, filled)
    assert count_rows(app, Expense) == 5
    assert count_rows(app, ImportMapping) == 1


def test_the_backup_upload_limit_is_larger_than_for_csv_files(app, client, user):
    # 6 MB of valid JSON: past MAX_CONTENT_LENGTH (5 MB), within the backup limit, so it is read and judged.
    padding = " " * (6 * 1024 * 1024)
    response = restore(client, '{"format": "something else"}' + padding)
    assert response.status_code == 422
    assert "This file is not an Expense Tracker backup." in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["[]", "{}", "12", "null"])
def test_saved_mapping_settings_of_the_wrong_type_are_dropped_not_a_500(app, client, filled, value):
    damaged = filled.replace('"date_format": "DD.MM.YYYY"', f'"date_format": {value}')
    assert damaged != filled
    response = restore(client, damaged, replace=True, password=PASSWORD)
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.scalars(db.select(ImportMapping.settings)).one()
    assert "date_format" not in stored or stored["date_format"] in (None, *DATE_FORMATS)


def test_a_header_with_a_line_break_round_trips_through_a_backup():
    table = read_table('"Date\nPosted",Descrip\u202etion,"Amount\t"\r\n2025-01-01,Tea,1.00\r\n', 100)
    assert table.header == ["Date Posted", "Descrip tion", "Amount"]

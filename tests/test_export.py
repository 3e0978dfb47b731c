"""CSV export: exact bytes, formula injection neutralised, only the user's rows, large files streamed."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import insert

from app.extensions import db
from app.models import Category, Expense, Ledger, User
from tests.conftest import AuthActions, add_expense, category_id, ledger_of, personal_ledger_id

BOM = "\ufeff".encode()
COLUMNS = ["date", "description", "category", "amount", "currency", "original_amount", "original_currency", "rate"]
HEADER = ",".join(COLUMNS).encode() + b"\r\n"


def _export(client):
    response = client.get("/export.csv")
    assert response.status_code == 200
    return response


def _rows(body: bytes) -> list[list[str]]:
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def _rename_category(app, user_id, old, new):
    with app.app_context():
        db.session.execute(
            db.update(Category)
            .where(Category.ledger_id == ledger_of(user_id), Category.name == old)
            .values(name=new, name_key=new.casefold())
        )
        db.session.commit()


def test_export_is_exact_bytes_oldest_first(app, client, user):
    add_expense(app, user.id, "Housing", 2_000_000, date(2026, 3, 1), "Rent")
    add_expense(app, user.id, "Food & groceries", 12_345, date(2026, 1, 15), 'Dinner, "fancy"')
    add_expense(app, user.id, "Transport", 5, date(2026, 3, 1), "Bus")
    add_expense(app, user.id, "Other", 100_000_000_000, date(1970, 1, 1), "Café ☕")

    response = _export(client)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="expenses-{date.today().isoformat()}.csv"'
    assert (
        response.data
        == BOM
        + HEADER
        + (
            "1970-01-01,Café ☕,Other,1000000000.00,INR,,,\r\n"
            '2026-01-15,"Dinner, ""fancy""",Food & groceries,123.45,INR,,,\r\n'
            "2026-03-01,Rent,Housing,20000.00,INR,,,\r\n"
            "2026-03-01,Bus,Transport,0.05,INR,,,\r\n"
        ).encode()
    )


def test_empty_export_is_the_header_only(client, user):
    assert _export(client).data == BOM + HEADER


def test_export_uses_the_users_currency_places(app, client, user):
    with app.app_context():
        db.session.execute(db.update(Ledger).where(Ledger.personal_user_id == user.id).values(currency="JPY"))
        db.session.commit()
    add_expense(app, user.id, "Other", 1200, date(2026, 1, 1), "Ramen")
    assert _export(client).data == BOM + HEADER + b"2026-01-01,Ramen,Other,1200,JPY,,,\r\n"


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("   =1+1", "'   =1+1"),
        ("  @cmd", "'  @cmd"),
        (' =HYPERLINK("http://evil.example","x")', '\' =HYPERLINK("http://evil.example","x")'),
        ("a=1", "a=1"),
        ("Lunch - team", "Lunch - team"),
        ("'quoted", "'quoted"),
    ],
)
def test_formula_injection_is_neutralised_in_descriptions_and_category_names(app, client, user, text, cell):
    # Written straight to the database: the check must hold whatever got stored (imports, old data).
    _rename_category(app, user.id, "Other", text)
    add_expense(app, user.id, text, 100, date(2026, 1, 1), text)
    rows = _rows(_export(client).data)
    assert rows == [
        COLUMNS,
        ["2026-01-01", cell, cell, "1.00", "INR", "", "", ""],
    ]


def test_nul_is_neutralised_too():
    from app.expenses.export import csv_safe

    assert csv_safe("\0=1") == "'\0=1"
    assert csv_safe(" \0") == "' \0"
    assert csv_safe("plain") == "plain"
    assert csv_safe("") == ""


def test_export_has_only_my_rows(app, client, user):
    add_expense(app, user.id, "Housing", 100, date(2026, 1, 1), "Mine")
    assert AuthActions(app.test_client()).register(email="bob@example.com").status_code == 302
    with app.app_context():
        bob = db.session.scalar(db.select(User.id).where(User.email == "bob@example.com"))
    add_expense(app, bob, "Housing", 200, date(2025, 1, 1), "Bob's secret")
    assert _export(client).data == BOM + HEADER + b"2026-01-01,Mine,Housing,1.00,INR,,,\r\n"


def test_export_needs_login(client):
    response = client.get("/export.csv")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fexport.csv"


def test_three_thousand_rows_are_streamed_exactly(app, client, user):
    housing = category_id(app, user.id, "Housing")
    first = date(2020, 1, 1)
    rows = [
        {
            "ledger_id": personal_ledger_id(app, user.id),
            "category_id": housing,
            # Several rows per day, inserted out of order: the export sorts by date, then entry.
            "spent_on": first + timedelta(days=(n * 7) % 1000),
            "description": f"Item {n:04d}",
            "amount_cents": n + 1,
        }
        for n in range(3000)
    ]
    with app.app_context():
        db.session.execute(insert(Expense), rows)
        db.session.commit()

    response = _export(client)
    assert response.is_streamed
    parsed = _rows(response.data)
    assert parsed[0] == COLUMNS
    body = parsed[1:]
    assert len(body) == 3000
    assert sum(Decimal(row[3]) for row in body) == Decimal("45015.00")  # 1 + 2 + ... + 3000 cents
    expected = sorted(rows, key=lambda r: (r["spent_on"], r["description"]))
    assert [(row[0], row[1]) for row in body] == [(r["spent_on"].isoformat(), r["description"]) for r in expected]
    assert {row[2] for row in body} == {"Housing"}
    assert {row[4] for row in body} == {"INR"}
    assert response.data.count(b"\r\n") == 3001
    assert response.data.count(BOM) == 1


def test_an_expense_in_another_currency_has_its_original_amount_currency_and_rate(app, client, user):
    add_expense(app, user.id, "Housing", 50000, date(2026, 1, 2), "Rent")
    expense_id = add_expense(app, user.id, "Other", 110466, date(2026, 1, 1), "Lunch in Paris")
    yen_id = add_expense(app, user.id, "Other", 3366, date(2026, 1, 3), "Ramen")
    with app.app_context():
        db.session.execute(
            db.update(Expense)
            .where(Expense.id == expense_id)
            .values(original_amount_minor=1230, original_currency="EUR", rate="89.81")
        )
        db.session.execute(
            db.update(Expense)
            .where(Expense.id == yen_id)
            .values(original_amount_minor=4500, original_currency="JPY", rate="0.748")
        )
        db.session.commit()
    expected = (
        "2026-01-01,Lunch in Paris,Other,1104.66,INR,12.30,EUR,89.81\r\n"
        "2026-01-02,Rent,Housing,500.00,INR,,,\r\n"
        "2026-01-03,Ramen,Other,33.66,INR,4500,JPY,0.748\r\n"
    )
    assert _export(client).data == BOM + HEADER + expected.encode()
    filtered = client.get("/expenses/export.csv?q=Lunch")
    assert filtered.data == BOM + HEADER + b"2026-01-01,Lunch in Paris,Other,1104.66,INR,12.30,EUR,89.81\r\n"

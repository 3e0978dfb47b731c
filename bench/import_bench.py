"""How long a 10,000-row CSV import takes on SQLite: `python -m bench.import_bench`.

It builds a bank-style file (semicolons, decimal commas, day-first dates, a few income rows and
duplicates), then walks the whole wizard through the app with CSRF on, as a browser would: upload,
columns, formats, preview, import. It prints the time of each step and the total, and the time of
the import request alone (the one transaction that writes every row). The goal is under 5 seconds.

IMPORT_BENCH_ROWS changes the number of rows; IMPORT_BENCH_DATABASE_URL runs it on another
database (an empty one: its tables are created and dropped).
"""

import io
import os
import random
import re
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select

from app import create_app
from app.auth.services import create_user
from app.extensions import db
from app.models import Expense

ROWS = int(os.environ.get("IMPORT_BENCH_ROWS", "10000"))
EMAIL, PASSWORD = "import-bench@example.com", "import-bench-password"
CATEGORIES = ("Food & groceries", "Transport", "Housing", "Utilities", "Health", "Entertainment", "Shopping")
PAYEES = ("Bakery", "Supermarket", "Bus ticket", "Rent", "Electricity", "Pharmacy", "Cinema", "Bookshop")


def bank_file(rows: int) -> bytes:
    """A statement with `rows` rows: about 1 in 20 is income and 1 in 50 repeats the row before."""
    generator = random.Random(7)
    lines = ["Date;Payee;Reference;Category;Amount;Balance"]
    day = date(2020, 1, 1)
    previous = None
    for n in range(rows):
        if previous and n % 50 == 0:
            lines.append(previous)
            continue
        day += timedelta(days=generator.random() < 0.3)
        cents = generator.randint(100, 250_000)
        sign = "" if n % 20 == 0 else "-"
        amount = f"{sign}{cents // 100:,}".replace(",", ".") + f",{cents % 100:02d}"
        payee = f"{generator.choice(PAYEES)} {n}"
        previous = f'{day:%d/%m/%Y};"{payee}";REF{n};{generator.choice(CATEGORIES)};{amount};1.000,00'
        lines.append(previous)
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def csrf(client) -> str:
    html = client.get("/import", follow_redirects=True).get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', html).group(1)


def timed(label: str, timings: list, action):
    start = time.perf_counter()
    result = action()
    timings.append((label, time.perf_counter() - start))
    return result


def main() -> int:
    with tempfile.TemporaryDirectory() as directory:
        url = os.environ.get("IMPORT_BENCH_DATABASE_URL") or f"sqlite:///{Path(directory) / 'import-bench.sqlite'}"
        app = create_app("development", SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False)
        with app.app_context():
            upgrade()
            create_user(EMAIL, PASSWORD)
            db.session.commit()
        client = app.test_client()
        token = csrf(client)
        client.post("/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token})
        token = csrf(client)
        data = bank_file(ROWS)
        timings: list[tuple[str, float]] = []

        response = timed(
            "upload (read, guess, store)",
            timings,
            lambda: client.post("/import", data={"csrf_token": token, "csv_file": (io.BytesIO(data), "bench.csv")}),
        )
        draft = re.fullmatch(r"/import/(\d+)/columns", response.headers["Location"]).group(1)
        columns = {"date_column": "0", "description_column": "1", "category_column": "3", "amount_column": "4"}
        step = f"/import/{draft}"
        timed("columns", timings, lambda: client.post(f"{step}/columns", data={"csrf_token": token, **columns}))
        formats = {"date_format": "DD/MM/YYYY", "decimal_mark": ",", "spending_sign": "negative"}
        timed("formats", timings, lambda: client.post(f"{step}/formats", data={"csrf_token": token, **formats}))
        page = timed("preview", timings, lambda: client.get(f"/import/{draft}/preview").get_data(as_text=True))
        expected = re.search(r'name="expected_rows" type="hidden" value="(\d+)"', page).group(1)
        response = timed(
            "import (one transaction)",
            timings,
            lambda: client.post(
                f"/import/{draft}/preview",
                data={"csrf_token": token, "default_category": "", "expected_rows": expected, "submit": "1"},
            ),
        )
        assert response.headers["Location"] == "/imports", "the import did not finish"
        with app.app_context():
            count = db.session.scalar(select(func.count(Expense.id)))
            db.session.remove()  # its open transaction would block dropping the tables
            if os.environ.get("IMPORT_BENCH_DATABASE_URL"):
                downgrade(revision="base")
            db.engine.dispose()

    print(f"CSV import of {ROWS:,} rows ({len(data) / 1024:,.0f} KiB) on {url.split(':')[0]}: {count:,} expenses added")
    for label, seconds in timings:
        print(f"  {label:<30} {seconds:6.2f} s")
    total = sum(seconds for _, seconds in timings)
    print(f"  {'whole wizard':<30} {total:6.2f} s")
    print(f"IMPORT_SECONDS {ROWS} {dict(timings)['import (one transaction)']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

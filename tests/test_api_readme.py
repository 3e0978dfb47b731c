"""The README's API example, run as written: each `curl` line of the block after the api-example
marker, with real curl against the app served over HTTP, as an account with a fresh token."""

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from app.extensions import db
from app.models import Expense, Ledger
from tests.conftest import category_id, count_rows, make_token, personal_ledger_id
from tests.e2e.server import LiveServer

README = Path(__file__).resolve().parent.parent / "README.md"
DOCUMENTED_BASE = "http://127.0.0.1:5000"


def readme_curl_lines() -> list[str]:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- api-example:.*?-->\s*```sh\n(.*?)```", text, re.S)
    assert block, "the README has no api-example block"
    return [line for line in block.group(1).splitlines() if line.startswith("curl ")]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_readme_curl_example_works_as_written(app, user):
    token = make_token(app, user.id)
    ledger_id = personal_ledger_id(app, user.id)
    food = category_id(app, user.id, "Food & groceries")
    with app.app_context():
        # The example's ledger keeps euros.
        db.session.get(Ledger, ledger_id).currency = "EUR"
        db.session.commit()
    lines = readme_curl_lines()
    values = {"$TOKEN": token, "$LEDGER": str(ledger_id), "$CATEGORY": str(food), DOCUMENTED_BASE: None}

    def run(line: str, base_url: str) -> dict:
        for name, value in values.items():
            line = line.replace(name, value or base_url)
        result = subprocess.run(shlex.split(line), capture_output=True, text=True, timeout=30, check=True)
        return json.loads(result.stdout)

    with LiveServer(app) as server:
        outputs = [run(line, server.url) for line in lines]
        # The expense sent again with its Idempotency-Key: the same answer, and nothing added.
        retried = run(lines[-1], server.url)
    assert [line.split()[-1].removeprefix(DOCUMENTED_BASE) for line in lines] == [
        "/api/v1/me",
        "/api/v1/ledgers",
        "/api/v1/ledgers/$LEDGER/categories",
        "/api/v1/ledgers/$LEDGER/expenses",
    ]
    me, ledgers, categories, expense = outputs
    assert me["email"] == "alice@example.com"
    assert me["token"]["scope"] == "write"
    assert ledgers["items"][0]["id"] == ledger_id
    assert ledgers["items"][0]["monthly_budget"] == {"amount": "80000.00", "currency": "EUR"}
    assert categories["items"][1] == {"id": food, "name": "Food & groceries", "color": "#2e7d32"}
    with app.app_context():
        expense_id = db.session.scalar(db.select(Expense.id))
    assert {name: expense[name] for name in ("id", "spent_on", "description", "category_id", "amount")} == {
        "id": expense_id,
        "spent_on": "2026-12-05",
        "description": "Lunch",
        "category_id": food,
        "amount": {"amount": "12.30", "currency": "EUR"},
    }
    assert retried == expense
    assert count_rows(app, Expense) == 1

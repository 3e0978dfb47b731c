"""Backup: everything an account holds as one versioned JSON file (backup_reader.py reads it back).

The file names categories and numbers import batches instead of carrying database ids, and lists
everything in a fixed order, so export → restore → export gives the same bytes (apart from
`exported_at`, the moment of the export). Amounts are exact decimal strings.
"""

import json
import re
from datetime import datetime

from sqlalchemy import select

from .. import money
from ..extensions import db
from ..models import (
    Category,
    CategoryBudget,
    Expense,
    ImportBatch,
    ImportMapping,
    Ledger,
    LedgerRate,
    OverallBudget,
    User,
    utcnow,
)
from .filing_rules_backup import filing_rules_for_backup
from .recurring_backup import rules_for_backup

FORMAT = "expense-tracker-backup"
# Goes up when a reader of the previous version would misread a file of this one. A new optional
# key (account.time_zone) does not: older readers ignore it, and this one reads files without it.
VERSION = 1


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def backup_data(user: User, ledger: Ledger, exported_at: datetime, site: str | None = None) -> dict:
    """Everything the ledger has, in the order and shape of the backup file; `account` names who
    made it (their email and time zone), the ledger and its settings, and `site` the server's
    address, so that a restore elsewhere can say where the backup came from."""
    code = ledger.currency
    # Text is sorted here, not by the database, whose collation differs between SQLite and PostgreSQL.
    categories = sorted(
        db.session.scalars(select(Category).where(Category.ledger_id == ledger.id)), key=lambda c: c.name_key
    )
    names = {category.id: category.name for category in categories}
    filing_rules = filing_rules_for_backup(ledger, names)
    batches = list(
        db.session.scalars(
            select(ImportBatch)
            .where(ImportBatch.ledger_id == ledger.id)
            .order_by(ImportBatch.created_at, ImportBatch.id)
        )
    )
    batch_numbers = {batch.id: number for number, batch in enumerate(batches, 1)}
    overall = db.session.scalars(
        select(OverallBudget).where(OverallBudget.ledger_id == ledger.id).order_by(OverallBudget.effective_from)
    )
    keys = {category.id: category.name_key for category in categories}
    category_budgets = sorted(
        db.session.scalars(select(CategoryBudget).where(CategoryBudget.ledger_id == ledger.id)),
        key=lambda b: (keys[b.category_id], b.effective_from),
    )
    mappings = sorted(
        db.session.scalars(select(ImportMapping).where(ImportMapping.ledger_id == ledger.id)),
        key=lambda m: m.header_signature,
    )
    expenses = db.session.execute(
        select(
            Expense.spent_on,
            Expense.description,
            Expense.category_id,
            Expense.amount_cents,
            Expense.created_at,
            Expense.updated_at,
            Expense.import_batch_id,
            Expense.recurring_rule_id,
            Expense.original_amount_minor,
            Expense.original_currency,
            Expense.rate,
        )
        .where(Expense.ledger_id == ledger.id)
        .order_by(Expense.spent_on, Expense.id)
    )
    rules, rule_numbers = rules_for_backup(ledger, names)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso(exported_at),
        **({"site": site} if site else {}),
        "account": {
            "email": user.email,
            "ledger": ledger.name,
            "currency": code,
            "monthly_budget": money.format_plain(ledger.monthly_budget_cents, code),
            "period_start_day": ledger.period_start_day,
            "time_zone": user.time_zone,
        },
        "categories": [{"name": c.name, "color": c.color} for c in categories],
        "budgets": {
            "overall_budgets": [
                {"effective_from": b.effective_from.isoformat(), "amount": money.format_plain(b.amount_cents, code)}
                for b in overall
            ],
            "category_budgets": [
                {
                    "category": names[b.category_id],
                    "effective_from": b.effective_from.isoformat(),
                    "limit": None if b.limit_cents is None else money.format_plain(b.limit_cents, code),
                    "rollover": b.rollover,
                }
                for b in category_budgets
            ],
        },
        "expenses": [
            {
                "date": spent_on.isoformat(),
                "description": description,
                "category": names[category_id],
                "amount": money.format_plain(amount_cents, code),
                "created_at": _iso(created_at),
                "updated_at": _iso(updated_at),
                "import_batch": batch_numbers.get(batch_id),
                **({"recurring_rule": rule_numbers[rule_id]} if rule_id is not None else {}),
                **_original(original_minor, original_code, rate),
            }
            for (
                spent_on,
                description,
                category_id,
                amount_cents,
                created_at,
                updated_at,
                batch_id,
                rule_id,
                original_minor,
                original_code,
                rate,
            ) in expenses
        ],
        **({"recurring_rules": rules} if rules else {}),
        **({"filing_rules": filing_rules} if filing_rules else {}),
        "import_batches": [
            {
                "number": batch_numbers[b.id],
                "file_name": b.file_name,
                "created_at": _iso(b.created_at),
                "row_count": b.row_count,
                "duplicate_count": b.duplicate_count,
                "income_count": b.income_count,
                "invalid_count": b.invalid_count,
            }
            for b in batches
        ],
        "import_mappings": [
            {"header": m.header, "settings": m.settings, "updated_at": _iso(m.updated_at)} for m in mappings
        ],
        **({"exchange_rates": rates} if (rates := _uploaded_rates(ledger)) else {}),
    }


def _original(original_minor: int | None, original_code: str | None, rate: str | None) -> dict:
    """An expense in another currency: what was spent, in what, and the rate as stored (exact text)."""
    if original_code is None:
        return {}
    amount = money.format_plain(original_minor, original_code)
    return {"original": {"amount": amount, "currency": original_code, "rate": rate}}


def _uploaded_rates(ledger: Ledger) -> list[dict]:
    """The ECB rates uploaded for the ledger, one entry per day, oldest first, codes in order."""
    days: dict = {}
    for day, code, per_euro in db.session.execute(
        select(LedgerRate.day, LedgerRate.currency, LedgerRate.per_euro)
        .where(LedgerRate.ledger_id == ledger.id)
        .order_by(LedgerRate.day, LedgerRate.currency)
    ):
        days.setdefault(day.isoformat(), {})[code] = per_euro
    return [{"day": day, "per_euro": rates} for day, rates in days.items()]


# Half of a surrogate pair: not Unicode text, so it cannot be written as UTF-8.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _dump(value) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    # Restore refuses such text, but whatever the database holds (from before that check), the
    # backup must still download: the broken character becomes U+FFFD, the replacement character.
    return _LONE_SURROGATE.sub("\ufffd", text)


def backup_json(user: User, ledger: Ledger, exported_at: datetime | None = None, site: str | None = None) -> str:
    """The backup file's text: one line per category, budget, expense and batch, keys in a fixed order."""
    data = backup_data(user, ledger, exported_at or utcnow(), site)
    lines = ["{"]
    items = list(data.items())
    for position, (key, value) in enumerate(items):
        comma = "," if position < len(items) - 1 else ""
        if isinstance(value, list):
            lines.append(f"  {_dump(key)}: {_list(value, '  ')}{comma}")
        elif isinstance(value, dict) and key == "budgets":
            inner = [f"    {_dump(k)}: {_list(v, '    ')}" for k, v in value.items()]
            lines.append(f"  {_dump(key)}: {{\n" + ",\n".join(inner) + f"\n  }}{comma}")
        else:
            lines.append(f"  {_dump(key)}: {_dump(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _list(values: list, indent: str) -> str:
    if not values:
        return "[]"
    return "[\n" + ",\n".join(f"{indent}  {_dump(v)}" for v in values) + f"\n{indent}]"

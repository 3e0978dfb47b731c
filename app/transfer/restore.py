"""Restore: replace the ledger's data with a checked backup (backup_reader.py reads and checks the
file) in one transaction. A file that is damaged, from another account or from a newer version
changes nothing."""

from sqlalchemy import delete, insert, select

from .. import conversion
from ..expense_rows import insert_expenses
from ..extensions import db
from ..models import (
    Category,
    CategoryBudget,
    CategoryRule,
    CurrencyChange,
    Expense,
    ImportBatch,
    ImportDraft,
    ImportMapping,
    Ledger,
    LedgerRate,
    OverallBudget,
    RecurringRule,
    RuleRun,
    User,
)
from .backup_reader import Backup
from .filing_rules_backup import restore_filing_rules
from .recurring_backup import restore_rules


class AccountNotEmpty(Exception):
    """Restoring would replace data the ledger already has: it needs the person's confirmation."""


def ledger_is_empty(ledger: Ledger) -> bool:
    """No expenses, budgets, imports or rules: a restore replaces nothing anyone would miss (unused
    categories, such as the starter ones, are replaced by the backup's)."""
    for model in (Expense, OverallBudget, CategoryBudget, ImportBatch, RecurringRule, CategoryRule):
        if db.session.scalar(select(model.id).where(model.ledger_id == ledger.id).limit(1)) is not None:
            return False
    return True


def restore(user: User, ledger: Ledger, backup: Backup, replace: bool) -> None:
    """Replace everything the ledger has with the backup's; the caller commits it as one transaction.
    Restored into the person's own ledger, the backup's time zone becomes the account's again.

    Raises AccountNotEmpty when the ledger has data and `replace` was not confirmed.
    """
    if not replace and not ledger_is_empty(ledger):
        raise AccountNotEmpty()
    conversion.forget_rates(ledger)
    for model in (
        RuleRun,
        CategoryRule,
        # A conversion's undo names the expenses it changed, which a restore replaces.
        CurrencyChange,
        Expense,
        RecurringRule,
        CategoryBudget,
        OverallBudget,
        ImportBatch,
        ImportMapping,
        ImportDraft,
        Category,
    ):
        # The default session synchronisation drops deleted objects from the session, so that a
        # new row given a freed id (SQLite reuses the highest ids) cannot clash with a stale one.
        db.session.execute(delete(model).where(model.ledger_id == ledger.id))
    ledger.currency = backup.currency
    ledger.monthly_budget_cents = backup.monthly_budget_cents
    ledger.period_start_day = backup.period_start_day
    if ledger.personal_user_id == user.id:
        user.time_zone = backup.time_zone

    categories = {}
    for item in backup.categories:
        categories[item["name_key"]] = Category(ledger_id=ledger.id, **item)
        db.session.add(categories[item["name_key"]])
    batches = {}
    for item in backup.import_batches:
        values = {k: v for k, v in item.items() if k != "number"}
        batches[item["number"]] = ImportBatch(ledger_id=ledger.id, **values)
        db.session.add(batches[item["number"]])
    db.session.flush()

    _insert(OverallBudget, [{"ledger_id": ledger.id, **item} for item in backup.overall_budgets])
    _insert(
        CategoryBudget,
        [
            {**item, "ledger_id": ledger.id, "category_id": categories[item.pop("category")].id}
            for item in [dict(b) for b in backup.category_budgets]
        ],
    )
    rule_ids = restore_rules(
        ledger, backup.recurring_rules, {key: category.id for key, category in categories.items()}, user.id
    )
    restore_filing_rules(ledger, backup.filing_rules, {key: category.id for key, category in categories.items()})
    insert_expenses(
        [
            {
                **{k: v for k, v in item.items() if k not in ("category", "import_batch", "recurring_rule")},
                "recurring_rule_id": rule_ids.get(item["recurring_rule"]),
                "ledger_id": ledger.id,
                "category_id": categories[item["category"]].id,
                "import_batch_id": batches[item["import_batch"]].id if item["import_batch"] is not None else None,
                "created_by_id": user.id,
            }
            for item in backup.expenses
        ],
    )
    _insert(ImportMapping, [{"ledger_id": ledger.id, **item} for item in backup.import_mappings])
    for start in range(0, len(backup.exchange_rates), 5000):
        _insert(LedgerRate, [{"ledger_id": ledger.id, **item} for item in backup.exchange_rates[start : start + 5000]])


def _insert(model, rows: list[dict]) -> None:
    if rows:
        db.session.execute(insert(model), rows)

"""Filing rules in the backup (backup.py writes them, backup_reader.py reads them back).

A ledger with rules gets a "filing_rules" list in the order they are tried; a rule names its
category, and its amounts are plain text like the expenses'. The key is left out when there are no
rules, so a ledger without them backs up exactly as before, and older backups restore unchanged.
"""

from sqlalchemy import select

from .. import money
from ..autocat.rule_match import DESCRIPTION_OPS, PatternError, check_pattern
from ..category_rules import MAX_RULES
from ..extensions import db
from ..models import DESCRIPTION_MAX, CategoryRule, Ledger

RULE_KEYS = (
    "enabled",
    "description_op",
    "description_value",
    "amount_min",
    "amount_max",
    "source_category",
    "category",
    "rewrite_description",
    "created_at",
)


def _plain(cents, code):
    return None if cents is None else money.format_plain(cents, code)


def filing_rules_for_backup(ledger: Ledger, names: dict[int, str]) -> list[dict]:
    """The ledger's filing rules in the order they are tried, as the backup lists them."""
    rules = db.session.scalars(
        select(CategoryRule).where(CategoryRule.ledger_id == ledger.id).order_by(CategoryRule.position, CategoryRule.id)
    )
    code = ledger.currency
    return [
        {
            "enabled": rule.enabled,
            "description_op": rule.description_op,
            "description_value": rule.description_value,
            "amount_min": _plain(rule.amount_min_cents, code),
            "amount_max": _plain(rule.amount_max_cents, code),
            "source_category": rule.source_category,
            "category": names[rule.category_id] if rule.category_id is not None else None,
            "rewrite_description": rule.rewrite_description,
            "created_at": rule.created_at.isoformat(),
        }
        for rule in rules
    ]


def read_filing_rules(reader, items, categories: set[str], category_key) -> list[dict]:
    """The backup's filing rules, checked (`reader` is backup_reader.py's, `category_key` its category check)."""
    rules = []
    items = reader.items(items, "filing_rules")
    if len(items) > MAX_RULES:
        reader.fail("filing_rules", f"holds more than {MAX_RULES} rules")
    for index, item in enumerate(items):
        where = f"filing_rules[{index}]"
        item = reader.obj(item, where, RULE_KEYS)
        op = item["description_op"]
        if op is not None and op not in DESCRIPTION_OPS:
            reader.fail(f"{where}.description_op", "is not contains, starts_with, equals or regex")
        value = None
        if op is not None:
            value = reader.text(item["description_value"], f"{where}.description_value", DESCRIPTION_MAX)
            if op == "regex":
                try:
                    check_pattern(value)
                except PatternError as error:
                    reader.fail(f"{where}.description_value", str(error))
        low, high = (
            None if item[key] is None else reader.cents(item[key], f"{where}.{key}", allow_zero=False)
            for key in ("amount_min", "amount_max")
        )
        if low is not None and high is not None and low > high:
            reader.fail(f"{where}.amount_max", "is less than amount_min")
        category = None
        if item["category"] is not None:
            category = category_key(reader, item["category"], f"{where}.category", categories)
        optional = {
            key: None if item[key] is None else reader.text(item[key], f"{where}.{key}", DESCRIPTION_MAX)
            for key in ("source_category", "rewrite_description")
        }
        if category is None and optional["rewrite_description"] is None:
            reader.fail(where, "neither files under a category nor gives a description")
        if not isinstance(item["enabled"], bool):
            reader.fail(f"{where}.enabled", "is not true or false")
        rules.append(
            {
                "position": index + 1,
                "enabled": item["enabled"],
                "description_op": op,
                "description_value": value,
                "amount_min_cents": low,
                "amount_max_cents": high,
                "category": category,
                **optional,
                "created_at": reader.moment(item["created_at"], f"{where}.created_at"),
            }
        )
    return rules


def restore_filing_rules(ledger: Ledger, rules: list[dict], category_ids: dict[str, int]) -> None:
    if rules:
        db.session.execute(
            CategoryRule.__table__.insert(),
            [
                {
                    **{k: v for k, v in item.items() if k != "category"},
                    "ledger_id": ledger.id,
                    "category_id": category_ids[item["category"]] if item["category"] is not None else None,
                }
                for item in rules
            ],
        )

"""Recurring rules in the backup (backup.py writes them, backup_reader.py reads them back).

A ledger with rules gets a "recurring_rules" list; each rule has a number, its schedule and state,
and the dates already dealt with ("occurrences": made or skipped), so that a restored ledger posts
nothing twice. An expense a rule made names it by that number ("recurring_rule"). Both keys are left
out when there are no rules, so a ledger without them backs up exactly as before, and older backups
restore unchanged.
"""

from sqlalchemy import select

from .. import money, recurrence
from ..extensions import db
from ..models import DESCRIPTION_MAX, Ledger, RecurringOccurrence, RecurringRule

RULE_KEYS = (
    "number",
    "description",
    "category",
    "amount",
    "start_on",
    "unit",
    "every",
    "month_day",
    "end_on",
    "occurrence_limit",
    "next_due",
    "paused",
    "created_at",
    "occurrences",
)
# Rules per ledger in a backup: far more than anyone keeps; a longer list was not written by the app.
MAX_RULES = 1_000


def _iso(day):
    return None if day is None else day.isoformat()


def rules_for_backup(ledger: Ledger, names: dict[int, str]) -> tuple[list[dict], dict[int, int]]:
    """(the ledger's rules as the backup lists them, each rule's number by its id). Rules are in the
    order they were made; their numbers count from 1."""
    rules = list(
        db.session.scalars(
            select(RecurringRule)
            .where(RecurringRule.ledger_id == ledger.id)
            .order_by(RecurringRule.created_at, RecurringRule.id)
        )
    )
    numbers = {rule.id: number for number, rule in enumerate(rules, 1)}
    occurrences: dict[int, list[str]] = {rule.id: [] for rule in rules}
    if rules:
        for rule_id, day in db.session.execute(
            select(RecurringOccurrence.rule_id, RecurringOccurrence.due_on)
            .where(RecurringOccurrence.rule_id.in_(numbers))
            .order_by(RecurringOccurrence.rule_id, RecurringOccurrence.due_on)
        ):
            occurrences[rule_id].append(day.isoformat())
    code = ledger.currency
    listed = [
        {
            "number": numbers[rule.id],
            "description": rule.description,
            "category": names[rule.category_id],
            "amount": money.format_plain(rule.amount_cents, code),
            "start_on": rule.start_on.isoformat(),
            "unit": rule.unit,
            "every": rule.every,
            "month_day": rule.month_day,
            "end_on": _iso(rule.end_on),
            "occurrence_limit": rule.occurrence_limit,
            "next_due": _iso(rule.next_due),
            "paused": rule.paused,
            "created_at": rule.created_at.isoformat(),
            "occurrences": occurrences[rule.id],
        }
        for rule in rules
    ]
    return listed, numbers


def read_rules(reader, items, categories: set[str], category_key) -> list[dict]:
    """The backup's rules, checked (`reader` is backup_reader.py's, `category_key` its category check)."""
    rules = []
    items = reader.items(items, "recurring_rules")
    if len(items) > MAX_RULES:
        reader.fail("recurring_rules", f"holds more than {MAX_RULES} rules")
    for index, item in enumerate(items):
        where = f"recurring_rules[{index}]"
        item = reader.obj(item, where, RULE_KEYS)
        number = reader.integer(item["number"], f"{where}.number", 1, MAX_RULES)
        if number != index + 1:
            reader.fail(f"{where}.number", f"is not {index + 1}")
        unit = item["unit"]
        if unit not in recurrence.UNITS:
            reader.fail(f"{where}.unit", "is not day, week, month or year")
        every = reader.integer(item["every"], f"{where}.every", 1, recurrence.MAX_INTERVAL[unit])
        month_day = item["month_day"]
        if month_day is not None:
            month_day = reader.integer(month_day, f"{where}.month_day", 1, recurrence.LAST_DAY)
        limit = item["occurrence_limit"]
        if limit is not None:
            limit = reader.integer(limit, f"{where}.occurrence_limit", 1, recurrence.MAX_COUNT)
        start_on = reader.day(item["start_on"], f"{where}.start_on")
        end_on = None if item["end_on"] is None else reader.day(item["end_on"], f"{where}.end_on")
        try:
            recurrence.Schedule(start_on, unit, every, month_day, end_on, limit)
        except ValueError as error:
            reader.fail(where, f"has a schedule that cannot be: {error}")
        if not isinstance(item["paused"], bool):
            reader.fail(f"{where}.paused", "is not true or false")
        days = reader.items(item["occurrences"], f"{where}.occurrences")
        occurrences = [reader.day(day, f"{where}.occurrences[{n}]") for n, day in enumerate(days)]
        if len(set(occurrences)) != len(occurrences):
            reader.fail(f"{where}.occurrences", "repeats a date")
        rules.append(
            {
                "description": reader.text(item["description"], f"{where}.description", DESCRIPTION_MAX),
                "category": category_key(reader, item["category"], f"{where}.category", categories),
                "amount_cents": reader.cents(item["amount"], f"{where}.amount", allow_zero=False),
                "start_on": start_on,
                "unit": unit,
                "every": every,
                "month_day": month_day,
                "end_on": end_on,
                "occurrence_limit": limit,
                "next_due": None if item["next_due"] is None else reader.day(item["next_due"], f"{where}.next_due"),
                "paused": item["paused"],
                "created_at": reader.moment(item["created_at"], f"{where}.created_at"),
                "occurrences": occurrences,
            }
        )
    return rules


def restore_rules(ledger: Ledger, rules: list[dict], category_ids: dict[str, int], user_id: int) -> dict[int, int]:
    """Insert the backup's rules and their occurrences; each rule's new id by its number."""
    ids = {}
    for number, item in enumerate(rules, 1):
        values = {k: v for k, v in item.items() if k not in ("category", "occurrences")}
        rule = RecurringRule(
            ledger_id=ledger.id, category_id=category_ids[item["category"]], created_by_id=user_id, **values
        )
        db.session.add(rule)
        db.session.flush()
        ids[number] = rule.id
        if item["occurrences"]:
            db.session.execute(
                RecurringOccurrence.__table__.insert(),
                [{"rule_id": rule.id, "due_on": day} for day in item["occurrences"]],
            )
    return ids

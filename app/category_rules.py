"""A ledger's filing rules (issue 20): kept in order, switched on and off, created in one click from
a correction ("Always file “TESCO STORES” under Groceries?"), and applied to the expenses already
stored, in one transaction that can be undone. Matching itself is app/autocat/rule_match.py.

Every query is scoped to one ledger; nothing here commits (see app/transactions.py).
"""

import re
from dataclasses import dataclass

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, select, update

from . import money
from .autocat.rule_match import first_match
from .extensions import db
from .models import Category, CategoryRule, Expense, Ledger, RuleRun, RuleRunChange

# Rules per ledger: every import row and quick add tries them in order, so they bound that work.
MAX_RULES = 500
# How many expenses "apply to existing" shows as a sample before applying.
SAMPLE_SIZE = 10


class TooManyRules(Exception):
    """The ledger already has MAX_RULES rules."""


class ChangesMoved(Exception):
    """What applying would change is no longer what the preview counted; nothing was written."""


def rules_of(ledger: Ledger) -> list[CategoryRule]:
    """The ledger's rules in the order they are tried."""
    return list(
        db.session.scalars(
            select(CategoryRule)
            .where(CategoryRule.ledger_id == ledger.id)
            .order_by(CategoryRule.position, CategoryRule.id)
        )
    )


def get_rule_or_404(ledger: Ledger, rule_id: int) -> CategoryRule:
    rule = db.session.scalar(
        select(CategoryRule).where(CategoryRule.id == rule_id, CategoryRule.ledger_id == ledger.id)
    )
    if rule is None:
        abort(404)
    return rule


def _count(ledger: Ledger) -> int:
    return db.session.scalar(select(func.count(CategoryRule.id)).where(CategoryRule.ledger_id == ledger.id))


def create_rule(ledger: Ledger, values: dict, first: bool = False) -> CategoryRule:
    """A new rule, last in the order (or first); raises TooManyRules having written nothing."""
    if _count(ledger) >= MAX_RULES:
        raise TooManyRules()
    lowest, highest = db.session.execute(
        select(
            func.coalesce(func.min(CategoryRule.position), 1), func.coalesce(func.max(CategoryRule.position), 0)
        ).where(CategoryRule.ledger_id == ledger.id)
    ).one()
    position = lowest - 1 if first else highest + 1
    rule = CategoryRule(ledger_id=ledger.id, position=position, enabled=True, **values)
    db.session.add(rule)
    db.session.flush()
    return rule


def update_rule(rule: CategoryRule, values: dict) -> None:
    for name, value in values.items():
        setattr(rule, name, value)


def delete_rule(rule: CategoryRule) -> None:
    db.session.delete(rule)


def set_enabled(rule: CategoryRule, enabled: bool) -> None:
    rule.enabled = enabled


def move_rule(ledger: Ledger, rule: CategoryRule, step: int) -> bool:
    """Swap the rule with its neighbour above (step -1) or below (+1); False at either end."""
    rules = rules_of(ledger)
    index = next(i for i, r in enumerate(rules) if r.id == rule.id)
    other = index + step
    if not 0 <= other < len(rules):
        return False
    rules[index], rules[other] = rules[other], rules[index]
    # Numbered again from 1: positions made by "first" rules may be negative or repeated.
    for position, each in enumerate(rules, start=1):
        each.position = position
    return True


# Describing a rule


def conditions(rule: CategoryRule, currency: str) -> str:
    """The rule's conditions in words: "contains “TESCO” · amount 10.00 to 50.00"."""
    parts = []
    if rule.description_op:
        value = rule.description_value or ""
        parts.append(
            {
                "contains": _("contains “%(value)s”", value=value),
                "starts_with": _("starts with “%(value)s”", value=value),
                "equals": _("equals “%(value)s”", value=value),
                "regex": _("matches /%(value)s/", value=value),
            }[rule.description_op]
        )
    low, high = rule.amount_min_cents, rule.amount_max_cents
    if low is not None and low == high:
        parts.append(_("amount %(amount)s", amount=money.format_amount(low, currency)))
    elif low is not None and high is not None:
        parts.append(
            _(
                "amount %(low)s to %(high)s",
                low=money.format_amount(low, currency),
                high=money.format_amount(high, currency),
            )
        )
    elif low is not None:
        parts.append(_("amount at least %(amount)s", amount=money.format_amount(low, currency)))
    elif high is not None:
        parts.append(_("amount at most %(amount)s", amount=money.format_amount(high, currency)))
    if rule.source_category:
        parts.append(_("the file's category is “%(value)s”", value=rule.source_category))
    return " · ".join(parts) if parts else _("every expense")


def actions(rule: CategoryRule) -> str:
    parts = []
    if rule.category is not None:
        parts.append(_("file under %(category)s", category=rule.category.name))
    if rule.rewrite_description:
        parts.append(_("call it “%(description)s”", description=rule.rewrite_description))
    return " · ".join(parts)


# One click from a correction

# The part of a bank's description that names the shop: the words before the first one holding a
# digit or a reference mark ("TESCO STORES 3412 LONDON" -> "TESCO STORES", "AMZN Mktp DE*2X4" ->
# "AMZN Mktp DE").
_REFERENCE = re.compile(r"[0-9*#/\\]")


def rule_phrase(description: str) -> tuple[str, str]:
    """(condition, value) for a rule that files expenses like this one: "contains" the words that
    name the shop, or "equals" the whole description when it has no such words."""
    words = []
    for word in description.split():
        head = _REFERENCE.split(word, maxsplit=1)[0]
        if head:
            words.append(head)
        if head != word or len(words) == 4:
            break
    phrase = " ".join(words).strip(" .,-")
    if len(phrase) >= 3:
        return "contains", phrase
    return "equals", description.strip()


def always_file(ledger: Ledger, description: str, category: Category) -> tuple[CategoryRule, bool]:
    """The rule "contains <the shop's words> -> category", first in the order; (rule, created).
    Asked twice (a double click, two tabs), it finds the rule it made and makes no other."""
    op, value = rule_phrase(description)
    existing = db.session.scalar(
        select(CategoryRule).where(
            CategoryRule.ledger_id == ledger.id,
            CategoryRule.description_op == op,
            CategoryRule.description_value == value,
            CategoryRule.category_id == category.id,
            CategoryRule.amount_min_cents.is_(None),
            CategoryRule.amount_max_cents.is_(None),
            CategoryRule.source_category.is_(None),
            CategoryRule.rewrite_description.is_(None),
        )
    )
    if existing is not None:
        existing.enabled = True
        return existing, False
    return create_rule(
        ledger, {"description_op": op, "description_value": value, "category_id": category.id}, True
    ), True


# Applying the rules to the expenses already stored


@dataclass(frozen=True)
class Change:
    expense_id: int
    spent_on: object
    amount_cents: int
    old_category_id: int
    old_description: str
    new_category_id: int
    new_description: str
    rule: CategoryRule


def pending_changes(ledger: Ledger) -> list[Change]:
    """Every expense whose first matching rule would change its category or description, newest
    first. Stored expenses have no file category: rules that need one do not match them."""
    rules = [rule for rule in rules_of(ledger) if rule.enabled]
    if not rules:
        return []
    rows = db.session.execute(
        select(Expense.id, Expense.spent_on, Expense.amount_cents, Expense.category_id, Expense.description)
        .where(Expense.ledger_id == ledger.id)
        .order_by(Expense.spent_on.desc(), Expense.id.desc())
    )
    changes = []
    for expense_id, spent_on, amount_cents, category_id, description in rows:
        rule = first_match(rules, description, amount_cents)
        if rule is None:
            continue
        new_category = rule.category_id if rule.category_id is not None else category_id
        new_description = rule.rewrite_description or description
        if (new_category, new_description) != (category_id, description):
            changes.append(
                Change(
                    expense_id, spent_on, amount_cents, category_id, description, new_category, new_description, rule
                )
            )
    return changes


def apply_rules(ledger: Ledger, expected: int, created_by_id: int | None) -> RuleRun:
    """Change every expense the preview counted, and keep the old values to undo it; raises
    ChangesMoved (nothing written) when the count is no longer `expected`."""
    changes = pending_changes(ledger)
    if len(changes) != expected or not changes:
        raise ChangesMoved()
    run = RuleRun(ledger_id=ledger.id, created_by_id=created_by_id, row_count=len(changes))
    db.session.add(run)
    db.session.flush()
    db.session.execute(
        RuleRunChange.__table__.insert(),
        [
            {
                "run_id": run.id,
                "expense_id": change.expense_id,
                "old_category_id": change.old_category_id,
                "old_description": change.old_description,
                "new_category_id": change.new_category_id,
                "new_description": change.new_description,
            }
            for change in changes
        ],
    )
    _set_values(ledger, [(c.expense_id, c.new_category_id, c.new_description) for c in changes])
    return run


def _set_values(ledger: Ledger, values: list[tuple[int, int, str]]) -> None:
    table = Expense.__table__
    statement = (
        update(table)
        .where(table.c.id == bindparam("expense"), table.c.ledger_id == ledger.id)
        .values(category_id=bindparam("category"), description=bindparam("text"))
    )
    db.session.execute(
        statement,
        [{"expense": expense_id, "category": category, "text": text} for expense_id, category, text in values],
    )


def latest_run(ledger: Ledger) -> RuleRun | None:
    return db.session.scalar(
        select(RuleRun).where(RuleRun.ledger_id == ledger.id).order_by(RuleRun.created_at.desc(), RuleRun.id.desc())
    )


def get_run_or_404(ledger: Ledger, run_id: int) -> RuleRun:
    run = db.session.scalar(select(RuleRun).where(RuleRun.id == run_id, RuleRun.ledger_id == ledger.id))
    if run is None:
        abort(404)
    return run


def undo_run(ledger: Ledger, run: RuleRun) -> tuple[int, int]:
    """Put back the old category and description of every expense still as the run left it, and
    forget the run; (restored, left alone because edited or their old category deleted since)."""
    rows = db.session.execute(
        select(RuleRunChange, Expense.category_id, Expense.description)
        .join(Expense, Expense.id == RuleRunChange.expense_id)
        .where(RuleRunChange.run_id == run.id, Expense.ledger_id == ledger.id)
    ).all()
    existing = set(db.session.scalars(select(Category.id).where(Category.ledger_id == ledger.id)))
    restore = [
        (change.expense_id, change.old_category_id, change.old_description)
        for change, category_id, description in rows
        if (category_id, description) == (change.new_category_id, change.new_description)
        and change.old_category_id in existing
    ]
    if restore:
        _set_values(ledger, restore)
    db.session.execute(delete(RuleRun).where(RuleRun.id == run.id), execution_options={"synchronize_session": False})
    return len(restore), len(rows) - len(restore)

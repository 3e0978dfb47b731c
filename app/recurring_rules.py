"""Recurring rules: creating, editing, pausing, skipping and deleting them, what they will still
post in a period, and the "looks recurring" suggestions. Every query is scoped to one ledger;
nothing here commits (see app/transactions.py)."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask import abort
from sqlalchemy import delete, func, select

from . import recurrence
from .extensions import db
from .models import Category, Expense, Ledger, RecurringRule
from .periods import Period
from .receipts import storage
from .recurring_patterns import Seen, Suggestion, find_recurring
from .recurring_posting import claim, post_rule, schedule_of
from .safe_to_spend import SafeToSpend

# A start date further back than this many occurrences would add that many expenses at once: a
# typo (1926 for 2026), not a plan. The form says so instead.
MAX_CATCH_UP = 366
# The suggestions read the ledger's latest expenses, never its whole history.
SUGGESTION_HISTORY = 5_000


@dataclass(frozen=True)
class RuleValues:
    """What the form says of a rule."""

    category: Category
    description: str
    amount_cents: int
    start_on: date
    unit: str
    every: int
    month_day: int | None
    end_on: date | None
    occurrence_limit: int | None

    @property
    def schedule(self) -> recurrence.Schedule:
        return recurrence.Schedule(
            self.start_on, self.unit, self.every, self.month_day, self.end_on, self.occurrence_limit
        )


def rules_of(ledger: Ledger) -> list[RecurringRule]:
    """The ledger's rules: running ones by their next date, then paused and ended ones."""
    rules = db.session.scalars(select(RecurringRule).where(RecurringRule.ledger_id == ledger.id))
    return sorted(
        rules,
        key=lambda r: (r.paused, r.next_due is None, r.next_due or date.max, r.description.casefold(), r.id),
    )


def get_rule_or_404(ledger: Ledger, rule_id: int) -> RecurringRule:
    rule = db.session.scalar(
        select(RecurringRule).where(RecurringRule.id == rule_id, RecurringRule.ledger_id == ledger.id)
    )
    if rule is None:
        abort(404)
    return rule


def _apply(rule: RecurringRule, values: RuleValues) -> None:
    rule.category_id = values.category.id
    rule.description = values.description
    rule.amount_cents = values.amount_cents
    rule.start_on = values.start_on
    rule.unit = values.unit
    rule.every = values.every
    rule.month_day = values.month_day
    rule.end_on = values.end_on
    rule.occurrence_limit = values.occurrence_limit


def create_rule(ledger: Ledger, values: RuleValues, today: date, created_by_id: int | None) -> RecurringRule:
    """A new rule; the occurrences from its start up to today are made at once."""
    rule = RecurringRule(ledger_id=ledger.id, created_by_id=created_by_id, paused=False)
    _apply(rule, values)
    rule.next_due = values.schedule.occurrence(0)
    db.session.add(rule)
    db.session.flush()
    post_rule(rule, today)
    return rule


def update_rule(rule: RecurringRule, values: RuleValues, today: date) -> None:
    """Change the rule from today on: the expenses it made stay as they are, and the new schedule
    takes over from its first occurrence today or later (one already made today is not made again)."""
    _apply(rule, values)
    rule.next_due = values.schedule.first_on_or_after(today)
    if not rule.paused:
        post_rule(rule, today)


def pause_rule(rule: RecurringRule) -> None:
    rule.paused = True


def resume_rule(rule: RecurringRule, today: date) -> None:
    """Run again from today: the occurrences of the paused span are not made."""
    rule.paused = False
    rule.next_due = schedule_of(rule).first_on_or_after(today)
    post_rule(rule, today)


def skip_next(rule: RecurringRule) -> date | None:
    """Leave out the next occurrence (it is marked as dealt with, so no later run makes it); the
    day skipped, or None when there was none."""
    day = rule.next_due
    if day is None:
        return None
    claim(rule.id, day)
    rule.next_due = schedule_of(rule).following(day)
    return day


def expenses_made_by(rule: RecurringRule) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Expense)
        .where(Expense.ledger_id == rule.ledger_id, Expense.recurring_rule_id == rule.id)
    )


def made_counts(ledger: Ledger) -> dict[int, int]:
    """How many expenses each of the ledger's rules has made (that are still there), in one query."""
    return dict(
        db.session.execute(
            select(Expense.recurring_rule_id, func.count())
            .where(Expense.ledger_id == ledger.id, Expense.recurring_rule_id.is_not(None))
            .group_by(Expense.recurring_rule_id)
        ).all()
    )


def delete_rule(rule: RecurringRule, delete_expenses: bool) -> int:
    """Delete the rule; the expenses it made stay (no longer linked to it) unless asked. Returns how
    many expenses were deleted."""
    deleted = 0
    if delete_expenses:
        made = db.session.scalars(
            select(Expense).where(Expense.ledger_id == rule.ledger_id, Expense.recurring_rule_id == rule.id)
        )
        for expense in made:
            storage.forget_files_of(expense)  # its receipts go with it, as on the expense's own page
            db.session.delete(expense)
            deleted += 1
        db.session.flush()
    db.session.execute(delete(RecurringRule).where(RecurringRule.id == rule.id))
    return deleted


@dataclass(frozen=True)
class Upcoming:
    day: date
    rule: RecurringRule


def still_due(ledger: Ledger, period: Period, today: date) -> list[Upcoming]:
    """What the ledger's running rules will still post in the period after today, by date (what is
    due today or earlier has been posted by the time a page shows this)."""
    first = max(period.start, today + timedelta(days=1))
    if first > period.last_day:
        return []
    rules = db.session.scalars(
        select(RecurringRule).where(
            RecurringRule.ledger_id == ledger.id,
            RecurringRule.paused.is_(False),
            RecurringRule.next_due <= period.last_day,
        )
    )
    found = [
        Upcoming(day, rule)
        for rule in rules
        for day in schedule_of(rule).between(max(first, rule.next_due), period.last_day)
    ]
    return sorted(found, key=lambda upcoming: (upcoming.day, upcoming.rule.description.casefold(), upcoming.rule.id))


def safe_to_spend(budget_cents: int, spent_cents: int, upcoming: list[Upcoming], days_left: int) -> SafeToSpend:
    return SafeToSpend(budget_cents, spent_cents, sum(u.rule.amount_cents for u in upcoming), days_left)


def suggestions(ledger: Ledger, today: date, rules: list[RecurringRule]) -> list[Suggestion]:
    """Runs in the ledger's latest expenses that look recurring and no rule covers yet."""
    rows = db.session.execute(
        select(Expense.spent_on, Expense.description, Expense.category_id, Expense.amount_cents)
        .where(Expense.ledger_id == ledger.id, Expense.recurring_rule_id.is_(None))
        .order_by(Expense.spent_on.desc(), Expense.id.desc())
        .limit(SUGGESTION_HISTORY)
    )
    covered = {(rule.description.strip().casefold(), rule.category_id) for rule in rules}
    return [
        suggestion
        for suggestion in find_recurring((Seen(*row) for row in rows), today)
        if (suggestion.description.strip().casefold(), suggestion.category_id) not in covered
    ]


def suggestion_values(suggestion: Suggestion, category: Category) -> RuleValues:
    """A rule that carries the run on from its next occurrence, so nothing already paid is doubled."""
    return RuleValues(
        category=category,
        description=suggestion.description,
        amount_cents=suggestion.amount_cents,
        start_on=suggestion.next_day,
        unit=suggestion.pattern.unit,
        every=suggestion.pattern.interval,
        month_day=suggestion.pattern.day,
        end_on=None,
        occurrence_limit=None,
    )

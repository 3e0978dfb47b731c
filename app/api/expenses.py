"""A ledger's expenses: the list with the expense list page's filters, sort and keyset pages
(app/expense_filters.py, app/expenses/listing.py), and one expense to create, read, change or delete
(app/expenses/services.py). What is sent is checked by the expense form the pages use."""

import marshmallow as ma
from flask import Response, request, url_for
from flask.views import MethodView
from flask_babel import lazy_gettext as _l

from .. import clock, idempotency, money
from ..access import EDITOR
from ..categories import ledger_categories
from ..expense_filters import ExpenseFilter
from ..expenses import listing, services
from ..expenses.forms import ExpenseForm, expense_values
from ..extensions import db
from ..ledgers.membership import members_of
from ..models import Expense, Ledger
from ..problems import Invalid, problem
from ..transactions import run_and_commit
from .base import api_blueprint, api_user, check_currency, create_once, documents, ledger_for, validate_form
from .schemas import (
    ExpenseCreateSchema,
    ExpenseListSchema,
    ExpensePatchSchema,
    ExpenseQuerySchema,
    ExpenseSchema,
    IdempotencyHeaderSchema,
    Money,
)

blp = api_blueprint("api_expenses", __name__, "Expenses: a ledger's spending, one row each.")

# The expense form's fields that the body names otherwise.
POINTERS = {"amount": "#/amount/amount", "paid_by": "#/paid_by_id"}
NOT_IN_LEDGER = _l("This is not one of the ledger's; see its categories and members.")
NO_PAYER = _l("A personal ledger has no one else to name as payer: leave it out or send null.")
STALE_CURSOR = _l("This cursor is not from a list with this sort order; start again without it.")


def expense_json(expense: Expense, ledger: Ledger) -> dict:
    return {
        "id": expense.id,
        "spent_on": expense.spent_on,
        "description": expense.description,
        "category_id": expense.category_id,
        "amount": Money(expense.amount_cents, ledger.currency),
        "paid_by_id": expense.paid_by_id,
        "created_by_id": expense.created_by_id,
        "recurring_rule_id": expense.recurring_rule_id,
        "created_at": expense.created_at,
        "updated_at": expense.updated_at,
    }


def _members(ledger: Ledger) -> list:
    """Who may be named as payer, and filtered by: a shared ledger's members; none in a personal one."""
    return [] if ledger.is_personal else members_of(ledger)


def _checked_values(ledger: Ledger, sent: dict) -> dict:
    """The service's arguments for a whole expense as sent, checked by the site's expense form."""
    check_currency(ledger, sent["amount"], "#/amount")
    if ledger.is_personal and sent.get("paid_by_id") is not None:
        raise Invalid("#/paid_by_id", str(NO_PAYER))
    fields = {
        "amount": sent["amount"]["amount"],
        "description": sent["description"],
        "category_id": sent["category_id"],
        "spent_on": sent["spent_on"].isoformat(),
        "paid_by": sent.get("paid_by_id"),
    }
    form = validate_form(
        ExpenseForm, fields, POINTERS, ledger_categories(ledger), currency=ledger.currency, members=_members(ledger)
    )
    return expense_values(form, ledger)


def _query_problem(parameter: str, detail) -> Response:
    return problem(422, errors=[{"parameter": parameter, "in": "query", "detail": str(detail)}])


def list_expenses(query: dict, ledger_id: int) -> dict | Response:
    """A page of the filtered list; a category or member the ledger does not have is a 422, where the
    list page ignores it with a message."""
    ledger = ledger_for(ledger_id)
    categories = ledger_categories(ledger)
    member_ids = [member.user_id for member in _members(ledger)]
    if not set(query.get("category", ())) <= {category.id for category in categories}:
        return _query_problem("category", NOT_IN_LEDGER)
    if "member" in query and query["member"] not in member_ids:
        return _query_problem("member", NOT_IN_LEDGER)
    expense_filter = ExpenseFilter.from_args(
        request.args,
        ledger,
        [category.id for category in categories],
        today=clock.user_today(api_user()),
        member_ids=member_ids,
    )
    name_keys = {category.id: category.name_key for category in categories}
    cursor = query.get("cursor")
    if cursor is not None and listing.decode_cursor(expense_filter, cursor, name_keys) is None:
        return _query_problem("cursor", STALE_CURSOR)
    totals = listing.count_and_total(ledger, expense_filter)
    page = listing.NO_ROWS
    if totals.count:
        page = listing.expense_page(ledger, expense_filter, name_keys, after=cursor, matches=totals.count)
    next_url = None
    if page.has_next:
        params = expense_filter.params()
        next_url = url_for(".expenses", ledger_id=ledger.id, **params, cursor=page.last_cursor)
    return {
        "items": [expense_json(expense, ledger) for expense in page.items],
        "count": totals.count,
        "total": Money(totals.total_cents, ledger.currency),
        "next": next_url,
    }


def create_expense(sent: dict, ledger_id: int, idempotency_key: str | None):
    ledger = ledger_for(ledger_id, EDITOR)

    def work() -> idempotency.Answer:
        expense = services.create_expense(ledger, **_checked_values(ledger, sent), created_by_id=api_user().id)
        db.session.flush()  # the id and times, for the answer
        body = ExpenseSchema().dump(expense_json(expense, ledger))
        return idempotency.Answer(201, body, url_for(".expense", ledger_id=ledger.id, expense_id=expense.id))

    return create_once(work, idempotency_key)


def update_expense(sent: dict, ledger_id: int, expense_id: int) -> dict:
    ledger = ledger_for(ledger_id, EDITOR)
    expense = services.get_expense_or_404(ledger, expense_id)
    whole = {
        "amount": {"amount": money.format_plain(expense.amount_cents, ledger.currency), "currency": ledger.currency},
        "description": expense.description,
        "category_id": expense.category_id,
        "spent_on": expense.spent_on,
        "paid_by_id": expense.paid_by_id,
        **sent,
    }
    values = _checked_values(ledger, whole)

    def work() -> Expense:
        services.update_expense(expense, **values)
        db.session.flush()  # the new updated_at
        return expense

    return expense_json(run_and_commit(work), ledger)


# One rule per URL, its methods on one view: with a view per method, werkzeug answers a write to an id
# past the id converter's range with 405 (from the other view's rule) instead of 404.
@blp.route("/ledgers/<int:ledger_id>/expenses", endpoint="expenses")
class Expenses(MethodView):
    @blp.arguments(ExpenseQuerySchema, location="query", unknown=ma.RAISE)
    @blp.response(200, ExpenseListSchema)
    @documents(blp, 404, 422)
    def get(self, query: dict, ledger_id: int):
        """The ledger's expenses, filtered and sorted like the expense list, a page at a time"""
        return list_expenses(query, ledger_id)

    @blp.arguments(ExpenseCreateSchema)
    @blp.arguments(IdempotencyHeaderSchema, location="headers", as_kwargs=True)
    @blp.response(201, ExpenseSchema)
    @documents(blp, 400, 403, 404, 409, 422)
    def post(self, sent: dict, ledger_id: int, idempotency_key: str | None = None):
        """Add an expense (editors and owners)"""
        return create_expense(sent, ledger_id, idempotency_key)


@blp.route("/ledgers/<int:ledger_id>/expenses/<int:expense_id>", endpoint="expense")
class OneExpense(MethodView):
    @blp.response(200, ExpenseSchema)
    @documents(blp, 404)
    def get(self, ledger_id: int, expense_id: int):
        """One expense"""
        ledger = ledger_for(ledger_id)
        return expense_json(services.get_expense_or_404(ledger, expense_id), ledger)

    @blp.arguments(ExpensePatchSchema)
    @blp.response(200, ExpenseSchema)
    @documents(blp, 400, 403, 404, 409, 422)
    def patch(self, sent: dict, ledger_id: int, expense_id: int):
        """Change an expense: only the fields sent (editors and owners)"""
        return update_expense(sent, ledger_id, expense_id)

    @blp.response(204)
    @documents(blp, 403, 404, 409)
    def delete(self, ledger_id: int, expense_id: int):
        """Delete an expense and its receipts (editors and owners)"""
        ledger = ledger_for(ledger_id, EDITOR)
        run_and_commit(services.delete_expense, services.get_expense_or_404(ledger, expense_id))

"""Quick add: the small dialog every signed-in page opens with `n` (static/quick-add.js).

The dialog's markup is part of every page, but its categories are not: they are fetched here when
the dialog first opens, so pages run no extra query. Saving goes through the same ExpenseForm and
service as the full form, and answers in JSON. Without scripts, the button is a link to that form.
"""

from flask import jsonify
from flask_login import current_user

from .. import clock, money
from ..categories import user_categories
from ..transactions import run_and_commit
from . import bp, services
from .forms import ExpenseForm
from .routes import expense_values


# A ".json" address, like the other data that is not a page (the browser tests skip those).
@bp.get("/expenses/quick-add.json")
def quick_add_options():
    """What the dialog needs that the page does not have: the user's categories, by name, and
    today's date in the account's time zone, so the dialog's default date is the full form's."""
    categories = user_categories(current_user)
    return jsonify(
        categories=[{"id": category.id, "name": category.name} for category in categories],
        currency=current_user.currency,
        today=clock.user_today().isoformat(),
    )


@bp.post("/expenses/quick-add")
def quick_add():
    """201 with the saved expense, or 422 with each field's errors; nothing is written then."""
    form = ExpenseForm(user_categories(current_user))
    if not form.validate_on_submit():
        return jsonify(errors={name: messages for name, messages in form.errors.items()}), 422
    expense = run_and_commit(services.create_expense, current_user, **expense_values(form))
    amount = money.format_amount(expense.amount_cents, current_user.currency)
    return (
        jsonify(
            expense={
                "id": expense.id,
                "description": expense.description,
                "category": form.category.name,
                "spent_on": expense.spent_on.isoformat(),
                "amount": amount,
            },
            message=f"Added {amount} for {expense.description}",
        ),
        201,
    )

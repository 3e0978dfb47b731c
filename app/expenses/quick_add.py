"""Quick add: the small dialog every signed-in page opens with `n` (static/quick-add.js).

The dialog's markup is part of every page, but its categories are not: they are fetched here when
the dialog first opens, so pages run no extra query. Saving goes through the same ExpenseForm and
service as the full form, and answers in JSON. Without scripts, the button is a link to that form.
"""

import json
from functools import partial

from flask import jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import clock, idempotency, money
from ..access import EDITOR, current_ledger
from ..autocat.plain_words import PlainWordsError
from ..categories import ledger_categories
from ..extensions import db
from ..models import Ledger
from ..receipts.limits import takes_receipts
from ..receipts.storage import ReceiptRefused, Upload
from ..transactions import run_and_commit
from . import bp, one_line
from .attachments import chosen_receipts, create_with_receipts
from .forms import ExpenseForm, expense_values


# A ".json" address, like the other data that is not a page (the browser tests skip those).
@bp.get("/expenses/quick-add.json")
def quick_add_options():
    """What the dialog needs that the page does not have: the user's categories, by name, and
    today's date in the account's time zone, so the dialog's default date is the full form's."""
    ledger = current_ledger(EDITOR)
    categories = ledger_categories(ledger)
    return jsonify(
        categories=[{"id": category.id, "name": category.name} for category in categories],
        currency=ledger.currency,
        today=clock.user_today().isoformat(),
    )


@bp.get("/expenses/quick-add/understand.json")
def understand():
    """One typed line read into an expense for the dialog to show before saving: 200 with the
    amount, date, category (with the reason) and description, or 422 with a message. Writes nothing."""
    ledger = current_ledger(EDITOR)
    try:
        reading = one_line.read_line(ledger, ledger_categories(ledger), request.args.get("say", ""))
    except PlainWordsError as error:
        return jsonify(error=str(error)), 422
    return jsonify(one_line.as_json(reading, ledger.currency))


KEY_INVALID = "The idempotency key must be 1 to 255 printable characters without spaces."
KEY_REUSED = _l("This expense was sent before with other details: it was not saved again.")


@bp.post("/expenses/quick-add")
@takes_receipts
def quick_add():
    """201 with the saved expense, or 422 with each field's errors; nothing is written then.

    With an `Idempotency-Key` header (the offline queue always sends one), the same key sent again
    answers the first 201 again and writes nothing, even when the category has gone since; the same
    key with other details is a 409.
    """
    ledger = current_ledger(EDITOR)
    key = request.headers.get(idempotency.HEADER)
    if key is None:
        return _validate_and_save(ledger, None, "")
    if not idempotency.valid_key(key):
        return jsonify(errors={"idempotency_key": [KEY_INVALID]}), 400
    # What was sent, without the CSRF token: a retry from a reloaded page carries a new one.
    sent = sorted((name, value) for name, value in request.form.items(multi=True) if name != "csrf_token")
    request_fingerprint = idempotency.fingerprint(request.path, json.dumps(sent))
    try:
        previous = idempotency.stored_answer(current_user.id, key, request_fingerprint)
        if previous is not None:
            return _respond(previous)
        return _validate_and_save(ledger, key, request_fingerprint)
    except idempotency.KeyReused:
        return jsonify(errors={"idempotency_key": [str(KEY_REUSED)]}), 409


def _validate_and_save(ledger: Ledger, key: str | None, request_fingerprint: str):
    form = ExpenseForm(ledger_categories(ledger))
    if not form.validate_on_submit() or (uploads := chosen_receipts(form)) is None:
        return jsonify(errors={name: list(messages) for name, messages in form.errors.items() if messages}), 422
    save = partial(_save, ledger, form.category.name, expense_values(form, ledger), uploads)
    try:
        if key is None:
            return _respond(run_and_commit(save))
        return _respond(run_and_commit(idempotency.answer_once, current_user.id, key, request_fingerprint, save))
    except ReceiptRefused as refused:  # a limit: nothing was written
        return jsonify(errors={"receipts": [str(refused)]}), 422


def _save(ledger: Ledger, category_name: str, values: dict, uploads: list[Upload]) -> idempotency.Answer:
    expense = create_with_receipts(ledger, values, uploads)
    db.session.flush()  # the new id, for the answer
    amount = money.format_amount(expense.amount_cents, ledger.currency)
    body = {
        "expense": {
            "id": expense.id,
            "description": expense.description,
            "category": category_name,
            "spent_on": expense.spent_on.isoformat(),
            "amount": amount,
        },
        "message": f"Added {amount} for {expense.description}",
    }
    return idempotency.Answer(201, body)


def _respond(answer: idempotency.Answer):
    response = jsonify(answer.body)
    response.status_code = answer.status_code
    if answer.replayed:
        response.headers[idempotency.REPLAYED_HEADER] = "true"
    return response

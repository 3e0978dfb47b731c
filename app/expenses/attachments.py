"""Receipts chosen in an expense form (the full form, quick add, "New expense from a receipt"):
read and checked before anything is written, then kept in the same unit of work as the expense."""

from flask_login import current_user

from ..models import Attachment, Expense, Ledger
from ..receipts import storage
from ..receipts.storage import ReceiptRefused, Upload
from ..transactions import run_and_commit
from . import services


def chosen_receipts(form) -> list[Upload] | None:
    """The form's files, prepared; None, with the reason on the form's receipts field, when one is
    refused (too large, empty, not a receipt)."""
    try:
        return storage.uploads_from(form.receipts.data)
    except ReceiptRefused as refused:
        form.receipts.errors.append(str(refused))
        return None


def create_with_receipts(
    ledger: Ledger, values: dict, uploads: list[Upload], waiting: Attachment | None = None
) -> Expense:
    """The expense and its receipts (the one read for it, if any, and the uploaded ones)."""
    expense = services.create_expense(ledger, **values, created_by_id=current_user.id)
    storage.keep(ledger, current_user, uploads, expense=expense)
    if waiting is not None:
        storage.attach([waiting], expense)
    return expense


def update_with_receipts(ledger: Ledger, expense: Expense, values: dict, uploads: list[Upload]) -> Expense:
    services.update_expense(expense, **values)
    storage.keep(ledger, current_user, uploads, expense=expense)
    return expense


def save_or_explain(form, work, *args):
    """Runs and commits the work; None with the form's receipts error when a limit refused it
    (then nothing was written)."""
    try:
        return run_and_commit(work, *args)
    except ReceiptRefused as refused:
        form.receipts.errors.append(str(refused))
        return None

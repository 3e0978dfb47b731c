"""Receipt pages: "New expense from a receipt" (upload, wait while Tesseract reads it, the expense
form prefilled with what it read), and serving and deleting the receipts kept with expenses.

A receipt is served only to members of its ledger (404 for anyone else, as if it did not exist),
always with its own Content-Disposition, nosniff and a CSP that lets it run nothing: what is
served is an image we encoded ourselves or a PDF, which is only ever a download.
"""

import unicodedata
from datetime import date
from decimal import Decimal
from urllib.parse import quote

from flask import Response, abort, current_app, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import MultipleFileField

from .. import clock, l10n, money
from ..access import EDITOR, VIEWER, current_ledger
from ..categories import ledger_categories
from ..forms import ConfirmForm, form_status
from ..models import NOT_INSTALLED, READING, Attachment
from ..receipts import jobs, ocr, storage
from ..receipts.files import PDF
from ..receipts.limits import takes_receipts
from ..transactions import run_and_commit
from . import bp, services
from .attachments import chosen_receipts, create_with_receipts, save_or_explain
from .forms import RECEIPT_TYPES, ExpenseForm, expense_values

# What a served receipt may do in the browser: nothing. No scripts, styles, frames or forms, and a
# sandbox in case a browser renders it as a document after all.
RECEIPT_CSP = "default-src 'none'; img-src 'self'; sandbox; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
# How often the page waiting for Tesseract asks again (a <meta> refresh: no script needed).
WAIT_REFRESH_SECONDS = 2


class ReceiptUploadForm(FlaskForm):
    receipts = MultipleFileField(_l("Receipt"), render_kw={"accept": RECEIPT_TYPES})


@bp.route("/expenses/from-receipt", methods=["GET", "POST"])
@takes_receipts
def new_from_receipt():
    ledger = current_ledger(EDITOR)
    form = ReceiptUploadForm()
    if form.validate_on_submit():
        uploads = chosen_receipts(form)
        if uploads is not None and len(uploads) != 1:
            form.receipts.errors.append(_("Choose one receipt: a photo, an image or a PDF."))
        elif uploads is not None:
            state = READING if ocr.available() else NOT_INSTALLED
            kept = save_or_explain(form, storage.keep_for_reading, ledger, current_user, uploads[0], state)
            if kept is not None:
                if state == READING:
                    thread = jobs.start_reading(kept, str(l10n.select_locale() or "en_US"), clock.user_today())
                    # Most receipts are read in about a second: then the form opens filled in.
                    thread.join(current_app.config["RECEIPT_OCR_WAIT"])
                return redirect(url_for("expenses.expense_from_receipt", attachment_id=kept.id))
    return (
        render_template("expenses/receipt_upload.html", form=form, ocr_available=ocr.available()),
        form_status(form),
    )


def _prefill(ledger, attachment: Attachment, categories) -> dict:
    """The form's values read from the receipt: amount, date, description and a suggested category."""
    found = attachment.reading or {}
    values = {}
    if found.get("total"):
        values["amount"] = money.format_plain(money.to_minor(Decimal(found["total"]), ledger.currency), ledger.currency)
    if found.get("spent_on"):
        values["spent_on"] = date.fromisoformat(found["spent_on"])
    if found.get("merchant"):
        values["description"] = found["merchant"]
        suggested = services.suggested_category(ledger, found["merchant"], categories)
        if suggested is not None:
            values["category_id"] = suggested.id
    return values


@bp.route("/expenses/from-receipt/<int:attachment_id>", methods=["GET", "POST"])
@takes_receipts
def expense_from_receipt(attachment_id: int):
    ledger = current_ledger(EDITOR)
    attachment = storage.get_attachment_or_404(ledger, attachment_id)
    if attachment.expense_id is not None:
        return redirect(url_for("expenses.edit_expense", expense_id=attachment.expense_id))
    state = jobs.state_of(attachment)
    if state == READING:
        return render_template("expenses/receipt_reading.html", attachment=attachment, refresh=WAIT_REFRESH_SECONDS)
    categories = ledger_categories(ledger)
    read = _prefill(ledger, attachment, categories)
    form = ExpenseForm(categories, data=read if request.method == "GET" else None)
    if form.validate_on_submit():
        uploads = chosen_receipts(form)
        if uploads is not None:
            expense = save_or_explain(
                form, create_with_receipts, ledger, expense_values(form, ledger), uploads, attachment
            )
            if expense is not None:
                flash(_("Added %(description)s with its receipt.", description=expense.description), "success")
                return redirect(url_for("expenses.edit_expense", expense_id=expense.id))
    # A field is marked "read from the receipt" while it still holds what was read.
    marked = {name for name, value in read.items() if form[name].data == value}
    return (
        render_template(
            "expenses/form.html", form=form, expense=None, receipt=attachment, reading_state=state, read_fields=marked
        ),
        form_status(form),
    )


def _disposition(kind: str, file_name: str) -> str:
    """A Content-Disposition with the name as ASCII and, when it is not, as UTF-8 too (RFC 6266)."""
    ascii_name = unicodedata.normalize("NFKD", file_name).encode("ascii", "ignore").decode() or "receipt"
    ascii_name = ascii_name.replace("\\", "").replace('"', "")
    header = f'{kind}; filename="{ascii_name}"'
    if ascii_name != file_name:
        header += f"; filename*=UTF-8''{quote(file_name, safe='')}"
    return header


def _served(body, content_type: str, disposition: str, length: int | None = None) -> Response:
    response = Response(body, mimetype=content_type)
    response.headers["Content-Disposition"] = disposition
    response.headers["Content-Security-Policy"] = RECEIPT_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "private, no-store"
    if length is not None:
        response.content_length = length
    return response


@bp.get("/receipts/<int:attachment_id>")
def receipt_file(attachment_id: int):
    """The kept file: an image shown in the browser unless ?download=1; a PDF always downloaded."""
    attachment = storage.get_attachment_or_404(current_ledger(VIEWER), attachment_id)
    kind = "attachment" if attachment.content_type == PDF or request.args.get("download") == "1" else "inline"
    body = stream_with_context(storage.file_chunks(attachment))
    return _served(body, attachment.content_type, _disposition(kind, attachment.file_name), attachment.byte_size)


@bp.get("/receipts/<int:attachment_id>/thumbnail.jpg")
def receipt_thumbnail(attachment_id: int):
    attachment = storage.get_attachment_or_404(current_ledger(VIEWER), attachment_id)
    thumbnail = storage.thumbnail_content(attachment)
    if thumbnail is None:
        abort(404)  # a PDF kept where poppler was not installed: the page shows an icon instead
    name = attachment.file_name.rsplit(".", 1)[0] + "-thumbnail.jpg"
    return _served(thumbnail, "image/jpeg", _disposition("inline", name), len(thumbnail))


@bp.post("/receipts/<int:attachment_id>/delete")
def delete_receipt(attachment_id: int):
    attachment = storage.get_attachment_or_404(current_ledger(EDITOR), attachment_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("expenses.list_expenses"))
    expense_id, name = attachment.expense_id, attachment.file_name
    run_and_commit(storage.delete, attachment)
    flash(_("Deleted the receipt %(name)s.", name=name), "success")
    if expense_id is None:
        return redirect(url_for("expenses.new_from_receipt"))
    return redirect(url_for("expenses.edit_expense", expense_id=expense_id))

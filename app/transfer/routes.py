"""The import wizard (upload → columns → formats → preview → import), the Imports page with undo,
and backup and restore. Every step is a plain form POST followed by a redirect; the file and the
choices made so far live in the database (ImportDraft), so any worker can serve any step."""

import hashlib
import re
import tempfile

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from .. import clock, l10n, rate_limits
from ..access import EDITOR, OWNER, VIEWER, current_ledger, current_role, may
from ..categories import ledger_categories
from ..category_guess import FROM_PERSON
from ..category_rules import rule_phrase
from ..errors import render_error
from ..forms import ConfirmForm, form_status
from ..l10n import format_day
from ..passwords import check_password
from ..receipts.storage import ReceiptRefused
from ..sessions import signed_in_user
from ..transactions import Conflict, run_and_commit
from . import bp, csv_import, receipts_backup
from . import restore as restoring
from .analysis import DUPLICATE, INCOME, INVALID, NEW, analyse, unknown_categories
from .backup import backup_json
from .backup_reader import BackupError
from .csv_file import DELIMITER_NAMES, ImportFileError
from .forms import ColumnsForm, FormatsForm, RestoreForm, UploadForm, preview_form, row_category_changes
from .layout import DATE_FORMATS, column_values, date_format_candidates, guess_amount_format, guess_date_format

AMOUNT_COLUMNS = ("amount_column", "debit_column", "credit_column")
# How many rows of each kind the preview lists.
PREVIEW_ROWS = 20
LISTED_ROWS = 200
# Rows whose category the preview lets a person change, each with a select of every category
# (up to 200): this bounds the page. Later rows keep their guess; change them after importing.
CATEGORISED_ROWS = 100
# The row counts the preview sends back: ASCII digits only, and far fewer of them than int() refuses.
EXPECTED_ROWS = re.compile(r"[0-9]{1,9}")


@bp.before_request
@login_required
def require_login():
    """Every page of this blueprint is about the signed-in user's own data."""


@bp.url_value_preprocessor
def allow_large_backups(endpoint, _values):
    # Runs before every before_request hook, and so before CSRFProtect reads the form: the only
    # point at which a larger limit than MAX_CONTENT_LENGTH can still apply to this one upload.
    if endpoint == "transfer.backup" and request.method == "POST" and current_user.is_authenticated:
        request.max_content_length = receipts_backup.backup_upload_limit()


@bp.errorhandler(413)
def upload_too_large(_error):
    if request.endpoint == "transfer.backup":
        limit = receipts_backup.backup_upload_limit()
        advice = "A backup downloaded from this site is never that large."
    else:
        limit = request.max_content_length
        advice = "Split the CSV file into smaller files and import them one after another."
    megabytes = limit // (1024 * 1024)
    return render_error(413, f"The file is larger than {megabytes} MB, the most this page accepts. {advice}")


def _user():
    return signed_in_user()


def _importing():
    """The ledger an import works on: importing adds expenses, which takes an editor."""
    return current_ledger(EDITOR)


# Step 1: upload


@bp.route("/import", methods=["GET", "POST"])
def upload():
    ledger = _importing()  # a viewer is refused the page, not only the upload
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.csv_file.data
        try:
            draft = run_and_commit(csv_import.create_draft, ledger, upload.filename, upload.read())
        except ImportFileError as error:
            form.csv_file.errors.append(str(error))
        else:
            return redirect(url_for("transfer.columns", draft_id=draft.id))
    return (
        render_template("transfer/upload.html", form=form, max_rows=csv_import.max_rows(), step=1),
        form_status(form),
    )


@bp.errorhandler(ImportFileError)
def stored_file_unreadable(error: ImportFileError):
    """A stored draft that no longer reads (say, the row limit was lowered since it was uploaded)."""
    flash(_("%(error)s Nothing was imported; upload the file again.", error=error), "danger")
    return redirect(url_for("transfer.upload"))


def _draft_context(draft_id: int):
    draft = csv_import.get_draft_or_404(_importing(), draft_id)
    table = csv_import.draft_table(draft)
    return draft, table, csv_import.draft_settings(draft, table)


@bp.post("/import/<int:draft_id>/cancel")
def cancel(draft_id: int):
    draft = csv_import.get_draft_or_404(_importing(), draft_id)
    if ConfirmForm().validate_on_submit():
        run_and_commit(csv_import.cancel_draft, draft)
        flash(_("Cancelled the import of %(file_name)s. Nothing was imported.", file_name=draft.file_name), "info")
    return redirect(url_for("transfer.upload"))


# Step 2: columns


@bp.route("/import/<int:draft_id>/columns", methods=["GET", "POST"])
def columns(draft_id: int):
    draft, table, settings = _draft_context(draft_id)
    form = ColumnsForm(table.header)
    if not form.is_submitted():
        for name in ColumnsForm.SINGLE:
            getattr(form, name).data = getattr(settings, name)
        form.extra_columns.data = list(settings.extra_columns)
    if form.validate_on_submit():
        date_moved = settings.date_column != form.date_column.data
        amounts_moved = any(getattr(settings, name) != getattr(form, name).data for name in AMOUNT_COLUMNS)
        for name in ColumnsForm.SINGLE:
            setattr(settings, name, getattr(form, name).data)
        settings.extra_columns = list(dict.fromkeys(form.extra_columns.data))
        # Other columns hold other data: read its formats again (and keep choices that still apply).
        if date_moved:
            guess_date_format(settings, table)
        if amounts_moved:
            guess_amount_format(settings, table, _importing().currency)
        run_and_commit(csv_import.save_draft_settings, draft, settings)
        return redirect(url_for("transfer.formats", draft_id=draft.id))
    return (
        render_template(
            "transfer/columns.html",
            form=form,
            draft=draft,
            table=table,
            sample=table.records[:5],
            delimiter=DELIMITER_NAMES[table.delimiter],
            mapping=csv_import.saved_mapping(_importing(), table),
            step=2,
        ),
        form_status(form),
    )


# Step 3: date format, decimal mark, sign


def _date_format_choices(values: list[str]) -> list[tuple[str, str]]:
    """The formats that read at least one of the dates (all of them when none does), best first,
    each with what it makes of the first date: "03/04/2025" is April 3 or March 4."""
    scored = [(sum(1 for v in values if f.parse(v)), key, f) for key, f in DATE_FORMATS.items()]
    if any(hits for hits, _, _ in scored):
        scored = [item for item in scored if item[0]]
    scored.sort(key=lambda item: -item[0])
    sample = values[0] if values else ""
    result = []
    for hits, key, date_format in scored:
        parsed = date_format.parse(sample)
        reading = f"“{sample}” is {format_day(parsed, 'long')}" if parsed else f"for example {date_format.example}"
        result.append((key, f"{key}: {reading} · reads {hits:,} of {len(values):,} dates"))
    return result


@bp.route("/import/<int:draft_id>/formats", methods=["GET", "POST"])
def formats(draft_id: int):
    draft, table, settings = _draft_context(draft_id)
    dates = column_values(table, settings.date_column)
    form = FormatsForm(_date_format_choices(dates))
    if not form.is_submitted():
        form.date_format.data = settings.date_format
        form.decimal_mark.data = settings.decimal_mark
        form.spending_sign.data = settings.spending_sign
    if form.validate_on_submit():
        settings.date_format = form.date_format.data
        settings.decimal_mark = form.decimal_mark.data
        settings.spending_sign = form.spending_sign.data
        run_and_commit(csv_import.save_draft_settings, draft, settings)
        return redirect(url_for("transfer.preview", draft_id=draft.id))
    candidates = date_format_candidates(dates)
    return (
        render_template(
            "transfer/formats.html",
            form=form,
            draft=draft,
            settings=settings,
            table=table,
            ambiguous=candidates if len(candidates) > 1 else [],
            first_date=dates[0] if dates else "",
            step=3,
        ),
        form_status(form),
    )


# Step 4: categories, duplicates, preview and import


@bp.route("/import/<int:draft_id>/preview", methods=["GET", "POST"])
def preview(draft_id: int):
    draft, table, settings = _draft_context(draft_id)
    ledger = _importing()
    categories = ledger_categories(ledger)
    if request.method == "POST":
        form = preview_form(unknown_categories(ledger, table, settings), categories)
        if form.validate_on_submit():
            # The choices sent with the form decide what is imported; the plan is made again from them.
            settings.default_category = form.default_category.data or ""
            settings.import_duplicates = bool(form.import_duplicates.data)
            for unknown, field in form.unknown_fields:
                settings.category_choices[unknown.key] = field.data
            settings.row_categories.update(row_category_changes(request.form, {c.id for c in categories}))
            if form.submit.data:
                return _import(draft, settings)
            run_and_commit(csv_import.save_draft_settings, draft, settings)
            return redirect(url_for("transfer.preview", draft_id=draft.id))
        plan = analyse(ledger, table, settings)
    else:
        plan = analyse(ledger, table, settings)
        form = preview_form(plan.unknown_categories, categories)
        form.default_category.data = settings.default_category
        form.import_duplicates.data = settings.import_duplicates
    counts = plan.counts
    form.expected_rows.data = str(counts[NEW])
    form.expected_with_duplicates.data = str(counts[NEW] + counts[DUPLICATE])
    return _render_preview(draft, table, settings, plan, form, categories)


def _import(draft, settings):
    # What the page showed, with or without the duplicates (the box may be ticked on the way out).
    shown = request.form.get("expected_with_duplicates" if settings.import_duplicates else "expected_rows", "")
    # The page wrote a count of ASCII digits; anything else did not come from it. (str.isdigit and
    # int() take "²" and "١٢", and int() refuses numbers of more than 4,300 digits.)
    if not EXPECTED_ROWS.fullmatch(shown):
        return render_error(
            400, "This import form is incomplete or was changed. Go back to the preview and import again."
        )
    expected = int(shown)
    try:
        batch = run_and_commit(csv_import.run_import, _importing(), draft, settings, expected, current_user.id)
    except csv_import.ImportGone:
        flash(_("That file has already been imported or the import was cancelled."), "info")
        return redirect(url_for("transfer.imports"))
    except csv_import.NotReady as problem:
        flash(_("Nothing was imported yet: %(problem)s", problem=problem), "warning")
        return redirect(url_for("transfer.preview", draft_id=draft.id))
    except csv_import.PreviewChanged:
        flash(
            _(
                "What this file would import changed since the preview was shown (your expenses or categories "
                "changed), so nothing was imported. Check the updated preview and import again."
            ),
            "warning",
        )
        return redirect(url_for("transfer.preview", draft_id=draft.id))
    except csv_import.NothingToImport:
        flash(_("There is nothing new to import in this file, so nothing was imported."), "warning")
        return redirect(url_for("transfer.preview", draft_id=draft.id))
    skipped = batch.duplicate_count + batch.income_count + batch.invalid_count
    imported = ngettext(
        "Imported %(count)s expense from %(file_name)s",
        "Imported %(count)s expenses from %(file_name)s",
        batch.row_count,
        count=l10n.format_count(batch.row_count),
        file_name=batch.file_name,
    )
    if skipped:
        rows = ngettext("skipped %(count)s row", "skipped %(count)s rows", skipped, count=l10n.format_count(skipped))
        done = _("%(imported)s; %(skipped)s.", imported=imported, skipped=rows)
    else:
        done = _("%(imported)s.", imported=imported)
    flash(done + " " + _("You can undo this import below."), "success")
    return redirect(url_for("transfer.imports"))


def _render_preview(draft, table, settings, plan, form, categories):
    importable = plan.importable
    duplicates = plan.counts[DUPLICATE]
    shown = "the duplicate" if duplicates == 1 else f"the {duplicates:,} duplicates"
    form.import_duplicates.label.text = f"Import {shown} anyway"
    return (
        render_template(
            "transfer/preview.html",
            draft=draft,
            form=form,
            plan=plan,
            counts=plan.counts,
            settings=settings,
            header=table.header,
            first_rows=plan.rows[:PREVIEW_ROWS],
            listed={status: plan.with_status(status)[:LISTED_ROWS] for status in (INVALID, INCOME, DUPLICATE)},
            limit=LISTED_ROWS,
            import_count=len(importable),
            import_total=sum(row.amount_cents for row in importable),
            new_categories=plan.new_categories,
            statuses={NEW: "New", DUPLICATE: "Duplicate", INCOME: "Income, skipped", INVALID: "Invalid"},
            categories=categories,
            # Rows whose category can be changed here, and those changed by hand, for "Always file".
            to_categorise=importable[:CATEGORISED_ROWS],
            corrected=_corrections(importable),
            step=4,
        ),
        422 if form.errors else 200,
    )


def _corrections(rows) -> list:
    """Rows whose category a person chose, one per rule it would make ("Always file … under …?")."""
    offered = {}
    for row in rows:
        if row.guess_source == FROM_PERSON:
            offered.setdefault((rule_phrase(row.file_description), row.target.category_id), row)
    return list(offered.values())[:CATEGORISED_ROWS]


# Imports page and undo


@bp.get("/imports")
def imports():
    return render_template(
        "transfer/imports.html", summaries=csv_import.batch_summaries(current_ledger(VIEWER)), form=ConfirmForm()
    )


@bp.post("/imports/<int:batch_id>/undo")
def undo_import(batch_id: int):
    ledger = current_ledger(EDITOR)
    batch = csv_import.get_batch_or_404(ledger, batch_id)
    if ConfirmForm().validate_on_submit():
        file_name = batch.file_name
        deleted = run_and_commit(csv_import.undo_batch, ledger, batch)
        flash(
            ngettext(
                "Undid the import of %(file_name)s: deleted %(count)s expense.",
                "Undid the import of %(file_name)s: deleted %(count)s expenses.",
                deleted,
                file_name=file_name,
                count=l10n.format_count(deleted),
            ),
            "success",
        )
    return redirect(url_for("transfer.imports"))


# Backup and restore


@bp.get("/backup.zip")
def download_backup_zip():
    """Everything, with the receipts: written to a temporary file (on disk past 16 MB), then sent
    from it in slices; the file goes when the response is closed."""
    ledger = current_ledger(VIEWER)  # before the file is made: a refusal must not leave it open
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - closed with the response
    receipts_backup.write_backup_zip(spool, _user(), ledger, site=_site())
    size = spool.tell()
    spool.seek(0)

    def slices():
        while chunk := spool.read(256 * 1024):
            yield chunk

    filename = f"expense-tracker-backup-{clock.user_today().isoformat()}.zip"
    response = Response(
        slices(), mimetype="application/zip", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
    response.content_length = size
    # Closed when the response is, also when the browser goes away before the last slice.
    response.call_on_close(spool.close)
    return response


@bp.get("/backup.json")
def download_backup():
    body = backup_json(_user(), current_ledger(VIEWER), site=_site())
    filename = f"expense-tracker-backup-{clock.user_today().isoformat()}.json"
    return Response(
        body, mimetype="application/json", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@bp.route("/backup", methods=["GET", "POST"])
@rate_limits.password_per_ip
@rate_limits.password_per_account
def backup():
    ledger = current_ledger(OWNER if request.method == "POST" else VIEWER)
    form = RestoreForm()
    if form.validate_on_submit():
        _restore(_user(), ledger, form)
        if not form.errors:
            return redirect(url_for("expenses.dashboard"))
    return (
        render_template(
            "transfer/backup.html",
            form=form,
            ledger=ledger,
            empty=restoring.ledger_is_empty(ledger),
            may_restore=may(current_role(), OWNER),
            source=getattr(form, "source", None),
            step=None,
        ),
        form_status(form),
    )


def _site() -> str:
    """This site's address, as the browser reached it: what a backup made here says it came from."""
    return request.url_root


def _restore(user, ledger, form: RestoreForm) -> None:
    data = form.backup_file.data.read()
    try:
        parsed, receipts = receipts_backup.read_backup_upload(data)
    except BackupError as error:
        form.backup_file.errors.append(str(error))
        return
    digest = hashlib.sha256(data).hexdigest()
    if parsed.source.is_elsewhere(user, ledger, _site()) and not (
        form.confirm_source.data and form.source_file.data == digest
    ):
        # Said on the page, with the file's checksum, so that the tick confirms this very file.
        form.source, form.source_file.data, form.confirm_source.data = parsed.source, digest, False
        form.confirm_source.errors.append(
            _("Check where this backup came from, choose the same file again and tick this box to restore it.")
        )
        return
    replace = False
    if not restoring.ledger_is_empty(ledger):
        if not form.replace.data:
            form.replace.errors.append(
                _(
                    "This ledger already has expenses, budgets or imports. Tick this box and enter your password to "
                    "replace them with the backup."
                )
            )
            return
        if not form.password.data or not check_password(user, form.password.data):
            form.password.errors.append(_("That is not your password."))
            return
        replace = True
    try:
        run_and_commit(receipts_backup.restore_with_receipts, user, ledger, parsed, receipts, replace)
    except ReceiptRefused as refused:
        form.backup_file.errors.append(_("%(problem)s Nothing was changed.", problem=refused))
        return
    except restoring.AccountNotEmpty:  # data arrived meanwhile, from another tab
        form.replace.errors.append(_("This ledger has data now. Tick this box and enter your password to replace it."))
        return
    except (IntegrityError, Conflict):
        form.backup_file.errors.append(_("The backup contains rows that contradict each other. Nothing was changed."))
        return
    counts = {
        "expenses": l10n.format_count(len(parsed.expenses)),
        "categories": l10n.format_count(len(parsed.categories)),
        "receipts": l10n.format_count(len(receipts)),
    }
    if receipts:
        restored = _(
            "Restored the backup: %(expenses)s expenses in %(categories)s categories and %(receipts)s receipts.",
            **counts,
        )
    else:
        restored = _("Restored the backup: %(expenses)s expenses in %(categories)s categories.", **counts)
    flash(restored, "success")

"""The import wizard's state and its one write: drafts (the uploaded file between steps), saved
mappings per file layout, the import itself (one transaction, bulk insert) and undo. Nothing here
commits: the views do (see app/transactions.py)."""

import os
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from flask import abort, current_app
from sqlalchemy import delete, func, select

from ..categories import STARTER_CATEGORIES
from ..expense_rows import insert_expenses
from ..extensions import db
from ..models import MAX_IMPORT_MAPPINGS, Category, Expense, ImportBatch, ImportDraft, ImportMapping, Ledger, utcnow
from .analysis import ImportPlan, analyse
from .csv_file import CsvTable, decode, read_table
from .layout import ImportSettings, guess_settings

# The most data rows one import takes (app.config["IMPORT_MAX_ROWS"] overrides it); files are also
# limited by MAX_CONTENT_LENGTH (5 MB).
IMPORT_MAX_ROWS = 50_000
# An upload not imported within this time is deleted; so are the oldest beyond MAX_DRAFTS.
DRAFT_LIFETIME = timedelta(hours=24)
MAX_DRAFTS = 5
FILE_NAME_MAX = 255


class ImportGone(Exception):
    """The draft was imported or cancelled meanwhile (a second click, another tab)."""


class PreviewChanged(Exception):
    """What would be imported is no longer what the preview showed; nothing was written."""


class NothingToImport(Exception):
    pass


class NotReady(Exception):
    """A choice is still missing (a column, the date format)."""


def max_rows() -> int:
    return current_app.config.get("IMPORT_MAX_ROWS", IMPORT_MAX_ROWS)


def clean_file_name(name: str | None) -> str:
    """The name to show for an upload: its last path part, printable, at most 255 characters."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return name[:FILE_NAME_MAX] or "upload.csv"


# Drafts


def create_draft(ledger: Ledger, file_name: str | None, data: bytes) -> ImportDraft:
    """Check and store an uploaded file, with every setting guessed or taken from a saved mapping.

    Raises ImportFileError (with a message for the ledger) for a file that cannot be imported.
    """
    text = decode(data)
    table = read_table(text, max_rows())
    mapping = saved_mapping(ledger, table)
    if mapping is not None:
        settings = ImportSettings.from_json(mapping.settings, len(table.header))
        mapping.updated_at = utcnow()  # used: the last to be replaced when there are too many
    else:
        settings = guess_settings(table, ledger.currency)
    _delete_old_drafts(ledger)
    draft = ImportDraft(
        ledger_id=ledger.id, file_name=clean_file_name(file_name), content=text, settings=settings.to_json()
    )
    db.session.add(draft)
    db.session.flush()
    return draft


def _delete_old_drafts(ledger: Ledger) -> None:
    # Everyone's expired uploads, so that files abandoned halfway through do not pile up.
    db.session.execute(delete(ImportDraft).where(ImportDraft.created_at < utcnow() - DRAFT_LIFETIME))
    keep = select(ImportDraft.id).where(ImportDraft.ledger_id == ledger.id).order_by(ImportDraft.id.desc())
    kept = list(db.session.scalars(keep.limit(MAX_DRAFTS - 1)))
    db.session.execute(delete(ImportDraft).where(ImportDraft.ledger_id == ledger.id, ImportDraft.id.not_in(kept)))


def get_draft_or_404(ledger: Ledger, draft_id: int) -> ImportDraft:
    """The ledger's upload, or 404 when it is someone else's, finished, cancelled or expired."""
    draft = db.session.scalar(
        select(ImportDraft).where(
            ImportDraft.id == draft_id,
            ImportDraft.ledger_id == ledger.id,
            ImportDraft.created_at >= utcnow() - DRAFT_LIFETIME,
        )
    )
    if draft is None:
        abort(404)
    return draft


def draft_table(draft: ImportDraft) -> CsvTable:
    # The file was read when it was uploaded; a lower row limit since then still applies.
    return read_table(draft.content, max_rows())


def draft_settings(draft: ImportDraft, table: CsvTable) -> ImportSettings:
    return ImportSettings.from_json(draft.settings, len(table.header))


def save_draft_settings(draft: ImportDraft, settings: ImportSettings) -> None:
    draft.settings = settings.to_json()


def cancel_draft(draft: ImportDraft) -> None:
    db.session.delete(draft)


# Saved mappings


def saved_mapping(ledger: Ledger, table: CsvTable) -> ImportMapping | None:
    return db.session.scalar(
        select(ImportMapping).where(
            ImportMapping.ledger_id == ledger.id, ImportMapping.header_signature == table.signature
        )
    )


def _remember(ledger: Ledger, table: CsvTable, settings: ImportSettings) -> None:
    mapping = saved_mapping(ledger, table)
    if mapping is None:
        # At most MAX_IMPORT_MAPPINGS layouts are kept: a new one replaces the least recently used.
        recent = (
            select(ImportMapping.id)
            .where(ImportMapping.ledger_id == ledger.id)
            .order_by(ImportMapping.updated_at.desc(), ImportMapping.id.desc())
            .limit(MAX_IMPORT_MAPPINGS - 1)
        )
        kept = list(db.session.scalars(recent))
        db.session.execute(
            delete(ImportMapping).where(ImportMapping.ledger_id == ledger.id, ImportMapping.id.not_in(kept)),
            execution_options={"synchronize_session": False},
        )
        db.session.add(
            ImportMapping(
                ledger_id=ledger.id,
                header_signature=table.signature,
                header=table.header,
                settings=settings.for_saving(),
            )
        )
    else:
        mapping.header = table.header
        mapping.settings = settings.for_saving()
        mapping.updated_at = utcnow()


# The import


def run_import(
    ledger: Ledger, draft: ImportDraft, settings: ImportSettings, expected_rows: int | None, created_by_id: int | None
) -> ImportBatch:
    """Import what the preview showed, in one transaction: new categories, the batch, every expense.

    Raises ImportGone, NotReady, PreviewChanged or NothingToImport; the caller rolls back.
    """
    # Claim the draft first: a second request for it (a double click) finds nothing to claim.
    claimed = db.session.execute(
        delete(ImportDraft).where(ImportDraft.id == draft.id, ImportDraft.ledger_id == ledger.id),
        execution_options={"synchronize_session": False},
    ).rowcount
    if claimed != 1:
        raise ImportGone()
    table = read_table(draft.content, max_rows())
    plan = analyse(ledger, table, settings)
    rows = plan.importable
    if plan.problems:
        raise NotReady(plan.problems[0])
    if expected_rows is not None and len(rows) != expected_rows:
        raise PreviewChanged()
    if not rows:
        raise NothingToImport()
    category_ids = _create_categories(ledger, plan)
    counts = plan.counts
    now = utcnow()
    batch = ImportBatch(
        ledger_id=ledger.id,
        file_name=draft.file_name,
        created_at=now,
        row_count=len(rows),
        duplicate_count=0 if settings.import_duplicates else counts["duplicate"],
        income_count=counts["income"],
        invalid_count=counts["invalid"],
    )
    db.session.add(batch)
    db.session.flush()
    insert_expenses(
        [
            {
                "ledger_id": ledger.id,
                "category_id": category_ids.get(row.target.key, row.target.category_id),
                "spent_on": row.spent_on,
                "description": row.description,
                "amount_cents": row.amount_cents,
                "created_at": now,
                "updated_at": now,
                "import_batch_id": batch.id,
                "created_by_id": created_by_id,
                **row.original,
            }
            for row in rows
        ],
    )
    _remember(ledger, table, settings)
    return batch


def _create_categories(ledger: Ledger, plan: ImportPlan) -> dict[str, int]:
    """Create the categories the import needs; returns {target key: new id}."""
    created = {}
    colours = [colour for _, colour in STARTER_CATEGORIES]
    for index, name in enumerate(plan.new_categories):
        category = Category(
            ledger_id=ledger.id, name=name, name_key=name.casefold(), color=colours[index % len(colours)]
        )
        db.session.add(category)
        created[name.casefold()] = category
    db.session.flush()
    return {key: category.id for key, category in created.items()}


# Imports page and undo


@dataclass(frozen=True)
class BatchSummary:
    batch: ImportBatch
    remaining: int  # expenses of the batch still there (some may have been deleted by hand)
    total_cents: int


def batch_summaries(ledger: Ledger) -> list[BatchSummary]:
    """Every import of the ledger, newest first, with what is left of it (summed by the database)."""
    totals = (
        select(
            Expense.import_batch_id.label("batch_id"),
            func.count(Expense.id).label("remaining"),
            func.sum(Expense.amount_cents).label("total"),
        )
        .where(Expense.ledger_id == ledger.id, Expense.import_batch_id.is_not(None))
        .group_by(Expense.import_batch_id)
        .subquery()
    )
    rows = db.session.execute(
        select(ImportBatch, func.coalesce(totals.c.remaining, 0), func.coalesce(totals.c.total, 0))
        .outerjoin(totals, totals.c.batch_id == ImportBatch.id)
        .where(ImportBatch.ledger_id == ledger.id)
        .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
    )
    return [BatchSummary(batch, int(remaining), int(total)) for batch, remaining, total in rows]


def get_batch_or_404(ledger: Ledger, batch_id: int) -> ImportBatch:
    batch = db.session.scalar(select(ImportBatch).where(ImportBatch.id == batch_id, ImportBatch.ledger_id == ledger.id))
    if batch is None:
        abort(404)
    return batch


def undo_batch(ledger: Ledger, batch: ImportBatch) -> int:
    """Delete the import's expenses and the batch, in one transaction; returns how many expenses.
    Categories the import created stay: other expenses may use them by now."""
    deleted = db.session.execute(
        delete(Expense).where(Expense.ledger_id == ledger.id, Expense.import_batch_id == batch.id),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.delete(batch)
    return deleted

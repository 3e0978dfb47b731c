"""Keeping receipts: checking the chosen files, the limits per file, per upload, per expense and per
ledger, and where the bytes live.

By default the bytes are in the `attachments` table (PostgreSQL bytea, SQLite blob), so any number
of app servers can serve them, and they are streamed out in slices. With RECEIPT_STORAGE_DIR set,
they are files in that directory (a single host). Files written in a transaction that rolls back
are removed again, and files of deleted receipts only once the deletion is committed.

Services here add and flush; the entry points commit (app/transactions.py).
"""

import hashlib
import re
import secrets
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path, PurePosixPath

from flask import abort, current_app
from flask_babel import gettext as _
from sqlalchemy import LargeBinary, event, func, select
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import ATTACHMENT_NAME_MAX, Attachment, Expense, Ledger, User, utcnow
from .files import PreparedFile, UnsupportedFile, prepare

# Slices of a file read from the database per query when it is served.
CHUNK_BYTES = 256 * 1024
THUMBNAIL_SUFFIX = ".thumb.jpg"
FIELD = "receipts"


class ReceiptRefused(ValueError):
    """A file or a limit says no; the message is for the person, and nothing was written."""


@dataclass(frozen=True)
class Upload:
    file_name: str
    kept: PreparedFile


def file_size(byte_count: int) -> str:
    """A size in words, rounded down and without floats: 100 KB, 1.5 MB."""
    mib = 1024 * 1024
    if byte_count < mib:
        return f"{byte_count // 1024} KB"
    return f"{byte_count // mib}.{byte_count % mib * 10 // mib} MB"


def clean_file_name(name: str | None, extension: str) -> str:
    """The chosen file's own name (no folders, control characters or odd spaces), ending in the
    extension of what is kept, or "receipt" when nothing is left."""
    base = PurePosixPath((name or "").replace("\\", "/")).name
    base = "".join(
        character for character in base if unicodedata.category(character)[0] not in "CZ" or character == " "
    )
    stem = re.sub(r"\s+", " ", base.rsplit(".", 1)[0] if "." in base else base).strip(" .") or "receipt"
    return f"{stem[: ATTACHMENT_NAME_MAX - len(extension) - 1]}.{extension}"


def uploads_from(files) -> list[Upload]:
    """The chosen files read and prepared (re-encoded, thumbnails made); ReceiptRefused naming the
    first file that is too large, empty or not a receipt. Fields left empty are no files."""
    config = current_app.config
    chosen = [file for file in files or () if file is not None and file.filename]
    if len(chosen) > config["RECEIPT_MAX_FILES_PER_UPLOAD"]:
        raise ReceiptRefused(
            _("Choose at most %(value)s receipts at a time.", value=config["RECEIPT_MAX_FILES_PER_UPLOAD"])
        )
    limit = config["RECEIPT_MAX_FILE_BYTES"]
    uploads = []
    for file in chosen:
        shown = clean_file_name(file.filename, "x")[:-2]
        data = file.stream.read(limit + 1)
        if len(data) > limit:
            raise ReceiptRefused(
                _(
                    "%(shown)s is larger than %(value)s, the most one receipt can be.",
                    shown=shown,
                    value=file_size(limit),
                )
            )
        if not data:
            raise ReceiptRefused(_("%(shown)s is empty.", shown=shown))
        try:
            kept = prepare(data, config["RECEIPT_MAX_SIDE"], config["RECEIPT_THUMBNAIL_SIDE"])
        except UnsupportedFile as error:
            raise ReceiptRefused(_("%(file_name)s %(problem)s.", file_name=shown, problem=error)) from error
        uploads.append(Upload(clean_file_name(file.filename, kept.extension), kept))
    return uploads


def ledger_bytes(ledger: Ledger) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(Attachment.byte_size), 0)).where(Attachment.ledger_id == ledger.id)
    )


def keep(
    ledger: Ledger, user: User, uploads: list[Upload], expense: Expense | None = None, reading_state: str | None = None
) -> list[Attachment]:
    """The uploads kept in the ledger, with the expense (or waiting for one); ReceiptRefused when
    they would pass the ledger's total or the expense's number of receipts."""
    config = current_app.config
    adding = sum(len(upload.kept.content) for upload in uploads)
    used = ledger_bytes(ledger)
    if used + adding > config["RECEIPT_MAX_LEDGER_BYTES"]:
        raise ReceiptRefused(
            _(
                "This ledger keeps %(value)s of receipts; these would take it past %(value2)s, the most a "
                "ledger can keep. Delete receipts you no longer need, or attach smaller files.",
                value=file_size(used),
                value2=file_size(config["RECEIPT_MAX_LEDGER_BYTES"]),
            )
        )
    if expense is not None:
        count = db.session.scalar(select(func.count()).where(Attachment.expense_id == expense.id))
        if count + len(uploads) > config["RECEIPT_MAX_FILES_PER_EXPENSE"]:
            raise ReceiptRefused(
                _("An expense can have at most %(value)s receipts.", value=config["RECEIPT_MAX_FILES_PER_EXPENSE"])
            )
    kept = []
    for upload in uploads:
        attachment = Attachment(
            ledger_id=ledger.id,
            expense_id=expense.id if expense is not None else None,
            uploaded_by_id=user.id,
            file_name=upload.file_name,
            content_type=upload.kept.content_type,
            byte_size=len(upload.kept.content),
            sha256=hashlib.sha256(upload.kept.content).hexdigest(),
            has_thumbnail=upload.kept.thumbnail is not None,
            reading_state=reading_state,
        )
        _store(attachment, upload.kept.content, upload.kept.thumbnail)
        db.session.add(attachment)
        kept.append(attachment)
    db.session.flush()
    return kept


# A receipt read for "New expense from a receipt" whose expense was never saved is deleted after this.
WAITING_KEPT_FOR = timedelta(days=1)


def keep_for_reading(ledger: Ledger, user: User, upload: Upload, reading_state: str | None) -> Attachment:
    """The receipt, waiting for its expense; first the ledger's receipts that waited in vain."""
    stale = db.session.scalars(
        select(Attachment).where(
            Attachment.ledger_id == ledger.id,
            Attachment.expense_id.is_(None),
            Attachment.created_at < utcnow() - WAITING_KEPT_FOR,
        )
    )
    for attachment in stale:
        delete(attachment)
    return keep(ledger, user, [upload], reading_state=reading_state)[0]


def attach(attachments: list[Attachment], expense: Expense) -> None:
    for attachment in attachments:
        attachment.expense_id = expense.id


def delete(attachment: Attachment) -> None:
    _forget_files([attachment])
    db.session.delete(attachment)


def forget_files_of(expense: Expense) -> None:
    """Before an expense is deleted (its receipts go with it, by the foreign key): remove their
    files from the directory once that is committed."""
    _forget_files(list(db.session.scalars(select(Attachment).where(Attachment.expense_id == expense.id))))


def forget_files_of_expenses_in(ledger: Ledger) -> None:
    """Before a restore replaces the ledger's expenses: the same, for all of their receipts."""
    _forget_files(
        list(
            db.session.scalars(
                select(Attachment).where(Attachment.ledger_id == ledger.id, Attachment.expense_id.is_not(None))
            )
        )
    )


def receipts_of(expense: Expense) -> list[Attachment]:
    return list(
        db.session.scalars(select(Attachment).where(Attachment.expense_id == expense.id).order_by(Attachment.id))
    )


def expenses_with_receipts(expense_ids: list[int]) -> dict[int, int]:
    """{expense id: the id of its first receipt} for those of the expenses that have any."""
    if not expense_ids:
        return {}
    rows = db.session.execute(
        select(Attachment.expense_id, func.min(Attachment.id))
        .where(Attachment.expense_id.in_(expense_ids))
        .group_by(Attachment.expense_id)
    )
    return dict(rows.all())


def get_attachment_or_404(ledger: Ledger, attachment_id: int) -> Attachment:
    """The ledger's receipt, or 404 whether it does not exist or is another ledger's."""
    attachment = db.session.scalar(
        select(Attachment).where(Attachment.id == attachment_id, Attachment.ledger_id == ledger.id)
    )
    if attachment is None:
        abort(404)
    return attachment


# Where the bytes live.


def _directory() -> Path | None:
    configured = current_app.config.get("RECEIPT_STORAGE_DIR")
    return Path(configured) if configured else None


def _store(attachment: Attachment, content: bytes, thumbnail: bytes | None) -> None:
    directory = _directory()
    if directory is None:
        attachment.content, attachment.thumbnail = content, thumbnail
        return
    attachment.storage_key = f"{secrets.token_hex(16)}.{attachment.content_type.rsplit('/', 1)[1]}"
    directory.mkdir(parents=True, exist_ok=True)
    written = _session_list("receipt_files_written")
    for path, data in (
        (directory / attachment.storage_key, content),
        (_thumbnail_path(directory, attachment), thumbnail),
    ):
        if data is None:
            continue
        with open(path, "xb") as file:
            file.write(data)
        written.append(path)


def _thumbnail_path(directory: Path, attachment: Attachment) -> Path:
    return directory / f"{attachment.storage_key}{THUMBNAIL_SUFFIX}"


def _forget_files(attachments: list[Attachment]) -> None:
    directory = _directory()
    if directory is None:
        return
    removing = _session_list("receipt_files_removed")
    for attachment in attachments:
        if attachment.storage_key:
            removing += [directory / attachment.storage_key, _thumbnail_path(directory, attachment)]


def _session_list(key: str) -> list:
    return db.session.info.setdefault(key, [])


def _unlink(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop("receipt_files_written", None)
    _unlink(session.info.pop("receipt_files_removed", []))


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, _transaction) -> None:
    if session.in_transaction():
        return  # a savepoint: the outer transaction decides
    _unlink(session.info.pop("receipt_files_written", []))
    session.info.pop("receipt_files_removed", None)


# A file this young may belong to an upload whose transaction has not committed yet.
PRUNE_GRACE_SECONDS = 3600


def prune_directory(now: float) -> int:
    """Removes files in RECEIPT_STORAGE_DIR that no receipt names: left by receipts deleted with a
    category, a ledger, an account, an undone import or a restore (the database cascades those
    without this module) or by a server that stopped mid-upload. Returns how many went."""
    directory = _directory()
    if directory is None or not directory.is_dir():
        return 0
    named = set(db.session.scalars(select(Attachment.storage_key).where(Attachment.storage_key.is_not(None))))
    removed = 0
    for path in directory.iterdir():
        key = path.name.removesuffix(THUMBNAIL_SUFFIX)
        if path.is_file() and key not in named and now - path.stat().st_mtime > PRUNE_GRACE_SECONDS:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def file_chunks(attachment: Attachment) -> Iterator[bytes]:
    """The kept file in slices: from the directory, or from the database a slice per query, so a
    large PDF never sits in memory whole."""
    directory = _directory()
    if attachment.storage_key and directory is not None:
        with open(directory / attachment.storage_key, "rb") as file:
            while chunk := file.read(CHUNK_BYTES):
                yield chunk
        return
    for start in range(1, attachment.byte_size + 1, CHUNK_BYTES):
        yield db.session.scalar(
            select(func.substr(Attachment.content, start, CHUNK_BYTES, type_=LargeBinary)).where(
                Attachment.id == attachment.id
            )
        )


def file_content(attachment: Attachment) -> bytes:
    return b"".join(file_chunks(attachment))


def thumbnail_content(attachment: Attachment) -> bytes | None:
    if not attachment.has_thumbnail:
        return None
    directory = _directory()
    if attachment.storage_key and directory is not None:
        return _thumbnail_path(directory, attachment).read_bytes()
    return db.session.scalar(select(Attachment.thumbnail).where(Attachment.id == attachment.id))

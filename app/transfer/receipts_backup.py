"""Receipts in the backup ZIP (app/transfer/archive.py): which receipt belongs to which expense,
and putting them back after a restore.

backup.json stays as it was; the ZIP adds `receipts.json`, a list of {"expense": the expense's
position in backup.json's "expenses" (from 1), "file": its member under receipts/, "file_name",
"sha256"}. The positions follow the backup's order of expenses (date, then id), and a restore
inserts the expenses in that order, so the n-th expense restored is the n-th of the backup.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import ATTACHMENT_NAME_MAX, Attachment, Expense, Ledger, User
from ..receipts import storage
from ..receipts.files import EXTENSIONS, UnsupportedFile, kept_as_is
from .archive import BACKUP_MEMBER, ArchiveError, is_archive, read_archive, receipt_member, write_archive
from .archive import RECEIPTS_INDEX_MEMBER as RECEIPTS_MEMBER
from .backup import backup_json
from .backup_reader import BACKUP_MAX_BYTES, Backup, BackupError, parse_backup
from .restore import restore

# Receipts per backup ZIP, besides its three documents: far more than MAX_FILES_PER_EXPENSE times
# any ledger's expenses will hold before the ledger's byte limit.
MAX_ARCHIVE_MEMBERS = 100_003


class ReceiptsBackupError(ValueError):
    """The receipts of a backup ZIP cannot be restored; the message is for the person."""


@dataclass(frozen=True)
class RestoredReceipt:
    expense_position: int
    upload: storage.Upload


def receipts_for_backup(user: User, ledger: Ledger) -> tuple[str, Iterator[tuple[str, bytes]]]:
    """(receipts.json's text, the receipts' (member, bytes) one at a time) for the user's expenses,
    in the backup's order of expenses."""
    positions = {
        expense_id: position
        for position, expense_id in enumerate(
            db.session.scalars(
                select(Expense.id).where(Expense.ledger_id == ledger.id).order_by(Expense.spent_on, Expense.id)
            ),
            1,
        )
    }
    kept = [
        attachment
        for attachment in db.session.scalars(
            select(Attachment)
            .where(Attachment.ledger_id == ledger.id, Attachment.expense_id.is_not(None))
            .order_by(Attachment.id)
        )
        if attachment.expense_id in positions
    ]
    kept.sort(key=lambda attachment: (positions[attachment.expense_id], attachment.id))
    entries = [
        {
            "expense": positions[attachment.expense_id],
            "file": receipt_member(number, EXTENSIONS[attachment.content_type]),
            "file_name": attachment.file_name,
            "sha256": attachment.sha256,
        }
        for number, attachment in enumerate(kept, 1)
    ]

    def files() -> Iterator[tuple[str, bytes]]:
        for entry, attachment in zip(entries, kept, strict=True):
            yield entry["file"], storage.file_content(attachment)

    return json.dumps(entries, ensure_ascii=False, indent=1) + "\n", files()


def read_receipts(text: bytes | None, files: dict[str, bytes], expense_count: int) -> list[RestoredReceipt]:
    """The receipts to restore, each checked like an upload; ReceiptsBackupError naming the first
    entry that does not hold."""
    if text is None:
        return []
    try:
        entries = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ReceiptsBackupError(
            _("%(receipts_member)s in the ZIP file is not valid JSON.", receipts_member=RECEIPTS_MEMBER)
        ) from error
    if not isinstance(entries, list):
        raise ReceiptsBackupError(
            _("%(receipts_member)s in the ZIP file is not a list of receipts.", receipts_member=RECEIPTS_MEMBER)
        )
    side = current_app.config["RECEIPT_THUMBNAIL_SIDE"]
    restored = []
    for number, entry in enumerate(entries, 1):
        where = f"Receipt {number} in {RECEIPTS_MEMBER}"
        if not isinstance(entry, dict) or set(entry) != {"expense", "file", "file_name", "sha256"}:
            raise ReceiptsBackupError(_("%(where)s does not have the expected fields.", where=where))
        position, member, name = entry["expense"], entry["file"], entry["file_name"]
        if type(position) is not int or not 1 <= position <= expense_count:
            raise ReceiptsBackupError(_("%(where)s names an expense the backup does not have.", where=where))
        if not isinstance(member, str) or member not in files:
            raise ReceiptsBackupError(_("%(where)s names a file the ZIP file does not have.", where=where))
        if not isinstance(name, str) or not 0 < len(name) <= ATTACHMENT_NAME_MAX:
            raise ReceiptsBackupError(
                _(
                    "%(where)s has no file name, or one past %(attachment_name_max)s characters.",
                    where=where,
                    attachment_name_max=ATTACHMENT_NAME_MAX,
                )
            )
        data = files[member]
        if entry["sha256"] != hashlib.sha256(data).hexdigest():
            raise ReceiptsBackupError(_("%(where)s does not match its checksum: the backup is damaged.", where=where))
        try:
            kept = kept_as_is(data, side)
        except UnsupportedFile as error:
            raise ReceiptsBackupError(_("%(where)s %(problem)s.", where=where, problem=error)) from error
        restored.append(RestoredReceipt(position, storage.Upload(storage.clean_file_name(name, kept.extension), kept)))
    return restored


def restore_receipts(user: User, ledger: Ledger, restored: list[RestoredReceipt]) -> None:
    """After restore.restore has inserted the backup's expenses (in the backup's order): their
    receipts, within the ledger's limits."""
    if not restored:
        return
    expense_ids = list(
        db.session.scalars(select(Expense.id).where(Expense.ledger_id == ledger.id).order_by(Expense.id))
    )
    by_position: dict[int, list[storage.Upload]] = {}
    for receipt in restored:
        by_position.setdefault(receipt.expense_position, []).append(receipt.upload)
    for position, uploads in by_position.items():
        expense = db.session.get(Expense, expense_ids[position - 1])
        storage.keep(ledger, user, uploads, expense=expense)


def backup_upload_limit() -> int:
    """The largest backup upload: the JSON's own limit and every receipt a ledger can keep."""
    return BACKUP_MAX_BYTES + current_app.config["RECEIPT_MAX_LEDGER_BYTES"]


def read_backup_upload(data: bytes) -> tuple[Backup, list[RestoredReceipt]]:
    """A backup ZIP with its receipts, or a JSON backup from before receipts; BackupError with the
    reason when it cannot be restored."""
    if not is_archive(data):
        if len(data) > BACKUP_MAX_BYTES:
            raise BackupError(
                _("The file is larger than %(value)s MB: not a JSON backup.", value=BACKUP_MAX_BYTES // (1024 * 1024))
            )
        return parse_backup(data), []
    try:
        documents, files = read_archive(data, MAX_ARCHIVE_MEMBERS, backup_upload_limit())
    except ArchiveError as error:
        raise BackupError(str(error)) from error
    if BACKUP_MEMBER not in documents:
        raise BackupError(
            _("The ZIP file has no %(backup_member)s: it is not a backup from this site.", backup_member=BACKUP_MEMBER)
        )
    parsed = parse_backup(documents[BACKUP_MEMBER])
    try:
        receipts = read_receipts(documents.get(RECEIPTS_MEMBER), files, len(parsed.expenses))
    except ReceiptsBackupError as error:
        raise BackupError(str(error)) from error
    return parsed, receipts


def restore_with_receipts(user: User, ledger: Ledger, parsed: Backup, receipts: list[RestoredReceipt], replace: bool):
    """restore.restore, then the receipts, in the caller's one transaction (ReceiptRefused past the
    ledger's limits: then nothing is written)."""
    storage.forget_files_of_expenses_in(ledger)
    restore(user, ledger, parsed, replace=replace)
    restore_receipts(user, ledger, receipts)


def write_backup_zip(out, user: User, ledger: Ledger, site: str | None = None) -> None:
    index, files = receipts_for_backup(user, ledger)
    write_archive(out, {BACKUP_MEMBER: backup_json(user, ledger, site=site), RECEIPTS_MEMBER: index}, files)

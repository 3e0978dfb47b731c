"""Receipts kept with expenses (app/receipts)."""

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    String,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column

from ..extensions import db
from .base import utcnow

# Receipts (app/receipts): the longest file name kept, and what a reading of one can be.
ATTACHMENT_NAME_MAX = 120
READING, READ, UNREADABLE, NOT_INSTALLED = "reading", "read", "unreadable", "not_installed"


class Attachment(db.Model):
    """A receipt kept with an expense: a re-encoded image or a PDF, and its JPEG thumbnail.

    The bytes are in the database by default (any app server can serve them), or in
    RECEIPT_STORAGE_DIR under `storage_key` (content and thumbnail then stay None); see
    app/receipts/storage.py. Between "New expense from a receipt" and saving that expense,
    `expense_id` is None and `reading` holds what Tesseract found.
    """

    __tablename__ = "attachments"
    __table_args__ = (
        # An expense's receipts (its page, the list's paperclips, deleting it).
        Index("ix_attachments_expense_id", "expense_id"),
        # The ledger's total size, its receipts still waiting for an expense, the backup.
        Index("ix_attachments_ledger_id_expense_id", "ledger_id", "expense_id"),
        CheckConstraint("byte_size >= 0", name="byte_size_not_negative"),
        CheckConstraint(
            "reading_state IS NULL OR reading_state IN ('reading', 'read', 'unreadable', 'not_installed')",
            name="known_reading_state",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"))
    expense_id: Mapped[int | None] = mapped_column(ForeignKey("expenses.id", ondelete="CASCADE"))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    file_name: Mapped[str] = mapped_column(String(ATTACHMENT_NAME_MAX))
    content_type: Mapped[str] = mapped_column(String(40))
    byte_size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    # Only loaded when served: a page that lists receipts never reads their bytes.
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    thumbnail: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    has_thumbnail: Mapped[bool] = mapped_column(Boolean, default=False)
    storage_key: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # "New expense from a receipt": reading, read, unreadable or not_installed (None: never read),
    # and what was read: {"total": "12.34", "spent_on": "2026-03-04", "merchant": "REWE"}.
    reading_state: Mapped[str | None] = mapped_column(String(16))
    reading: Mapped[dict | None] = mapped_column(JSON)

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.file_name!r} expense={self.expense_id}>"

"""Reading a receipt in the background: Tesseract may take seconds, so it runs in a thread of the
process that took the upload, and writes what it found to the receipt's row. The page waiting for
it reloads until the row says read or unreadable; any app server can answer that.

One reading at a time per process (the other core serves pages); a reading whose process died
counts as unreadable once its deadline has long passed. Nothing here needs a broker.
"""

import threading
from datetime import date, timedelta

from flask import Flask, current_app

from ..extensions import db
from ..models import EARLIEST_DATE, NOT_INSTALLED, READ, READING, UNREADABLE, Attachment, utcnow
from ..transactions import run_and_commit
from . import ocr, storage
from .reading import read_receipt

_one_at_a_time = threading.BoundedSemaphore(1)
_running: set[threading.Thread] = set()


def init_app(app: Flask) -> None:
    # The reading threads need the application itself, not the request's proxy to it: the factory
    # hands it over here (the usual extension pattern), so nothing reaches into the proxy.
    app.extensions["receipt_reading"] = app


def start_reading(attachment: Attachment, locale: str, latest: date) -> threading.Thread:
    """Reads the receipt in a new thread; dates after `latest` (the uploader's today) are not its date."""
    app = current_app.extensions["receipt_reading"]
    thread = threading.Thread(
        target=_read, args=(app, attachment.id, locale, latest), name=f"receipt-{attachment.id}", daemon=True
    )
    _running.add(thread)
    thread.start()
    return thread


def wait_for_readings(timeout: float | None = None) -> None:
    """For tests and shutdown: until every reading started in this process has finished."""
    for thread in list(_running):
        thread.join(timeout)


def state_of(attachment: Attachment) -> str | None:
    """The reading's state; one still "reading" long past its deadline was lost with its process."""
    if attachment.reading_state == READING:
        deadline = attachment.created_at + timedelta(seconds=2 * current_app.config["RECEIPT_OCR_TIMEOUT"] + 60)
        if utcnow() > deadline:
            return UNREADABLE
    return attachment.reading_state


def _read(app: Flask, attachment_id: int, locale: str, latest: date) -> None:
    try:
        with app.app_context():
            try:
                with _one_at_a_time:
                    attachment = db.session.get(Attachment, attachment_id)
                    if attachment is None:
                        return  # deleted meanwhile
                    content, content_type = storage.file_content(attachment), attachment.content_type
                    db.session.rollback()  # no transaction held open while Tesseract reads
                    text = ocr.read_text(
                        content, content_type, ocr.languages_for(locale), app.config["RECEIPT_OCR_TIMEOUT"]
                    )
            except ocr.OcrUnavailable:
                state, found = NOT_INSTALLED, None
            except ocr.OcrFailed:
                app.logger.warning("receipt %s: Tesseract could not read it", attachment_id, exc_info=True)
                state, found = UNREADABLE, None
            else:
                reading = read_receipt(text, locale, earliest=EARLIEST_DATE, latest=latest)
                state = READ if reading.found_anything else UNREADABLE
                found = {
                    "total": str(reading.total) if reading.total is not None else None,
                    "spent_on": reading.spent_on.isoformat() if reading.spent_on else None,
                    "merchant": reading.merchant,
                }
            run_and_commit(_record, attachment_id, state, found)
            db.session.remove()
    finally:
        _running.discard(threading.current_thread())


def _record(attachment_id: int, state: str, found: dict | None) -> None:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is not None:
        attachment.reading_state = state
        attachment.reading = found

"""Receipts through the pages: attached in the expense form and quick add, limits with clear words
and nothing written, served only to the ledger's members with headers that keep them inert,
deleted with the expense, kept in a directory when configured, and "New expense from a receipt"
reading one with Tesseract."""

import io
import os
import re
import time
from datetime import date, timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.models import Attachment, Expense
from app.receipts import jobs, ocr
from tests.conftest import AuthActions, add_expense, category_id, count_rows, post_form
from tests.receipt_images import HARBOUR_BOOKS as RECEIPT
from tests.receipt_images import draw, encode
from tests.test_receipt_files import image_bytes, photo_with_gps_turned_right


def file(data: bytes, name: str):
    return (io.BytesIO(data), name)


def expense_form(client, app, user, **extra):
    data = {
        "amount": "12.50",
        "description": "Books",
        "category_id": str(category_id(app, user.id, "Other")),
        "spent_on": "2026-03-04",
    }
    data.update(extra)
    return data


def attachments(app) -> list[Attachment]:
    with app.app_context():
        rows = list(db.session.scalars(select(Attachment).order_by(Attachment.id)))
        db.session.expunge_all()
        return rows


def page(response) -> str:
    return response.get_data(as_text=True)


def test_a_photo_attached_in_the_form_is_kept_without_gps_and_shown(app, client, user):
    data = expense_form(client, app, user, receipts=[file(photo_with_gps_turned_right(), "IMG_0042.JPG")])
    response = post_form(client, "/expenses/new", data, content_type="multipart/form-data")
    assert response.status_code == 302
    [kept] = attachments(app)
    assert (kept.file_name, kept.content_type, kept.expense_id is not None) == ("IMG_0042.jpg", "image/jpeg", True)

    served = client.get(f"/receipts/{kept.id}")
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["Content-Disposition"] == 'inline; filename="IMG_0042.jpg"'
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Security-Policy"].startswith("default-src 'none';")
    assert "sandbox" in served.headers["Content-Security-Policy"]
    image = Image.open(io.BytesIO(served.data))
    assert image.size == (1800, 2400) and not image.getexif()
    assert int(served.headers["Content-Length"]) == kept.byte_size == len(served.data)

    download = client.get(f"/receipts/{kept.id}?download=1")
    assert download.headers["Content-Disposition"] == 'attachment; filename="IMG_0042.jpg"'
    assert download.data == served.data

    listing = page(client.get("/expenses"))
    assert f'href="/receipts/{kept.id}"' in listing and "bi-paperclip" in listing
    edit = page(client.get(f"/expenses/{kept.expense_id}/edit"))
    assert f'src="/receipts/{kept.id}/thumbnail.jpg"' in edit
    thumbnail = client.get(f"/receipts/{kept.id}/thumbnail.jpg")
    assert Image.open(io.BytesIO(thumbnail.data)).size == (240, 320)
    assert thumbnail.headers["X-Content-Type-Options"] == "nosniff"


def test_a_pdf_is_always_a_download_and_a_non_ascii_name_survives(app, client, user):
    pdf = image_bytes("PDF", size=(600, 800))
    data = expense_form(client, app, user, receipts=[file(pdf, "Quittung Bäckerei.pdf")])
    assert post_form(client, "/expenses/new", data, content_type="multipart/form-data").status_code == 302
    [kept] = attachments(app)
    served = client.get(f"/receipts/{kept.id}")
    assert served.data == pdf
    assert served.headers["Content-Type"] == "application/pdf"
    assert served.headers["Content-Disposition"] == (
        "attachment; filename=\"Quittung Backerei.pdf\"; filename*=UTF-8''Quittung%20B%C3%A4ckerei.pdf"
    )


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            [file(b"<html><script>alert(1)</script></html>", "receipt.jpg")],
            "receipt is not a JPEG, PNG, HEIC or WebP image or a PDF.",
        ),
        (
            [file(b'<svg xmlns="http://www.w3.org/2000/svg"/>', "r.svg")],
            "r is not a JPEG, PNG, HEIC or WebP image or a PDF.",
        ),
        ([file(image_bytes("JPEG")[:300], "cut.jpg")], "cut is damaged or cut short and could not be opened."),
        ([file(b"", "empty.png")], "empty is empty."),
        ([file(image_bytes("PNG"), f"r{n}.png") for n in range(6)], "Choose at most 5 receipts at a time."),
    ],
)
def test_a_refused_file_says_why_and_nothing_is_written(app, client, user, files, message):
    data = expense_form(client, app, user, receipts=files)
    response = post_form(client, "/expenses/new", data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in page(response)
    assert 'value="12.50"' in page(response)  # the rest of the form is kept
    assert (count_rows(app, Expense), count_rows(app, Attachment)) == (0, 0)


def test_a_file_past_the_size_limit_is_refused_in_words(app, client, user):
    app.config["RECEIPT_MAX_FILE_BYTES"] = 100 * 1024
    big = image_bytes("PNG", size=(400, 400), compress_level=0)
    data = expense_form(client, app, user, receipts=[file(big, "scan.png")])
    response = post_form(client, "/expenses/new", data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "scan is larger than 100 KB, the most one receipt can be." in page(response)
    assert (count_rows(app, Expense), count_rows(app, Attachment)) == (0, 0)


def test_a_request_past_every_limit_gets_the_413_page(app, client, user):
    app.config["RECEIPT_MAX_FILE_BYTES"] = 10 * 1024
    app.config["MAX_CONTENT_LENGTH"] = 10 * 1024
    data = expense_form(client, app, user, receipts=[file(b"\xff\xd8\xff" + b"\0" * 200_000, "huge.jpg")])
    response = post_form(client, "/expenses/new", data, content_type="multipart/form-data")
    assert response.status_code == 413
    assert count_rows(app, Expense) == 0


def test_the_ledger_limit_refuses_the_receipt_that_would_pass_it(app, client, user):
    first = expense_form(client, app, user, receipts=[file(image_bytes("PNG"), "one.png")])
    assert post_form(client, "/expenses/new", first, content_type="multipart/form-data").status_code == 302
    [kept] = attachments(app)
    app.config["RECEIPT_MAX_LEDGER_BYTES"] = kept.byte_size + 100
    second = expense_form(client, app, user, description="Second", receipts=[file(image_bytes("PNG"), "two.png")])
    response = post_form(client, "/expenses/new", second, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "the most a ledger can keep" in page(response)
    assert (count_rows(app, Expense), count_rows(app, Attachment)) == (1, 1)


def test_quick_add_takes_a_receipt(app, client, user):
    data = expense_form(client, app, user, receipts=[file(image_bytes("WEBP"), "photo.webp")])
    response = post_form(client, "/expenses/quick-add", data, content_type="multipart/form-data")
    assert response.status_code == 201
    [kept] = attachments(app)
    assert (kept.file_name, kept.content_type, kept.expense_id) == (
        "photo.jpg",
        "image/jpeg",
        response.json["expense"]["id"],
    )
    refused = post_form(
        client,
        "/expenses/quick-add",
        expense_form(client, app, user, receipts=[file(b"GIF89a", "x.gif")]),
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert refused.json["errors"] == {"receipts": ["x is not a JPEG, PNG, HEIC or WebP image or a PDF."]}


def test_a_receipt_is_deleted_alone_or_with_its_expense(app, client, user):
    data = expense_form(
        client, app, user, receipts=[file(image_bytes("PNG"), "a.png"), file(image_bytes("JPEG"), "b.jpg")]
    )
    assert post_form(client, "/expenses/new", data, content_type="multipart/form-data").status_code == 302
    first, second = attachments(app)
    response = post_form(client, f"/receipts/{first.id}/delete")
    assert response.status_code == 302 and response.headers["Location"] == f"/expenses/{first.expense_id}/edit"
    assert [a.id for a in attachments(app)] == [second.id]
    assert post_form(client, f"/expenses/{second.expense_id}/delete").status_code == 302
    assert count_rows(app, Attachment) == 0


def test_another_account_gets_404_for_every_receipt_url(app, client, user):
    data = expense_form(client, app, user, receipts=[file(image_bytes("PNG"), "a.png")])
    assert post_form(client, "/expenses/new", data, content_type="multipart/form-data").status_code == 302
    [kept] = attachments(app)
    mallory = app.test_client()
    assert AuthActions(mallory).register(email="mallory@example.com").status_code == 302
    for url in (f"/receipts/{kept.id}", f"/receipts/{kept.id}/thumbnail.jpg", f"/expenses/from-receipt/{kept.id}"):
        assert mallory.get(url).status_code == 404, url
    assert post_form(mallory, f"/receipts/{kept.id}/delete").status_code == 404
    assert count_rows(app, Attachment) == 1
    anonymous = app.test_client()
    assert anonymous.get(f"/receipts/{kept.id}").status_code == 302  # to the login page


def test_receipts_kept_in_a_directory(app, client, user, tmp_path):
    app.config["RECEIPT_STORAGE_DIR"] = str(tmp_path)
    data = expense_form(client, app, user, receipts=[file(image_bytes("PNG"), "a.png")])
    assert post_form(client, "/expenses/new", data, content_type="multipart/form-data").status_code == 302
    [kept] = attachments(app)
    with app.app_context():
        assert db.session.scalar(select(Attachment.content).where(Attachment.id == kept.id)) is None
    assert sorted(path.name for path in tmp_path.iterdir()) == [kept.storage_key, kept.storage_key + ".thumb.jpg"]
    assert client.get(f"/receipts/{kept.id}").data == (tmp_path / kept.storage_key).read_bytes()
    # A refused upload leaves no file behind; deleting the expense removes its files.
    app.config["RECEIPT_MAX_LEDGER_BYTES"] = kept.byte_size
    more = expense_form(client, app, user, receipts=[file(image_bytes("PNG"), "b.png")])
    assert post_form(client, "/expenses/new", more, content_type="multipart/form-data").status_code == 422
    assert len(list(tmp_path.iterdir())) == 2
    assert post_form(client, f"/expenses/{kept.expense_id}/delete").status_code == 302
    assert list(tmp_path.iterdir()) == []


def _read_receipt(client, data: bytes, name: str):
    return post_form(
        client, "/expenses/from-receipt", {"receipts": [file(data, name)]}, content_type="multipart/form-data"
    )


def _field_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    return match.group(1) if match else None


def test_new_expense_from_a_receipt_is_prefilled_and_saved_with_it(app, client, user):
    books = category_id(app, user.id, "Shopping")
    add_expense(app, user.id, "Shopping", 1000, date(2026, 1, 5), "Harbour Books")
    response = _read_receipt(client, encode(draw(RECEIPT, "DejaVuSans.ttf", 28, tilt=1.0), "JPEG"), "receipt.jpg")
    assert response.status_code == 302
    [waiting] = attachments(app)
    assert (waiting.expense_id, waiting.reading_state) == (None, "read")
    assert waiting.reading == {"total": "23.47", "spent_on": "2026-03-04", "merchant": "Harbour Books"}

    form = page(client.get(response.headers["Location"]))
    assert _field_value(form, "amount") == "23.47"
    assert _field_value(form, "spent_on") == "2026-03-04"
    assert _field_value(form, "description") == "Harbour Books"
    assert f'<option selected value="{books}">' in form
    assert form.count("read-mark") == 4
    assert f'src="/receipts/{waiting.id}/thumbnail.jpg"' in form

    saved = post_form(
        client,
        response.headers["Location"],
        {"amount": "23.47", "description": "Harbour Books", "category_id": str(books), "spent_on": "2026-03-04"},
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302
    [kept] = attachments(app)
    with app.app_context():
        expense = db.session.get(Expense, kept.expense_id)
        assert (expense.amount_cents, expense.spent_on, expense.description) == (
            2347,
            date(2026, 3, 4),
            "Harbour Books",
        )
    assert saved.headers["Location"] == f"/expenses/{kept.expense_id}/edit"


def test_a_field_changed_by_the_person_is_no_longer_marked_as_read(app, client, user):
    response = _read_receipt(client, encode(draw(RECEIPT), "PNG"), "r.png")
    refused = post_form(
        client,
        response.headers["Location"],
        {"amount": "23.47", "description": "", "category_id": "", "spent_on": "2026-03-04"},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert page(refused).count("read-mark") == 2  # amount and date, still as read
    assert count_rows(app, Expense) == 0


def test_an_unreadable_receipt_is_kept_and_the_form_says_so(app, client, user):
    response = _read_receipt(client, image_bytes("PNG"), "blank.png")
    [waiting] = attachments(app)
    assert waiting.reading_state == "unreadable"
    form = page(client.get(response.headers["Location"]))
    assert "Could not read it." in form and "read from the receipt" not in form


def test_without_tesseract_the_receipt_is_still_kept(app, client, user, monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: False)
    assert "Tesseract is not installed" in page(client.get("/expenses/from-receipt"))
    response = _read_receipt(client, image_bytes("PNG"), "r.png")
    [waiting] = attachments(app)
    assert waiting.reading_state == "not_installed"
    assert "Receipts cannot be read on this server" in page(client.get(response.headers["Location"]))


def test_a_slow_reading_shows_a_page_that_waits_for_it(app, client, user):
    app.config["RECEIPT_OCR_WAIT"] = 0
    response = _read_receipt(client, encode(draw(RECEIPT), "JPEG"), "r.jpg")
    waiting_page = client.get(response.headers["Location"])
    jobs.wait_for_readings(60)
    html = page(waiting_page)
    if "Reading the receipt" in html:  # Tesseract had not finished when the page was asked for
        assert '<meta http-equiv="refresh" content="2">' in html
    assert _field_value(page(client.get(response.headers["Location"])), "amount") == "23.47"


def test_a_viewer_cannot_upload_or_delete(app, client, user, monkeypatch):
    """Writing needs an editor: the access helper answers 403 for a weaker role."""
    data = expense_form(client, app, user, receipts=[file(image_bytes("PNG"), "a.png")])
    assert post_form(client, "/expenses/new", data, content_type="multipart/form-data").status_code == 302
    [kept] = attachments(app)
    monkeypatch.setattr("app.access.current_role", lambda: "viewer")
    monkeypatch.setattr("app.access._load_current", lambda: (_ledger_of(app, kept), "viewer"))
    assert client.get(f"/receipts/{kept.id}").status_code == 200
    assert post_form(client, f"/receipts/{kept.id}/delete").status_code == 403
    assert _read_receipt(client, image_bytes("PNG"), "r.png").status_code == 403
    assert count_rows(app, Attachment) == 1


def _ledger_of(app, attachment):
    from app.models import Ledger

    return db.session.get(Ledger, attachment.ledger_id)


def test_a_receipt_whose_expense_was_never_saved_goes_a_day_later(app, client, user, monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: False)
    _read_receipt(client, image_bytes("PNG"), "forgotten.png")
    [forgotten] = attachments(app)
    with app.app_context():
        db.session.get(Attachment, forgotten.id).created_at -= timedelta(days=1, seconds=1)
        db.session.commit()
    _read_receipt(client, image_bytes("PNG"), "today.png")
    assert [a.file_name for a in attachments(app)] == ["today.png"]


def test_prune_removes_only_old_files_no_receipt_names(app, client, user, tmp_path):
    app.config["RECEIPT_STORAGE_DIR"] = str(tmp_path)
    data = expense_form(client, app, user, receipts=[file(image_bytes("PNG"), "a.png")])
    assert post_form(client, "/expenses/new", data, content_type="multipart/form-data").status_code == 302
    [kept] = attachments(app)
    orphan, fresh = tmp_path / "0123.png", tmp_path / "4567.png"
    for path in (orphan, fresh, tmp_path / kept.storage_key):
        path.touch(exist_ok=True)
    two_hours_ago = time.time() - 7200
    for path in (orphan, tmp_path / kept.storage_key):
        os.utime(path, (two_hours_ago, two_hours_ago))
    result = app.test_cli_runner().invoke(args=["prune-receipts"])
    assert result.output == "Removed 1 file(s) no receipt names.\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        [kept.storage_key, kept.storage_key + ".thumb.jpg", "4567.png"]
    )

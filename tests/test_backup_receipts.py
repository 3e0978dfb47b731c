"""The backup ZIP through the pages: receipts go into it with their checksums and come back with
their expenses on restore; a tampered ZIP or one past the ledger's limit changes nothing; a JSON
backup from before receipts still restores."""

import hashlib
import io
import json
import zipfile

from app.models import Attachment, Expense
from tests.conftest import PASSWORD, count_rows, post_form
from tests.test_backup import restore
from tests.test_receipt_files import image_bytes
from tests.test_receipts import attachments, expense_form, file


def _expense_with_receipts(app, client, user):
    data = expense_form(
        client,
        app,
        user,
        receipts=[
            file(image_bytes("PNG"), "till.png"),
            file(image_bytes("PDF", size=(600, 800)), "Rechnung Müller.pdf"),
        ],
    )
    assert post_form(client, "/expenses/new", data, content_type="multipart/form-data").status_code == 302
    return attachments(app)


def _zip(client) -> bytes:
    # Closed as a server closes it: the ZIP is streamed from a temporary file that goes with the response.
    with client.get("/backup.zip") as response:
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/zip"
        assert response.headers["Content-Disposition"].startswith('attachment; filename="expense-tracker-backup-')
        return response.data


def test_the_zip_holds_the_backup_and_each_receipt_with_its_checksum(app, client, user):
    png, pdf = _expense_with_receipts(app, client, user)
    with zipfile.ZipFile(io.BytesIO(_zip(client))) as archive:
        assert archive.namelist() == [
            "backup.json",
            "receipts.json",
            "receipts/0001.png",
            "receipts/0002.pdf",
            "SHA256SUMS",
        ]
        assert json.loads(archive.read("receipts.json")) == [
            {"expense": 1, "file": "receipts/0001.png", "file_name": "till.png", "sha256": png.sha256},
            {"expense": 1, "file": "receipts/0002.pdf", "file_name": "Rechnung Müller.pdf", "sha256": pdf.sha256},
        ]
        sums = dict(reversed(line.split("  ")) for line in archive.read("SHA256SUMS").decode().splitlines())
        for name in archive.namelist()[:-1]:
            assert sums[name] == hashlib.sha256(archive.read(name)).hexdigest()
        assert json.loads(archive.read("backup.json"))["expenses"][0]["description"] == "Books"
    assert client.get("/backup.json").headers["Content-Type"] == "application/json"


def test_receipts_come_back_with_their_expense_on_restore(app, client, user):
    png, pdf = _expense_with_receipts(app, client, user)
    original = {a.file_name: client.get(f"/receipts/{a.id}").data for a in (png, pdf)}
    backup = _zip(client)
    assert post_form(client, f"/expenses/{png.expense_id}/delete").status_code == 302
    assert (count_rows(app, Expense), count_rows(app, Attachment)) == (0, 0)

    response = restore(client, backup, replace=True, password=PASSWORD)
    assert response.status_code == 302
    restored = attachments(app)
    assert [(a.file_name, a.content_type, a.sha256) for a in restored] == [
        ("till.png", "image/png", png.sha256),
        ("Rechnung Müller.pdf", "application/pdf", pdf.sha256),
    ]
    assert len({a.expense_id for a in restored}) == 1 and restored[0].expense_id is not None
    for attachment in restored:
        assert client.get(f"/receipts/{attachment.id}").data == original[attachment.file_name]
        assert client.get(f"/receipts/{attachment.id}/thumbnail.jpg").status_code == 200
    assert "and 2 receipts" in client.get("/").get_data(as_text=True)


def _tampered(backup: bytes, member: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(backup)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, content if name == member else source.read(name))
    return out.getvalue()


def test_a_tampered_zip_changes_nothing(app, client, user):
    _expense_with_receipts(app, client, user)
    backup = _tampered(_zip(client), "receipts/0001.png", image_bytes("PNG", size=(10, 10)))
    response = restore(client, backup, replace=True, password=PASSWORD)
    assert response.status_code == 422
    assert "receipts/0001.png in the ZIP file does not match its checksum: the backup is damaged." in response.get_data(
        as_text=True
    )
    assert (count_rows(app, Expense), count_rows(app, Attachment)) == (1, 2)


def test_a_zip_past_the_ledgers_limit_changes_nothing(app, client, user):
    kept = _expense_with_receipts(app, client, user)
    backup = _zip(client)
    app.config["RECEIPT_MAX_LEDGER_BYTES"] = kept[0].byte_size
    response = restore(client, backup, replace=True, password=PASSWORD)
    assert response.status_code == 422
    assert "the most a ledger can keep" in response.get_data(as_text=True)
    assert [a.id for a in attachments(app)] == [a.id for a in kept]

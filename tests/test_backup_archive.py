"""The backup ZIP: written with a checksum per member, read back only when every checksum holds,
and refused in words when damaged, altered, stuffed with other files or too large unpacked."""

import hashlib
import io
import zipfile

import pytest

from app.transfer.archive import ArchiveError, is_archive, read_archive, receipt_member, write_archive

BACKUP = '{"format": "expense-tracker-backup"}\n'
INDEX = "[]\n"
PHOTO, SCAN = b"\xff\xd8\xff photo", b"%PDF-1.4 scan"


def archive_bytes(members: dict[str, bytes] | None = None, sums: str | None = None) -> bytes:
    out = io.BytesIO()
    if members is None:
        documents = {"backup.json": BACKUP, "receipts.json": INDEX}
        write_archive(out, documents, [(receipt_member(1, "jpg"), PHOTO), (receipt_member(2, "pdf"), SCAN)])
        return out.getvalue()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        if sums is not None:
            archive.writestr("SHA256SUMS", sums)
    return out.getvalue()


def sums_of(members: dict[str, bytes]) -> str:
    return "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in members.items())


def test_written_and_read_back_with_checksums_sha256sum_understands():
    data = archive_bytes()
    assert is_archive(data) and not is_archive(BACKUP.encode())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == [
            "backup.json",
            "receipts.json",
            "receipts/0001.jpg",
            "receipts/0002.pdf",
            "SHA256SUMS",
        ]
        assert archive.read("SHA256SUMS").decode() == sums_of(
            {
                "backup.json": BACKUP.encode(),
                "receipts.json": INDEX.encode(),
                "receipts/0001.jpg": PHOTO,
                "receipts/0002.pdf": SCAN,
            }
        )
        assert archive.getinfo("receipts/0001.jpg").compress_type == zipfile.ZIP_STORED
    documents, receipts = read_archive(data, max_members=10, max_bytes=10_000)
    assert documents == {"backup.json": BACKUP.encode(), "receipts.json": INDEX.encode()}
    assert receipts == {"receipts/0001.jpg": PHOTO, "receipts/0002.pdf": SCAN}


GOOD = {"backup.json": BACKUP.encode(), "receipts/0001.jpg": PHOTO}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04 cut short", "The file is a damaged ZIP file, not a backup from this site."),
        (
            archive_bytes(GOOD, sums_of({**GOOD, "receipts/0001.jpg": b"another photo"})),
            "receipts/0001.jpg in the ZIP file does not match its checksum: the backup is damaged.",
        ),
        (
            archive_bytes(GOOD, sums_of({"backup.json": BACKUP.encode()})),
            "receipts/0001.jpg in the ZIP file has no checksum: the backup is incomplete or altered.",
        ),
        (
            archive_bytes({"backup.json": BACKUP.encode()}, sums_of(GOOD)),
            "receipts/0001.jpg is missing from the ZIP file: the backup is incomplete.",
        ),
        (
            archive_bytes({**GOOD, "../../etc/passwd": b"x"}, sums_of(GOOD)),
            "The ZIP file holds ../../etc/passwd, which a backup from this site never does.",
        ),
        (
            archive_bytes({**GOOD, "receipts/0002.svg": b"<svg/>"}, sums_of(GOOD)),
            "The ZIP file holds receipts/0002.svg, which a backup from this site never does.",
        ),
        (archive_bytes(GOOD), "The ZIP file has no backup.json or SHA256SUMS: it is not a backup from this site."),
        (archive_bytes(GOOD, "not a checksum line\n"), "SHA256SUMS in the ZIP file is damaged."),
    ],
)
def test_a_damaged_or_altered_archive_is_refused_in_words(data, message):
    with pytest.raises(ArchiveError) as refused:
        read_archive(data, max_members=10, max_bytes=10_000)
    assert str(refused.value) == message


def test_too_many_members_or_too_much_unpacked_is_refused_before_reading():
    with pytest.raises(ArchiveError, match="more than 4 files"):
        read_archive(archive_bytes(), max_members=4, max_bytes=10_000)
    # 10 MB of zeros packs into about 10 KB.
    bomb = {"backup.json": BACKUP.encode(), "receipts/0001.png": bytes(10 * 1024 * 1024)}
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in bomb.items():
            archive.writestr(name, data)
        archive.writestr("SHA256SUMS", sums_of(bomb))
    assert len(packed.getvalue()) < 50_000
    with pytest.raises(ArchiveError, match="unpacks to more than"):
        read_archive(packed.getvalue(), max_members=10, max_bytes=1024 * 1024)

"""The backup as a ZIP file: `backup.json` (the JSON backup as before), `receipts.json` (which
receipt is whose: app/transfer/receipts_backup.py), every receipt under `receipts/`, and
`SHA256SUMS` with the checksum of every other member (the format of `sha256sum`, so
`sha256sum -c SHA256SUMS` checks an unpacked backup too).

Restore takes such a ZIP or a plain JSON backup from before receipts. A ZIP is read with limits
on its members and their unpacked size (a small ZIP can unpack to gigabytes), and every member must
match its checksum, so a damaged backup changes nothing.
"""

import hashlib
import io
import re
import zipfile
from collections.abc import Iterable

from flask_babel import gettext as _

from .. import l10n

BACKUP_MEMBER = "backup.json"
RECEIPTS_INDEX_MEMBER = "receipts.json"
CHECKSUMS_MEMBER = "SHA256SUMS"
_DOCUMENTS = (BACKUP_MEMBER, RECEIPTS_INDEX_MEMBER)
RECEIPTS_FOLDER = "receipts/"
_RECEIPT_MEMBER = re.compile(r"receipts/[0-9]{1,7}\.(jpg|png|pdf)")
_CHECKSUM_LINE = re.compile(r"([0-9a-f]{64}) [ *](\S+)")
# Receipts are JPEG, PNG or PDF already: deflating them again costs time and saves nothing.
_STORED_SUFFIXES = (".jpg", ".png", ".pdf")


class ArchiveError(ValueError):
    """A ZIP that cannot be restored; the message is written for the person. Nothing was changed."""


def is_archive(data: bytes) -> bool:
    return data.startswith(b"PK\x03\x04")


def receipt_member(number: int, extension: str) -> str:
    return f"{RECEIPTS_FOLDER}{number:04d}.{extension}"


def write_archive(out, documents: dict[str, str], receipts: Iterable[tuple[str, bytes]]) -> None:
    """Writes the ZIP to `out` (a file object): the documents ({member name: text}: backup.json and
    receipts.json), then each (member name, bytes) receipt, then the checksums of all of them."""
    sums = []
    texts = [(name, text.encode("utf-8")) for name, text in documents.items()]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in (*texts, *receipts):
            stored = name.endswith(_STORED_SUFFIXES)
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
            sums.append(f"{hashlib.sha256(data).hexdigest()}  {name}\n")
        archive.writestr(CHECKSUMS_MEMBER, "".join(sums))


def read_archive(data: bytes, max_members: int, max_bytes: int) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """({document member name: bytes}, {receipt member name: bytes}) from a ZIP; ArchiveError when it is damaged,
    too large unpacked, holds anything else, or a member does not match its checksum."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError) as error:
        raise ArchiveError(_("The file is a damaged ZIP file, not a backup from this site.")) from error
    if len(members) > max_members:
        raise ArchiveError(
            _(
                "The ZIP file holds more than %(count)s files: it is not a backup from this site.",
                count=l10n.format_count(max_members),
            )
        )
    names = [member.filename for member in members]
    if len(set(names)) != len(names):
        raise ArchiveError(_("The ZIP file holds two files of the same name: it is not a backup from this site."))
    if BACKUP_MEMBER not in names or CHECKSUMS_MEMBER not in names:
        raise ArchiveError(
            _(
                "The ZIP file has no %(backup_member)s or %(checksums_member)s: it is not a backup from this site.",
                backup_member=BACKUP_MEMBER,
                checksums_member=CHECKSUMS_MEMBER,
            )
        )
    strangers = [
        name for name in names if name not in (*_DOCUMENTS, CHECKSUMS_MEMBER) and not _RECEIPT_MEMBER.fullmatch(name)
    ]
    if strangers:
        raise ArchiveError(
            _("The ZIP file holds %(value)s, which a backup from this site never does.", value=strangers[0][:80])
        )
    if sum(member.file_size for member in members) > max_bytes:
        raise ArchiveError(_("The ZIP file unpacks to more than a backup from this site can hold."))
    contents = {}
    try:
        for member in members:
            with archive.open(member) as opened:
                # Never more than the size the ZIP declares, whatever the compressed stream holds.
                content = opened.read(member.file_size + 1)
            if len(content) != member.file_size:
                raise ArchiveError(_("%(filename)s in the ZIP file is damaged.", filename=member.filename))
            contents[member.filename] = content
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as error:
        raise ArchiveError(_("The ZIP file is damaged or encrypted, not a backup from this site.")) from error
    _check_sums(contents)
    documents = {name: content for name, content in contents.items() if name in _DOCUMENTS}
    receipts = {name: content for name, content in contents.items() if name.startswith(RECEIPTS_FOLDER)}
    return documents, receipts


def _check_sums(contents: dict[str, bytes]) -> None:
    listed = {}
    for line in contents[CHECKSUMS_MEMBER].decode("utf-8", "replace").splitlines():
        match = _CHECKSUM_LINE.fullmatch(line.strip())
        if match is None:
            raise ArchiveError(_("%(checksums_member)s in the ZIP file is damaged.", checksums_member=CHECKSUMS_MEMBER))
        listed[match.group(2)] = match.group(1)
    for name, content in contents.items():
        if name == CHECKSUMS_MEMBER:
            continue
        if name not in listed:
            raise ArchiveError(
                _("%(name)s in the ZIP file has no checksum: the backup is incomplete or altered.", name=name)
            )
        if hashlib.sha256(content).hexdigest() != listed[name]:
            raise ArchiveError(
                _("%(name)s in the ZIP file does not match its checksum: the backup is damaged.", name=name)
            )
    missing = set(listed) - set(contents)
    if missing:
        raise ArchiveError(
            _("%(value)s is missing from the ZIP file: the backup is incomplete.", value=sorted(missing)[0])
        )

"""The interface's catalogues: compiled for the tests (the .mo files are not committed), and the
messages the code marks, as `make translations` extracts them, to check the catalogues against."""

import os
import tempfile
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"
# The same keywords as `make translations`, besides Babel's own (_, gettext, ngettext, ...).
KEYWORDS = {"_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}


def catalogue_paths() -> dict[str, Path]:
    """language -> its messages.po."""
    return {path.parent.parent.name: path for path in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))}


def read_catalogue(language: str):
    with catalogue_paths()[language].open("rb") as file:
        return read_po(file, locale=language)


def compile_catalogues() -> None:
    """Writes each catalogue's .mo beside it when it is missing or older than the .po, as `make
    catalogues` does; atomically, since pytest-xdist's workers may do it at once."""
    for language, po_path in catalogue_paths().items():
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        catalogue = read_catalogue(language)
        handle, temporary = tempfile.mkstemp(dir=po_path.parent, suffix=".mo.tmp")
        with os.fdopen(handle, "wb") as file:
            write_mo(file, catalogue)
        os.replace(temporary, mo_path)


def extracted_messages() -> dict[str, tuple[str, ...]]:
    """Every message the code marks (msgid -> its forms: one, or singular and plural)."""
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "pgettext": ((1, "c"), 2),
        **KEYWORDS,
    }
    with (ROOT / "babel.cfg").open(encoding="utf-8") as file:
        method_map, options_map = parse_mapping_cfg(file)
    messages = {}
    for _filename, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        forms = message if isinstance(message, tuple) else (message,)
        messages[forms[0]] = forms
    return messages

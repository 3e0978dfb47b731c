"""Static files with their content's hash in the address, so browsers may keep them for a year.

`url_for('static', filename='app.css')` becomes `/static/app.css?v=<hash>`: a new version of the
file is a new address, and the old one can be cached for good instead of being asked for again
on every page. Hashes are computed once per file and process (in debug mode, on every change).
"""

import hashlib
import os
from datetime import timedelta
from functools import cache
from pathlib import Path

from flask import Flask, current_app

CACHE_FOR = timedelta(days=365)


@cache
def _hash_of(path: Path) -> str:
    return _read_hash(path)


def _read_hash(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return ""  # no such file: the address 404s as it would anyway


def init_app(app: Flask) -> None:
    static = Path(app.static_folder)
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = CACHE_FOR
    file_hash = _read_hash if app.debug else _hash_of

    @app.url_defaults
    def add_file_hash(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = file_hash(static / values["filename"])
            if version:
                values["v"] = version


# Drawn into pages as inline SVG by app/icons.py, never fetched; source maps are for developer tools.
NOT_FETCHED_FOLDERS = {Path("vendor/bootstrap-icons")}
NOT_FETCHED_SUFFIXES = (".map", ".installed")


@cache
def _static_version(static: Path) -> str:
    names = []
    for folder, subfolders, files in os.walk(static):
        relative = Path(folder).relative_to(static)
        subfolders[:] = [name for name in subfolders if relative / name not in NOT_FETCHED_FOLDERS]
        names += [(relative / name).as_posix() for name in files if not name.endswith(NOT_FETCHED_SUFFIXES)]
    listing = "\n".join(f"{name} {_read_hash(static / name)}" for name in sorted(names))
    return hashlib.sha256(listing.encode()).hexdigest()[:12]


def static_version() -> str:
    """One hash of every static file a page may fetch, worked out once per process (a new version of
    any file is a new deploy, and so a new process)."""
    return _static_version(Path(current_app.static_folder))

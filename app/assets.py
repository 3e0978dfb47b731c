"""Static files with their content's hash in the address, so browsers may keep them for a year.

`url_for('static', filename='app.css')` becomes `/static/app.css?v=<hash>`: a new version of the
file is a new address, and the old one can be cached for good instead of being asked for again
on every page. Hashes are computed once per file and process (in debug mode, on every change).
"""

import hashlib
from datetime import timedelta
from functools import cache
from pathlib import Path

from flask import Flask

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

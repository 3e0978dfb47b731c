"""URLs shared by every blueprint: the id converter, and where a `next` parameter may send a visitor."""

from urllib.parse import urlsplit, urlunsplit

from flask import url_for
from werkzeug.routing import IntegerConverter

# The largest id either database's INTEGER key holds (PostgreSQL's is 32-bit).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` that no longer matches past MAX_ID, so a huge id is a 404 like any unknown one,
    instead of an overflow error from the database."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another host, scheme or a protocol-relative URL.

    Returns the URL rebuilt from its parsed parts, never the raw value, and refuses control
    characters outright: a line break in a Location header is a response-splitting attempt (and
    urlsplit quietly drops it, so the parts alone would not show it).
    """
    if not target or any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return url_for("expenses.dashboard")
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith("/"):
            return urlunsplit(("", "", parts.path, parts.query, parts.fragment))
    return url_for("expenses.dashboard")

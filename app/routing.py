"""URLs shared by every blueprint: the id converter, and where a `next` parameter may send a visitor."""

from urllib.parse import urlsplit

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
    """Only a path on this site: never another host, scheme or a protocol-relative URL."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("expenses.dashboard")

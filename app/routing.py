"""URL converters shared by every blueprint."""

from werkzeug.routing import IntegerConverter

# The largest id either database's INTEGER key holds (PostgreSQL's is 32-bit).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` that no longer matches past MAX_ID, so a huge id is a 404 like any unknown one,
    instead of an overflow error from the database."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)

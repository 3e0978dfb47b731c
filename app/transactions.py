"""Who commits: the entry point of a request or command (a view, the user loader, a CLI command),
never a service. Services add, change and flush; the entry point runs them through
`run_and_commit`, which commits once, or rolls everything back if anything fails.

Two identical submits at once (a double click, two tabs) can both find a name free and both insert
it; the database's unique constraint refuses the second. `run_and_commit` then rolls back and runs
the work once more: the other request's row is committed by then, so the service's own check finds
it and answers as it would have a moment later (EmailTaken, CategoryNameTaken), and an upsert
updates the row instead of inserting it. Never a 500.
"""

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from .extensions import db

T = TypeVar("T")

# PostgreSQL's SQLSTATE and SQLite's extended result codes for a duplicate key.
_UNIQUE_SQLSTATE = "23505"
_UNIQUE_SQLITE = {"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"}


class Conflict(Exception):
    """The work clashed with concurrent writes again when run once more; nothing was saved."""


def is_unique_violation(error: IntegrityError) -> bool:
    """Whether the database refused a row because its unique key is taken (not a foreign key or check)."""
    original = error.orig
    return (
        getattr(original, "sqlstate", None) == _UNIQUE_SQLSTATE
        or getattr(original, "sqlite_errorname", None) in _UNIQUE_SQLITE
    )


def run_and_commit(work: Callable[..., T], *args, **kwargs) -> T:
    """Run `work(*args, **kwargs)`, commit what it did and return its result.

    Any exception rolls the whole unit back and propagates. A duplicate key (another request
    inserted the same row first) rolls back and runs the work once more, so `work` must change
    nothing but the database session. Raises Conflict if the second run clashes too.
    """
    try:
        return _run_once(work, args, kwargs)
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
    # The other request's rows are committed now: its checks (and upserts) see them this time.
    try:
        return _run_once(work, args, kwargs)
    except IntegrityError as error:
        if is_unique_violation(error):
            raise Conflict() from error
        raise


def _run_once(work: Callable[..., T], args: tuple, kwargs: dict) -> T:
    try:
        result = work(*args, **kwargs)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return result

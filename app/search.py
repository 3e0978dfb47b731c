"""Searching descriptions for a word (`%word%`) through an index instead of reading every expense.

PostgreSQL: a trigram index (pg_trgm) on expenses.description, which the planner uses for the
list's ILIKE condition by itself. SQLite: an FTS5 table with the trigram tokenizer over the same
column (`expenses_search`, kept in step by triggers, see migration 0008); `narrowing` adds the
condition that lets SQLite read only the rows the index finds. Either way the ILIKE condition
stays, so what matches is exactly what matched before: the index only narrows the rows to check.
"""

from sqlalchemy import ColumnElement, column, literal_column, select, table

from .extensions import db
from .models import Expense

SEARCH_TABLE = "expenses_search"  # SQLite; FTS5 adds tables named expenses_search_*
TRIGRAM_INDEX = "ix_expenses_description_trgm"  # PostgreSQL
SHORTEST = 3  # a trigram index finds substrings of three characters or more
# A page of the list: with up to this many matches, reading them all from the index and sorting
# is quicker; with more, walking the list's own order finds a page soon (at 100,000 expenses, one
# in 50 or more matches), while the index would read thousands of rows. The count comes first.
FEW_MATCHES = 2_000

_search = table(SEARCH_TABLE, column("rowid"))


def narrowing(q: str) -> list[ColumnElement[bool]]:
    """Extra WHERE clauses that let the database look `q` up in the index (none where it needs none)."""
    if len(q) < SHORTEST or db.engine.dialect.name != "sqlite":
        return []
    # An FTS5 string ("..." with " doubled) is matched as a run of trigrams: a substring, with
    # case folded for every script. LIKE on SQLite folds only A-Z, so the index finds the same
    # rows or more, and the ILIKE condition next to this one keeps exactly the right ones.
    phrase = '"' + q.replace('"', '""') + '"'
    matches = select(_search.c.rowid).where(literal_column(SEARCH_TABLE).op("MATCH")(phrase))
    return [Expense.id.in_(matches)]


def not_in_models(name: str | None, type_: str) -> bool:
    """Whether a table or index is one of these, which the models do not describe: autogenerate
    and the models-match-migrations test leave them out (Alembic's include_name hook, negated)."""
    if name is None:
        return False
    if type_ == "table":
        return name == SEARCH_TABLE or name.startswith(SEARCH_TABLE + "_")
    return type_ == "index" and name == TRIGRAM_INDEX

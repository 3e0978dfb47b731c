"""Fresh databases for the bench: a SQLite file each, and PostgreSQL when BENCH_DATABASE_URL is set."""

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from .settings import DATABASE_URL

# make_database(label) -> (url, drop): a new, empty database and the function that removes it.
MakeDatabase = Callable[[str], tuple[str, Callable[[], None]]]


def _sqlite(label: str) -> tuple[str, Callable[[], None]]:
    folder = Path(tempfile.mkdtemp(prefix=f"bench-{label}-"))
    return f"sqlite:///{folder / 'bench.sqlite'}", lambda: shutil.rmtree(folder, ignore_errors=True)


def _postgres(label: str) -> tuple[str, Callable[[], None]]:
    url = make_url(DATABASE_URL)
    name = f"{url.database or 'expenses'}_bench_{label}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def databases() -> list[tuple[str, MakeDatabase]]:
    """(name, make_database) for each database the bench runs on."""
    return [("sqlite", _sqlite)] + ([("postgresql", _postgres)] if DATABASE_URL else [])

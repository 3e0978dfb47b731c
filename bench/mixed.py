"""The mixed workload: wrk playing one person using the app (bench/mixed.lua): reads of every page
with writes among them (adding and editing expenses through the forms, CSRF token and all)."""

import re
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text

from . import wrk
from .serve import Client
from .settings import SECONDS

COUNTS = re.compile(r"mixed: (\d+) reads, (\d+) adds, (\d+) edits, (\d+) answered")
SCRIPT = Path(__file__).with_name("mixed.lua")
EDIT_LINK = re.compile(rb'href="/expenses/(\d+)/edit"')


def added(url: str) -> int:
    """Expenses the workload added (a POST redirected to the login page would look like success)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(text("SELECT count(*) FROM expenses WHERE description = 'Mixed coffee'"))
    finally:
        engine.dispose()


def run(url: str, port: int, client: Client, paths: dict[str, str], seconds: int = SECONDS * 2) -> dict:
    """requests/s, p50/p99 and the answers outside 2xx/3xx of the mixed workload on one server,
    and how many expenses it added."""
    token = client.csrf_token("/expenses/new")
    category_id = re.search(rb'<option[^>]*value="(\d+)"', client.request("GET", "/expenses/new")[2]).group(1)
    ids = EDIT_LINK.findall(client.request("GET", "/expenses")[2])
    arguments = (
        token,
        category_id.decode(),
        date.today().isoformat(),
        b",".join(ids).decode(),
        paths["list_last"],
        paths["list_filtered"],
        paths["search"],
    )
    figures, output = wrk.run(
        port, "/", client.cookie, seconds=seconds, script=SCRIPT, script_args=arguments, with_output=True
    )
    reads, adds, edits, failed = COUNTS.search(output).groups()
    figures.update(reads=int(reads), adds=int(adds), edits=int(edits), failed=int(failed), added=added(url))
    return figures

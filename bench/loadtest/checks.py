"""What the load test checks in the database: that every ledger's totals are the sum of its rows, and
that no expense a simulated person added was lost or stored twice."""

import json
import re
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, text

# The part of a load-test description that is unique to one expense ("Coffee lt12-7-a1b2c3").
UNIQUE_PART = re.compile(r" (lt\d+-\d+-[0-9a-f]{6})$")

ROLLUP_MISMATCHES = """
WITH rows AS (
    SELECT ledger_id, category_id, {key} AS bucket, count(*) AS expense_count, sum(amount_cents) AS total_cents
    FROM expenses GROUP BY ledger_id, category_id, {key}
)
SELECT count(*) FROM rows
FULL JOIN {table} AS rollup
  ON rollup.ledger_id = rows.ledger_id AND rollup.category_id = rows.category_id AND rollup.{column} = rows.bucket
WHERE rows.expense_count IS DISTINCT FROM rollup.expense_count OR rows.total_cents IS DISTINCT FROM rollup.total_cents
"""


def totals_match(url: str) -> dict:
    """Per ledger, category and day (and month): the rollups against the rows, in one snapshot taken
    while the load goes on. Returns the mismatching buckets (0 and 0 when all is well)."""
    engine = create_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as connection:
            days = connection.scalar(
                text(ROLLUP_MISMATCHES.format(key="spent_on", table="spending_days", column="day"))
            )
            months = connection.scalar(
                text(
                    ROLLUP_MISMATCHES.format(
                        key="date_trunc('month', spent_on)::date", table="spending_months", column="month"
                    )
                )
            )
            ledgers = connection.scalar(text("SELECT count(DISTINCT ledger_id) FROM expenses"))
    finally:
        engine.dispose()
    return {"ledgers_checked": ledgers, "day_buckets_wrong": days, "month_buckets_wrong": months}


def nothing_lost(url: str, expense_log: Path) -> dict:
    """Every expense the people were told was saved is there once (none if they deleted it), none is
    there twice, and every import has exactly the rows its batch counts; per phase of the run."""
    entries = [json.loads(line) for line in expense_log.read_text().splitlines() if line.strip()]
    deleted = {entry["expense_id"] for entry in entries if entry["kind"] == "delete" and entry["outcome"] == "deleted"}
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            stored = connection.execute(text("SELECT id, description FROM expenses WHERE description ~ ' lt[0-9]+-'"))
            found: Counter = Counter()
            for _id, description in stored:
                match = UNIQUE_PART.search(description)
                if match:
                    found[match.group(1)] += 1
            batches = connection.execute(
                text(
                    "SELECT b.row_count, count(e.id) FROM import_batches AS b "
                    "LEFT JOIN expenses AS e ON e.import_batch_id = b.id GROUP BY b.id, b.row_count"
                )
            ).all()
    finally:
        engine.dispose()

    phases: dict[str, Counter] = {}
    for entry in entries:
        if entry["kind"] not in ("quick", "form"):
            continue
        tally = phases.setdefault(entry["phase"], Counter())
        key = UNIQUE_PART.search(entry["description"]).group(1)
        count = found.get(key, 0)
        tally["added"] += 1
        if count > 1:
            tally["doubled"] += 1
        if entry["outcome"] == "saved":
            tally["saved"] += 1
            expected = 0 if entry.get("expense_id") in deleted else 1
            if count < expected:
                tally["lost"] += 1
            if entry.get("attempts", 1) > 1:
                tally["saved after a retry"] += 1
        elif entry["outcome"] == "unknown":
            tally["outcome unknown to the person"] += 1
            tally[f"of those, stored {count}x"] += 1
    imports = Counter(entry["outcome"] for entry in entries if entry["kind"] == "import")
    return {
        "per_phase": {phase: dict(tally) for phase, tally in phases.items()},
        "lost": sum(tally["lost"] for tally in phases.values()),
        "doubled": sum(tally["doubled"] for tally in phases.values()),
        "deleted": len(deleted),
        "imports": dict(imports),
        "import_batches": len(batches),
        "import_batches_wrong": sum(1 for row_count, rows in batches if row_count != rows),
    }

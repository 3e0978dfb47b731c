"""What every part of `make bench` shares: the environment it reads, the user it signs in as."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
SECRET_KEY = "bench-secret-key-" + "x" * 32
EMAIL, PASSWORD = "bench@example.com", "bench-password-1"

QUICK = os.environ.get("BENCH_QUICK") == "1"
SIZES = (1_000, 10_000) if QUICK else (1_000, 10_000, 100_000)
# The N the targets are read at (100,000; 10,000 in a quick run) and the one it is compared with.
SMALL, LARGE = SIZES[0], SIZES[-1]
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL")

# wrk's threads and connections; gunicorn's sync workers.
THREADS, CONNECTIONS, WORKERS = 2, 4, 2


def server_environment(url: str) -> dict:
    """The environment gunicorn and the in-process app run with: production settings, this
    database, rate limits in memory (never the shared Redis)."""
    env = dict(os.environ, DATABASE_URL=url, FLASK_CONFIG="production", SECRET_KEY=SECRET_KEY)
    env.pop("RATELIMIT_STORAGE_URI", None)
    return env


def app_config(url: str) -> dict:
    """The same for an app the bench builds in its own process (create_bench_app's overrides)."""
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": SECRET_KEY,
        "RATELIMIT_STORAGE_URI": "memory://",
    }

"""Pages rendered in the bench's own process through Flask's test client, signed in: the time to
render each (median of many requests, no HTTP server in between), and where that time goes."""

import cProfile
import os
import pstats
import statistics
import sys
import time
from contextlib import contextmanager

from app.extensions import db

from .app import create_bench_app
from .serve import CSRF_META
from .settings import EMAIL, PASSWORD, ROOT, app_config

REQUESTS = 200
BASE_URL = "https://localhost"  # production cookies are Secure


class Browser:
    """A signed-in test client of the production app on one database."""

    def __init__(self, url: str, email: str = EMAIL):
        self.app = create_bench_app(**app_config(url))
        self.client = self.app.test_client()
        self.status = None  # of the last timed request
        token = CSRF_META.search(self.get("/login").data).group(1).decode()
        response = self.post("/login", {"csrf_token": token, "email": email, "password": PASSWORD})
        if response.status_code != 302:
            raise SystemExit(f"bench: signing in as {email} in process answered {response.status_code}")

    def get(self, path: str):
        return self.client.get(path, base_url=BASE_URL)

    def post(self, path: str, data: dict):
        # Over HTTPS, Flask-WTF also wants a Referer from the same site.
        return self.client.post(path, base_url=BASE_URL, data=data, headers={"Referer": BASE_URL + path})

    def timed(self, path: str, expect: int | None = 200) -> float:
        """Milliseconds to answer `path`, body included; the status must be `expect` unless None
        (then it is kept in `status`)."""
        started = time.perf_counter()
        response = self.get(path)
        response.get_data()
        elapsed = (time.perf_counter() - started) * 1000
        self.status = response.status_code
        if expect is not None and response.status_code != expect:
            raise SystemExit(f"bench: {path} answered {response.status_code} in process")
        return elapsed

    def close(self) -> None:
        with self.app.app_context():
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()


@contextmanager
def browser(url: str, email: str = EMAIL):
    opened = Browser(url, email)
    try:
        yield opened
    finally:
        opened.close()


def medians(opened: Browser, paths: dict[str, str], requests: int = REQUESTS) -> dict[str, dict]:
    """{name: {"median_ms", "max_ms"}} over `requests` rounds; each round asks for every page once,
    so that the machine's drift over the run falls alike on all of them (the baseline included)."""
    for path in paths.values():
        opened.timed(path)  # warm: templates compiled, connections open
    times = {name: [] for name in paths}
    for _ in range(requests):
        for name, path in paths.items():
            times[name].append(opened.timed(path))
    return {
        name: {"median_ms": round(statistics.median(values), 2), "max_ms": round(max(values), 2)}
        for name, values in times.items()
    }


def _where(key: tuple) -> str:
    filename, line, function = key
    for prefix in sorted({str(ROOT), *sys.path}, key=len, reverse=True):
        if prefix and filename.startswith(prefix + os.sep):
            filename = filename[len(prefix) + 1 :]
            break
    return f"{function} ({filename}:{line})" if line else function


def profile(opened: Browser, path: str, requests: int = 50, top: int = 15) -> list[str]:
    """The `top` functions by cumulative time while rendering `path` `requests` times, per request.
    It starts at the view: the wrappers every request passes through (the test client, Flask's
    dispatch) are left out."""
    opened.timed(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        opened.timed(path)
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    # The view: the outermost function of the app itself (below the test client, Flask, the cache).
    app_folder = str(ROOT / "app") + os.sep
    total = max(ct for (filename, _, _), (_, _, _, ct, _) in stats.items() if filename.startswith(app_folder))
    rows = sorted(
        ((cumulative, own, calls, key) for key, (_prim, calls, own, cumulative, _callers) in stats.items()),
        reverse=True,
    )

    def cumulative_of(module: str, function: str) -> tuple[float, int]:
        """(cumulative ms per request, calls per request) of one function, 0 when it did not run."""
        for (filename, _, name), (_prim, calls, _own, cumulative, _callers) in stats.items():
            if name == function and filename.endswith(module):
                return cumulative * 1000 / requests, round(calls / requests)
        return 0.0, 0

    request_ms, _ = cumulative_of(os.path.join("bench", "inprocess.py"), "timed")
    sql_ms, statements = cumulative_of(os.path.join("sqlalchemy", "engine", "base.py"), "_execute_context")
    template_ms, _ = cumulative_of(os.path.join("flask", "templating.py"), "_render")
    lines = [
        f"    a request {request_ms:.1f} ms under the profiler: {statements} SQL statements {sql_ms:.1f} ms, "
        f"templates {template_ms:.1f} ms (lazy SQL from a template counts in both), the rest "
        f"{request_ms - sql_ms - template_ms:.1f} ms",
        f"    {'cum ms':>8} {'own ms':>8} {'calls':>7}  per request; {requests} requests of {path}",
    ]
    for cumulative, own, calls, key in [row for row in rows if row[0] <= total][:top]:
        per_request = f"{cumulative * 1000 / requests:>8.2f} {own * 1000 / requests:>8.2f} {calls / requests:>7.0f}"
        lines.append(f"    {per_request}  {_where(key)}")
    return lines

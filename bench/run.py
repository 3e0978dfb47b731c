"""`make bench`: how the pages hold up at 1,000, 10,000 and 100,000 expenses.

For each database (SQLite, and PostgreSQL when BENCH_DATABASE_URL is set) and each N, it seeds one
user with N expenses over five years in 12 categories, serves the app with gunicorn (2 sync
workers, production config), logs in, and drives every page with wrk on loopback for a fixed time,
each page at every N in turn (the servers of all N run side by side).
It prints a table, a `RATIO <page> <N> <x>` line per page (requests/s of the page over the
baseline's, same run), the CSV export's rows/s and the worker's memory growth during it, and
writes the same to bench/results.json. wrk repeats one request, so those pages come from the page
cache (app/pagecache.py) after the first; a second pass serves every page with the cache off and
reports it as `<page>.rendered`: the cost of rendering it, request after request.

BENCH_QUICK=1 runs N = 1,000 and 10,000 only; BENCH_SECONDS sets the time per page (default 5).
"""

import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import date, timedelta
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

from flask_migrate import upgrade
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

from app import create_app
from app.auth.services import create_user
from app.expense_rows import insert_expenses
from app.extensions import db
from app.models import Category, User

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
SECRET_KEY = "bench-secret-key-" + "x" * 32
EMAIL, PASSWORD = "bench@example.com", "bench-password-1"
QUICK = os.environ.get("BENCH_QUICK") == "1"
SIZES = (1_000, 10_000) if QUICK else (1_000, 10_000, 100_000)
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS, THREADS = 4, 2
RENDERED = ".rendered"

CATEGORIES = (
    "Food & groceries", "Transport", "Housing", "Utilities", "Health", "Entertainment",
    "Shopping", "Other", "Travel", "Education", "Gifts", "Insurance",
)  # fmt: skip
WORDS = (
    "Coffee", "Groceries", "Lunch", "Taxi", "Train ticket", "Rent", "Electricity", "Pharmacy",
    "Cinema", "Books", "Shoes", "Gift", "Flight", "Hotel", "Course fee", "Premium", "Dinner out",
    "Bakery", "Fuel", "Internet",
)  # fmt: skip


def seed(url: str, n: int) -> dict:
    """A fresh schema with one user and n expenses; returns ids the page URLs need."""
    app = create_app("production", SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=SECRET_KEY)
    with app.app_context():
        upgrade()
        user = create_user(EMAIL, PASSWORD)
        db.session.execute(text("DELETE FROM categories WHERE user_id = :u"), {"u": user.id})
        db.session.execute(
            insert(Category),
            [
                {"user_id": user.id, "name": name, "name_key": name.casefold(), "color": "#546e7a"}
                for name in CATEGORIES
            ],
        )
        category_ids = list(db.session.scalars(select(Category.id).where(Category.user_id == user.id)))
        rng = random.Random(n)
        today = date.today()
        started = time.perf_counter()
        batch = []
        for i in range(n):
            batch.append(
                {
                    "user_id": user.id,
                    "category_id": rng.choice(category_ids),
                    "spent_on": today - timedelta(days=rng.randrange(5 * 365)),
                    "description": f"{rng.choice(WORDS)} {i % 97}",
                    "amount_cents": rng.randrange(100, 500_000),
                }
            )
            if len(batch) == 10_000:
                insert_expenses(batch)
                batch.clear()
        insert_expenses(batch)
        db.session.commit()
        seconds = time.perf_counter() - started
        # Planner statistics and a vacuumed table, as a long-lived database has. On PostgreSQL,
        # VACUUM also spares the measurements an autovacuum of the fresh rows running under them.
        vacuum = "VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(vacuum))
        first_category = min(category_ids)
        user_id = db.session.scalar(select(User.id).where(User.email == EMAIL))
        for engine in db.engines.values():
            engine.dispose()
    return {"category_id": first_category, "user_id": user_id, "seed_seconds": seconds}


def pages(ids: dict) -> list[tuple[str, str]]:
    today = date.today()
    # Two years of one category: a full page (25 rows) at every N, so the page compared across N
    # is the same page (one year of 1,000 expenses in 12 categories is only ~17 rows).
    filtered = urlencode(
        {"category": ids["category_id"], "from": (today - timedelta(days=730)).isoformat(), "to": today.isoformat()}
    )
    return [
        ("baseline", "/bench/baseline"),
        ("dashboard", "/"),
        ("list_first", "/expenses"),
        ("list_last", None),  # found from the first page's "Last" link
        ("list_filtered", f"/expenses?{filtered}"),
        ("search", "/expenses?q=coffee"),
        ("reports", "/reports"),
        ("budgets", "/budgets"),
        ("export", "/export.csv"),
    ]


class Client:
    """Just enough HTTP for logging in and fetching a page with the session cookie."""

    def __init__(self, port: int):
        self.port = port
        self.cookie = ""

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, dict, bytes]:
        connection = HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        connection.close()
        return response.status, dict(response.getheaders()), data

    def login(self) -> None:
        _, _, page = self.request("GET", "/login")
        token = re.search(rb'name="csrf-token" content="([^"]+)"', page).group(1).decode()
        status, _, _ = self.request(
            "POST", "/login", urlencode({"csrf_token": token, "email": EMAIL, "password": PASSWORD})
        )
        if status != 302:
            raise SystemExit(f"bench: logging in answered {status}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url: str, port: int, page_cache: bool = True) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, FLASK_CONFIG="production", SECRET_KEY=SECRET_KEY)
    if not page_cache:
        env["PAGE_CACHE_BYTES"] = "0"
    env.pop("RATELIMIT_STORAGE_URI", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "sync", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "bench.app:create_bench_app()"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if Client(port).request("GET", "/healthz")[0] == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("bench: gunicorn did not start")


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def run_wrk(port: int, path: str, cookie: str) -> dict:
    output = subprocess.run(
        ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "30s", "--latency",
         "-H", f"Cookie: {cookie}", f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip

    def number(pattern, default="0"):
        match = re.search(pattern, output)
        return match.group(1) if match else default

    def millis(value: str) -> float:
        amount, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
        return float(amount) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]

    errors = sum(
        int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", number(r"Socket errors: (.*)", ""))
    )
    return {
        "rps": float(number(r"Requests/sec:\s+([\d.]+)")),
        "p50_ms": millis(number(r"\s50%\s+(\S+)", "0us")),
        "p99_ms": millis(number(r"\s99%\s+(\S+)", "0us")),
        "requests": int(number(r"(\d+) requests in")),
        "non_2xx": int(number(r"Non-2xx or 3xx responses: (\d+)")),
        "socket_errors": errors,
    }


# Words not searched before in the run: each of these searches adds up its matches afresh.
FIRST_SEARCH_WORDS = ("taxi", "rent", "books", "hotel", "fuel", "lunch", "gift", "bakery", "train", "shoes")


def measure_first_searches(client: Client) -> dict:
    """The search page as a user first sees it: the count and total of a search are kept until the
    expenses change (see listing.filtered_totals), so wrk's repeats of one search measure the kept
    figures; this times searches never made before, one request each."""
    timings = []
    for word in FIRST_SEARCH_WORDS:
        started = time.perf_counter()
        status, _, _ = client.request("GET", f"/expenses?q={word}")
        timings.append((time.perf_counter() - started) * 1000)
        assert status == 200, f"search for {word} answered {status}"
    return {"p50_ms": round(statistics.median(timings), 2), "max_ms": round(max(timings), 2)}


def measure_export(client: Client, master: int, n: int) -> dict:
    """One full export: rows/s and how much the busiest worker's memory grew meanwhile."""
    workers = worker_pids(master)
    before = {pid: rss_kib(pid) for pid in workers}
    peak = dict(before)
    done = threading.Event()

    def sample():
        while not done.is_set():
            for pid in workers:
                peak[pid] = max(peak[pid], rss_kib(pid))
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    status, _, body = client.request("GET", "/export.csv")
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    rows = body.count(b"\r\n") - 1
    assert status == 200 and rows == n, (status, rows, n)
    return {
        "rows": rows,
        "seconds": round(seconds, 3),
        "rows_per_s": round(rows / seconds),
        "memory_growth_mb": round(max(peak[pid] - before[pid] for pid in workers) / 1024, 1),
    }


def databases() -> list[tuple[str, callable]]:
    """(name, factory) where factory(n) gives (url, cleanup) for a fresh database."""

    def sqlite(n):
        folder = Path(tempfile.mkdtemp(prefix="bench-"))
        return f"sqlite:///{folder / 'bench.sqlite'}", lambda: shutil.rmtree(folder, ignore_errors=True)

    found = [("sqlite", sqlite)]
    base = os.environ.get("BENCH_DATABASE_URL")
    if base:

        def postgres(n):
            url = make_url(base)
            name = f"{url.database or 'expenses'}_bench_{n}"
            admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                connection.execute(text(f'CREATE DATABASE "{name}"'))

            def drop():
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()

            return url.set(database=name).render_as_string(hide_password=False), drop

        found.append(("postgresql", postgres))
    return found


def resolve_path(client: Client, name: str, path: str | None) -> str | None:
    """The page's address; the last list page's is read off the first page's "Last" link."""
    if name != "list_last":
        return path
    _, _, first = client.request("GET", "/expenses")
    match = re.search(rb'<a class="page-link" href="([^"]+)" rel="last">', first)
    return match.group(1).decode().replace("&amp;", "&") if match else None


def measure_page(client: Client, port: int, name: str, path: str | None, n: int) -> dict:
    if path is None:
        print(f"  {name}: no 'Last' page link on the list page at N={n:,}; skipped")
        return {"path": path, "status": 0}
    status, _, body = client.request("GET", path)
    if status != 200:
        print(f"  {name}: {path} answered {status} at N={n:,}; skipped")
        return {"path": path, "status": status}
    figures = run_wrk(port, path, client.cookie)
    figures.update(path=path, bytes=len(body))
    print(
        f"  {name:<14} {n:>7,} {figures['rps']:>9.1f} req/s  p50 {figures['p50_ms']:>8.2f} ms  "
        f"p99 {figures['p99_ms']:>8.2f} ms  {len(body):>9,} B  non-2xx {figures['non_2xx']}",
        flush=True,
    )
    return figures


@contextmanager
def servers_for(prepared: dict, page_cache: bool):
    """A gunicorn per N, each with a client signed in: {n: (server, port, client)}."""
    servers = {}
    try:
        for n, (url, _ids) in prepared.items():
            port = free_port()
            servers[n] = (start_gunicorn(url, port, page_cache), port, Client(port))
            servers[n][2].login()
        yield servers
    finally:
        for server, _, _ in servers.values():
            server.terminate()
            server.wait(timeout=30)


def bench_database(database: str, make_database) -> dict:
    """Every N of one database. A server per N runs side by side and wrk drives each page at every
    N in turn, so that the machine's own drift over minutes falls alike on all N: the flat-cost
    comparison is of runs seconds apart, not minutes apart."""
    prepared, cleanups, results = {}, [], {}
    try:
        for n in SIZES:
            url, cleanup = make_database(n)
            cleanups.append(cleanup)
            ids = seed(url, n)
            print(f"[{database} N={n:,}] seeded in {ids['seed_seconds']:.1f}s", flush=True)
            prepared[n] = (url, ids)
            results[n] = {"seed_seconds": round(ids["seed_seconds"], 2)}
        for key, page_cache in (("pages", True), ("rendered", False)):
            print(f"\n[{database}] " + ("as served" if page_cache else "rendered every time (PAGE_CACHE_BYTES=0)"))
            with servers_for(prepared, page_cache) as servers:
                # The export is a file, not a page: the cache has nothing to do with it.
                paths = {n: dict(pages(ids)) for n, (_url, ids) in prepared.items()}
                names = [name for name in paths[SIZES[0]] if page_cache or name != "export"]
                for name in names:
                    for n, (_server, port, client) in servers.items():
                        path = resolve_path(client, name, paths[n][name])
                        results[n].setdefault(key, {})[name] = measure_page(client, port, name, path, n)
                if page_cache:
                    for n, (server, _, client) in servers.items():
                        results[n]["first_search"] = first = measure_first_searches(client)
                        results[n]["export"] = export = measure_export(client, server.pid, n)
                        print(f"  N={n:,}: first searches p50 {first['p50_ms']} ms, max {first['max_ms']} ms; "
                              f"export {export['rows_per_s']:,} rows/s, worker memory +{export['memory_growth_mb']} MB",
                              flush=True)  # fmt: skip
    finally:
        for cleanup in cleanups:
            cleanup()
    return results


# The two passes over the pages: as served (repeat views come from the page cache) and rendered
# on every request (the cache off). A rendered page's name carries RENDERED in the table and ratios.
PASSES = (("pages", ""), ("rendered", RENDERED))


def report(all_results: dict) -> list[str]:
    lines = ["", f"{'db':<11}{'page':<24}{'N':>8}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'bytes':>11}{'ratio':>7}"]
    ratios = []
    for database, by_n in all_results.items():
        for n, result in by_n.items():
            for key, suffix in PASSES:
                pages_ = result.get(key, {})
                base = pages_.get("baseline", {}).get("rps") or 0
                for name, figures in pages_.items():
                    if "rps" not in figures:
                        continue
                    ratio = figures["rps"] / base if base else 0
                    figures["ratio"] = round(ratio, 3)
                    lines.append(
                        f"{database:<11}{name + suffix:<24}{n:>8}{figures['rps']:>10.1f}{figures['p50_ms']:>9.2f}"
                        f"{figures['p99_ms']:>9.2f}{figures['bytes']:>11,}{ratio:>7.2f}"
                    )
                    where = "" if database == "sqlite" else f" ({database})"
                    ratios.append(f"RATIO {name}{suffix} {n} {ratio:.3f}{where}")
    return lines + [""] + ratios


def check_targets(all_results: dict) -> list[str]:
    """The issue's targets, each as PASS or FAIL; the rendered pass's figures as INFO."""
    verdicts = []
    for database, by_n in all_results.items():
        small, large = by_n.get(1_000), by_n.get(100_000)
        runs = [page for r in by_n.values() for key, _ in PASSES for page in r.get(key, {}).values()]
        errors = sum(p.get("non_2xx", 0) + p.get("socket_errors", 0) + ("status" in p) for p in runs)
        verdicts.append(f"{'PASS' if errors == 0 else 'FAIL'} {database}: no errors or non-2xx responses ({errors})")
        if large is None:
            continue
        for key, suffix in PASSES:
            for name, figures in large.get(key, {}).items():
                if name in ("baseline", "export") or "ratio" not in figures:
                    continue
                verdict = ("PASS" if figures["ratio"] >= 0.5 else "FAIL") if not suffix else "INFO"
                verdicts.append(
                    f"{verdict} {database}: {name}{suffix} at 100k is {figures['ratio']:.2f} of the baseline (>= 0.5)"
                )
                small_figures = small.get(key, {}).get(name, {}) if small else {}
                if "rps" in small_figures:
                    flat = figures["rps"] / small_figures["rps"]
                    # The machine's own speed drifts even between runs seconds apart; the same
                    # ratio of the page to the baseline of its own run shows how much of it was that.
                    steady = figures["ratio"] / small_figures["ratio"] if small_figures.get("ratio") else 0
                    verdicts.append(
                        f"{'PASS' if flat >= 0.8 else 'FAIL'} {database}: {name}{suffix} 100k/1k = {flat:.2f} (>= 0.8);"
                        f" of the baseline in each run: {steady:.2f}"
                    )
        export = large["export"]
        rate, growth = export["rows_per_s"], export["memory_growth_mb"]
        verdicts.append(f"{'PASS' if rate >= 50_000 else 'FAIL'} {database}: export {rate:,} rows/s (>= 50,000)")
        verdicts.append(f"{'PASS' if growth < 50 else 'FAIL'} {database}: export memory +{growth} MB (< 50)")
    return verdicts


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk is not installed. On Debian or Ubuntu: apt-get install -y wrk")
    started = time.perf_counter()
    all_results: dict = {}
    for database, make_database in databases():
        all_results[database] = bench_database(database, make_database)
    lines = report(all_results)
    verdicts = check_targets(all_results)
    print("\n".join(lines + [""] + verdicts))
    machine = f"{os.cpu_count()} cores, {os.uname().machine}, Python {sys.version.split()[0]}"
    elapsed = round(time.perf_counter() - started)
    print(f"\n{machine}; {SECONDS}s per page, wrk -t{THREADS} -c{CONNECTIONS}; took {elapsed}s")
    RESULTS.write_text(
        json.dumps(
            {"machine": machine, "seconds_per_page": SECONDS, "results": all_results, "targets": verdicts}, indent=1
        )
        + "\n"
    )


if __name__ == "__main__":
    main()

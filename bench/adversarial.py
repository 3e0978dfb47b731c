"""The adversarial account (issue 16): one account built at every limit the app allows, and what
it costs: each of its pages rendered in process (target: under 1 s), and a normal account's pages
over HTTP while the adversary's pages are asked for without pause (target: not slowed past 1.5x).

The adversary has the most categories allowed, the most category budget rows (spread over
1970-2099, rollover on, so that a period of 2099 carries money through 130 years of history), the
most overall budget rows, the most saved import layouts (each as wide as a file may be), and
expenses over the widest dates allowed (1970-01-01 to 2099-12-31); its periods start on the 25th.
"""

import signal
import statistics
import subprocess
import time
from contextlib import contextmanager
from datetime import date, timedelta
from urllib.parse import urlencode

from flask_migrate import upgrade
from sqlalchemy import insert, update

from app.extensions import db
from app.models import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_CATEGORIES,
    MAX_CATEGORY_BUDGET_ROWS,
    MAX_IMPORT_MAPPINGS,
    MAX_OVERALL_BUDGET_ROWS,
    CategoryBudget,
    ImportMapping,
    Ledger,
    OverallBudget,
)
from app.transfer.csv_file import MAX_COLUMNS, MAX_HEADER_CELL, header_signature
from app.transfer.layout import ImportSettings

from . import drive, inprocess, wrk
from .app import create_bench_app
from .seed import CATEGORIES, add_expenses, add_user, analyze, dispose
from .serve import Client, server
from .settings import EMAIL, LARGE, SIZES, app_config

ADVERSARY = "adversary@example.com"
NEIGHBOUR = "neighbour@example.com"  # a second normal account: the control for the slowdown
EXPENSES = LARGE  # the adversary's; the normal account has SIZES[1] (10,000)
NORMAL_EXPENSES = SIZES[1]
PAGE_TARGET_MS = 1000
SLOWDOWN_TARGET = 1.5
START_DAY = 25


def _months(first: date, last: date) -> list[date]:
    """The START_DAY of every month from first's to last's."""
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, START_DAY))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _spread(items: list, count: int) -> list:
    """`count` of `items`, evenly spaced from the first to the last."""
    if count >= len(items):
        return list(items)
    return [items[i * (len(items) - 1) // max(count - 1, 1)] for i in range(count)]


def build(url: str) -> dict:
    """The adversary and a normal account in a fresh schema; returns what the page paths need."""
    app = create_bench_app(**app_config(url))
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        five_years_ago = date.today() - timedelta(days=1824)
        _normal_user, normal_id, normal_categories = add_user(EMAIL, CATEGORIES)
        add_expenses(normal_id, normal_categories, NORMAL_EXPENSES, five_years_ago, 1825, seed=1)
        _neighbour_user, neighbour_id, neighbour_categories = add_user(NEIGHBOUR, CATEGORIES)
        add_expenses(neighbour_id, neighbour_categories, NORMAL_EXPENSES, five_years_ago, 1825, seed=3)

        names = [f"Category {i:03d}" for i in range(1, MAX_CATEGORIES + 1)]
        _user_id, ledger_id, category_ids = add_user(ADVERSARY, names)
        db.session.execute(update(Ledger).where(Ledger.id == ledger_id).values(period_start_day=START_DAY))
        span = (LATEST_DATE - EARLIEST_DATE).days + 1
        add_expenses(ledger_id, category_ids, EXPENSES, EARLIEST_DATE, span, seed=2)

        months = _months(EARLIEST_DATE, LATEST_DATE)
        per_category = MAX_CATEGORY_BUDGET_ROWS // len(category_ids)
        budget_rows = [
            {
                "ledger_id": ledger_id,
                "category_id": category_id,
                "effective_from": day,
                "limit_cents": 10_000 + 100 * k,
                "rollover": True,
            }
            for category_id in category_ids
            for k, day in enumerate(_spread(months, per_category))
        ]
        db.session.execute(insert(CategoryBudget), budget_rows)
        db.session.execute(
            insert(OverallBudget),
            [
                {"ledger_id": ledger_id, "effective_from": day, "amount_cents": 5_000_000 + k}
                for k, day in enumerate(_spread(months, MAX_OVERALL_BUDGET_ROWS))
            ],
        )
        settings = ImportSettings.from_json({}, MAX_COLUMNS).for_saving()
        mappings = []
        for k in range(MAX_IMPORT_MAPPINGS):
            header = [f"{k:03d} column {column:02d} ".ljust(MAX_HEADER_CELL, "x") for column in range(MAX_COLUMNS)]
            signature = header_signature(header)
            mappings.append(
                {"ledger_id": ledger_id, "header_signature": signature, "header": header, "settings": settings}
            )
        db.session.execute(insert(ImportMapping), mappings)
        db.session.commit()
        seconds = time.perf_counter() - started
        analyze()
        dispose()
    return {
        "category_id": category_ids[0],
        "normal_category_id": normal_categories[0],
        "neighbour_category_id": neighbour_categories[0],
        "seed_seconds": round(seconds, 1),
        "categories": len(category_ids),
        "category_budget_rows": len(budget_rows),
        "overall_budget_rows": min(MAX_OVERALL_BUDGET_ROWS, len(months)),
        "import_mappings": len(mappings),
        "expenses": EXPENSES,
    }


def adversary_paths(ids: dict) -> dict[str, str]:
    widest = urlencode({"category": ids["category_id"], "from": EARLIEST_DATE, "to": LATEST_DATE})
    return {
        "dashboard": "/",
        "dashboard_2099": "/?period=2099-12",
        "dashboard_1970": "/?period=1970-01",
        "list_first": "/expenses",
        "list_last": None,  # read off the first page
        "list_filtered": f"/expenses?{widest}",
        "search": "/expenses?q=coffee",
        "reports": "/reports",
        "reports_1970": "/reports?period=1970-01",
        "budgets": "/budgets",
        "budgets_2099": "/budgets?period=2099-12",
        "budgets_1970": "/budgets?period=1970-01",
        "budget_edit": f"/budgets/{ids['category_id']}/edit",
        "categories": "/categories",
        "new_expense": "/expenses/new",
        "import": "/import",
        "imports": "/imports",
        "backup_page": "/backup",
        "settings": "/account/settings",
    }


# Downloads, not pages: timed once each, beside the pages, without the 1 s target.
DOWNLOADS = {"export_csv": "/export.csv", "backup_json": "/backup.json"}


def normal_paths(category_id: int) -> dict[str, str]:
    """A normal account's pages; `category_id` is one of its categories."""
    today = date.today()
    filtered = urlencode({"category": category_id, "from": today - timedelta(days=730), "to": today.isoformat()})
    return {
        "dashboard": "/",
        "list_first": "/expenses",
        "list_filtered": f"/expenses?{filtered}",
        "search": "/expenses?q=coffee",
        "reports": "/reports",
        "budgets": "/budgets",
    }


def _time_page(opened: inprocess.Browser, path: str) -> dict:
    """Median and worst of 5 requests; one alone when it takes over 5 s (the figure says enough)."""
    first = opened.timed(path, expect=None)
    times = [first] + ([opened.timed(path, expect=None) for _ in range(4)] if first < 5000 else [])
    return {
        "median_ms": round(statistics.median(times), 1),
        "max_ms": round(max(times), 1),
        "requests": len(times),
        "status": opened.status,
    }


def page_times(url: str, ids: dict) -> dict:
    with inprocess.browser(url, ADVERSARY) as opened:
        paths = adversary_paths(ids)
        paths["list_last"] = drive.last_page_path(opened.get("/expenses").data)
        figures = {}
        for name, path in paths.items():
            if path:
                figures[name] = page = _time_page(opened, path)
                print(
                    f"  {name:<16} median {page['median_ms']:>9.1f} ms  max {page['max_ms']:>9.1f} ms"
                    f"  ({page['status']})",
                    flush=True,
                )
        for name, path in DOWNLOADS.items():
            started = time.perf_counter()
            response = opened.get(path)
            size = len(response.get_data())
            figures[name] = download = {
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "bytes": size,
                "status": response.status_code,
            }
            print(f"  {name:<16} {download['ms']:>9.1f} ms  {size:,} B  ({response.status_code})", flush=True)
    return figures


def _medians(client: Client, paths: dict[str, str], rounds: int) -> dict[str, float]:
    times = {name: [] for name in paths}
    for _ in range(rounds):
        for name, path in paths.items():
            started = time.perf_counter()
            status, _, _ = client.request("GET", path)
            times[name].append((time.perf_counter() - started) * 1000)
            assert status == 200, (path, status)
    return {name: round(statistics.median(values), 2) for name, values in times.items()}


@contextmanager
def hitting(port: int, cookie: str, paths: list[str]):
    """One client asking for `paths` in turn without pause (wrk, 1 connection, bench/cycle.lua)
    for as long as the block runs; yields a dict that gets wrk's figures for it at the end."""
    command = [
        "wrk", "-t1", "-c1", "-d600s", "--timeout", "60s", "--latency", "-H", f"Cookie: {cookie}",
        "-s", str(drive.CYCLE), f"http://127.0.0.1:{port}/", "--", *paths,
    ]  # fmt: skip
    figures: dict = {}
    hitter = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(2)
        yield figures
    finally:
        hitter.send_signal(signal.SIGINT)
        output, _ = hitter.communicate(timeout=120)
        figures.update(wrk.parse(output))


def neighbour_slowdown(url: str, ids: dict, rounds: int = 20) -> dict:
    """A normal account's pages over HTTP (gunicorn, 2 workers): quiet, then while one client asks
    for another normal account's pages without pause (any busy neighbour: the control), then while
    one asks for the adversary's. Each figure is the median of `rounds` requests per page."""
    with server(url) as (_process, port):
        normal = Client(port).login(EMAIL)
        neighbour = Client(port).login(NEIGHBOUR)
        adversary = Client(port).login(ADVERSARY)
        paths = normal_paths(ids["normal_category_id"])
        hostile = adversary_paths(ids)
        hostile["list_last"] = drive.last_page_path(adversary.request("GET", "/expenses")[2])
        _medians(normal, paths, 2)  # warm both workers
        quiet = _medians(normal, paths, rounds)
        busy = list(normal_paths(ids["neighbour_category_id"]).values())
        with hitting(port, neighbour.cookie, busy) as control_figures:
            control = _medians(normal, paths, rounds)
        with hitting(port, adversary.cookie, [path for path in hostile.values() if path]) as adversary_figures:
            loaded = _medians(normal, paths, rounds)
    return {
        "quiet_ms": quiet,
        "with_neighbour_ms": control,
        "with_adversary_ms": loaded,
        "ratios": {name: round(loaded[name] / quiet[name], 2) for name in paths},
        "overall": round(sum(loaded.values()) / sum(quiet.values()), 2),
        "control": round(sum(control.values()) / sum(quiet.values()), 2),
        "neighbour_wrk": control_figures,
        "adversary_wrk": adversary_figures,
    }


def bench(database: str, make_database) -> dict:
    url, drop = make_database("adversary")
    try:
        ids = build(url)
        print(
            f"\n[{database}] adversarial account: {ids['categories']} categories, {ids['category_budget_rows']:,} "
            f"category budget rows (rollover on), {ids['overall_budget_rows']:,} overall budget rows, "
            f"{ids['import_mappings']} import layouts, {ids['expenses']:,} expenses over "
            f"{EARLIEST_DATE.year}-{LATEST_DATE.year}; built in {ids['seed_seconds']} s",
            flush=True,
        )
        pages = page_times(url, ids)
        neighbour = neighbour_slowdown(url, ids)
        print(
            f"  a normal account's pages while one client asks for the adversary's without pause: "
            f"{neighbour['overall']:.2f}x the quiet time ("
            + ", ".join(f"{name} {ratio:.2f}x" for name, ratio in neighbour["ratios"].items())
            + f"); while one asks for another normal account's: {neighbour['control']:.2f}x",
            flush=True,
        )
    finally:
        drop()
    return {"account": ids, "pages": pages, "neighbour": neighbour}


def check(database: str, result: dict) -> list[str]:
    lines = []
    for name, figures in result["pages"].items():
        if "median_ms" in figures:
            # A clear 404 (a period beyond the years allowed) is an answer too; a 500 is not.
            passed = figures["median_ms"] < PAGE_TARGET_MS and figures["status"] in (200, 404)
            lines.append(
                f"{'PASS' if passed else 'MISS'} {database}: adversarial {name} answers {figures['status']} in "
                f"{figures['median_ms']:,.1f} ms (< {PAGE_TARGET_MS:,})"
            )
    overall = result["neighbour"]["overall"]
    worst = max(result["neighbour"]["ratios"].items(), key=lambda item: item[1])
    lines.append(
        f"{'PASS' if overall <= SLOWDOWN_TARGET else 'MISS'} {database}: a normal account's pages take {overall:.2f}x "
        f"their quiet time while the adversary's are hit (<= {SLOWDOWN_TARGET}x; worst {worst[0]} {worst[1]:.2f}x; "
        f"{result['neighbour']['control']:.2f}x while a normal account's are)"
    )
    return lines

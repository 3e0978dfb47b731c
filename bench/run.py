"""`make bench`: how the pages hold up at 1,000, 10,000 and 100,000 expenses, every one of them
rendered for the request that asked for it.

For each database (SQLite, and PostgreSQL when BENCH_DATABASE_URL is set) it seeds one user per N
with N expenses over five years in 12 categories (bench/seed.py), then:

- times every page in process, through Flask's test client signed in (median of 200 requests, the
  pages taken in turn), at the smallest and the largest N (bench/inprocess.py);
- serves each N with gunicorn (2 sync workers, production config; the servers of all N side by
  side) and drives every page with wrk, each page at every N in turn (bench/serve.py, bench/drive.py);
- downloads the CSV export once per N (rows/s, the worker's memory growth);
- plays a mixed workload at the largest N: wrk as one person reading every page and adding and
  editing expenses through the forms (bench/mixed.lua);
- checks the targets (bench/report.py) and, for a page that misses one, prints a cProfile summary of
  it rendered in process at the largest N;
- builds the adversarial account of issue 16 (bench/adversarial.py) and times its pages, and a
  normal account's pages while the adversary's are being asked for.

It prints the figures, the PASS/MISS lines, and writes them all to bench/results.json.
BENCH_QUICK=1 runs N = 1,000 and 10,000 only (the targets are then read at 10,000);
BENCH_SECONDS sets wrk's time per page (default 5).
"""

import json
import os
import shutil
import sys
import time

from . import adversarial, drive, inprocess, mixed, report
from .databases import MakeDatabase, databases
from .seed import PAGES, page_paths, seed
from .serve import servers
from .settings import CONNECTIONS, LARGE, RESULTS, SECONDS, SIZES, SMALL, THREADS


def in_process_figures(database: str, url: str, ids: dict, n: int) -> dict:
    with inprocess.browser(url) as opened:
        paths = page_paths(ids)
        paths["list_last"] = drive.last_page_path(opened.get("/expenses").data)
        figures = inprocess.medians(opened, {name: path for name, path in paths.items() if path})
    print(
        f"[{database} N={n:,}] in process, median ms: "
        + ", ".join(f"{name} {f['median_ms']:.1f}" for name, f in figures.items()),
        flush=True,
    )
    return figures


def profile_misses(database: str, url: str, ids: dict, missed: list[str]) -> dict:
    if not missed:
        return {}
    profiles = {}
    with inprocess.browser(url) as opened:
        paths = page_paths(ids)
        paths["list_last"] = drive.last_page_path(opened.get("/expenses").data)
        paths["export"] = "/export.csv"
        for name in missed:
            requests = 3 if name == "export" else 50
            profiles[name] = inprocess.profile(opened, paths[name], requests=requests)
            print(f"\nMISS {database} {name}: where the time goes at N={LARGE:,} (cProfile, top 15 cumulative)")
            print("\n".join(profiles[name]), flush=True)
    return profiles


def bench_database(database: str, make_database: MakeDatabase) -> dict:
    """Every N of one database. A server per N runs side by side and wrk drives each page at every
    N in turn, so that the machine's own drift over minutes falls alike on all N: the flat-cost
    comparison is of runs seconds apart, not minutes apart."""
    urls, ids_by_n, drops, by_n = {}, {}, [], {}
    try:
        for n in SIZES:
            url, drop = make_database(str(n))
            drops.append(drop)
            ids_by_n[n] = ids = seed(url, n)
            urls[n] = url
            by_n[n] = {"seed_seconds": round(ids["seed_seconds"], 2)}
            print(f"[{database} N={n:,}] seeded in {ids['seed_seconds']:.1f}s", flush=True)

        for n in (SMALL, LARGE):
            by_n[n]["in_process"] = in_process_figures(database, urls[n], ids_by_n[n], n)

        print(f"\n[{database}] wrk -t{THREADS} -c{CONNECTIONS}, {SECONDS}s per page, every page rendered")
        with servers(urls) as running:
            paths = {n: page_paths(ids) for n, ids in ids_by_n.items()}
            for n, (_process, port, client) in running.items():
                paths[n]["list_last"] = drive.last_page_path(client.request("GET", "/expenses")[2])
                drive.warm_up(port, client.cookie, [path for path in paths[n].values() if path])
            for name, _label in PAGES:
                for n, (_process, port, client) in running.items():
                    by_n[n].setdefault("pages", {})[name] = drive.measure_page(client, port, name, paths[n][name], n)
            for n, (process, _port, client) in running.items():
                by_n[n]["export"] = export = drive.measure_export(client, process.pid, n)
                growth = export["memory_growth_mb"]
                print(f"  export {n:>7,}: {export['rows_per_s']:,} rows/s, worker memory +{growth} MB", flush=True)
            # Last: it writes.
            _process, port, client = running[LARGE]
            by_n[LARGE]["mixed"] = figures = mixed.run(urls[LARGE], port, client, paths[LARGE])
            print(f"  {report.mixed_line(LARGE, figures)}", flush=True)

        report.add_ratios(by_n)
        verdicts, missed = report.check_targets(database, by_n)
        profiles = profile_misses(database, urls[LARGE], ids_by_n[LARGE], missed)
    finally:
        for drop in drops:
            drop()
    return {"by_n": by_n, "targets": verdicts, "profiles": profiles}


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk is not installed. On Debian or Ubuntu: apt-get install -y wrk")
    started = time.perf_counter()
    results = {database: bench_database(database, make) for database, make in databases()}
    hostile = {database: adversarial.bench(database, make) for database, make in databases()}
    lines = ["", *report.wrk_table(results), "", *report.headline(results), ""]
    for result in results.values():
        lines += result["targets"]
    for database, result in hostile.items():
        lines += adversarial.check(database, result)
    print("\n".join(lines))
    machine = f"{os.cpu_count()} cores, {os.uname().machine}, Python {sys.version.split()[0]}"
    elapsed = round(time.perf_counter() - started)
    print(f"\n{machine}; {SECONDS}s per page, wrk -t{THREADS} -c{CONNECTIONS}; took {elapsed}s")
    RESULTS.write_text(
        json.dumps(
            {"machine": machine, "seconds_per_page": SECONDS, "results": results, "adversarial": hostile}, indent=1
        )
        + "\n"
    )


if __name__ == "__main__":
    main()

"""Drives the served pages over HTTP: wrk on each page, and one timed download of the CSV export."""

import re
import threading
import time
from pathlib import Path

from . import wrk
from .serve import Client, rss_kib, worker_pids

LAST_LINK = re.compile(rb'<a class="page-link" href="([^"]+)" rel="last">')
CYCLE = Path(__file__).with_name("cycle.lua")


def cycle(port: int, cookie: str, paths: list[str], **options) -> dict:
    """wrk asking for `paths` in turn (bench/cycle.lua)."""
    return wrk.run(port, "/", cookie, script=CYCLE, script_args=tuple(paths), **options)


def warm_up(port: int, cookie: str, paths: list[str]) -> None:
    """Every page through every worker for a moment before anything is measured, so that no
    figure carries a worker's first requests (compiling templates, opening connections)."""
    cycle(port, cookie, paths, seconds=2)


def last_page_path(first_page: bytes) -> str | None:
    """The last list page's address, read off the first page's "Last" link."""
    match = LAST_LINK.search(first_page)
    return match.group(1).decode().replace("&amp;", "&") if match else None


def measure_page(client: Client, port: int, name: str, path: str | None, n: int) -> dict:
    """wrk on one page, after checking it answers 200; {"status": ...} alone when it does not."""
    if path is None:
        print(f"  {name}: no 'Last' page link on the list page at N={n:,}; skipped")
        return {"path": path, "status": 0}
    status, _, body = client.request("GET", path)
    if status != 200:
        print(f"  {name}: {path} answered {status} at N={n:,}; skipped")
        return {"path": path, "status": status}
    figures = wrk.run(port, path, client.cookie)
    figures.update(path=path, bytes=len(body))
    print(
        f"  {name:<14} {n:>7,} {figures['rps']:>9.1f} req/s  p50 {figures['p50_ms']:>8.2f} ms  "
        f"p99 {figures['p99_ms']:>8.2f} ms  {len(body):>9,} B  non-2xx {figures['non_2xx']}",
        flush=True,
    )
    return figures


def measure_export(client: Client, master: int, n: int) -> dict:
    """One full CSV export: rows/s, and how much the busiest worker's memory grew meanwhile."""
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

"""The figures as tables, and each target as a PASS or MISS line."""

from .seed import PAGES
from .settings import LARGE, SMALL

# Requests/s at the largest N as a share of the baseline's in the same run (issue 15).
RATIO_TARGETS = {
    "dashboard": 0.33,
    "list_first": 0.33,
    "list_last": 0.33,
    "list_filtered": 0.33,
    "search": 0.33,
    "budgets": 0.33,
    "reports": 0.25,
}
FLAT_TARGET = 0.85  # requests/s at the largest N over those at the smallest
EXPORT_TARGET = 100_000  # rows/s


def verdict(passed: bool) -> str:
    return "PASS" if passed else "MISS"


def add_ratios(by_n: dict) -> None:
    """Each page's ratio to the baseline of its own run, over HTTP and in process."""
    for result in by_n.values():
        pages = result.get("pages", {})
        base = pages.get("baseline", {}).get("rps")
        for figures in pages.values():
            if base and "rps" in figures:
                figures["ratio"] = round(figures["rps"] / base, 3)
        timings = result.get("in_process", {})
        base_ms = timings.get("baseline", {}).get("median_ms")
        for figures in timings.values():
            if base_ms:
                # As a rate, like the wrk ratio: the baseline's time over the page's.
                figures["ratio"] = round(base_ms / figures["median_ms"], 3)


def flat_cost(by_n: dict, name: str) -> float | None:
    small = by_n.get(SMALL, {}).get("pages", {}).get(name, {}).get("rps")
    large = by_n.get(LARGE, {}).get("pages", {}).get(name, {}).get("rps")
    return round(large / small, 3) if small and large else None


def wrk_table(results: dict) -> list[str]:
    lines = [f"{'db':<11}{'page':<16}{'N':>8}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'bytes':>11}{'ratio':>7}"]
    for database, result in results.items():
        for n, figures_n in result["by_n"].items():
            for name, figures in figures_n.get("pages", {}).items():
                if "rps" in figures:
                    lines.append(
                        f"{database:<11}{name:<16}{n:>8}{figures['rps']:>10.1f}{figures['p50_ms']:>9.2f}"
                        f"{figures['p99_ms']:>9.2f}{figures['bytes']:>11,}{figures.get('ratio', 0):>7.2f}"
                    )
    return lines


def headline(results: dict) -> list[str]:
    """Per page: requests/s at the largest N and its ratio to the baseline, flat cost, and the
    in-process median at the smallest and largest N with its ratio to the baseline's."""
    lines = [
        f"Rendered pages at N={LARGE:,} (ratio: of the baseline in the same run; flat: req/s at {LARGE:,} over "
        f"{SMALL:,}; in process: median ms of the Flask test client, and the baseline's ms over the page's)",
        f"{'db':<11}{'page':<16}{'req/s':>8}{'ratio':>7}{'flat':>7}{'ms ' + f'{SMALL:,}':>11}"
        f"{'ms ' + f'{LARGE:,}':>11}{'ratio':>7}",
    ]
    for database, result in results.items():
        by_n = result["by_n"]
        for name, _label in PAGES:
            wrk_large = by_n.get(LARGE, {}).get("pages", {}).get(name, {})
            small_ms = by_n.get(SMALL, {}).get("in_process", {}).get(name, {})
            large_ms = by_n.get(LARGE, {}).get("in_process", {}).get(name, {})
            flat = flat_cost(by_n, name)
            lines.append(
                f"{database:<11}{name:<16}{wrk_large.get('rps', 0):>8.1f}{wrk_large.get('ratio', 0):>7.2f}"
                f"{flat or 0:>7.2f}{small_ms.get('median_ms', 0):>11.2f}{large_ms.get('median_ms', 0):>11.2f}"
                f"{large_ms.get('ratio', 0):>7.2f}"
            )
    return lines


def mixed_line(n: int, figures: dict) -> str:
    return (
        f"mixed workload at {n:,}: {figures['rps']:.1f} req/s, p50 {figures['p50_ms']:.1f} ms, "
        f"p99 {figures['p99_ms']:.1f} ms, {figures['reads']:,} reads, {figures['adds']:,} adds "
        f"({figures['added']:,} expenses found added) and {figures['edits']:,} edits, "
        f"non-2xx/3xx {figures['non_2xx']}, socket errors {figures['socket_errors']}"
    )


def check_targets(database: str, by_n: dict) -> tuple[list[str], list[str]]:
    """(PASS/MISS lines, names of the pages that missed a target) for one database."""
    lines, missed = [], []
    large = by_n.get(LARGE, {})
    runs = [figures for result in by_n.values() for figures in result.get("pages", {}).values()]
    errors = sum(p.get("non_2xx", 0) + p.get("socket_errors", 0) + ("status" in p) for p in runs)
    lines.append(f"{verdict(errors == 0)} {database}: no errors or non-2xx responses ({errors})")
    at = f"at {LARGE:,}"
    for name, target in RATIO_TARGETS.items():
        ratio = large.get("pages", {}).get(name, {}).get("ratio")
        passed = ratio is not None and ratio >= target
        lines.append(f"{verdict(passed)} {database}: {name} {at} is {ratio or 0:.2f} of the baseline (>= {target})")
        if not passed:
            missed.append(name)
    for name, _label in PAGES:
        if name == "baseline":
            continue
        flat = flat_cost(by_n, name)
        passed = flat is not None and flat >= FLAT_TARGET
        lines.append(
            f"{verdict(passed)} {database}: {name} flat cost {LARGE:,}/{SMALL:,} = {flat or 0:.2f} (>= {FLAT_TARGET})"
        )
        if not passed and name not in missed:
            missed.append(name)
    if "mixed" in large:
        figures = large["mixed"]
        failed = figures["non_2xx"] + figures["socket_errors"]
        lines.append(f"{verdict(failed == 0)} {database}: {mixed_line(LARGE, figures)}")
    rate = large.get("export", {}).get("rows_per_s", 0)
    lines.append(f"{verdict(rate >= EXPORT_TARGET)} {database}: export {rate:,} rows/s {at} (>= {EXPORT_TARGET:,})")
    if rate < EXPORT_TARGET:
        missed.append("export")
    return lines, missed

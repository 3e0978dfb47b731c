"""`make loadtest`: the whole load test, from an empty PostgreSQL to the table of figures.

1. Starts its own PostgreSQL (port 5441) and Redis (6391), seeds them (bench/loadtest/seed.py).
2. Starts two gunicorn instances and nginx in front of them (deploy/nginx.conf).
3. The focused check: each page for the account with 1,000,000 expenses against one with 1,000.
4. Locust, headless: LOADTEST_USERS people (200) arrive over a ramp, then STEADY seconds of load
   whose figures are the targets' figures; then, with the load still on, three faults one after
   another: an app server killed and started again, Redis stopped for 30 s, PostgreSQL restarted.
   After each, the ledgers' totals are checked against their rows (while the load goes on); at
   the end, every expense the people added against what the database holds.
5. Prints the tables, writes bench/loadtest.json and stops everything it started.
"""

import json
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import checks, focused, seed
from .topology import APP_PORTS, BASE_URL, CERTIFICATE, DATABASE_URL, ROOT, STATE, Topology

USERS = int(os.environ.get("LOADTEST_USERS", "200"))
SPAWN_RATE = float(os.environ.get("LOADTEST_SPAWN_RATE", "5"))
STEADY = int(os.environ.get("LOADTEST_STEADY_SECONDS", "240"))
FAULTS = os.environ.get("LOADTEST_FAULTS", "1") == "1"
LOCUST = ROOT / ".venv-loadtest" / "bin" / "locust"
RESULTS = ROOT / "bench" / "loadtest.json"
# Figures the targets hold for every request type but these (the imports and exports) and the
# static files nginx serves.
UNTARGETED = ("import", "export", "static file")
P95_TARGET, P99_TARGET = 150, 400
PHASE_FILE = STATE / "phase"
REDIS_DOWN_SECONDS = 30


def set_phase(name: str) -> None:
    PHASE_FILE.write_text(name)
    print(f"[{time.strftime('%H:%M:%S')}] phase: {name}", flush=True)
    time.sleep(0.5)  # Locust reads the file every 0.25 s: what comes next is counted in this phase


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory_kb = int(
        next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line)
    )
    return f"{os.cpu_count()} × {model}, {memory_kb / 1024 / 1024:.0f} GB RAM, {platform.system()} {platform.release()}"


def cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine so far (/proc/stat)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return sum(fields) - idle, sum(fields)


def process_jiffies(pid: int) -> int:
    """CPU time (user and system, in jiffies) one process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


# The programs of the topology, told apart by their command lines. PostgreSQL counts every postgres
# process on the machine: on a machine running only the load test, that is the test's own.
PROGRAMS = (
    ("app servers", "gunicorn"),
    ("PostgreSQL", "postgres"),
    ("nginx", "nginx"),
    ("Redis", "redis-server"),
    ("Locust", "locust"),
)


def program_jiffies() -> dict[str, int]:
    """{program: CPU jiffies its running processes have used so far}; with the machine's busy time
    over the same span, what is left is everything else (other work, processes that came and went)."""
    used = dict.fromkeys((name for name, _needle in PROGRAMS), 0)
    for folder in Path("/proc").iterdir():
        if not folder.name.isdigit():
            continue
        try:
            command = (folder / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            jiffies = process_jiffies(int(folder.name))
        except OSError:  # gone meanwhile
            continue
        name = next((name for name, needle in PROGRAMS if needle in command), None)
        if name is not None:
            used[name] += jiffies
    return used


def fault_app_server(topology: Topology) -> dict:
    port = APP_PORTS[0]
    topology.kill_app(port)
    killed = time.monotonic()
    time.sleep(15)
    topology.start_app(port)
    return {
        "killed": f"gunicorn on {port} (SIGKILL to master and workers)",
        "back_after_s": round(time.monotonic() - killed, 1),
    }


def fault_redis(topology: Topology) -> dict:
    topology.stop_redis()
    time.sleep(REDIS_DOWN_SECONDS)
    topology.start_redis()
    return {"stopped_s": REDIS_DOWN_SECONDS}


def redis_log_lines() -> dict:
    """What the app servers logged about Redis (each worker once per outage, each way)."""
    logs = "".join((STATE / f"gunicorn-{port}.log").read_text() for port in APP_PORTS)
    return {
        "log_says_unreachable": logs.count("Rate limit storage unreachable"),
        "log_says_recovered": logs.count("Rate limit storage recovered"),
    }


def fault_postgres(topology: Topology) -> dict:
    started = time.monotonic()
    topology.restart_postgres()
    return {"restart_s": round(time.monotonic() - started, 1)}


FAULT_RUNS = (
    ("fault: app server killed", fault_app_server, 40),
    ("fault: Redis stopped", fault_redis, 45),
    ("fault: PostgreSQL restarted", fault_postgres, 30),
)


def run_load(topology: Topology, accounts_file: Path) -> tuple[dict, dict]:
    expense_log = STATE / "expenses.jsonl"
    expense_log.unlink(missing_ok=True)
    phase_results = STATE / "phases.json"
    ramp = USERS / SPAWN_RATE + 15
    set_phase("ramp")
    env = dict(
        os.environ,
        LOADTEST_ACCOUNTS=str(accounts_file),
        LOADTEST_PHASE_FILE=str(PHASE_FILE),
        LOADTEST_RESULTS=str(phase_results),
        LOADTEST_EXPENSE_LOG=str(expense_log),
        LOADTEST_CERTIFICATE=str(CERTIFICATE),
    )
    locust = subprocess.Popen(
        [
            LOCUST, "-f", ROOT / "bench" / "loadtest" / "locustfile.py", "--headless", "--host", BASE_URL,
            "-u", str(USERS), "-r", str(SPAWN_RATE), "--only-summary", "--stop-timeout", "10",
            "--loglevel", "WARNING",
        ],
        env=env,
        stdout=open(STATE / "locust.log", "w"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    faults = {}
    try:
        time.sleep(ramp)
        set_phase("steady")
        busy_before, total_before = cpu_times()
        programs_before = program_jiffies()
        time.sleep(STEADY)
        busy_after, total_after = cpu_times()
        programs_after = program_jiffies()
        span = total_after - total_before
        # Everything on the machine, and each program's share of it (percent of both cores).
        shares = {name: round(100 * (programs_after[name] - programs_before[name]) / span) for name in programs_after}
        busy = round(100 * (busy_after - busy_before) / span)
        faults["steady"] = {
            "cpu_busy_percent": busy,
            "locust_cpu_percent": shares["Locust"],
            "cpu_percent_by_program": {**shares, "everything else": max(0, busy - sum(shares.values()))},
        }
        if FAULTS:
            for name, inject, seconds in FAULT_RUNS:
                set_phase(name)
                started = time.monotonic()
                faults[name] = inject(topology)
                time.sleep(max(0, seconds - (time.monotonic() - started)))
                set_phase("settle")
                faults[name]["totals"] = checks.totals_match(DATABASE_URL)
                time.sleep(10)
        set_phase("done")
    finally:
        locust.send_signal(signal.SIGTERM)
        locust.wait(60)
    phases = json.loads(phase_results.read_text())
    if FAULTS:
        faults["fault: Redis stopped"].update(redis_log_lines())
    faults["after the run"] = checks.nothing_lost(DATABASE_URL, expense_log)
    faults["after the run"]["totals"] = checks.totals_match(DATABASE_URL)
    return phases, faults


def steady_table(steady: dict) -> tuple[list[str], bool]:
    lines = [f"{'request':34} {'requests':>8} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6}  target"]
    met = True
    for name, row in sorted(steady["requests"].items()):
        targeted = not name.startswith(UNTARGETED)
        verdict = "-"
        if targeted:
            ok = row["failures"] == 0 and row["p95_ms"] < P95_TARGET and row["p99_ms"] < P99_TARGET
            met &= ok
            verdict = "PASS" if ok else "MISS"
        lines.append(
            f"{name[:34]:34} {row['requests']:>8} {row['failures']:>5} {row['p50_ms']:>6.0f} "
            f"{row['p95_ms']:>6.0f} {row['p99_ms']:>6.0f}  {verdict}"
        )
    total = sum(row["requests"] for row in steady["requests"].values())
    failures = sum(row["failures"] for row in steady["requests"].values())
    lines.append(f"total: {total} requests, {failures} failures, {total / steady['seconds']:.1f} requests/s")
    return lines, met


def main() -> int:
    if not LOCUST.exists():
        raise SystemExit("loadtest: Locust is not installed; run `make loadtest`")
    started = time.monotonic()
    topology = Topology()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that `finally` stops everything
    report: dict = {"machine": machine(), "users": USERS, "steady_seconds": STEADY}
    try:
        topology.start()
        accounts_file = STATE / "accounts.json"
        print("Seeding ...", flush=True)
        report["seed"] = seed.seed(DATABASE_URL, accounts_file)
        print(f"Seeded: {report['seed']}", flush=True)
        topology.start_web()
        accounts = json.loads(accounts_file.read_text())
        print("Focused check: 1,000,000 expenses against 1,000 ...", flush=True)
        report["focused"] = focused.compare(accounts["people"][-1], accounts["big"])
        print(f"Load: {USERS} people ...", flush=True)
        report["phases"], report["faults"] = run_load(topology, accounts_file)
    finally:
        topology.stop()
    report["total_seconds"] = round(time.monotonic() - started)
    RESULTS.write_text(json.dumps(report, indent=2))

    print(f"\nMachine: {report['machine']}")
    print(f"\nUnder load: {USERS} people, think times 1-5 s, {STEADY} s after the ramp (p50/p95/p99 in ms)")
    lines, met = steady_table(report["phases"]["steady"])
    print("\n".join(lines))
    cpu = report["faults"]["steady"]
    shares = ", ".join(f"{name} {percent}%" for name, percent in cpu["cpu_percent_by_program"].items())
    print(f"CPU busy, both cores: {cpu['cpu_busy_percent']}% ({shares})")
    print(f"\nThe account with 1,000,000 expenses against one with 1,000 (median ms, target {focused.TARGET_RATIO}×)")
    for name, row in report["focused"].items():
        verdict = "PASS" if row["pass"] else "MISS"
        print(f"{name[:34]:34} {row['small_ms']:>8.1f} {row['big_ms']:>8.1f} {row['ratio']:>6.2f}×  {verdict}")
    met &= all(row["pass"] for row in report["focused"].values())
    for name, fault in report["faults"].items():
        if name == "steady":
            continue
        phase = report["phases"].get(name)
        if phase:
            requests_seen = sum(row["requests"] for row in phase["requests"].values())
            failures = sum(row["failures"] for row in phase["requests"].values())
            print(f"\n{name}: {requests_seen} requests, {failures} failed, {fault}")
            for reason, count in list(phase["failure_reasons"].items())[:8]:
                print(f"    {count:>5} × {reason}")
        else:
            print(f"\n{name}: {fault}")
    after = report["faults"].get("after the run", {})
    clean = not after.get("lost") and not after.get("doubled") and not after.get("import_batches_wrong")
    clean &= all(
        not fault.get("totals", {}).get("day_buckets_wrong") and not fault.get("totals", {}).get("month_buckets_wrong")
        for fault in report["faults"].values()
    )
    print(f"\nNothing lost or doubled, totals equal their rows: {'PASS' if clean else 'MISS'}")
    print(f"Targets: {'all met' if met else 'not all met'}. Took {report['total_seconds']} s; figures in {RESULTS}")
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())

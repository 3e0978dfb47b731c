"""Runs wrk against one server and reads its summary."""

import re
import subprocess
from pathlib import Path

from .settings import CONNECTIONS, SECONDS, THREADS


def _millis(value: str) -> float:
    amount, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(amount) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def parse(output: str) -> dict:
    def number(pattern, default="0"):
        match = re.search(pattern, output)
        return match.group(1) if match else default

    socket_errors = number(r"Socket errors: (.*)", "")
    return {
        "rps": float(number(r"Requests/sec:\s+([\d.]+)")),
        "p50_ms": _millis(number(r"\s50%\s+(\S+)", "0us")),
        "p99_ms": _millis(number(r"\s99%\s+(\S+)", "0us")),
        "requests": int(number(r"(\d+) requests in")),
        "non_2xx": int(number(r"Non-2xx or 3xx responses: (\d+)")),
        "socket_errors": sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", socket_errors)),
    }


def run(
    port: int,
    path: str,
    cookie: str,
    *,
    seconds: int = SECONDS,
    threads: int = THREADS,
    connections: int = CONNECTIONS,
    script: Path | None = None,
    script_args: tuple[str, ...] = (),
    with_output: bool = False,
) -> dict | tuple[dict, str]:
    """wrk on http://127.0.0.1:port/path with the session cookie; `script` (Lua) gets `script_args`."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency",
               "-H", f"Cookie: {cookie}"]  # fmt: skip
    if script is not None:
        command += ["-s", str(script)]
    command.append(f"http://127.0.0.1:{port}{path}")
    if script_args:
        command += ["--", *script_args]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return (parse(output), output) if with_output else parse(output)

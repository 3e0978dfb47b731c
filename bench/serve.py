"""gunicorn servers of the bench app, and a small HTTP client that signs in to them."""

import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

from .settings import EMAIL, PASSWORD, ROOT, WORKERS, server_environment

CSRF_META = re.compile(rb'name="csrf-token" content="([^"]+)"')


class Client:
    """Just enough HTTP for signing in and fetching a page with the session cookie."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    @property
    def cookie(self) -> str:
        """The Cookie header a browser would send (the session's, under whatever name it has)."""
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, dict, bytes]:
        connection = HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie_name, _, cookie_value = value.split(";", 1)[0].partition("=")
                if cookie_value:
                    self.cookies[cookie_name] = cookie_value
                else:
                    self.cookies.pop(cookie_name, None)
        connection.close()
        return response.status, dict(response.getheaders()), data

    def csrf_token(self, path: str = "/") -> str:
        _, _, page = self.request("GET", path)
        return CSRF_META.search(page).group(1).decode()

    def login(self, email: str = EMAIL) -> "Client":
        token = self.csrf_token("/login")
        status, _, _ = self.request(
            "POST", "/login", urlencode({"csrf_token": token, "email": email, "password": PASSWORD})
        )
        if status != 302:
            raise SystemExit(f"bench: signing in as {email} answered {status}")
        return self


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url: str, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-k", "sync", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "bench.app:create_bench_app()"],
        cwd=ROOT, env=server_environment(url),
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


@contextmanager
def server(url: str):
    """One gunicorn on the database at `url`: yields (process, port)."""
    port = free_port()
    process = start_gunicorn(url, port)
    try:
        yield process, port
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def servers(urls: dict):
    """A gunicorn per N, side by side, each with a client signed in: {n: (process, port, client)}."""
    running = {}
    try:
        for n, url in urls.items():
            port = free_port()
            running[n] = (start_gunicorn(url, port), port, None)
            running[n] = (running[n][0], port, Client(port).login())
        yield running
    finally:
        for process, _, _ in running.values():
            process.terminate()
            process.wait(timeout=30)


def worker_pids(master: int) -> list[int]:
    return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0

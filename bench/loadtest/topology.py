"""The servers of `make loadtest`, all on this machine and all its own: a PostgreSQL cluster, a Redis,
two gunicorn instances and nginx in front of them (deploy/nginx.conf, with these ports and paths).

Nothing here touches the PostgreSQL or Redis the tests use: the cluster lives in bench/.loadtest/
on its own port, Redis too. `Topology.stop()` ends every process it started; the caller runs it in
a `finally` (and on SIGTERM), so an interrupted run leaves nothing behind.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent.parent
STATE = ROOT / "bench" / ".loadtest"
PG_BIN = Path(os.environ.get("LOADTEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
NGINX = os.environ.get("LOADTEST_NGINX", "/usr/sbin/nginx")

PG_PORT = int(os.environ.get("LOADTEST_PG_PORT", "5441"))
REDIS_PORT = int(os.environ.get("LOADTEST_REDIS_PORT", "6391"))
APP_PORTS = (8101, 8102)
HTTPS_PORT = int(os.environ.get("LOADTEST_HTTPS_PORT", "8443"))
HTTP_PORT = HTTPS_PORT - 363  # 8080: the redirect to HTTPS
BASE_URL = f"https://127.0.0.1:{HTTPS_PORT}"
# Each instance: this many sync workers (two instances on two cores).
WORKERS = int(os.environ.get("LOADTEST_WORKERS", "2"))

DATABASE_URL = f"postgresql+psycopg://postgres@127.0.0.1:{PG_PORT}/expenses"
REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}/0"
SECRET_KEY = "loadtest-secret-key-" + "y" * 40

# The example's own values, and what the load test puts in their place.
NGINX_EXAMPLE = ROOT / "deploy" / "nginx.conf"

# PostgreSQL refuses to run as root: as root, its programs run as the postgres account.
_AS_POSTGRES = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

# nginx's certificate, made for this run; clients trust it and nothing else.
CERTIFICATE = STATE / "tls.crt"


def app_environment() -> dict:
    """Production settings behind one proxy; Redis for the limits. Every simulated person signs in
    from 127.0.0.1, so the per-address limits are raised (the per-account ones are not)."""
    return dict(
        os.environ,
        FLASK_CONFIG="production",
        SECRET_KEY=SECRET_KEY,
        DATABASE_URL=DATABASE_URL,
        RATELIMIT_STORAGE_URI=REDIS_URL,
        PROXY_FIX_HOPS="1",
        LOGIN_LIMIT_PER_IP="100000 per minute",
        API_LIMIT_PER_ADDRESS="100000 per minute",
    )


def _wait(what: str, ready, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.2)
    raise SystemExit(f"loadtest: {what} did not start in {seconds:.0f} s (logs in {STATE})")


def _answers(url: str) -> bool:
    try:
        return (
            requests.get(url, timeout=2, verify=str(CERTIFICATE) if url.startswith("https") else True).status_code
            == 200
        )
    except requests.RequestException:
        return False


class Topology:
    def __init__(self):
        self.redis: subprocess.Popen | None = None
        self.apps: dict[int, subprocess.Popen] = {}
        self.nginx_started = False
        self.postgres_started = False

    # PostgreSQL

    @property
    def pg_data(self) -> Path:
        return STATE / "pg"

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run(
            [
                *_AS_POSTGRES,
                PG_BIN / "pg_ctl",
                "-D",
                self.pg_data,
                "-l",
                STATE / "postgres.log",
                "-w",
                "-t",
                "60",
                *args,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start_postgres(self) -> None:
        if self.pg_data.exists():
            shutil.rmtree(self.pg_data)
        if _AS_POSTGRES:
            self.pg_data.mkdir()
            shutil.chown(self.pg_data, "postgres")
            (STATE / "postgres.log").touch()
            shutil.chown(STATE / "postgres.log", "postgres")
            STATE.chmod(0o777)  # the server's socket goes there
        subprocess.run(
            [
                *_AS_POSTGRES,
                PG_BIN / "initdb",
                "-D",
                self.pg_data,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        settings = {
            "port": PG_PORT,
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{STATE}'",
            "max_connections": 100,
            "shared_buffers": "'512MB'",
            "maintenance_work_mem": "'256MB'",
            "work_mem": "'16MB'",
            "max_wal_size": "'4GB'",
            "checkpoint_timeout": "'15min'",
        }
        with open(self.pg_data / "postgresql.conf", "a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
        self._pg_ctl("start")
        self.postgres_started = True
        subprocess.run(
            [PG_BIN / "createdb", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "expenses"], check=True
        )

    def restart_postgres(self) -> None:
        """A fast restart: connections in use are cut, the server is back in a second or two."""
        self._pg_ctl("restart", "-m", "fast")

    # Redis

    def start_redis(self) -> None:
        log = open(STATE / "redis.log", "a")  # noqa: SIM115 (kept open for the process's life)
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait("Redis", self._redis_answers)

    def _redis_answers(self) -> bool:
        result = subprocess.run(
            ["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True, text=True, check=False
        )
        return result.stdout.strip() == "PONG"

    def stop_redis(self) -> None:
        if self.redis is not None:
            self.redis.terminate()
            self.redis.wait(10)
            self.redis = None

    # gunicorn

    def start_app(self, port: int) -> None:
        log = open(STATE / f"gunicorn-{port}.log", "a")  # noqa: SIM115
        self.apps[port] = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-k", "sync",
                "-b", f"127.0.0.1:{port}", "--timeout", "60", "--log-level", "warning",
                "app:create_app()",
            ],
            cwd=ROOT,
            env=app_environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed together with its workers
        )  # fmt: skip
        _wait(f"gunicorn on {port}", lambda: _answers(f"http://127.0.0.1:{port}/healthz"))

    def kill_app(self, port: int) -> None:
        """SIGKILL to the master and its workers at once: a crash, not a shutdown."""
        process = self.apps.pop(port)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop_app(self, port: int) -> None:
        process = self.apps.pop(port)
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)

    # nginx

    def nginx_config(self) -> str:
        """deploy/nginx.conf with the load test's ports, certificate and static folder, inside a
        top-level configuration that keeps nginx's files in bench/.loadtest/."""
        site = NGINX_EXAMPLE.read_text()
        swaps = {
            "server 127.0.0.1:8001 ": f"server 127.0.0.1:{APP_PORTS[0]} ",
            "server 127.0.0.1:8002 ": f"server 127.0.0.1:{APP_PORTS[1]} ",
            "listen 80;": f"listen 127.0.0.1:{HTTP_PORT};",
            "listen [::]:80;": "",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{HTTPS_PORT} ssl http2;",
            "listen [::]:443 ssl http2;": "",
            "/etc/letsencrypt/live/expenses.example.com/fullchain.pem": str(CERTIFICATE),
            "/etc/letsencrypt/live/expenses.example.com/privkey.pem": str(STATE / "tls.key"),
            "/srv/expenses/app/static/": f"{ROOT / 'app' / 'static'}/",
        }
        for example, ours in swaps.items():
            if example not in site:
                raise SystemExit(f"loadtest: deploy/nginx.conf no longer has {example!r}; update topology.py")
            site = site.replace(example, ours)
        temp = STATE / "nginx"
        return f"""
pid {STATE / "nginx.pid"};
error_log {STATE / "nginx-error.log"} warn;
worker_processes 1;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    keepalive_timeout 65;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{site}
}}
"""

    def start_nginx(self) -> None:
        (STATE / "nginx").mkdir(exist_ok=True)
        if not CERTIFICATE.exists():
            subprocess.run(
                [
                    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "30", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", STATE / "tls.key", "-out", CERTIFICATE,
                ],
                check=True,
                capture_output=True,
            )  # fmt: skip
        conf = STATE / "nginx.conf"
        conf.write_text(self.nginx_config())
        subprocess.run([NGINX, "-t", "-q", "-p", STATE, "-e", STATE / "nginx-error.log", "-c", conf], check=True)
        subprocess.run([NGINX, "-p", STATE, "-e", STATE / "nginx-error.log", "-c", conf], check=True)
        self.nginx_started = True
        _wait("nginx", lambda: _answers(f"{BASE_URL}/healthz"))

    def stop_nginx(self) -> None:
        if self.nginx_started:
            conf = STATE / "nginx.conf"
            subprocess.run([NGINX, "-p", STATE, "-e", STATE / "nginx-error.log", "-c", conf, "-s", "quit"], check=False)
            self.nginx_started = False

    # All of it

    def start(self) -> None:
        """PostgreSQL and Redis; the app servers and nginx come after the data (start_web)."""
        STATE.mkdir(parents=True, exist_ok=True)
        for log in STATE.glob("*.log"):  # each run's logs are its own
            log.unlink()
        self.start_postgres()
        self.start_redis()

    def start_web(self) -> None:
        for port in APP_PORTS:
            self.start_app(port)
        self.start_nginx()

    def stop(self) -> None:
        """Everything this run started, whatever state it is in."""
        self.stop_nginx()
        for port in list(self.apps):
            self.stop_app(port)
        self.stop_redis()
        if self.postgres_started:
            self._pg_ctl("stop", "-m", "fast")
            self.postgres_started = False

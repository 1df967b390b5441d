"""Serve the app for real: a throwaway database, `flask db upgrade`, then `python wsgi.py` on a free port.

Tests that cannot live inside the rolled-back `db` fixture use this: browser journeys, concurrency and
locking, several server processes sharing Redis. The database is a fresh SQLite file, or a fresh
PostgreSQL database on the server named by TEST_DATABASE_URL (created here and dropped afterwards).

    from tests.served import serve

    with serve(seed=True) as served:          # or the `served_app` fixture below
        requests.get(served.url + "/healthz")
        second = served.spawn()               # another process on the same database (same SECRET_KEY)
        served.flask("seed-demo")             # any flask command on that database

A test module can also use the `served_app` fixture (module scope): `from tests.served import served_app`.
"""
from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.error import URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

import pytest

from config import FAST_TEST_PASSWORD_HASH

ROOT = Path(__file__).resolve().parent.parent
# A loaded CI machine (two test runs side by side on two cores) took over 30 s to start one (5 s of CPU alone).
START_TIMEOUT = 90.0
# Settings the parent test process may carry that must not leak into a served app.
_SCRUBBED_ENV = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "FUHUA_ENV", "SITE_URL", "HOST", "PORT",
                 "SOCKETIO_ASYNC_MODE", "FLASK_APP", "FLASK_DEBUG", "WERKZEUG_RUN_MAIN", "WERKZEUG_SERVER_FD")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Throwaway databases -------------------------------------------------------------------------

def _postgres_admin_url(url: str) -> str:
    """The libpq URL (no SQLAlchemy driver suffix) of the server's maintenance database."""
    parts = urlsplit(url.replace("postgresql+psycopg://", "postgresql://", 1))
    return urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))


def _postgres_url_for(url: str, name: str) -> str:
    parts = urlsplit(url.replace("postgresql+psycopg://", "postgresql://", 1))
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


@contextmanager
def throwaway_database(prefix: str = "fuhua_tmp", *, template: str | None = None) -> Iterator[str]:
    """Yield the URL of a new database, removed on exit: empty, or a copy of `template` (a URL this made).

    PostgreSQL (on the server of TEST_DATABASE_URL) when that is set, a SQLite file otherwise. The URL
    is in DATABASE_URL form (`sqlite:///...` or `postgresql://...`); `config.database_url` adds the driver.
    """
    base = os.environ.get("TEST_DATABASE_URL")
    if base and base.startswith(("postgres://", "postgresql")):
        import psycopg

        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        admin = _postgres_admin_url(base)
        copy = f' TEMPLATE "{urlsplit(template).path.lstrip("/")}"' if template else ""
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"{copy}')
        try:
            yield _postgres_url_for(base, name)
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        # In memory-backed /dev/shm when there is one: the file is thrown away anyway, and fsyncs cost.
        shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
        directory = Path(tempfile.mkdtemp(prefix=f"{prefix}-", dir=shm))
        try:
            if template:
                _copy_sqlite(template.removeprefix("sqlite:///"), directory / "fuhua.db")
            yield f"sqlite:///{directory / 'fuhua.db'}"
        finally:
            shutil.rmtree(directory, ignore_errors=True)


def _copy_sqlite(source: str, target: Path) -> None:
    """Copy a SQLite database with its own backup API (whatever its WAL still holds comes along)."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(source)) as src, contextlib.closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


# Running the app's own commands --------------------------------------------------------------

def app_env(database_url: str, *, secret_key: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a served process gets: ours minus app settings, plus the database and secret."""
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV and not k.startswith("PYTEST_")}
    env.update({
        "FLASK_APP": "app",
        "FUHUA_ENV": "development",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret_key,
        "PYTHONUNBUFFERED": "1",
        # Tests sign in and sign up many times from one address; the limits themselves are tested in-process.
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "REGISTER_RATE_LIMIT": "1000 per minute",
        "PASSWORD_HASH_METHOD": FAST_TEST_PASSWORD_HASH,  # seeding makes dozens of accounts
        # Each start would load pdfium and the segmenter's dictionary (~0.3–1 s); the benchmarks turn it back on.
        "FUHUA_WARM_UP": "0",
    })
    env.update(extra or {})
    return env


def flask_command(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `flask ARGS...` for the app with `env`; raise with its output if it fails."""
    result = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


# Server processes ----------------------------------------------------------------------------

@dataclass
class Server:
    """One `python wsgi.py` process serving the app on 127.0.0.1:port."""

    database_url: str
    env: dict[str, str]
    port: int
    log_path: Path
    process: subprocess.Popen | None = None
    _log_file: object = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = START_TIMEOUT) -> Server:
        self._log_file = open(self.log_path, "ab")
        self.process = subprocess.Popen([sys.executable, "wsgi.py"], cwd=ROOT, env=self.env, stdout=self._log_file,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}:\n{self.log()}")
            try:
                with urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not answer /healthz within {timeout:.0f}s:\n{self.log()}")

    def log(self) -> str:
        """Everything the process printed so far (its log: requests, errors, emails)."""
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self, timeout: float = 10.0) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None


@dataclass
class ServedApp:
    """A throwaway database and the server processes that serve it (usually one)."""

    database_url: str
    secret_key: str
    workdir: Path
    extra_env: dict[str, str]
    servers: list[Server] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.servers[0].url

    @property
    def server(self) -> Server:
        return self.servers[0]

    def env(self, port: int | None = None, **extra: str) -> dict[str, str]:
        settings = {"SOCKETIO_ASYNC_MODE": "gevent", "HOST": "127.0.0.1", **self.extra_env, **extra}
        if port is not None:
            settings.update({"PORT": str(port), "SITE_URL": f"http://127.0.0.1:{port}"})
        return app_env(self.database_url, secret_key=self.secret_key, extra=settings)

    def flask(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        """Run a `flask` CLI command on this database (e.g. `served.flask("seed-demo")`)."""
        return flask_command(*args, env=self.env(**env))

    def spawn(self, **env: str) -> Server:
        """Start one more server process on this database (same secret key, so sessions are shared)."""
        for attempt in range(3):
            port = free_port()
            server = Server(database_url=self.database_url, env=self.env(port, **env), port=port,
                            log_path=self.workdir / f"server-{port}.log")
            try:
                server.start()
            except RuntimeError as error:  # another test process took the free port first
                server.stop()
                if "Address already in use" not in str(error) or attempt == 2:
                    raise
                continue
            self.servers.append(server)
            return server
        raise AssertionError("unreachable")

    def logs(self) -> str:
        return "\n".join(f"--- {s.url}\n{s.log()}" for s in self.servers)

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


@contextmanager
def serve(*, seed: bool = False, processes: int = 1, env: dict[str, str] | None = None) -> Iterator[ServedApp]:
    """Serve the app on a fresh database: migrate, optionally `flask seed-demo`, start `processes` servers.

    `env` adds settings for every process (e.g. `{"REDIS_URL": ...}` so processes share Socket.IO rooms).
    The migrated (and seeded) database is made once per test run and copied for every served app after the
    first (`_templates`): each still gets its own database.
    """
    workdir = Path(tempfile.mkdtemp(prefix="fuhua-served-"))
    try:
        template = _templates.get(seed=seed, env=env or {})
        with throwaway_database("fuhua_served", template=template.database_url) as database_url:
            served = ServedApp(database_url=database_url, secret_key=template.secret_key, workdir=workdir,
                               extra_env=dict(env or {}))
            try:
                for _ in range(processes):
                    served.spawn()
                yield served
            finally:
                served.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@dataclass
class _Template:
    database_url: str
    secret_key: str


class _Templates:
    """Migrated (and seeded) databases to copy, made on first use, dropped at exit.

    A copy is a file copy on SQLite and `CREATE DATABASE … TEMPLATE` on PostgreSQL: milliseconds, where
    `flask db upgrade` took seconds and `flask seed-demo` tens of seconds in every served test module. The
    copies share the template's SECRET_KEY, which anything the seed hashed with it needs.
    """

    def __init__(self) -> None:
        self._made: dict[tuple, _Template] = {}
        self._stack: contextlib.ExitStack | None = None

    def get(self, *, seed: bool, env: dict[str, str]) -> _Template:
        # Settings cannot change what the migrations make; a seed is made with the served app's own settings.
        env = env if seed else {}
        key = (seed, tuple(sorted(env.items())), os.environ.get("TEST_DATABASE_URL"))
        if key not in self._made:
            if self._stack is None:
                self._stack = contextlib.ExitStack()
                atexit.register(self._stack.close)
            database_url = self._stack.enter_context(throwaway_database("fuhua_template"))
            template = _Template(database_url=database_url, secret_key=secrets.token_hex(32))
            settings = {"SOCKETIO_ASYNC_MODE": "gevent", "HOST": "127.0.0.1", **env}
            command_env = app_env(database_url, secret_key=template.secret_key, extra=settings)
            flask_command("db", "upgrade", env=command_env)
            if seed:
                flask_command("seed-demo", env=command_env)
            self._made[key] = template
        return self._made[key]


_templates = _Templates()


@pytest.fixture(scope="module")
def served_app() -> Iterator[ServedApp]:
    """The app served for real on a throwaway database, one per test module. Mark tests `served`."""
    with serve() as served:
        yield served


def attach(url: str, database_url: str) -> ServedApp:
    """A site served elsewhere (`python -m tests.served`), seen as a ServedApp: its URL and database."""
    from types import SimpleNamespace
    served = ServedApp(database_url=database_url, secret_key="", workdir=Path(tempfile.gettempdir()), extra_env={})
    served.servers.append(SimpleNamespace(url=url.rstrip("/"), log=lambda: "", stop=lambda: None))
    return served


if __name__ == "__main__":  # serve the demo site until interrupted (or terminated), for FUHUA_TEST_SITE
    import signal
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with serve(seed=True) as served:
        print(f"FUHUA_TEST_SITE={served.url},{served.database_url}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass

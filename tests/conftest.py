"""Shared fixtures: the app, a rolled-back transaction per test, clients and user factories.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set (and uses
Redis when TEST_REDIS_URL is set). Each test runs inside one outer transaction that is rolled
back, so code under test may commit freely.
"""
import contextlib
import os
import tempfile

import pytest
from flask import request_started

os.environ.setdefault("SOCKETIO_ASYNC_MODE", "threading")


def _per_worker_services() -> str | None:
    """Under pytest-xdist (`make test` runs two workers) each worker gets its own PostgreSQL database and Redis
    database, named after TEST_DATABASE_URL's and TEST_REDIS_URL's: the suite's app drops and creates every
    table, and rooms' view versions, rate limits and queues in Redis are keyed by ids both workers use.
    Returns the worker's database to drop when it is done."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return None
    index = int(worker.removeprefix("gw") or 0)
    redis_url = os.environ.get("TEST_REDIS_URL")
    if redis_url:
        base, _, number = redis_url.rpartition("/")
        if number.isdigit():
            os.environ["TEST_REDIS_URL"] = f"{base}/{(int(number) + index) % 16}"
    url = os.environ.get("TEST_DATABASE_URL")
    if not url or not url.startswith(("postgres://", "postgresql")):
        return None
    import psycopg

    from tests.served import _postgres_admin_url, _postgres_url_for
    name = f"{url.rsplit('/', 1)[1].split('?')[0]}_{worker}"
    with psycopg.connect(_postgres_admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["TEST_DATABASE_URL"] = _postgres_url_for(url, name)
    return name


_WORKER_DATABASE = _per_worker_services()


# The longest files, run first: pytest-xdist's `--dist loadfile` hands out files in collection order, so a long file
# collected late (tests/test_openapi.py comes after every folder but video/) ran alone at the end while the other
# worker had finished. First, they run beside everything else.
LONGEST_FIRST = ("tests/test_openapi.py", "tests/browser/test_walk.py", "tests/browser/test_walk_forms.py",
                 "tests/test_migrations.py", "tests/video/test_stage_browser.py", "tests/video/test_scale_browser.py")


def pytest_collection_modifyitems(session, config, items):
    rank = {path: n for n, path in enumerate(LONGEST_FIRST)}
    last = len(LONGEST_FIRST)
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], last))  # stable: the rest keep their order


# CI (.ci/run) runs the whole suite twice side by side, on SQLite and on PostgreSQL with Redis, and shares out the
# long tests whose subject is not the database (the browser walks per person and language, the API fuzz per role):
# FUHUA_CI_SHARE=1/2 in one run and 2/2 in the other. Unset (`make test` on its own), everything runs.
CI_SHARE = os.environ.get("FUHUA_CI_SHARE", "")


def in_the_other_ci_run(n: int) -> list:
    """The marks for the n-th of a set of tests shared out between the two CI runs: a skip in one of them."""
    if not CI_SHARE:
        return []
    part, _, parts = CI_SHARE.partition("/")
    if n % int(parts) == int(part) - 1:
        return []
    return [pytest.mark.skip(reason=f"run by the other CI run (FUHUA_CI_SHARE={CI_SHARE})")]


def pytest_sessionfinish(session, exitstatus):
    if _WORKER_DATABASE:
        import psycopg

        from tests.served import _postgres_admin_url
        with psycopg.connect(_postgres_admin_url(os.environ["TEST_DATABASE_URL"]), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{_WORKER_DATABASE}" WITH (FORCE)')

from app import create_app  # noqa: E402
from app.extensions import db as _db  # noqa: E402
from app.extensions import limiter, socketio  # noqa: E402
from config import TestConfig  # noqa: E402

PASSWORD = "correct-horse-battery"


def _fresh_g(sender, **extra):
    from flask import g
    g.__dict__.clear()


def _database_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    handle, path = tempfile.mkstemp(prefix="fuhua-test-", suffix=".db")
    os.close(handle)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def app():
    from config import database_url

    class _Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url(_database_url(), "sqlite://")

    app = create_app(_Config)
    # Tests hold an app context, which Flask reuses for test-client requests; give each request a
    # clean `g` as it would have in production (Flask-Login and Flask-Babel cache the user there).
    request_started.connect(_fresh_g, app)
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


@contextlib.contextmanager
def rolled_back(engine):
    """The session on one connection of `engine` inside an outer transaction, rolled back on exit (SQLAlchemy's
    external transaction recipe): the session's commits become savepoints. Needs an app context."""
    conn = engine.connect()
    outer = conn.begin()
    previous = _db.engines[None]
    _db.session.remove()
    _db.engines[None] = conn
    _db.session.configure(join_transaction_mode="create_savepoint")
    try:
        yield conn
    finally:
        _db.session.remove()
        outer.rollback()
        conn.close()
        _db.engines[None] = previous


@pytest.fixture
def db(app):
    """One outer transaction per test, rolled back at the end."""
    with app.app_context(), rolled_back(_db.engine):
        limiter.reset()
        yield _db


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def make_user(db):
    """Create a user: make_user(role="founder", email=..., name=..., is_admin=False, password=PASSWORD)."""
    from app.accounts import services

    counter = {"n": 0}

    def factory(role: str = "founder", *, email: str | None = None, name: str | None = None,
                is_admin: bool = False, password: str = PASSWORD, **fields):
        counter["n"] += 1
        email = email or f"{role}{counter['n']}@example.test"
        user = services.register_user(email=email, password=password, name=name or f"{role.title()} {counter['n']}",
                                      role=role, is_admin=is_admin)
        for key, value in fields.items():
            setattr(user, key, value)
        _db.session.commit()
        return user

    return factory


class ApiClient:
    """A test client signed in through the API, sending the CSRF header on writes."""

    def __init__(self, client, csrf_token: str | None = None, token: str | None = None):
        self.client = client
        self.csrf_token = csrf_token
        self.token = token

    def _headers(self, method: str, headers: dict | None) -> dict:
        out = dict(headers or {})
        if self.token:
            out.setdefault("Authorization", f"Bearer {self.token}")
        elif self.csrf_token and method not in ("GET", "HEAD"):
            out.setdefault("X-CSRFToken", self.csrf_token)
        return out

    def open(self, method: str, path: str, *, json=None, headers=None, **kwargs):
        return self.client.open(path, method=method, json=json, headers=self._headers(method, headers), **kwargs)

    def get(self, path, **kw):
        return self.open("GET", path, **kw)

    def post(self, path, **kw):
        return self.open("POST", path, **kw)

    def patch(self, path, **kw):
        return self.open("PATCH", path, **kw)

    def put(self, path, **kw):
        return self.open("PUT", path, **kw)

    def delete(self, path, **kw):
        return self.open("DELETE", path, **kw)


@pytest.fixture
def login(app, db):
    """login(user) -> ApiClient signed in with the session cookie (a fresh test client each time)."""

    def do_login(user, password: str = PASSWORD) -> ApiClient:
        c = app.test_client()
        response = c.post("/api/auth/login", json={"email": user.email, "password": password})
        assert response.status_code == 200, response.get_json()
        return ApiClient(c, csrf_token=response.get_json()["csrf_token"])

    return do_login


@pytest.fixture
def token_client(app, db):
    """token_client(user) -> ApiClient authenticated with a fresh personal API token."""
    from app.accounts import services

    def make(user) -> ApiClient:
        _token, secret = services.create_token(user=user, name="test")
        return ApiClient(app.test_client(), token=secret)

    return make


@pytest.fixture
def socket_client(app, db):
    """socket_client(api_client=None, auth=None) -> a Flask-SocketIO test client sharing the cookie."""
    clients = []

    def make(api_client: ApiClient | None = None, auth: dict | None = None):
        flask_client = api_client.client if api_client else app.test_client()
        sc = socketio.test_client(app, flask_test_client=flask_client, auth=auth)
        clients.append(sc)
        return sc

    yield make
    for sc in clients:
        if sc.is_connected():
            sc.disconnect()


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for every browser test of the session.

    Playwright's sync API allows one running instance per thread, so browser tests in any package share
    this one (each test opens its own context) instead of starting their own.
    """
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium_path = os.environ.get("FUHUA_CHROMIUM", "/usr/bin/chromium")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_path, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def site():
    """The app with the demo data, served for real on a free port, shared by the browser tests.

    FUHUA_TEST_SITE=URL,DATABASE_URL uses a site already served (by `python -m tests.served`) instead, to run
    browser tests again and again without seeding each time; they may change its data.
    """
    from tests.served import attach, serve

    if os.environ.get("FUHUA_TEST_SITE"):
        yield attach(*os.environ["FUHUA_TEST_SITE"].split(",", 1))
        return
    with serve(seed=True) as served:
        yield served

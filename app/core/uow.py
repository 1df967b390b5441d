"""One unit of work for writes: lock, read, write, commit once, then run what must follow the commit.

    from app.core import uow

    with uow.unit_of_work(lock=[(MentorProfile, profile_id)]):
        profile = db.session.get(MentorProfile, profile_id)   # read what you are about to write
        db.session.add(Booking(...))
        uow.after_commit(realtime.emit_to_user, mentor_id, "booking:new", payload)
    # committed here; then the emit ran

On entry the unit takes what keeps concurrent writers apart: on SQLite the database's write lock
(`BEGIN IMMEDIATE`, so the use case never reads a snapshot that a later write would find stale), on
PostgreSQL a row lock on each `(Model, id)` of `lock`, taken in table and id order so two units never
wait for each other crosswise. On exit it commits once and then runs the functions given to
`after_commit` (socket pushes, emails, jobs), in the order they were given; an exception rolls the work
back and drops them, so nothing is pushed or sent for data that was never saved. A failing after-commit
function is logged and does not stop the others: the data is saved by then.

A unit opened inside another joins it as a savepoint: its locks are added, its writes and after-commit
functions become the outer unit's once it ends normally, and an exception inside it rolls back only the
savepoint and drops only its own after-commit functions. The outer unit commits.

SQLite and the event loop: a connection waits for the write lock in C (`busy_timeout`), which under gevent
blocks every greenlet. So connections wait only briefly there (`SQLITE_BUSY_TIMEOUT_MS` in `app.core.db`),
and a unit that still finds the database locked sleeps cooperatively (`time.sleep` is gevent's when
monkey-patched) and tries again, for at most `SQLITE_WRITE_WAIT` seconds, then raises `DatabaseBusy`
(503 `database_busy`, with Retry-After). Reads never wait for writers (WAL).
"""
from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app.core.errors import DatabaseBusy
from app.extensions import db

log = logging.getLogger(__name__)

DEFAULT_WRITE_WAIT = 5.0   # seconds a unit waits for SQLite's write lock before answering 503
_SESSION_KEY = "fuhua_unit_of_work"

# Set while a unit opens its transaction: the SQLite "begin" listener (app.core.db) then emits
# BEGIN IMMEDIATE instead of a deferred BEGIN.
begin_immediate: ContextVar[bool] = ContextVar("fuhua_begin_immediate", default=False)


@dataclass
class _Level:
    effects: list[tuple[Callable, tuple, dict]] = field(default_factory=list)


def _stack() -> list[_Level]:
    return db.session().info.setdefault(_SESSION_KEY, [])


def active() -> bool:
    """Whether a unit of work is open in this session."""
    return bool(db.session().info.get(_SESSION_KEY))


def after_commit(func: Callable, /, *args, **kwargs) -> None:
    """Run `func(*args, **kwargs)` once the open unit of work has committed (never if it rolls back)."""
    stack = db.session().info.get(_SESSION_KEY)
    if not stack:
        raise RuntimeError("after_commit() needs an open unit_of_work()")
    stack[-1].effects.append((func, args, kwargs))


@contextmanager
def unit_of_work(*, lock: Iterable[tuple[type, int]] = ()) -> Iterator[None]:
    """Open a write transaction (or join the open one as a savepoint); commit it once; then run the
    after-commit functions. `lock`: `(Model, id)` pairs PostgreSQL row-locks first (SQLite's write lock
    covers everything)."""
    stack = _stack()
    if stack:
        yield from _nested(stack, lock)
        return
    _begin()
    stack.append(_Level())
    try:
        _lock_rows(lock)
        yield
        db.session.commit()
    except BaseException:
        stack.clear()
        db.session.rollback()
        raise
    effects = stack.pop().effects
    stack.clear()
    for func, args, kwargs in effects:
        _run_effect(func, args, kwargs)


def _nested(stack: list[_Level], lock: Iterable[tuple[type, int]]) -> Iterator[None]:
    level = _Level()
    stack.append(level)
    try:
        # the context manager, not savepoint.commit(): only it leaves the outer transaction usable when the
        # savepoint's own flush fails (e.g. an IntegrityError the caller catches)
        with db.session.begin_nested():
            _lock_rows(lock)
            yield
    finally:
        stack.pop()
    stack[-1].effects.extend(level.effects)


def _run_effect(func: Callable, args: tuple, kwargs: dict) -> None:
    try:
        func(*args, **kwargs)
    except Exception:  # the data is saved; a push or a queue that fails must not turn that into an error
        log.exception("after-commit %s failed", getattr(func, "__qualname__", func))
        db.session.rollback()


# Opening the transaction ------------------------------------------------------------------------

def _begin() -> None:
    """End any read transaction (what was loaded reloads, under the unit's locks), then begin the unit's own
    (on SQLite: holding the write lock)."""
    if db.session().in_transaction():
        db.session.commit()
    if db.session.get_bind().dialect.name != "sqlite":
        return
    deadline = time.monotonic() + float(current_app.config.get("SQLITE_WRITE_WAIT", DEFAULT_WRITE_WAIT))
    attempt = 0
    while True:
        token = begin_immediate.set(True)
        try:
            db.session.connection()  # begins: BEGIN IMMEDIATE (a no-op where a test's outer transaction is open)
            return
        except OperationalError as error:
            if not is_locked(error):
                raise
            db.session.rollback()
        finally:
            begin_immediate.reset(token)
        attempt += 1
        left = deadline - time.monotonic()
        if left <= 0:
            log.warning("database still locked after %d attempts: answering busy", attempt)
            raise DatabaseBusy()
        # cooperative under gevent (time.sleep is patched); jittered so waiting writers do not move in step
        time.sleep(min(left, random.uniform(0.005, 0.02) * min(attempt, 5)))


def is_locked(error: BaseException) -> bool:
    """SQLite's "database is locked" (or "...table is locked"): another connection holds the write lock."""
    return isinstance(error, OperationalError) and "locked" in str(error.orig if error.orig else error)


def lock(*pairs: tuple[type, int]) -> None:
    """Row-lock more `(Model, id)` pairs inside the open unit (PostgreSQL; SQLite's write lock covers them),
    e.g. rows whose ids the unit has only just read."""
    if not active():
        raise RuntimeError("lock() needs an open unit_of_work()")
    _lock_rows(pairs)


def _lock_rows(lock: Iterable[tuple[type, int]]) -> None:
    """PostgreSQL: SELECT … FOR UPDATE each row, by table then id. SQLite: the write lock already covers them."""
    pairs = sorted({(model.__tablename__, model, int(row_id)) for model, row_id in lock},
                   key=lambda item: (item[0], item[2]))
    if not pairs or db.session.get_bind().dialect.name == "sqlite":
        return
    by_model: dict[type, list[int]] = {}
    for _name, model, row_id in pairs:
        by_model.setdefault(model, []).append(row_id)
    for model, ids in by_model.items():
        db.session.execute(select(model.id).where(model.id.in_(ids)).order_by(model.id).with_for_update())

"""One interface for background work: `enqueue(func, **kwargs)`, called after the caller's commit.

Backends (config `JOBS_BACKEND`):
- `inprocess` (the embedded default): a greenlet/thread in the web process; jobs queued by a CLI command
  (the scheduled `flask ... send-reminders` and the like) run when the command has finished, in the
  command's process, since it exits right after and would take a background thread's email with it;
- `rq`: a Redis-backed RQ queue served by separate `flask jobs worker` processes (production);
- tests set `JOBS_INLINE`, which runs the job at once, in the caller's context.

Jobs are plain importable functions taking JSON-able keyword arguments. They must be idempotent:
"exactly once" comes from the database (a unique row, a conditional UPDATE), not from the queue.
"""
import importlib
import logging
from collections.abc import Callable

import click
from flask import current_app

log = logging.getLogger(__name__)
QUEUE_NAME = "fuhua"


def enqueue(func: Callable, **kwargs) -> None:
    """Run `func(**kwargs)` in the background, with an app context."""
    app = current_app._get_current_object()
    command = click.get_current_context(silent=True)
    if app.config.get("JOBS_INLINE"):
        _run(app, func, kwargs)
    elif command is not None and app.config.get("JOBS_BACKEND") != "rq":
        command.call_on_close(lambda: _run(app, func, kwargs))
    elif app.config.get("JOBS_BACKEND") == "rq":
        from rq import Retry
        _queue(app).enqueue_call(run_job, kwargs={"path": _path(func), "kwargs": kwargs},
                                 retry=Retry(max=3, interval=[10, 60, 300]), failure_ttl=7 * 86400)
    else:
        from app.extensions import socketio
        socketio.start_background_task(_run, app, func, kwargs)


def run_job(path: str, kwargs: dict) -> None:
    """What an RQ worker executes: resolve `module:function` and call it inside the app."""
    module_name, _, name = path.partition(":")
    func = getattr(importlib.import_module(module_name), name)
    func(**kwargs)


def _path(func: Callable) -> str:
    if "<" in func.__qualname__:
        raise ValueError(f"job {func!r} must be a module-level function")
    return f"{func.__module__}:{func.__qualname__}"


def _queue(app):
    from redis import Redis
    from rq import Queue
    url = app.config.get("REDIS_URL")
    if not url:
        raise RuntimeError("JOBS_BACKEND=rq needs REDIS_URL")
    return Queue(QUEUE_NAME, connection=Redis.from_url(url))


def _run(app, func: Callable, kwargs: dict) -> None:
    with app.app_context():
        try:
            func(**kwargs)
        except Exception:  # a failed job must not take the caller down; it is logged
            log.exception("job %s failed", getattr(func, "__name__", func))
            from app.extensions import db
            db.session.rollback()


def register(app) -> None:
    jobs_cli = click.Group("jobs", help="Background jobs.")

    @jobs_cli.command("worker")
    @click.option("--burst", is_flag=True, help="Run the jobs queued now, then exit.")
    def worker(burst: bool) -> None:
        """Serve the Redis job queue (production: run one or more of these beside the web processes)."""
        from rq import SimpleWorker
        queue = _queue(current_app)
        SimpleWorker([queue], connection=queue.connection).work(burst=burst, with_scheduler=True)

    app.cli.add_command(jobs_cli)

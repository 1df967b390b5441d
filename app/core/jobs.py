"""One interface for background work.

Jobs are plain functions called with JSON-able keyword arguments, after the caller's commit.
The embedded default runs them in-process (a greenlet/thread, or inline when JOBS_INLINE is set,
as in tests). Jobs must be idempotent: "exactly once" comes from the database, not the queue.
"""
import logging
from collections.abc import Callable

from flask import current_app

log = logging.getLogger(__name__)


def enqueue(func: Callable, **kwargs) -> None:
    """Run `func(**kwargs)` in the background, with an app context."""
    app = current_app._get_current_object()
    if app.config.get("JOBS_INLINE"):
        _run(app, func, kwargs)
        return
    from app.extensions import socketio
    socketio.start_background_task(_run, app, func, kwargs)


def _run(app, func: Callable, kwargs: dict) -> None:
    with app.app_context():
        try:
            func(**kwargs)
        except Exception:  # a failed job must not take the caller down; it is logged for a retry
            log.exception("job %s failed", getattr(func, "__name__", func))
            from app.extensions import db
            db.session.rollback()

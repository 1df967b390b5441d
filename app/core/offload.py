"""Blocking calls that release the GIL (a C library's parse, the file system) run off the serving loop.

Under gevent every greenlet of a serving process shares one thread: a 20 ms `unlink` of a hundred files or a
PDF parse in pdfium stops every socket of the process for that long. `off_loop` runs such a call in gevent's
threadpool, so the loop goes on while it waits; without gevent (the CLI, the tests' app, RQ's worker) it calls
it in place. Only for calls that spend their time outside Python: Python code in the pool still holds the GIL,
and the callable must not need the app or request context (translate messages in the caller).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def _gevent_drives_this_process() -> bool:
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover  (gevent is a dependency)
        return False
    return monkey.is_module_patched("threading")


def off_loop(call: Callable[..., T], /, *args, **kwargs) -> T:
    """`call(*args, **kwargs)`, in gevent's threadpool when gevent drives this process; its result or error."""
    if not _gevent_drives_this_process():
        return call(*args, **kwargs)
    import gevent
    return gevent.get_hub().threadpool.apply(call, args, kwargs)

"""Per-user limits inside use cases (posting in a room, writing in a conversation), on Flask-Limiter's
storage: memory for one process, Redis when `REDIS_URL` is set, so the limit holds across processes. While
Redis cannot be reached, each process counts on its own (as Flask-Limiter's own fallback does for routes)."""
import logging
import os
import time

from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from app.core.errors import RateLimited
from app.extensions import limiter

log = logging.getLogger(__name__)
RETRY_AFTER = 5.0  # seconds counted in memory after Redis failed, before it is tried again


def rule(setting: str, default: str) -> str:
    """The limit named `setting` (config, else environment, else `default`), e.g. "20/minute;300/day"."""
    return current_app.config.get(setting) or os.environ.get(setting) or default


def hit(setting: str, default: str, *key: str) -> None:
    """Count one action for `key` against every limit of the rule; RateLimited (429) once one is full."""
    for item in parse_many(rule(setting, default)):
        if not _hit(item, key):
            raise RateLimited(_l("You are sending too fast. Wait a moment."), code="rate_limited")


def _hit(item, key: tuple[str, ...]) -> bool:
    return _ask("hit", item, key)


def _ask(method: str, item, key: tuple[str, ...]) -> bool:
    """`hit` or `test` on the shared storage, or on this process's memory while the storage is unreachable."""
    fallback = current_app.extensions.setdefault("fuhua_ratelimit_fallback", {"limiter": None, "until": 0.0})
    if time.monotonic() >= fallback["until"]:
        try:
            return getattr(limiter.limiter, method)(item, *key)
        except Exception as error:  # noqa: BLE001 (the storage's own errors: redis, connection, timeout)
            log.warning("rate-limit storage unreachable, counting in memory for %.0fs: %s", RETRY_AFTER, error)
            fallback["until"] = time.monotonic() + RETRY_AFTER
    if fallback["limiter"] is None:
        fallback["limiter"] = FixedWindowRateLimiter(MemoryStorage())
    return getattr(fallback["limiter"], method)(item, *key)
def exhausted(setting: str, default: str, *key: str) -> bool:
    """Whether one of the rule's limits is already used up for `key` (counts nothing)."""
    return any(not _ask("test", item, key) for item in parse_many(rule(setting, default)))


def count(setting: str, default: str, *key: str) -> None:
    """Count one event (a failed sign-in, say) against every limit of the rule, refusing nothing now."""
    for item in parse_many(rule(setting, default)):
        _ask("hit", item, key)

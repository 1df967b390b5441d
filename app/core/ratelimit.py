"""Per-user limits inside use cases (posting in a room, writing in a conversation), on Flask-Limiter's
storage: memory for one process, Redis when `REDIS_URL` is set, so the limit holds across processes."""
import os

from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import parse_many

from app.core.errors import RateLimited
from app.extensions import limiter


def rule(setting: str, default: str) -> str:
    """The limit named `setting` (config, else environment, else `default`), e.g. "20/minute;300/day"."""
    return current_app.config.get(setting) or os.environ.get(setting) or default


def hit(setting: str, default: str, *key: str) -> None:
    """Count one action for `key` against every limit of the rule; RateLimited (429) once one is full."""
    for item in parse_many(rule(setting, default)):
        if not limiter.limiter.hit(item, *key):
            raise RateLimited(_l("You are sending too fast. Wait a moment."), code="rate_limited")


def exhausted(setting: str, default: str, *key: str) -> bool:
    """Whether one of the rule's limits is already used up for `key` (counts nothing)."""
    return any(not limiter.limiter.test(item, *key) for item in parse_many(rule(setting, default)))


def count(setting: str, default: str, *key: str) -> None:
    """Count one event (a failed sign-in, say) against every limit of the rule, refusing nothing now."""
    for item in parse_many(rule(setting, default)):
        limiter.limiter.hit(item, *key)

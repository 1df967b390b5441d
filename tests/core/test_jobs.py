"""The job interface: inline in tests, and through a real Redis queue served by an RQ worker."""
import os
import uuid

import pytest

from app.core import jobs

REDIS_URL = os.environ.get("TEST_REDIS_URL")


def record(*, key: str, value: str) -> None:
    """A job: writes to Redis, so a worker's run can be observed."""
    from redis import Redis
    Redis.from_url(REDIS_URL).set(key, value, ex=60)


def fail(**_kwargs) -> None:
    raise RuntimeError("boom")


def test_inline_job_failure_is_logged_not_raised(app, db, caplog):
    with app.test_request_context():
        jobs.enqueue(fail, x=1)
    assert "job fail failed" in caplog.text


def test_jobs_must_be_module_level_functions():
    with pytest.raises(ValueError):
        jobs._path(lambda: None)


@pytest.mark.skipif(not REDIS_URL, reason="needs TEST_REDIS_URL (a real Redis)")
def test_rq_backend_runs_job_in_worker(app, db):
    from rq import SimpleWorker

    key = f"fuhua-test-{uuid.uuid4().hex}"
    old = dict(app.config)
    app.config.update(JOBS_INLINE=False, JOBS_BACKEND="rq", REDIS_URL=REDIS_URL)
    try:
        with app.test_request_context():
            jobs.enqueue(record, key=key, value="done")
            queue = jobs._queue(app)
            assert queue.count >= 1
            SimpleWorker([queue], connection=queue.connection).work(burst=True)
        from redis import Redis
        assert Redis.from_url(REDIS_URL).get(key) == b"done"
    finally:
        app.config.clear()
        app.config.update(old)

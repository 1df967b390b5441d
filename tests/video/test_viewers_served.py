"""Video viewers on the served app (SQLite, or PostgreSQL when TEST_DATABASE_URL is set): one socket saying
"watching" many times at the same moment keeps one open stretch, and closing the socket ends it."""
import threading
import time

import pytest
import sqlalchemy as sa

from tests.roadshows.test_served import _client, _roadshow, _session, _token
from tests.served import serve

pytestmark = pytest.mark.served


def _open_views(database_url: str, roadshow_id: int) -> int:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT count(*) FROM roadshow_video_views WHERE roadshow_id = :r "
                                              "AND left_at IS NULL"), {"r": roadshow_id}).scalar()
    finally:
        engine.dispose()


def test_many_watching_at_once_keep_one_stretch_and_a_close_ends_it():
    with serve() as served:
        base = served.url
        roadshow_id = _roadshow(served, base)
        viewer = _session(base, "watcher@example.test")
        client = _client(base, _token(viewer, base), roadshow_id)
        acks, done = [], threading.Event()

        def acked(answer):
            acks.append(answer)
            if len(acks) == 12:
                done.set()

        for _ in range(12):  # not waiting for each ack: the server handles them at once
            client.emit("video:watching", {"roadshow_id": roadshow_id, "watching": True}, callback=acked)
        assert done.wait(20), acks
        assert all(answer == {"ok": True} for answer in acks), acks
        assert _open_views(served.database_url, roadshow_id) == 1
        client.disconnect()
        deadline = time.monotonic() + 10
        while _open_views(served.database_url, roadshow_id) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _open_views(served.database_url, roadshow_id) == 0

"""A joining viewer's presence figure: counted once a second per room, by one join at a time."""
import threading
import time

from app.roadshows.live import queries
from app.roadshows.live.state import LiveState


def test_a_join_storm_counts_a_rooms_presence_once(monkeypatch):
    """Two hundred joins arriving together run one count; the others wait for it (or take the one
    before it) instead of each taking a database connection to count the same room."""
    counts = []

    def slow_count(roadshow_id, *, with_users):
        counts.append(roadshow_id)
        time.sleep(0.2)  # a busy machine: the count takes a while, and joins keep arriving meanwhile
        return {"roadshow_id": roadshow_id, "count": 4321, "hands": 2}

    monkeypatch.setattr(queries, "presence", slow_count)
    live = LiveState()
    results = []
    joins = [threading.Thread(target=lambda: results.append(live.recent_presence(7))) for _ in range(200)]
    for join in joins:
        join.start()
    for join in joins:
        join.join(10)
    assert counts == [7]
    assert len(results) == 200 and all(r == {"roadshow_id": 7, "count": 4321, "hands": 2} for r in results)

    # A second later the count is stale: the next join counts again, and joins meanwhile get the last count.
    live._recent_presence[7] = (time.monotonic() - 5, live._recent_presence[7][1])
    results.clear()
    joins = [threading.Thread(target=lambda: results.append(live.recent_presence(7)["count"])) for _ in range(50)]
    for join in joins:
        join.start()
    for join in joins:
        join.join(10)
    assert counts == [7, 7] and results == [4321] * 50


def test_a_failed_count_lets_the_next_join_count(monkeypatch):
    calls = []

    def failing_then_counting(roadshow_id, *, with_users):
        calls.append(roadshow_id)
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        return {"roadshow_id": roadshow_id, "count": 0, "hands": 0}

    monkeypatch.setattr(queries, "presence", failing_then_counting)
    live = LiveState()
    try:
        live.recent_presence(3)
    except RuntimeError:
        pass
    assert live.recent_presence(3)["count"] == 1  # the asker is there even when nobody is written yet
    assert calls == [3, 3]

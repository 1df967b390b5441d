"""Batched room updates: reactions, presence, poll results and upvotes go out at most once a second.

One broadcast per click would cost a room of 1,000 viewers a million deliveries a second; instead
this process keeps counts in memory and a background task flushes them as `reaction:burst`,
`presence:update`, `poll:update` and `qa:update`. The data behind the last three is in the database,
so every process flushes the same truth; reaction counts are per process, and with several processes
they meet in Redis so that one burst a second goes to each room (`_flush_reactions`).
`ROADSHOW_BURST_INTERVAL` (seconds, default 1) sets the pace; 0 means "only when `flush()` is called"
(the default under TESTING: a background thread must not share the tests' database connection).
"""
from __future__ import annotations

import logging
import threading
import time
from collections import Counter, defaultdict

from flask import current_app

log = logging.getLogger(__name__)

REACTION_KINDS = ("clap", "heart", "fire", "laugh", "wow", "rocket")

_lock = threading.Lock()
_reactions: dict[int, Counter] = defaultdict(Counter)
_presence: set[int] = set()
_polls: dict[int, set[int]] = defaultdict(set)
_questions: dict[int, set[int]] = defaultdict(set)
_runner = {"started": False}
_allowed: dict[tuple[int, str], float] = {}  # (roadshow, user) → until when reactions need no new check
ALLOW_SECONDS = 5.0
# (roadshow, user) pairs that passed the full check once in this process: their right to react only
# changes by a mute or the room closing, so renewing it asks just that (see `_renew`).
_vetted: set[tuple[int, str]] = set()


def may_react(roadshow_id: int, user_id) -> bool:
    return _allowed.get((roadshow_id, str(user_id)), 0.0) > time.monotonic()


def allow_reactions(roadshow_id: int, user_id) -> None:
    """Remember for a few seconds that this user passed the posting check in this room."""
    if len(_allowed) > 100_000:
        _allowed.clear()
    _allowed[(roadshow_id, str(user_id))] = time.monotonic() + ALLOW_SECONDS
    if len(_vetted) > 100_000:
        _vetted.clear()
    _vetted.add((roadshow_id, str(user_id)))


def forget_reactions(roadshow_id: int, user_id) -> None:
    _allowed.pop((roadshow_id, str(user_id)), None)
    _vetted.discard((roadshow_id, str(user_id)))


_rooms_seen: dict[int, tuple[float, bool, frozenset[int]]] = {}  # roadshow → (when, open?, muted user ids)
ROOM_SNAPSHOT_SECONDS = 1.0
_refreshing: set[int] = set()  # rooms whose snapshot one greenlet is reading now


def _room_snapshot(app, roadshow_id: int) -> tuple[float, bool, frozenset[int]] | None:
    """Whether the room is open and whom it has muted, read at most once a second per process: renewing
    a thousand viewers' allowances must not cost a thousand queries."""
    from sqlalchemy import select

    from app.extensions import db
    from app.roadshows.models import Mute, Roadshow, RoadshowStatus
    hit = _rooms_seen.get(roadshow_id)
    now = time.monotonic()
    if hit is not None and (now - hit[0] < ROOM_SNAPSHOT_SECONDS or roadshow_id in _refreshing):
        return hit  # fresh enough, or being read again right now: hundreds of renewals must not each query
    _refreshing.add(roadshow_id)
    try:
        with app.app_context():
            try:
                status = db.session.scalar(select(Roadshow.status).where(Roadshow.id == roadshow_id))
                muted = frozenset(db.session.scalars(select(Mute.user_id).where(Mute.roadshow_id == roadshow_id)))
            finally:
                db.session.remove()
    finally:
        _refreshing.discard(roadshow_id)
    if status is None:
        return None
    hit = (now, status not in (RoadshowStatus.ENDED, RoadshowStatus.CANCELLED), muted)
    _rooms_seen[roadshow_id] = hit
    return hit


def _renew(app, roadshow_id: int, user_id: str) -> bool:
    """Renew a vetted user's allowance from the room's snapshot (open, not muted); False: full check."""
    snapshot = _room_snapshot(app, roadshow_id)
    if snapshot is None or not snapshot[1] or int(user_id) in snapshot[2]:
        return False
    allow_reactions(roadshow_id, user_id)
    return True


def add_reaction(roadshow_id: int, kind: str, *, ensure_running: bool = True) -> None:
    with _lock:
        _reactions[roadshow_id][kind] += 1
    if ensure_running:
        _ensure_running()


# Reactions' own rate limit: per user, per process (a user's socket lives on one process), counted in a
# plain dict. Flask-Limiter's memory storage restarts a timer thread on every hit, which at a thousand
# reactions a second was an eighth of the server's time.
_reaction_rule: dict[str, float] = {"amount": 10, "seconds": 1.0}
_reaction_windows: dict[str, list[float]] = {}


def set_reaction_rate(rule: str) -> None:
    """`ROADSHOW_REACTION_RATE`, e.g. "10/second" or "100 per 5 seconds"."""
    from limits import parse
    item = parse(rule)
    _reaction_rule.update(amount=item.amount, seconds=float(item.get_expiry()))


def reaction_within_rate(user_id) -> bool:
    """Count one reaction of this user in the current window; False once the window is full."""
    now = time.monotonic()
    key = str(user_id)
    window = _reaction_windows.get(key)
    if window is None or now - window[0] >= _reaction_rule["seconds"]:
        if len(_reaction_windows) > 100_000:
            _reaction_windows.clear()
        _reaction_windows[key] = [now, 1]
        return True
    if window[1] >= _reaction_rule["amount"]:
        return False
    window[1] += 1
    return True


def quick_reaction(server, sid: str, data) -> dict | None:
    """`reaction:send` on its happy path: no request context, no session copy, no query per reaction.

    The busiest event of a big room: every viewer, every second. The answer is the same as the full
    handler's whenever this returns an ack; anything unusual (a bad payload, a socket not in the room,
    a user whose right to post is not cached, a full rate window) returns None and the caller runs the
    full handler, which checks the database, answers errors in the user's language and refreshes the
    cache. Who the socket belongs to comes from its Flask-SocketIO session (set at connect by cookie or
    token; sign-out and deactivation close the socket).
    """
    if not isinstance(data, dict):
        return None
    roadshow_id, kind = data.get("roadshow_id"), data.get("kind")
    if type(roadshow_id) is not int or kind not in REACTION_KINDS:
        return None
    members = server.manager.rooms.get("/", {}).get(f"roadshow:{roadshow_id}")
    if not members or sid not in members:
        return None
    environ = server.get_environ(sid, "/")
    saved = environ.get("saved_session") if environ else None
    user_id = saved.get("_user_id") if saved is not None else None
    if user_id is None:
        return None
    if not may_react(roadshow_id, user_id) and not (
            (roadshow_id, str(user_id)) in _vetted and _renew(environ["flask.app"], roadshow_id, str(user_id))):
        return None
    if not reaction_within_rate(user_id):
        return None
    add_reaction(roadshow_id, kind, ensure_running=False)  # the full handler started the loop already
    return {"ok": True}


def mark_presence(roadshow_id: int) -> None:
    with _lock:
        _presence.add(roadshow_id)
    _ensure_running()


def mark_poll(roadshow_id: int, poll_id: int) -> None:
    with _lock:
        _polls[roadshow_id].add(poll_id)
    _ensure_running()


def mark_question(roadshow_id: int, question_id: int) -> None:
    with _lock:
        _questions[roadshow_id].add(question_id)
    _ensure_running()


# Visits --------------------------------------------------------------------------------------------
# A join records a visit (presence, and the organiser's report). When an event starts, thousands join
# within seconds, and an INSERT and a commit each held a database connection per join: instead, while
# the flush loop runs, visits and their closings wait here and the loop writes them once a second, in
# one statement each. (Without the loop, as in the tests, `room` writes them at once.) A socket lives
# on one process, so this process knows which of its sockets are in which room.
_open: dict[str, set[int]] = {}  # sid → rooms it is in (batched visits of this process)
_new_visits: dict[tuple[str, int], dict] = {}  # (sid, room) → the row to insert
_closings: list[dict] = []  # visits already written that have ended: their sid, room and when


def batching() -> bool:
    """Whether visits wait for the flush loop."""
    return burst_interval() > 0


def record_visit(roadshow_id: int, user_id: int | None, sid: str) -> None:
    from app.core.db import utcnow
    with _lock:
        rooms = _open.setdefault(sid, set())
        if roadshow_id in rooms:
            return  # joined again on the same socket: one visit
        rooms.add(roadshow_id)
        _new_visits[(sid, roadshow_id)] = {"roadshow_id": roadshow_id, "user_id": user_id, "sid": sid,
                                           "node_id": node_id(), "joined_at": utcnow(), "left_at": None,
                                           "hand_raised_at": None}
    mark_presence(roadshow_id)


def record_leave(sid: str, roadshow_id: int | None = None) -> list[int]:
    """Close this socket's visits (one room, or all); returns the rooms it left."""
    from app.core.db import utcnow
    now = utcnow()
    with _lock:
        rooms = _open.get(sid, set())
        left = sorted(rooms if roadshow_id is None else rooms & {roadshow_id})
        for rid in left:
            rooms.discard(rid)
            row = _new_visits.get((sid, rid))
            if row is not None:
                row["left_at"] = now  # still written: a short stay counts in the report
            else:
                _closings.append({"b_sid": sid, "b_room": rid, "b_left": now})
        if not rooms:
            _open.pop(sid, None)
    for rid in left:
        mark_presence(rid)
    return left


def write_visits() -> int:
    """Write the waiting visits and closings (commits); returns how many rows were written.

    On SQLite the write queues behind the room's other writes (`retry_when_locked`); if it still fails
    the rows are dropped and logged rather than retried for ever.
    """
    from app.extensions import db
    from app.roadshows.room import retry_when_locked
    with _lock:
        rows, closings = list(_new_visits.values()), list(_closings)
        _new_visits.clear()
        _closings.clear()
    if not rows and not closings:
        return 0
    try:
        retry_when_locked(_write_visits)(rows, closings)
    except Exception:
        db.session.rollback()
        log.exception("could not write %d visits and %d closings", len(rows), len(closings))
        return 0
    return len(rows) + len(closings)


def _write_visits(rows: list[dict], closings: list[dict]) -> None:
    from sqlalchemy import bindparam

    from app.extensions import db
    from app.roadshows.models import RoomVisit
    table = RoomVisit.__table__
    if rows:
        db.session.execute(table.insert(), rows)
    if closings:
        db.session.execute(table.update().where(
            table.c.sid == bindparam("b_sid"), table.c.roadshow_id == bindparam("b_room"),
            table.c.left_at.is_(None)).values(left_at=bindparam("b_left")), closings)
    db.session.commit()


def raise_pending_hand(roadshow_id: int, user_id: int, raised_at) -> int:
    """Set or clear the raised hand on this user's visits still waiting to be written; returns how many."""
    with _lock:
        rows = [r for r in _new_visits.values()
                if r["roadshow_id"] == roadshow_id and r["user_id"] == user_id and r["left_at"] is None]
        for row in rows:
            row["hand_raised_at"] = raised_at
    return len(rows)


_recent_presence: dict[int, tuple[float, dict]] = {}
PRESENCE_TTL = 1.0


def recent_presence(roadshow_id: int) -> dict:
    """The public presence for a joining viewer, as counted at most a second ago in this process.

    Counting the open visits is linear in the room's size, so counting on each of a thousand joins
    would be quadratic; the next `presence:update` burst brings the exact figure anyway.
    """
    from app.roadshows import room
    now = time.monotonic()
    hit = _recent_presence.get(roadshow_id)
    if hit is None or now - hit[0] >= PRESENCE_TTL:
        hit = (now, room.presence(roadshow_id, with_users=False))
        _recent_presence[roadshow_id] = hit
    counted = dict(hit[1])
    counted["count"] = max(counted["count"], 1)  # the viewer asking is there, even if not yet written
    return counted


def reset() -> None:
    """Forget this process's pending counts and caches (tests)."""
    _take()
    _allowed.clear()
    _vetted.clear()
    _rooms_seen.clear()
    _reaction_windows.clear()
    _recent_presence.clear()
    with _lock:
        _open.clear()
        _new_visits.clear()
        _closings.clear()
    from app.roadshows import snapshot
    snapshot.forget()


def _take():
    with _lock:
        taken = (dict(_reactions), set(_presence), dict(_polls), dict(_questions))
        _reactions.clear()
        _presence.clear()
        _polls.clear()
        _questions.clear()
    return taken


def flush() -> int:
    """Send what piled up since the last flush (needs an app context); returns the number of emits."""
    from app.core import realtime
    from app.extensions import db
    from app.roadshows import payloads, room
    from app.roadshows.models import Poll, Question

    write_visits()  # before counting presence
    reactions, presence, polls, questions = _take()
    sent = _flush_reactions(reactions)
    for roadshow_id in presence:
        full = room.presence(roadshow_id, with_users=True)
        realtime.emit_to_room(room.moderators_room(roadshow_id), "presence:update", full)
        public = {k: full[k] for k in ("roadshow_id", "count", "hands")}
        _recent_presence[roadshow_id] = (time.monotonic(), public)
        realtime.emit_to_room(room.roadshow_room(roadshow_id), "presence:update", public)
        sent += 2
    for roadshow_id, poll_ids in polls.items():
        for poll_id in poll_ids:
            poll = db.session.get(Poll, poll_id)
            if poll is not None:
                realtime.emit_to_room(room.roadshow_room(roadshow_id), "poll:update",
                                      payloads.poll(poll, room.tallies(poll.id)))
                sent += 1
    for roadshow_id, question_ids in questions.items():
        for question_id in question_ids:
            question = db.session.get(Question, question_id)
            if question is not None:
                realtime.emit_to_room(room.roadshow_room(roadshow_id), "qa:update",
                                      payloads.question(question, room.question_counts(roadshow_id)))
                sent += 1
    return sent


# Server processes ---------------------------------------------------------------------------------
# A visit is presence while its `left_at` is NULL; a process that dies without closing its sockets
# (killed, crashed, machine lost) would leave its viewers "present" for ever. Each process that holds
# room sockets beats in `roadshow_nodes` from its flush loop; any process's loop closes the visits of
# a node silent for longer than `ROADSHOW_NODE_TIMEOUT` seconds (default 45), at its last beat.
_node: dict = {"id": None, "pid": None, "beat": 0.0, "swept": 0.0}


def node_id() -> str:
    """This process's id (a new one after a fork)."""
    import os
    import uuid
    if _node["pid"] != os.getpid():
        _node.update(id=uuid.uuid4().hex, pid=os.getpid(), beat=0.0, swept=0.0)
    return _node["id"]


def node_timeout() -> float:
    return float(current_app.config.get("ROADSHOW_NODE_TIMEOUT") or 45)


def heartbeat() -> None:
    """Record that this process is alive (an UPDATE, or the INSERT the first time); commits."""
    from sqlalchemy import update

    from app.core.db import utcnow
    from app.extensions import db
    from app.roadshows.models import LiveNode
    now = utcnow()
    done = db.session.execute(update(LiveNode).where(LiveNode.id == node_id()).values(seen_at=now)).rowcount
    if not done:
        db.session.add(LiveNode(id=node_id(), started_at=now, seen_at=now))
    db.session.commit()


def sweep() -> int:
    """Close the open visits of silent nodes (at their last beat) and of visits whose node never beat;
    returns the number of visits closed. Commits."""
    from datetime import timedelta

    from sqlalchemy import delete, select, update

    from app.core.db import utcnow
    from app.extensions import db
    from app.roadshows.models import LiveNode, RoomVisit
    cutoff = utcnow() - timedelta(seconds=node_timeout())
    closed, rooms = 0, set()
    for node in db.session.scalars(select(LiveNode).where(LiveNode.seen_at < cutoff, LiveNode.id != node_id())):
        open_visits = (RoomVisit.node_id == node.id) & RoomVisit.left_at.is_(None)
        rooms.update(db.session.scalars(select(RoomVisit.roadshow_id).where(open_visits).distinct()))
        closed += db.session.execute(update(RoomVisit).where(open_visits).values(left_at=node.seen_at)).rowcount
        db.session.execute(delete(LiveNode).where(LiveNode.id == node.id))
    orphans = (RoomVisit.left_at.is_(None) & (RoomVisit.joined_at < cutoff)
               & RoomVisit.node_id.not_in(select(LiveNode.id)) & (RoomVisit.node_id != node_id()))
    rooms.update(db.session.scalars(select(RoomVisit.roadshow_id).where(orphans).distinct()))
    closed += db.session.execute(update(RoomVisit).where(orphans).values(left_at=RoomVisit.joined_at)).rowcount
    db.session.commit()
    for roadshow_id in rooms:
        mark_presence(roadshow_id)
    if closed:
        log.info("closed %d visits of silent server processes", closed)
    return closed


def _keep_node(now: float) -> None:
    """From the flush loop: beat every quarter of the timeout, sweep as often.

    Both write, so on SQLite they queue behind the room's other writes (`retry_when_locked`): a write
    that waited inside SQLite for a lock held by a paused greenlet would stall the whole process.
    """
    from app.roadshows.room import retry_when_locked
    period = node_timeout() / 4
    if now - _node["beat"] >= period:
        retry_when_locked(heartbeat)()
        _node["beat"] = now
    if now - _node["swept"] >= period:
        _node["swept"] = now
        retry_when_locked(sweep)()


# Reactions across processes --------------------------------------------------------------------
# One process sends its own counts. Several (sharing Redis) add theirs to one Redis hash per room and
# second, and whichever process claims a finished second first sends it: one `reaction:burst` per room
# and second to the room's thousands of viewers, not one per process.
REACTIONS_KEY = "fuhua:reactions:{}:{}"  # roadshow id, second (Redis clock)
# Adds counts to the hash of the current second as Redis tells it (ARGV[1] is the key without the
# second), atomically: once Redis's clock has passed a second nothing more lands in it, so a finished
# second can be claimed and sent at once.
_ADD_REACTIONS = """
local now = redis.call('TIME')[1]
local key = ARGV[1] .. now
for i = 2, #ARGV, 2 do redis.call('HINCRBY', key, ARGV[i], ARGV[i + 1]) end
redis.call('EXPIRE', key, 60)
return tonumber(now)
"""
_reaction_rooms: dict[int, int] = {}  # rooms this process counted reactions for → the last second it did


def _flush_reactions(reactions: dict) -> int:
    from app.core import realtime
    from app.roadshows import room
    client = realtime.redis_client()
    if client is None:
        for roadshow_id, counts in reactions.items():
            if counts:
                realtime.emit_to_room(room.roadshow_room(roadshow_id), "reaction:burst",
                                      {"roadshow_id": roadshow_id, "counts": dict(counts)})
        return sum(1 for counts in reactions.values() if counts)
    for roadshow_id, counts in reactions.items():
        if counts:
            args = [REACTIONS_KEY.format(roadshow_id, "")] + [x for kind, n in counts.items() for x in (kind, n)]
            _reaction_rooms[roadshow_id] = int(client.register_script(_ADD_REACTIONS)(args=args))
    if not _reaction_rooms:
        return 0
    now, sent = int(client.time()[0]), 0
    for roadshow_id, last in list(_reaction_rooms.items()):
        for second in range(now - 3, now):  # finished seconds: whoever claims one first sends it
            key = REACTIONS_KEY.format(roadshow_id, second)
            if client.set(key + ":sent", 1, nx=True, ex=60):
                counts = {k.decode(): int(v) for k, v in client.hgetall(key).items()}
                if counts:
                    realtime.emit_to_room(room.roadshow_room(roadshow_id), "reaction:burst",
                                          {"roadshow_id": roadshow_id, "counts": counts})
                    sent += 1
        if last < now - 3:
            del _reaction_rooms[roadshow_id]
    return sent


def burst_interval() -> float:
    """Seconds between flushes; 0 (the default under TESTING, where tests call `flush()`) means no loop."""
    value = current_app.config.get("ROADSHOW_BURST_INTERVAL")
    if value is None:
        return 0.0 if current_app.testing else 1.0
    return float(value)


def _ensure_running() -> None:
    interval = burst_interval()
    if interval <= 0 or _runner["started"]:
        return
    with _lock:
        if _runner["started"]:
            return
        _runner["started"] = True
    from app.extensions import socketio
    socketio.start_background_task(_loop, current_app._get_current_object(), interval)


def _loop(app, interval: float) -> None:
    from app.extensions import socketio
    while True:
        socketio.sleep(interval)
        started = time.monotonic()
        try:
            with app.app_context():
                from app.extensions import db
                try:
                    flush()
                    _keep_node(time.monotonic())
                except Exception:
                    db.session.rollback()
                    raise
                finally:
                    db.session.remove()
        except Exception:  # keep flushing: one bad room must not stop the others
            log.exception("roadshow burst flush failed")
        if time.monotonic() - started > interval:
            log.warning("roadshow burst flush took %.2fs", time.monotonic() - started)

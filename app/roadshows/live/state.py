"""This process's broadcast state of the live rooms, in one `LiveState` per app (`app.extensions`).

Batched room updates: reactions, presence, poll results and upvotes go out at most once a second.

One broadcast per click would cost a room of 1,000 viewers a million deliveries a second; instead
this process keeps counts in memory and a background task flushes them as `reaction:burst`,
`presence:update`, `poll:update` and `qa:update`. The data behind the last three is in the database,
so every process flushes the same truth; reaction counts are per process, and with several processes
they meet in Redis so that one burst a second goes to each room (`LiveState._flush_reactions`).
`ROADSHOW_BURST_INTERVAL` (seconds, default 1) sets the pace; 0 means "only when `flush()` is called"
(the default under TESTING: a background thread must not share the tests' database connection).
"""
from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import timedelta

from flask import Flask, current_app
from limits import parse
from sqlalchemy import bindparam, delete, event, select, update

from app.core import realtime, uow
from app.core.db import utcnow
from app.extensions import db, socketio
from app.roadshows.live import access, queries
from app.roadshows.live.snapshot import TRACKED, View, ViewCache
from app.roadshows.models import LiveNode, Mute, Poll, PollStatus, Question, Roadshow, RoomVisit
from app.roadshows.room import moderators_room, roadshow_room
from app.roadshows.schemas import dump_poll, dump_question

log = logging.getLogger(__name__)

EXTENSION = "roadshow_live"
ALLOW_SECONDS = 5.0
ROOM_SNAPSHOT_SECONDS = 1.0
PRESENCE_TTL = 1.0
PRESENCE_WAIT = 30.0  # seconds a join waits for another join's count of a room's first presence


def init_app(app: Flask) -> LiveState:
    """Give the app its live-room state and make commits outdate the rooms' views."""
    state = app.extensions[EXTENSION] = LiveState()
    with app.app_context():
        _install_session_hooks()
    return state


def current() -> LiveState:
    """The live-room state of the app in context."""
    return current_app.extensions[EXTENSION]


def of(app: Flask) -> LiveState:
    """The live-room state of `app` (for code that runs without an app context)."""
    return app.extensions[EXTENSION]


def burst_interval() -> float:
    """Seconds between flushes; 0 (the default under TESTING, where tests call `flush()`) means no loop."""
    value = current_app.config.get("ROADSHOW_BURST_INTERVAL")
    if value is None:
        return 0.0 if current_app.testing else 1.0
    return float(value)


def batching() -> bool:
    """Whether visits wait for the flush loop."""
    return burst_interval() > 0


def node_timeout() -> float:
    return float(current_app.config.get("ROADSHOW_NODE_TIMEOUT") or 45)


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


class LiveState:
    """Everything this process keeps about its live rooms between events; one per app.

    * counts and dirty marks waiting for the next flush (reactions, presence, polls, upvotes);
    * who may react without a new check, and each user's reaction window;
    * visits and their closings waiting to be written (a socket lives on one process, so this process
      knows which of its sockets are in which room);
    * the rooms' views (`snapshot.ViewCache`) and their recent presence;
    * this server process's node id and beats, and the flush loop.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.views = ViewCache()
        self._reactions: dict[int, Counter] = defaultdict(Counter)
        self._presence: set[int] = set()
        self._polls: dict[int, set[int]] = defaultdict(set)
        self._questions: dict[int, set[int]] = defaultdict(set)
        self._started = False
        self._allowed: dict[tuple[int, str], float] = {}  # (roadshow, user) → until when reactions need no check
        # (roadshow, user) pairs that passed the full check once in this process: their right to react only
        # changes by a mute or the room closing, so renewing it asks just that (see `renew`).
        self._vetted: set[tuple[int, str]] = set()
        self._rooms_seen: dict[int, tuple[float, bool, frozenset[int]]] = {}  # room → (when, open?, muted ids)
        self._refreshing: set[int] = set()  # rooms whose snapshot one greenlet is reading now
        # Reactions' own rate limit: per user, per process (a user's socket lives on one process), counted in
        # a plain dict. Flask-Limiter's memory storage restarts a timer thread on every hit, which at a
        # thousand reactions a second was an eighth of the server's time.
        self._reaction_rule: dict[str, float] = {"amount": 10, "seconds": 1.0}
        self._reaction_windows: dict[str, list[float]] = {}
        self._open: dict[str, set[int]] = {}  # sid → rooms it is in (batched visits of this process)
        self._new_visits: dict[tuple[str, int], dict] = {}  # (sid, room) → the row to insert
        self._closings: list[dict] = []  # visits already written that have ended: their sid, room and when
        self._recent_presence: dict[int, tuple[float, dict]] = {}
        self._counting: dict[int, threading.Event] = {}  # rooms whose presence one greenlet is counting now
        self._node: dict = {"id": None, "pid": None, "beat": 0.0, "swept": 0.0}
        self._reaction_rooms: dict[int, int] = {}  # rooms this process counted reactions for → their last second

    # Views -------------------------------------------------------------------------------------------

    def view(self, roadshow_id: int) -> View:
        return self.views.view(roadshow_id)

    # Who may react without a new check ---------------------------------------------------------------

    def may_react(self, roadshow_id: int, user_id) -> bool:
        return self._allowed.get((roadshow_id, str(user_id)), 0.0) > time.monotonic()

    def allow_reactions(self, roadshow_id: int, user_id) -> None:
        """Remember for a few seconds that this user passed the posting check in this room."""
        if len(self._allowed) > 100_000:
            self._allowed.clear()
        self._allowed[(roadshow_id, str(user_id))] = time.monotonic() + ALLOW_SECONDS
        if len(self._vetted) > 100_000:
            self._vetted.clear()
        self._vetted.add((roadshow_id, str(user_id)))

    def forget_reactions(self, roadshow_id: int, user_id) -> None:
        self._allowed.pop((roadshow_id, str(user_id)), None)
        self._vetted.discard((roadshow_id, str(user_id)))

    def close_room(self, roadshow_id: int) -> None:
        """The room ended: nobody's allowance to react there holds any more in this process (other processes'
        run out within `ALLOW_SECONDS`, and their renewal reads the closed room)."""
        for key in [k for k in self._allowed if k[0] == roadshow_id]:
            self._allowed.pop(key, None)
        self._rooms_seen.pop(roadshow_id, None)

    def expire_allowances(self) -> None:
        """Let every allowance run out, as if `ALLOW_SECONDS` had passed (tests)."""
        self._allowed.clear()

    def forget_vetted(self) -> None:
        """Forget who passed the full check, as a process that never saw them would (tests)."""
        self._vetted.clear()

    def forget_room_snapshots(self) -> None:
        """Read the rooms' open/muted facts again on the next renewal, as a second later would (tests)."""
        self._rooms_seen.clear()

    def vetted(self, roadshow_id: int, user_id) -> bool:
        return (roadshow_id, str(user_id)) in self._vetted

    def _room_snapshot(self, app, roadshow_id: int) -> tuple[float, bool, frozenset[int]] | None:
        """Whether the room is open and whom it has muted, read at most once a second per process: renewing
        a thousand viewers' allowances must not cost a thousand queries."""
        hit = self._rooms_seen.get(roadshow_id)
        now = time.monotonic()
        if hit is not None and (now - hit[0] < ROOM_SNAPSHOT_SECONDS or roadshow_id in self._refreshing):
            return hit  # fresh enough, or being read again right now: hundreds of renewals must not each query
        self._refreshing.add(roadshow_id)
        try:
            with app.app_context():
                try:
                    status = db.session.scalar(select(Roadshow.status).where(Roadshow.id == roadshow_id))
                    muted = frozenset(db.session.scalars(select(Mute.user_id).where(Mute.roadshow_id == roadshow_id)))
                finally:
                    db.session.remove()
        finally:
            self._refreshing.discard(roadshow_id)
        if status is None:
            return None
        hit = (now, access.is_open(status), muted)
        self._rooms_seen[roadshow_id] = hit
        return hit

    def renew(self, app, roadshow_id: int, user_id: str) -> bool:
        """Renew a vetted user's allowance by the posting rule, with the facts from the room's snapshot (the
        user passed the watch check in this process before); False: the full handler checks again."""
        snapshot = self._room_snapshot(app, roadshow_id)
        if snapshot is None or access.post_refusal(
                signed_in=True, may_watch=lambda: self.vetted(roadshow_id, user_id), room_open=snapshot[1],
                muted=lambda: int(user_id) in snapshot[2]) is not None:
            return False
        self.allow_reactions(roadshow_id, user_id)
        return True

    # Reactions -----------------------------------------------------------------------------------------

    def add_reaction(self, roadshow_id: int, kind: str, *, ensure_running: bool = True) -> None:
        with self.lock:
            self._reactions[roadshow_id][kind] += 1
        if ensure_running:
            self.ensure_running()

    def set_reaction_rate(self, rule: str) -> None:
        """`ROADSHOW_REACTION_RATE`, e.g. "10/second" or "100 per 5 seconds"."""
        item = parse(rule)
        self._reaction_rule.update(amount=item.amount, seconds=float(item.get_expiry()))

    def reaction_within_rate(self, user_id) -> bool:
        """Count one reaction of this user in the current window; False once the window is full."""
        now = time.monotonic()
        key = str(user_id)
        window = self._reaction_windows.get(key)
        if window is None or now - window[0] >= self._reaction_rule["seconds"]:
            if len(self._reaction_windows) > 100_000:
                self._reaction_windows.clear()
            self._reaction_windows[key] = [now, 1]
            return True
        if window[1] >= self._reaction_rule["amount"]:
            return False
        window[1] += 1
        return True

    # Dirty marks -----------------------------------------------------------------------------------------

    def mark_presence(self, roadshow_id: int) -> None:
        with self.lock:
            self._presence.add(roadshow_id)
        self.ensure_running()

    def mark_poll(self, roadshow_id: int, poll_id: int) -> None:
        with self.lock:
            self._polls[roadshow_id].add(poll_id)
        self.ensure_running()

    def mark_question(self, roadshow_id: int, question_id: int) -> None:
        with self.lock:
            self._questions[roadshow_id].add(question_id)
        self.ensure_running()

    # Visits --------------------------------------------------------------------------------------------
    # A join records a visit (presence, and the organiser's report). When an event starts, thousands join
    # within seconds, and an INSERT and a commit each held a database connection per join: instead, while
    # the flush loop runs, visits and their closings wait here and the loop writes them once a second, in
    # one statement each. (Without the loop, as in the tests, `use_cases` writes them at once.)

    def record_visit(self, roadshow_id: int, user_id: int | None, sid: str, hand_raised_at=None) -> None:
        with self.lock:
            rooms = self._open.setdefault(sid, set())
            if roadshow_id in rooms:
                return  # joined again on the same socket: one visit
            rooms.add(roadshow_id)
            self._new_visits[(sid, roadshow_id)] = {
                "roadshow_id": roadshow_id, "user_id": user_id, "sid": sid, "node_id": self.node_id(),
                "joined_at": utcnow(), "left_at": None, "hand_raised_at": hand_raised_at}
        self.mark_presence(roadshow_id)

    def record_leave(self, sid: str, roadshow_id: int | None = None) -> list[int]:
        """Close this socket's visits (one room, or all); returns the rooms it left."""
        now = utcnow()
        with self.lock:
            rooms = self._open.get(sid, set())
            left = sorted(rooms if roadshow_id is None else rooms & {roadshow_id})
            for rid in left:
                rooms.discard(rid)
                row = self._new_visits.get((sid, rid))
                if row is not None:
                    row["left_at"] = now  # still written: a short stay counts in the report
                else:
                    self._closings.append({"b_sid": sid, "b_room": rid, "b_left": now})
            if not rooms:
                self._open.pop(sid, None)
        for rid in left:
            self.mark_presence(rid)
        return left

    def write_visits(self) -> int:
        """Write the waiting visits and closings (commits); returns how many rows were written.

        One unit of work: on SQLite it waits (cooperatively) for the write lock like every other writer;
        if the database stays locked or the write fails, the rows are dropped and logged rather than
        retried for ever.
        """
        with self.lock:
            rows, closings = list(self._new_visits.values()), list(self._closings)
            self._new_visits.clear()
            self._closings.clear()
        if not rows and not closings:
            return 0
        try:
            with uow.unit_of_work():
                _write_visits(rows, closings)
        except Exception:
            db.session.rollback()
            log.exception("could not write %d visits and %d closings", len(rows), len(closings))
            return 0
        return len(rows) + len(closings)

    def pending_hand(self, roadshow_id: int, user_id: int, since) -> tuple[bool, object]:
        """Like `queries.last_hand`, among this person's visits not written yet: (found, raised_at)."""
        with self.lock:
            rows = [r for r in self._new_visits.values() if r["roadshow_id"] == roadshow_id
                    and r["user_id"] == user_id and (r["left_at"] is None or r["left_at"] > since)]
        if not rows:
            return (False, None)
        latest = max(rows, key=lambda r: r["joined_at"])
        return (True, latest["hand_raised_at"])

    def raise_pending_hand(self, roadshow_id: int, user_id: int, raised_at) -> int:
        """Set or clear the raised hand on this user's visits still waiting to be written; returns how many."""
        with self.lock:
            rows = [r for r in self._new_visits.values()
                    if r["roadshow_id"] == roadshow_id and r["user_id"] == user_id and r["left_at"] is None]
            for row in rows:
                row["hand_raised_at"] = raised_at
        return len(rows)

    def recent_presence(self, roadshow_id: int) -> dict:
        """The public presence for a joining viewer, as counted at most a second ago in this process.

        Counting the open visits is linear in the room's size, so counting on each of a thousand joins
        would be quadratic; the next `presence:update` burst brings the exact figure anyway. One join
        counts at a time: the others take the count before it, or wait for the first one holding no
        database connection. (Each counting for itself, a join storm on a busy machine took every pooled
        connection and joins failed after the pool's 30 s timeout.)
        """
        hit = self._recent_presence.get(roadshow_id)
        if hit is not None and time.monotonic() - hit[0] < PRESENCE_TTL:
            return self._joining(hit[1])
        with self.lock:
            counting = self._counting.get(roadshow_id)
            if counting is None:
                self._counting[roadshow_id] = threading.Event()
        if counting is not None:
            if hit is None:
                counting.wait(PRESENCE_WAIT)
                hit = self._recent_presence.get(roadshow_id)
            if hit is not None:
                return self._joining(hit[1])
            return self._joining(queries.presence(roadshow_id, with_users=False))  # the count failed
        try:
            counted = queries.presence(roadshow_id, with_users=False)
            self._recent_presence[roadshow_id] = (time.monotonic(), counted)
        finally:
            with self.lock:
                self._counting.pop(roadshow_id).set()
        return self._joining(counted)

    @staticmethod
    def _joining(public: dict) -> dict:
        counted = dict(public)
        counted["count"] = max(counted["count"], 1)  # the viewer asking is there, even if not yet written
        return counted

    # Flushing ------------------------------------------------------------------------------------------

    def _take(self):
        with self.lock:
            taken = (dict(self._reactions), set(self._presence), dict(self._polls), dict(self._questions))
            self._reactions.clear()
            self._presence.clear()
            self._polls.clear()
            self._questions.clear()
        return taken

    def flush(self) -> int:
        """Send what piled up since the last flush (needs an app context); returns the number of emits."""
        self.write_visits()  # before counting presence
        reactions, presence, polls, questions = self._take()
        sent = self._flush_reactions(reactions)
        for roadshow_id in presence:
            full = queries.presence(roadshow_id, with_users=True)
            realtime.emit_to_room(moderators_room(roadshow_id), "presence:update", full)
            public = {k: full[k] for k in ("roadshow_id", "count", "hands")}
            self._recent_presence[roadshow_id] = (time.monotonic(), public)
            realtime.emit_to_room(roadshow_room(roadshow_id), "presence:update", public)
            sent += 2
        for roadshow_id, poll_ids in polls.items():
            for poll_id in poll_ids:
                poll = db.session.get(Poll, poll_id)
                if poll is not None:
                    tallies = queries.tallies(poll.id)
                    realtime.emit_to_room(roadshow_room(roadshow_id), "poll:update", dump_poll(poll, tallies))
                    sent += 1
                    if poll.hide_results and poll.status == PollStatus.OPEN:  # the room's copy hides the results
                        realtime.emit_to_room(moderators_room(roadshow_id), "poll:update",
                                              dump_poll(poll, tallies, moderator=True))
                        sent += 1
        for roadshow_id, question_ids in questions.items():
            for question_id in question_ids:
                question = db.session.get(Question, question_id)
                if question is not None:
                    realtime.emit_to_room(roadshow_room(roadshow_id), "qa:update",
                                          dump_question(question, counts=queries.question_counts(roadshow_id)))
                    sent += 1
        return sent

    def _flush_reactions(self, reactions: dict) -> int:
        client = realtime.redis_client()
        if client is None:
            for roadshow_id, counts in reactions.items():
                if counts:
                    realtime.emit_to_room(roadshow_room(roadshow_id), "reaction:burst",
                                          {"roadshow_id": roadshow_id, "counts": dict(counts)})
            return sum(1 for counts in reactions.values() if counts)
        for roadshow_id, counts in reactions.items():
            if counts:
                args = [REACTIONS_KEY.format(roadshow_id, "")] + [x for kind, n in counts.items() for x in (kind, n)]
                self._reaction_rooms[roadshow_id] = int(client.register_script(_ADD_REACTIONS)(args=args))
        if not self._reaction_rooms:
            return 0
        now, sent = int(client.time()[0]), 0
        for roadshow_id, last in list(self._reaction_rooms.items()):
            for second in range(now - 3, now):  # finished seconds: whoever claims one first sends it
                key = REACTIONS_KEY.format(roadshow_id, second)
                if client.set(key + ":sent", 1, nx=True, ex=60):
                    counts = {k.decode(): int(v) for k, v in client.hgetall(key).items()}
                    if counts:
                        realtime.emit_to_room(roadshow_room(roadshow_id), "reaction:burst",
                                              {"roadshow_id": roadshow_id, "counts": counts})
                        sent += 1
            if last < now - 3:
                del self._reaction_rooms[roadshow_id]
        return sent

    def ensure_running(self) -> None:
        interval = burst_interval()
        if interval <= 0 or self._started:
            return
        with self.lock:
            if self._started:
                return
            self._started = True
        socketio.start_background_task(self._loop, current_app._get_current_object(), interval)

    def _loop(self, app, interval: float) -> None:
        while True:
            socketio.sleep(interval)
            started = time.monotonic()
            try:
                with app.app_context():
                    try:
                        self.flush()
                        self._keep_node(time.monotonic())
                    except Exception:
                        db.session.rollback()
                        raise
                    finally:
                        db.session.remove()
            except Exception:  # keep flushing: one bad room must not stop the others
                log.exception("roadshow burst flush failed")
            if time.monotonic() - started > interval:
                log.warning("roadshow burst flush took %.2fs", time.monotonic() - started)

    # Server processes ----------------------------------------------------------------------------------
    # A visit is presence while its `left_at` is NULL; a process that dies without closing its sockets
    # (killed, crashed, machine lost) would leave its viewers "present" for ever. Each process that holds
    # room sockets beats in `roadshow_nodes` from its flush loop; any process's loop closes the visits of
    # a node silent for longer than `ROADSHOW_NODE_TIMEOUT` seconds (default 45), at its last beat.

    def node_id(self) -> str:
        """This process's id (a new one after a fork)."""
        if self._node["pid"] != os.getpid():
            self._node.update(id=uuid.uuid4().hex, pid=os.getpid(), beat=0.0, swept=0.0)
        return self._node["id"]

    def heartbeat(self) -> None:
        """Record that this process is alive (an UPDATE, or the INSERT the first time); commits."""
        now = utcnow()
        with uow.unit_of_work():
            done = db.session.execute(
                update(LiveNode).where(LiveNode.id == self.node_id()).values(seen_at=now)).rowcount
            if not done:
                db.session.add(LiveNode(id=self.node_id(), started_at=now, seen_at=now))

    def sweep(self) -> int:
        """Close the open visits of silent nodes (at their last beat) and of visits whose node never beat;
        returns the number of visits closed. Commits."""
        cutoff = utcnow() - timedelta(seconds=node_timeout())
        me = self.node_id()
        closed, rooms = 0, set()
        with uow.unit_of_work():
            for node in list(db.session.scalars(select(LiveNode).where(LiveNode.seen_at < cutoff, LiveNode.id != me))):
                open_visits = (RoomVisit.node_id == node.id) & RoomVisit.left_at.is_(None)
                rooms.update(db.session.scalars(select(RoomVisit.roadshow_id).where(open_visits).distinct()))
                closed += db.session.execute(
                    update(RoomVisit).where(open_visits).values(left_at=node.seen_at)).rowcount
                db.session.execute(delete(LiveNode).where(LiveNode.id == node.id))
            orphans = (RoomVisit.left_at.is_(None) & (RoomVisit.joined_at < cutoff)
                       & RoomVisit.node_id.not_in(select(LiveNode.id)) & (RoomVisit.node_id != me))
            rooms.update(db.session.scalars(select(RoomVisit.roadshow_id).where(orphans).distinct()))
            closed += db.session.execute(
                update(RoomVisit).where(orphans).values(left_at=RoomVisit.joined_at)).rowcount
            for roadshow_id in sorted(rooms):
                uow.after_commit(self.mark_presence, roadshow_id)
        if closed:
            log.info("closed %d visits of silent server processes", closed)
        return closed

    def _keep_node(self, now: float) -> None:
        """From the flush loop: beat every quarter of the timeout, sweep as often.

        Both write in a unit of work, which on SQLite waits for the write lock cooperatively: a write
        that waited inside SQLite for a lock held by a paused greenlet would stall the whole process.
        """
        period = node_timeout() / 4
        if now - self._node["beat"] >= period:
            self.heartbeat()
            self._node["beat"] = now
        if now - self._node["swept"] >= period:
            self._node["swept"] = now
            self.sweep()


def _write_visits(rows: list[dict], closings: list[dict]) -> None:
    table = RoomVisit.__table__
    if rows:
        db.session.execute(table.insert(), rows)
    if closings:
        db.session.execute(table.update().where(
            table.c.sid == bindparam("b_sid"), table.c.roadshow_id == bindparam("b_room"),
            table.c.left_at.is_(None)).values(left_at=bindparam("b_left")), closings)


# Views follow commits ------------------------------------------------------------------------------

def _after_flush(session, flush_context) -> None:
    """Note the rooms this flush touched (new rows have their ids by now); they are bumped on commit.

    A view built between the flush and the commit read the data before it, and the bump after the
    commit outdates it; a view built after the commit but before the bump is rebuilt once more.
    """
    rooms = session.info.setdefault("roadshows_touched", set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Roadshow):
            rooms.add(obj.id)
        elif isinstance(obj, TRACKED) and obj.roadshow_id is not None:
            rooms.add(obj.roadshow_id)
    rooms.discard(None)


def _after_commit(session) -> None:
    rooms = session.info.pop("roadshows_touched", None)
    if rooms:
        current().views.bump(*rooms)


def _after_soft_rollback(session, previous_transaction) -> None:
    session.info.pop("roadshows_touched", None)


def _install_session_hooks() -> None:
    """Hook the app's session (once)."""
    session = db.session
    if not event.contains(session, "after_flush", _after_flush):
        event.listen(session, "after_flush", _after_flush)
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_soft_rollback", _after_soft_rollback)

"""Benchmark: the admin statistics dashboard on a big incubator (1,000 startups, 100,000 mentor bookings,
1,000,000 roadshow chat messages, ...), on a throwaway SQLite file and a throwaway PostgreSQL database.

The data is bulk-inserted with SQLAlchemy Core `insert()` executemany (not the ORM, not the services), then
the dashboard page (`GET /admin/statistics`, default range: the last 90 days) and the API
(`GET /api/admin/statistics`) are rendered N times each through the Flask test client with an admin signed
in; median and p95 are printed as a markdown table.

    .venv/bin/python bench/statistics_dashboard.py                       # SQLite and PostgreSQL
    .venv/bin/python bench/statistics_dashboard.py --databases sqlite --renders 50
    PG_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/statistics_dashboard.py

PostgreSQL: a database `fuhua_bench_stats_<random>` is created on the server of `--pg-url` (default
$TEST_DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres) and dropped afterwards.
"""
from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SOCKETIO_ASYNC_MODE", "threading")

from sqlalchemy import insert, text  # noqa: E402

UTC = timezone.utc
NOW = datetime.now(UTC).replace(microsecond=0)
DAYS = 730  # history spread over two years (plus 60 days ahead for bookings and roadshows)
CHUNK = 20_000
PASSWORD = "plum-orchard-lantern-1"
STAGES = ["idea", "prototype", "pre_seed", "seed", "series_a", "series_b_plus", "growth"]
SECTORS = ["quantum", "biotech", "robotics", "ai_chips", "ai", "new_materials", "clean_energy", "aerospace"]
CATEGORIES = ["compute", "data_models", "concept_verification", "pilot_testing", "inspection_testing",
              "ip_services", "design_manufacturing", "legal_finance", "other"]
BOOKING_MIX = [("completed", 55), ("cancelled", 15), ("declined", 5), ("no_show", 5), ("confirmed", 15),
               ("requested", 5)]
REQUEST_MIX = [("completed", 35), ("in_progress", 10), ("delivered", 5), ("quoted", 15), ("submitted", 10),
               ("declined", 10), ("cancelled", 10), ("expired", 5)]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def when(rng: random.Random, *, ahead: int = 0) -> datetime:
    return NOW - timedelta(seconds=rng.randrange(-ahead * 86400, DAYS * 86400))


def pick(rng: random.Random, mix):
    return rng.choices([k for k, _ in mix], weights=[w for _, w in mix])[0]


class Loader:
    """Bulk inserts in chunks, with explicit ids so rows can point at each other without reading back."""

    def __init__(self, conn):
        self.conn = conn

    def put(self, table, rows) -> None:
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                self.conn.execute(insert(table), batch)
                batch = []
        if batch:
            self.conn.execute(insert(table), batch)


def build(db, args) -> dict[str, int]:
    """Fill the empty database; returns row counts per table."""
    from app.accounts.models import Membership, Organisation, User
    from app.marketplace.models import RequestEvent, ResourceRequest, Settlement, VoucherEntry
    from app.mentoring.models import Booking, BookingFeedback, MentorProfile, SessionType
    from app.providers.models import Listing
    from app.roadshows.models import ChatMessage, Interest, Pitch, Question, Registration, Roadshow, RoomVisit
    from app.startups.models import Startup

    rng = random.Random(20261122)
    t = {m.__name__: m.__table__ for m in (User, Organisation, Startup, Membership, MentorProfile, SessionType, Booking,
                                           BookingFeedback, Roadshow, Pitch, Registration, RoomVisit, ChatMessage,
                                           Question, Interest, Listing, ResourceRequest, RequestEvent, Settlement,
                                           VoucherEntry)}
    n_startups, n_mentors, n_investors, n_providers = args.startups, 200, 300, 50
    founders = list(range(2, 2 + n_startups))
    mentors = list(range(founders[-1] + 1, founders[-1] + 1 + n_mentors))
    investors = list(range(mentors[-1] + 1, mentors[-1] + 1 + n_investors))
    providers_u = list(range(investors[-1] + 1, investors[-1] + 1 + n_providers))
    counts: dict[str, int] = {}
    with db.engine.begin() as conn:
        load = Loader(conn)

        def put(name, rows):
            rows = list(rows)
            load.put(t[name], rows)
            counts[t[name].name] = counts.get(t[name].name, 0) + len(rows)

        put("User", ({"id": uid, "email": f"u{uid}@bench.test", "password_hash": "x", "name": f"User {uid}",
                      "role": role, "created_at": when(rng)}
                     for ids, role in ((founders, "founder"), (mentors, "mentor"), (investors, "investor"),
                                       (providers_u, "provider")) for uid in ids))
        startups = list(range(1, n_startups + 1))
        provider_orgs = list(range(n_startups + 1, n_startups + 1 + n_providers))
        put("Organisation", [{"id": sid, "kind": "startup", "name": f"Startup {sid}", "tags": [],
                              "created_at": when(rng)} for sid in startups])
        put("Startup", [{"id": sid, "sector": rng.choice(SECTORS), "stage": rng.choice(STAGES),
                         "summary": "Hard tech."} for sid in startups])
        put("Organisation", [{"id": pid, "kind": "provider", "name": f"Provider {pid}", "city": "Beijing", "tags": [],
                "created_at": when(rng)} for pid in provider_orgs])
        put("Membership", [{"organisation_id": sid, "user_id": uid, "role": "owner"}
                           for sid, uid in zip(startups, founders, strict=True)]
            + [{"organisation_id": pid, "user_id": uid, "role": "owner"}
               for pid, uid in zip(provider_orgs, providers_u, strict=True)])
        put("MentorProfile", [{"id": i + 1, "user_id": uid, "tags": [], "sectors": [], "languages": []}
                              for i, uid in enumerate(mentors)])
        put("SessionType", [{"id": i + 1, "mentor_id": i + 1, "name": "Office hour", "duration_minutes": 60}
                            for i in range(n_mentors)])
        log(f"  bookings: {args.bookings:,}")
        feedback = []

        def bookings():
            for bid in range(1, args.bookings + 1):
                mentor = rng.randrange(1, n_mentors + 1)
                founder_index = rng.randrange(n_startups)
                starts = when(rng, ahead=60).replace(minute=0, second=0)
                status = pick(rng, BOOKING_MIX) if starts < NOW else rng.choice(["confirmed", "requested",
                                                                                 "cancelled"])
                created = starts - timedelta(days=rng.randrange(1, 30))
                if status == "completed" and rng.random() < 0.6:
                    feedback.append({"booking_id": bid, "side": "founder", "author_id": founders[founder_index],
                                     "rating": rng.choice([3, 4, 4, 5, 5]), "created_at": starts + timedelta(hours=2)})
                yield {"id": bid, "mentor_id": mentor, "session_type_id": mentor, "founder_id": founders[founder_index],
                       "startup_id": startups[founder_index], "starts_at": starts,
                       "ends_at": starts + timedelta(hours=1),
                       "status": status, "created_at": created, "updated_at": created,
                       "confirmed_at": created if status != "requested" else None,
                       "cancelled_at": starts - timedelta(hours=5) if status == "cancelled" else None}

        put("Booking", bookings())
        put("BookingFeedback", feedback)

        n_roadshows = args.roadshows
        log(f"  roadshows: {n_roadshows}, chat messages: {args.messages:,}")
        shows = [(rid, when(rng, ahead=60)) for rid in range(1, n_roadshows + 1)]
        put("Roadshow", [{"id": rid, "title": f"Demo Day {rid} 路演", "starts_at": s, "ends_at": s + timedelta(hours=3),
                          "status": "ended" if s < NOW else "scheduled", "criteria": []} for rid, s in shows])
        pitches = [(rid * 10 + k, rid, startups[rng.randrange(n_startups)]) for rid, _s in shows for k in range(5)]
        put("Pitch", [{"id": pid, "roadshow_id": rid, "startup_id": sid, "title": f"Pitch {pid}", "position": pid % 10,
                       "state": "done"} for pid, rid, sid in pitches])
        audience = founders + investors + mentors
        put("Registration", [{"roadshow_id": rid, "user_id": uid, "created_at": s - timedelta(days=3)}
                             for rid, s in shows for uid in rng.sample(audience, 100)])
        put("RoomVisit", [{"roadshow_id": rid, "user_id": (uid if uid % 7 else None), "sid": f"s{rid}-{k}",
                           "joined_at": s + timedelta(minutes=k % 60), "left_at": s + timedelta(minutes=90)}
                          for rid, s in shows for k, uid in enumerate(rng.choices(audience, k=300))])
        per_show = args.messages // n_roadshows

        def messages():
            for rid, s in shows:
                speakers = rng.sample(audience, 60)
                for k in range(per_show):
                    yield {"roadshow_id": rid, "user_id": speakers[k % 60], "body": "Great pitch!",
                           "client_id": str(k), "created_at": s + timedelta(seconds=k), "deleted": k % 97 == 0}

        put("ChatMessage", messages())
        put("Question", [{"roadshow_id": rid, "pitch_id": pid, "user_id": rng.choice(investors), "body": "Margins?",
                          "status": rng.choice(["approved", "answered", "answered", "dismissed"]), "votes": 0}
                         for pid, rid, _sid in pitches for _k in range(10)])
        put("Interest", [{"pitch_id": pid, "user_id": uid} for pid, _rid, _sid in pitches
                         for uid in rng.sample(investors, 4)])

        log(f"  requests: {args.requests:,}")
        put("Listing", [{"id": lid, "provider_id": rng.choice(provider_orgs), "title": f"Listing {lid}",
                         "category": CATEGORIES[lid % len(CATEGORIES)], "unit": "hour", "pricing_model": "fixed",
                         "price": Decimal("100.00"), "capacity": 1000, "status": "published", "tags": [],
                         "specs": {}, "category_fields": {}} for lid in range(1, 501)])
        events, settlements, ledger = [], [], []

        def requests():
            for qid in range(1, args.requests + 1):
                created = when(rng)
                state = pick(rng, REQUEST_MIX)
                quoted = created + timedelta(hours=rng.randrange(1, 96))
                accepted = quoted + timedelta(hours=rng.randrange(1, 48))
                delivered = accepted + timedelta(hours=rng.randrange(24, 24 * 20))
                events.append({"request_id": qid, "action": "submit", "from_state": None, "to_state": "submitted",
                               "created_at": created})
                row = {"id": qid, "listing_id": rng.randrange(1, 501), "provider_id": rng.choice(provider_orgs),
                       "startup_id": rng.choice(startups), "quantity": 1, "state": state, "pricing_model": "fixed",
                       "created_at": created, "quoted_at": None, "accepted_at": None, "delivered_at": None,
                       "completed_at": None}
                if state not in ("submitted", "expired") and not (state == "declined" and rng.random() < 0.5):
                    row["quoted_at"] = quoted
                    events.append({"request_id": qid, "action": "quote", "from_state": "submitted",
                                   "to_state": "quoted", "created_at": quoted})
                if state in ("completed", "in_progress", "delivered"):
                    row["accepted_at"] = accepted
                    events.append({"request_id": qid, "action": "accept", "from_state": "quoted",
                                   "to_state": "accepted", "created_at": accepted})
                if state in ("completed", "delivered"):
                    row["delivered_at"] = delivered
                    events.append({"request_id": qid, "action": "deliver", "from_state": "in_progress",
                                   "to_state": "delivered", "created_at": delivered})
                if state == "completed":
                    done = delivered + timedelta(days=2)
                    row["completed_at"] = done
                    method = rng.choice(["cash", "cash", "voucher", "equity"])
                    settlements.append({"request_id": qid, "amount": Decimal(rng.randrange(100, 50000)),
                                        "method": method, "status": "paid", "created_at": done})
                    if method == "voucher":
                        ledger.append({"startup_id": row["startup_id"], "amount": -Decimal(500), "kind": "spend",
                                       "balance_after": Decimal(0), "created_at": done})
                yield row

        put("ResourceRequest", requests())
        put("RequestEvent", events)
        put("Settlement", settlements)
        put("VoucherEntry", ledger + [{"startup_id": rng.choice(startups), "amount": Decimal(5000), "kind": "grant",
                                       "balance_after": Decimal(5000), "created_at": when(rng)} for _ in range(3000)])
        if conn.dialect.name == "postgresql":
            for name in ("users", "organisations", "mentor_profiles", "mentor_session_types", "mentor_bookings",
                         "roadshows", "pitches", "listings", "resource_requests"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                  f"(SELECT max(id) FROM {name}))"))
    with db.engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    return counts


def timed(client, path: str, n: int) -> list[float]:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:300])
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run(url: str, label: str, args) -> list[tuple]:
    from app import create_app
    from app.accounts import services as accounts
    from app.extensions import db
    from config import TestConfig, database_url

    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url(url, "sqlite://")

    app = create_app(BenchConfig)
    logging.getLogger().setLevel(logging.WARNING)
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        counts = build(db, args)
        built = time.perf_counter() - started
        admin = accounts.register_user(email="admin@bench.test", password=PASSWORD, name="Bench Admin",
                                       role="investor", is_admin=True)
        db.session.commit()
        log(f"{label}: built in {built:.1f} s: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        client = app.test_client()
        assert client.post("/api/auth/login", json={"email": admin.email, "password": PASSWORD}).status_code == 200
        db.session.remove()
    rows = []
    for name, path in (("page", "/admin/statistics"), ("API", "/api/admin/statistics"),
                       ("CSV (weekly sessions)", "/admin/statistics/weekly_sessions.csv")):
        timed(client, path, args.warmup)
        samples = timed(client, path, args.renders)
        rows.append((label, name, f"{statistics.median(samples):.0f} ms", f"{p95(samples):.0f} ms",
                     f"{min(samples):.0f} ms", round(built, 1)))
        log(f"{label} {name}: median {statistics.median(samples):.1f} ms, p95 {p95(samples):.1f} ms")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return rows


def _pg_urls(base: str) -> tuple[str, str, str]:
    parts = urlsplit(base.replace("postgresql+psycopg://", "postgresql://", 1))
    name = f"fuhua_bench_stats_{uuid.uuid4().hex[:10]}"
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    return admin, urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, "")), name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"],
                        help="Which databases to build and time")
    parser.add_argument("--pg-url", default=os.environ.get("TEST_DATABASE_URL")
                        or "postgresql://postgres@127.0.0.1:5432/postgres",
                        help="A PostgreSQL server URL (a throwaway database is created on it)")
    parser.add_argument("--startups", type=int, default=1_000, help="Startups (one founder each)")
    parser.add_argument("--bookings", type=int, default=100_000, help="Mentor bookings")
    parser.add_argument("--messages", type=int, default=1_000_000, help="Roadshow chat messages")
    parser.add_argument("--roadshows", type=int, default=200, help="Roadshows (5 pitches each)")
    parser.add_argument("--requests", type=int, default=20_000, help="Resource requests")
    parser.add_argument("--renders", type=int, default=30, help="Timed renders per URL")
    parser.add_argument("--warmup", type=int, default=3, help="Untimed renders per URL first")
    args = parser.parse_args()
    rows = []
    if "sqlite" in args.databases:
        folder = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
        path = folder / f"fuhua-bench-stats-{uuid.uuid4().hex[:8]}.db"
        try:
            rows += run(f"sqlite:///{path}", "SQLite", args)
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    if "postgresql" in args.databases:
        import psycopg

        admin_url, url, name = _pg_urls(args.pg_url)
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            rows += run(url, "PostgreSQL", args)
        finally:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"\nStatistics dashboard, default range (last 90 days), {args.renders} renders each after {args.warmup} "
          f"warm-up; {args.startups:,} startups, {args.bookings:,} bookings, {args.messages:,} chat messages, "
          f"{args.roadshows} roadshows, {args.requests:,} requests\n")
    print("| database | what | median | p95 | min | build (s) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")


if __name__ == "__main__":
    main()

"""Benchmark: booking throughput. 200 founders book 200 different slots of one mentor at the same instant
against the served app (one `python wsgi.py` process, gevent) on a throwaway database; all must succeed.

    .venv/bin/python bench/mentoring_booking.py [--founders 200]   # TEST_DATABASE_URL=postgresql://... for PostgreSQL
"""
import argparse
import statistics
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.mentoring.test_concurrency import Client  # noqa: E402
from tests.served import serve  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--founders", type=int, default=200, help="Concurrent founders (one slot each)")
    args = parser.parse_args()
    with serve() as served:
        mentor = Client(served.url, "mentor")
        mentor.http.put(served.url + "/api/mentors/me", json={"timezone": "UTC"})
        for weekday in range(7):
            mentor.post("/api/mentors/me/availability",
                        {"weekday": weekday, "start_time": "00:00", "end_time": "24:00"})
        type_id = mentor.post("/api/mentors/me/session-types", {
            "name": "Quick", "duration_minutes": 30, "capacity": 1, "min_notice_minutes": 0,
            "max_days_ahead": 60}).json()["id"]
        founders = [Client(served.url, "founder") for _ in range(args.founders)]
        first = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=2)
        barrier = threading.Barrier(len(founders))
        results, latencies = [None] * len(founders), [0.0] * len(founders)

        def run(i, founder):
            starts_at = first + timedelta(minutes=30 * i)
            barrier.wait()
            started = time.perf_counter()
            results[i] = founder.post("/api/bookings", {"session_type_id": type_id, "starts_at": starts_at.isoformat()})
            latencies[i] = (time.perf_counter() - started) * 1000

        threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(founders)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        statuses = Counter(r.status_code for r in results)
        print(f"database: {served.database_url.split(':')[0]}; founders: {len(founders)}; statuses: {dict(statuses)}")
        print(f"wall {wall:.2f} s · {len(founders) / wall:.0f} bookings/s · median latency "
              f"{statistics.median(latencies):.0f} ms · max {max(latencies):.0f} ms")
        if statuses != {201: len(founders)}:
            sys.exit(1)


if __name__ == "__main__":
    main()

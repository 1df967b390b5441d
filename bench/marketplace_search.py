"""Benchmark: listing search through the HTTP API with 100,000 listings.

    .venv/bin/python bench/marketplace_search.py                      # SQLite (throwaway file)
    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/marketplace_search.py                  # PostgreSQL (throwaway database)

It migrates a throwaway database (`flask db upgrade`), bulk-inserts N listings (default 100,000) spread
over 50 provider organisations with generated titles, tags and 30-60-word descriptions drawn from a
2,000-word vocabulary (the FTS5 index / tsvector are filled by the migration's triggers), serves the app
with `python wsgi.py` (gevent, one process), then times GET /api/listings with a text query and two
filters (category + city), e.g. `?q=kestrel&category=compute&city=Beijing`, over many different words.
Prints the median and p95 in milliseconds, measured by the client (one connection per request).
"""
import argparse
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from sqlalchemy import create_engine, insert, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config import database_url  # noqa: E402
from tests.served import serve  # noqa: E402

CATEGORIES = ["compute", "data_models", "concept_verification", "pilot_testing", "inspection_testing",
              "ip_services", "design_manufacturing", "legal_finance", "other"]
CITIES = ["Beijing", "Shanghai", "Shenzhen", "Hangzhou", "Suzhou", "Guangzhou", "Chengdu", "Wuhan", "Xi'an",
          "Nanjing", "Tianjin", "Hefei"]
PRICING = ["fixed", "quote", "voucher", "equity"]
SYLLABLES = ["ka", "lo", "mi", "ren", "tor", "vex", "quin", "stra", "bel", "dor", "fen", "gal", "hal", "jor", "kel",
             "lum", "mar", "nex", "pol", "ryn", "sol", "tav", "ul", "vor", "wen", "xan", "yel", "zor"]


def vocabulary(rng: random.Random, size: int = 2000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))))
    return sorted(words)


def fill(url: str, count: int, rng: random.Random, words: list[str]) -> None:
    engine = create_engine(database_url(url, "sqlite://"))
    now = datetime.now(timezone.utc)
    with engine.begin() as conn:
        provider_ids = []
        for i in range(50):
            conn.execute(text("INSERT INTO organisations (kind, name, description, is_verified, tags, created_at) "
                              "VALUES ('provider', :name, '', false, '[]', :now)"),
                         {"name": f"Bench provider {i}", "now": now.replace(tzinfo=None)})
        provider_ids = [row[0] for row in conn.execute(text("SELECT id FROM organisations WHERE kind='provider'"))]
    from app.resources.models import Listing  # the table definition only

    table = Listing.__table__
    batch = []
    with engine.begin() as conn:
        for i in range(count):
            category = rng.choice(CATEGORIES)
            pricing = rng.choice(PRICING)
            batch.append({
                "provider_id": rng.choice(provider_ids), "title": " ".join(rng.sample(words, 4)).title(),
                "category": category, "description": " ".join(rng.choices(words, k=rng.randint(30, 60))),
                "specs": {}, "category_fields": {"accelerator_model": "A100"} if category == "compute" else {},
                "unit": "unit", "pricing_model": pricing,
                "price": None if pricing == "quote" else round(rng.uniform(10, 50000), 2),
                "capacity": rng.randint(0, 1000), "city": rng.choice(CITIES), "is_remote": rng.random() < 0.2,
                "tags": rng.sample(words, 3), "status": "published" if rng.random() < 0.95 else "draft",
                "rating_count": 0, "created_at": now - timedelta(minutes=i),
            })
            if len(batch) == 5000:
                conn.execute(insert(table), batch)
                batch = []
        if batch:
            conn.execute(insert(table), batch)
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE listings"))
        else:
            conn.execute(text("ANALYZE"))
    engine.dispose()


def run(count: int, queries: int) -> dict:
    rng = random.Random(42)
    words = vocabulary(rng)
    with serve() as served:
        started = time.monotonic()
        fill(served.database_url, count, rng, words)
        print(f"inserted {count} listings in {time.monotonic() - started:.1f}s", flush=True)
        # A fresh connection per request: with keep-alive, the development server (gevent pywsgi) and the
        # client's delayed ACKs add a flat ~40 ms to every response (even /healthz), which is not the search.
        close = {"Connection": "close"}
        base = served.url + "/api/listings"
        for _ in range(20):  # warm up
            requests.get(base, params={"q": rng.choice(words), "category": "compute", "city": "Beijing"},
                         headers=close, timeout=30)
        timings, totals = [], []
        for _ in range(queries):
            params = {"q": rng.choice(words), "category": rng.choice(CATEGORIES), "city": rng.choice(CITIES)}
            t0 = time.perf_counter()
            response = requests.get(base, params=params, headers=close, timeout=30)
            timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.text
            totals.append(response.json()["total"])
        timings.sort()
        return {"database": "postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite", "listings": count,
                "queries": queries, "median_ms": round(statistics.median(timings), 1),
                "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1), "max_ms": round(timings[-1], 1),
                "mean_hits": round(statistics.mean(totals), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listings", type=int, default=100_000, help="How many listings to generate")
    parser.add_argument("--queries", type=int, default=300, help="How many timed searches")
    args = parser.parse_args()
    print(run(args.listings, args.queries))


if __name__ == "__main__":
    main()

"""Benchmark: listing search through the HTTP API with 100,000 listings.

    .venv/bin/python bench/marketplace_search.py                      # SQLite (throwaway file)
    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/marketplace_search.py                  # PostgreSQL (throwaway database)

It migrates a throwaway database (`flask db upgrade`), bulk-inserts N listings (default 100,000) spread
over 50 provider organisations with generated titles, tags and 30-60-word descriptions drawn from a
2,000-word vocabulary, a quarter of them in Chinese (words of two or three characters from a 2,000-word
Chinese vocabulary, written without spaces), builds the search index (`flask search reindex`, timed),
serves the app with `python wsgi.py` (gevent, one process), then times GET /api/listings with a Chinese
query and two filters (category + city), e.g. `?q=检测&category=compute&city=Beijing`, over many different
words, and the same with English words. Prints the medians and p95s in milliseconds, measured by the client
(one connection per request), and what each request cost in CPU: the serving process's (from /proc) and, on
PostgreSQL, the database server's backends' (their /proc/PID/schedstat), which the load of a shared machine
does not change the way it changes the wall-clock times. The reindex's CPU time is reported as well.
"""
import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from sqlalchemy import create_engine, insert, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config import database_url, json_utf8  # noqa: E402
from tests.served import serve  # noqa: E402

CATEGORIES = ["compute", "data_models", "concept_verification", "pilot_testing", "inspection_testing",
              "ip_services", "design_manufacturing", "legal_finance", "other"]
CITIES = ["Beijing", "Shanghai", "Shenzhen", "Hangzhou", "Suzhou", "Guangzhou", "Chengdu", "Wuhan", "Xi'an",
          "Nanjing", "Tianjin", "Hefei"]
PRICING = ["fixed", "quote", "voucher", "equity"]
SYLLABLES = ["ka", "lo", "mi", "ren", "tor", "vex", "quin", "stra", "bel", "dor", "fen", "gal", "hal", "jor", "kel",
             "lum", "mar", "nex", "pol", "ryn", "sol", "tav", "ul", "vor", "wen", "xan", "yel", "zor"]


# Characters common in hard-tech listings, for a Chinese vocabulary of two- and three-character words.
HANZI = ("算力检测试验中知识产权专利电磁兼容芯片封装光子量子机器人电池材料涂布样机原型设计制造工艺流片晶圆"
         "数据模型训练推理集群服务平台实验室认证标准可靠性环境振动安全高温低功率器件传感激光雷达视觉控制"
         "系统软件硬件开发测量分析报告快速交付批量小试放大生产线设备仪器精密加工注塑模具结构热管理散热"
         "储能氢能燃料光伏风电半导体碳化硅氮化镓医疗器械临床注册药物抗体蛋白基因细胞生物合成化学催化"
         "航天卫星无人机船舶海洋水下农业土壤种子法律财务税务股权融资合同商标版权许可授权培训咨询")


def chinese_vocabulary(rng: random.Random, size: int = 2000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(HANZI) for _ in range(rng.choice((2, 2, 3)))))
    return sorted(words)


def vocabulary(rng: random.Random, size: int = 2000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))))
    return sorted(words)


def fill(url: str, count: int, rng: random.Random, words: list[str], chinese: list[str]) -> None:
    engine = create_engine(database_url(url, "sqlite://"), json_serializer=json_utf8)
    now = datetime.now(timezone.utc)
    with engine.begin() as conn:
        provider_ids = []
        for i in range(50):
            conn.execute(text("INSERT INTO organisations (kind, name, description, is_verified, tags, created_at) "
                              "VALUES ('provider', :name, '', false, '[]', :now)"),
                         {"name": f"Bench provider {i}", "now": now.replace(tzinfo=None)})
        provider_ids = [row[0] for row in conn.execute(text("SELECT id FROM organisations WHERE kind='provider'"))]
    from app.providers.models import Listing  # the table definition only

    table = Listing.__table__
    batch = []
    with engine.begin() as conn:
        for i in range(count):
            category = rng.choice(CATEGORIES)
            pricing = rng.choice(PRICING)
            in_chinese = i % 4 == 0
            vocab, sep = (chinese, "") if in_chinese else (words, " ")
            title = sep.join(rng.sample(vocab, 4))
            batch.append({
                "provider_id": rng.choice(provider_ids), "title": title if in_chinese else title.title(),
                "category": category, "description": sep.join(rng.choices(vocab, k=rng.randint(30, 60))),
                "specs": {}, "category_fields": {"accelerator_model": "A100"} if category == "compute" else {},
                "unit": "unit", "pricing_model": pricing,
                "price": None if pricing == "quote" else round(rng.uniform(10, 50000), 2),
                "capacity": rng.randint(0, 1000), "city": rng.choice(CITIES), "is_remote": rng.random() < 0.2,
                "tags": rng.sample(vocab, 3), "status": "published" if rng.random() < 0.95 else "draft",
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


def _process_cpu_s(pid: int) -> float:
    """User + system CPU seconds a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class _CpuMeter:
    """CPU used by the serving process and (on PostgreSQL) by the database's backends between two readings."""

    def __init__(self, server_pid: int, url: str):
        self.server_pid = server_pid
        self.engine = create_engine(database_url(url, "sqlite://")) if url.startswith("postgres") else None

    def _backends_ms(self) -> dict[int, float]:
        if self.engine is None:
            return {}
        with self.engine.connect() as conn:
            # the serving process's connections only: autovacuum's workers on the fresh tables are not a request's
            pids = conn.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                     "AND backend_type = 'client backend' AND pid <> pg_backend_pid()")).all()
        out = {}
        for pid in pids:
            try:
                out[pid] = int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e6
            except (OSError, ValueError):  # not on this machine, or gone
                pass
        return out

    def start(self) -> None:
        self.server, self.backends = _process_cpu_s(self.server_pid), self._backends_ms()

    def per_request(self, requests_count: int) -> dict:
        server_ms = (_process_cpu_s(self.server_pid) - self.server) * 1000 / requests_count
        now = self._backends_ms()
        backends_ms = sum(ms - self.backends.get(pid, 0.0) for pid, ms in now.items()) / requests_count
        out = {"server_cpu_ms": round(server_ms, 1)}
        if self.engine is not None:
            out["db_cpu_ms"] = round(backends_ms, 1)
        return out


def _timed(base: str, rng: random.Random, words: list[str], queries: int, meter: _CpuMeter) -> dict:
    close = {"Connection": "close"}
    timings, totals = [], []
    meter.start()
    for _ in range(queries):
        params = {"q": rng.choice(words), "category": rng.choice(CATEGORIES), "city": rng.choice(CITIES)}
        t0 = time.perf_counter()
        response = requests.get(base, params=params, headers=close, timeout=30)
        timings.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.text
        totals.append(response.json()["total"])
    cpu = meter.per_request(queries)
    timings.sort()
    return {"median_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1), "max_ms": round(timings[-1], 1),
            "mean_hits": round(statistics.mean(totals), 1), **cpu}


def run(count: int, queries: int) -> dict:
    rng = random.Random(42)
    words = vocabulary(rng)
    chinese = chinese_vocabulary(rng)
    with serve() as served:
        started = time.monotonic()
        fill(served.database_url, count, rng, words, chinese)
        print(f"inserted {count} listings in {time.monotonic() - started:.1f}s", flush=True)
        started, children = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-m", "flask", "search", "reindex", "--kind", "listing"], cwd=ROOT,
                       env=served.env(), check=True, capture_output=True, timeout=3600)
        reindex_s = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        reindex_cpu_s = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
        print(f"indexed them in {reindex_s:.1f}s ({reindex_cpu_s:.1f}s of CPU in the command)", flush=True)
        _analyse(served.database_url)
        # A fresh connection per request: with keep-alive, the development server (gevent pywsgi) and the
        # client's delayed ACKs add a flat ~40 ms to every response (even /healthz), which is not the search.
        base = served.url + "/api/listings"
        for _ in range(20):  # warm up (the first Chinese query also loads the segmenter's dictionary)
            requests.get(base, params={"q": rng.choice(chinese), "category": "compute", "city": "Beijing"},
                         headers={"Connection": "close"}, timeout=30)
        meter = _CpuMeter(served.server.process.pid, served.database_url)
        try:
            return {"database": "postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite",
                    "listings": count, "queries": queries, "reindex_s": round(reindex_s, 1),
                    "reindex_cpu_s": round(reindex_cpu_s, 1), "load_average": os.getloadavg(),
                    "floor": _floor(served.url + "/healthz"), "chinese": _timed(base, rng, chinese, queries, meter),
                    "english": _timed(base, rng, words, queries, meter), "load_average_after": os.getloadavg()}
        finally:
            if meter.engine is not None:
                meter.engine.dispose()


def _floor(url: str, requests_count: int = 100) -> dict:
    """The same client and server answering /healthz (no database, no search): what the machine costs by itself."""
    timings = []
    for _ in range(requests_count):
        t0 = time.perf_counter()
        requests.get(url, headers={"Connection": "close"}, timeout=30)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    return {"median_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1)}


def _analyse(url: str) -> None:
    """Statistics for the planner; on PostgreSQL also the vacuum autovacuum would otherwise run during the timing."""
    engine = create_engine(database_url(url, "sqlite://"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listings", type=int, default=100_000, help="How many listings to generate")
    parser.add_argument("--queries", type=int, default=300, help="How many timed searches")
    args = parser.parse_args()
    print(run(args.listings, args.queries))


if __name__ == "__main__":
    main()

"""Search quality, measured on the labelled query set (`labelled.py`) through the services the pages and API call.

recall@10: the share of the items a query should find that are among its first ten results.
nDCG@10: whether they come first (1.0 when every wanted item is ranked above every other).
"""
import math
import re

import pytest

from app.mentoring import services as mentoring
from app.mentoring.models import MentorProfile
from app.providers import search as listings
from app.providers.models import Listing, Provider
from app.startups import services as startups
from app.startups.models import Startup
from tests.search.labelled import LISTINGS, MENTORS, QUERIES, STARTUPS

_CJK = re.compile(r"[\u4e00-\u9fff]")
TEXT = {**{k: v[0] for k, v in LISTINGS.items()}, **{k: v[0] + v[1] for k, v in MENTORS.items()},
        **{k: v[0] + v[1] for k, v in STARTUPS.items()}}


def _chinese(text: str) -> bool:
    return bool(_CJK.search(text))


@pytest.fixture
def corpus(db, make_user):
    """The labelled items in the database; returns {database id: key} per kind."""
    providers: dict[str, Provider] = {}
    ids = {"listing": {}, "mentor": {}, "startup": {}}
    for key, (title, category, description, tags, fields, city, provider) in LISTINGS.items():
        if provider not in providers:
            providers[provider] = Provider(name=provider, description="", tags=[])
        listing = Listing(provider=providers[provider], title=title, category=category, description=description,
                          tags=tags, category_fields=fields, specs={}, unit="unit", pricing_model="quote",
                          city=city, is_remote=city is None, status="published")
        db.session.add(listing)
        db.session.flush()
        ids["listing"][listing.id] = key
    for key, (name, headline, bio, tags, sectors) in MENTORS.items():
        profile = MentorProfile(user=make_user("mentor", name=name), headline=headline, bio=bio, tags=tags,
                                sectors=sectors, languages=["zh", "en"])
        db.session.add(profile)
        db.session.flush()
        ids["mentor"][profile.id] = key
    for key, (name, summary, needs, tags, sector) in STARTUPS.items():
        startup = Startup(name=name, summary=summary, needs=needs, tags=tags, sector=sector, stage="seed")
        db.session.add(startup)
        db.session.flush()
        ids["startup"][startup.id] = key
    db.session.commit()
    return ids


def _results(kind: str, q: str) -> list[int]:
    if kind == "listing":
        return [item.id for item in listings.search(listings.Filters(q=q), per_page=10).page.items]
    if kind == "mentor":
        return [profile.id for profile in mentoring.search_mentors(q=q, per_page=10).items]
    return [startup.id for startup in startups.search_startups(q=q, per_page=10).items]


def _ndcg(ranked: list[str], wanted: set[str]) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, key in enumerate(ranked[:10]) if key in wanted)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(wanted), 10)))
    return dcg / ideal


def _measure(corpus) -> list[dict]:
    rows = []
    for kind, q, wanted in QUERIES:
        ranked = [corpus[kind][i] for i in _results(kind, q)]
        rows.append({"kind": kind, "q": q, "chinese": _chinese(q), "ranked": ranked,
                     "cross": any(_chinese(TEXT[key]) != _chinese(q) for key in wanted),
                     "recall": len(wanted & set(ranked[:10])) / len(wanted), "ndcg": _ndcg(ranked, wanted)})
    return rows


def _mean(rows, metric) -> float:
    return sum(r[metric] for r in rows) / len(rows)


def test_the_query_set_is_balanced():
    chinese = sum(_chinese(q) for _kind, q, _wanted in QUERIES)
    cross = sum(any(_chinese(TEXT[k]) != _chinese(q) for k in wanted) for _kind, q, wanted in QUERIES)
    assert len(QUERIES) >= 40
    assert abs(chinese - (len(QUERIES) - chinese)) <= 2  # half Chinese, half English
    assert cross >= len(QUERIES) / 4


def test_recall_and_ndcg_at_10(corpus):
    rows = _measure(corpus)
    report = "\n".join(f"{r['kind']:8} {r['q']:12} recall {r['recall']:.2f} ndcg {r['ndcg']:.2f} {r['ranked']}"
                       for r in rows)
    groups = {"all": rows, "Chinese": [r for r in rows if r["chinese"]],
              "English": [r for r in rows if not r["chinese"]], "across languages": [r for r in rows if r["cross"]]}
    figures = {name: (_mean(group, "recall"), _mean(group, "ndcg")) for name, group in groups.items()}
    summary = ", ".join(f"{name}: recall@10 {r:.2f}, nDCG@10 {n:.2f}" for name, (r, n) in figures.items())
    print(summary)
    for name, (recall, ndcg) in figures.items():
        assert recall >= 0.9, f"{name}: {summary}\n{report}"
        assert ndcg >= 0.8, f"{name}: {summary}\n{report}"
    assert all(r["recall"] >= 0.5 for r in rows), report  # no query misses most of what it should find

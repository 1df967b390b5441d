"""Matching quality, measured: precision@5 against the labelled set (tests/matching/labelled.py), per language.

precision@5 = (how many of the top five are ones the expert picked) / 5, averaged over the startups of a language.
Every startup has at least five expert picks of each kind, so 1.0 is reachable.
"""
import logging

from app.matching import services

log = logging.getLogger(__name__)
K = 5


def measure(built) -> dict:
    """Per startup: precision@5 for mentors and for listings, and what was recommended."""
    mentor_key = {u.id: key for key, u in built.mentors.items()}
    listing_key = {li.id: key for key, li in built.listings.items()}
    pool = services.build_pool()
    out = {}
    for key, startup in built.startups.items():
        *_fields, expert_mentors, expert_listings, held_out = built.data.STARTUPS[key]
        recs = services.recommend_for_startup(actor=built.founder, startup_id=startup.id, limit=K, pool=pool)
        got_mentors = [mentor_key[m.item.user_id] for m in recs.mentors]
        got_listings = [listing_key[m.item.id] for m in recs.listings]
        out[key] = {"lang": built.data.STARTUPS[key][1], "held_out": held_out,
                    "mentors": got_mentors, "listings": got_listings,
                    "p_mentors": len(set(got_mentors) & expert_mentors) / K,
                    "p_listings": len(set(got_listings) & expert_listings) / K}
    return out


def average(results: dict, kind: str, *, lang: str | None = None, held_out: bool | None = None) -> float:
    values = [r[f"p_{kind}"] for r in results.values()
              if (lang is None or r["lang"] == lang) and (held_out is None or r["held_out"] == held_out)]
    return round(sum(values) / len(values), 3)


def report(results: dict) -> str:
    lines = []
    for kind in ("mentors", "listings"):
        for lang in ("en", "zh"):
            lines.append(f"{kind:8} {lang}: P@5 all {average(results, kind, lang=lang):.3f}  "
                         f"built-on {average(results, kind, lang=lang, held_out=False):.3f}  "
                         f"held-out {average(results, kind, lang=lang, held_out=True):.3f}")
    return "\n".join(lines)


# The issue asks for 0.8 in each language, for mentors and for listings. Measured (see the report the test logs):
# mentors en 0.900 / zh 0.850, listings en 0.825 / zh 0.800. Held-out half (not looked at while the scorer was first
# built): mentors en 0.950 / zh 0.900, listings en 0.800 / zh 0.900; built-on half 0.850 / 0.800 / 0.850 / 0.700.
# Never tune the scorer to the labelled items one by one: fix it in general (lexicon, priors, fields).
TARGET = 0.8
HALF_FLOOR = 0.7  # neither half may fall far below the target: a scorer fitted to one half shows here


def test_precision_at_5_per_language(labelled, request_ctx):
    results = measure(labelled)
    log.warning("matching quality (target %.2f)\n%s", TARGET, report(results))
    for kind in ("mentors", "listings"):
        for lang in ("en", "zh"):
            assert average(results, kind, lang=lang) >= TARGET, (kind, lang, report(results), results)
            for held_out in (False, True):
                assert average(results, kind, lang=lang, held_out=held_out) >= HALF_FLOOR, \
                    (kind, lang, held_out, report(results))


def test_hidden_mentors_and_drafts_are_never_recommended(labelled, request_ctx):
    results = measure(labelled)
    for r in results.values():
        assert not {"m_unlisted", "m_notypes"} & set(r["mentors"])
        assert "l_draft" not in r["listings"]


def test_chinese_startups_find_english_profiles_and_back(labelled, request_ctx):
    """Cross-language: the top five hold profiles written in the other language."""
    results = measure(labelled)
    lang_of = {k: v[1] for k, v in labelled.data.MENTORS.items()}
    lang_of.update({k: v[1] for k, v in labelled.data.LISTINGS.items()})
    for key, r in results.items():
        other = "en" if r["lang"] == "zh" else "zh"
        assert any(lang_of[m] == other for m in r["mentors"] + r["listings"]), (key, r)

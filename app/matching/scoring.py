"""The matching model: weighted term vectors (stems, CJK bigrams, lexicon concepts, sector codes), TF-IDF over the
pool of everything that can be matched, and cosine similarity, scaled by how well the fields fit.

A startup is seen twice: as a *profile* (sector, tags, summary: what it works on), which is matched against mentors,
and as a *needs* vector (the needs text first), which is matched against listings. Listings and mentors offer their
category or sectors as concepts. A startup's stage adds a weak prior of what startups at that stage usually need, and
for listings a category prior: how likely a startup of its kind (hardware, life science, software) and stage is to
want a listing of that category (lexicon.KIND_CATEGORY_AFFINITY × STAGE_CATEGORY_AFFINITY).

Fields (robotics, batteries, manufacturing…) decide fit: a candidate from a field the startup is not in keeps half its
relevance, one from a neighbouring or sibling field about two thirds. A startup's fields come from its sector, tags,
summary and needs (and every hardware startup is in manufacturing); a listing's from its title, tags and description,
where broad fields (manufacturing, materials, large models) decide only when it names no other.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from app.matching.lexicon import (
    CATEGORY_CONCEPTS,
    CATEGORY_READS,
    FIELDS,
    HARDWARE,
    HARDWARE_INTERESTS,
    NEIGHBOURS,
    PARENTS,
    RELATED,
    SECTOR_CONCEPTS,
    SECTOR_KIND,
    STAGE_CONCEPTS,
    category_affinity,
    startup_kinds,
)
from app.matching.text import CONCEPT_PREFIX, analyse
from app.search.lexicon import concept_label

CONCEPT_WEIGHT = 2.0  # a concept is worth more than a raw word or character pair: it crosses languages
PARENT_SHARE = 0.5  # a narrower concept counts half towards its broader field
RELATED_SHARE = 0.25  # ... and a quarter towards a field it leans on
FIELD_MISMATCH = 0.5  # a candidate from another field keeps half its relevance
SIBLING_FIT = 0.65  # ... and one from a neighbouring field (same broader field, or next to it) about two thirds
NARROW = FIELDS & frozenset(PARENTS)
SECTOR_PREFIX = "#"


@dataclass
class Doc:
    """One matchable thing: its raw weighted terms, then (once the pool is known) its unit TF-IDF vector."""

    kind: str
    id: int
    obj: object
    terms: Counter = field(default_factory=Counter)
    vector: dict[str, float] = field(default_factory=dict)
    primary: Counter = field(default_factory=Counter)  # terms of the fields that say what it is (not prose)

    def concepts(self) -> dict[str, float]:
        return {t[len(CONCEPT_PREFIX):]: w for t, w in self.vector.items() if t.startswith(CONCEPT_PREFIX)}

    def named(self) -> frozenset[str]:
        """The concepts it names itself or through a broader field, not the ones it only leans on (RELATED)."""
        leant: Counter = Counter()
        for term, weight in self.terms.items():
            for other in RELATED.get(term[len(CONCEPT_PREFIX):], []) if term.startswith(CONCEPT_PREFIX) else []:
                leant[other] += weight * RELATED_SHARE
        return frozenset(t[len(CONCEPT_PREFIX):] for t, w in self.terms.items()
                         if t.startswith(CONCEPT_PREFIX) and w > leant[t[len(CONCEPT_PREFIX):]] + 1e-9)

    def fields(self) -> frozenset[str]:
        """The fields it belongs to, from its sectors, title, tags and headline: prose mentions don't count."""
        return _concepts_of(self.primary) & FIELDS


def with_parents(terms: Counter, *, related: bool = True) -> Counter:
    """Add each concept's broader field at half its weight, and (`related`) the fields it leans on at a quarter."""
    out = Counter(terms)
    for term, weight in terms.items():
        if term.startswith(CONCEPT_PREFIX):
            concept = term[len(CONCEPT_PREFIX):]
            for parent in PARENTS.get(concept, []):
                out[CONCEPT_PREFIX + parent] += weight * PARENT_SHARE
            for other in RELATED.get(concept, []) if related else []:
                out[CONCEPT_PREFIX + other] += weight * RELATED_SHARE
    return out


def _concepts_of(terms: Counter) -> frozenset[str]:
    """The concepts named directly or through a broader field (not the ones only leant on)."""
    named = set()
    for term in terms:
        if term.startswith(CONCEPT_PREFIX):
            concept = term[len(CONCEPT_PREFIX):]
            named.add(concept)
            named.update(PARENTS.get(concept, []))
    return frozenset(named)


def _roots(fields: frozenset[str]) -> frozenset[str]:
    """The broadest fields: each field's broader field when it has one that is a field."""
    return frozenset(next((p for p in PARENTS.get(f, []) if p in FIELDS), f) for f in fields)


def field_fit(startup_fields: frozenset[str], candidate_fields: frozenset[str], *, generic=frozenset()) -> float:
    """How well the candidate's fields fit the startup's: 1 when it serves any field (names none) or shares a
    field; between (SIBLING_FIT) when both name narrower fields that differ under a shared broader one (battery
    testing for a hydrogen startup) or the fields are neighbours; FIELD_MISMATCH when they share nothing.
    `generic` fields decide only when the candidate names no other field; a candidate given `generic` (a listing) is a
    service for where its fields meet, so it fits fully only when the startup is in all of its broad fields."""
    candidate_fields = (candidate_fields - generic) or candidate_fields
    if not candidate_fields or not startup_fields:
        return 1.0
    shared = candidate_fields & startup_fields
    if not shared:
        if any(NEIGHBOURS.get(f, set()) & startup_fields for f in candidate_fields):
            return SIBLING_FIT
        return FIELD_MISMATCH
    if generic and not _roots(candidate_fields) <= _roots(startup_fields):
        return SIBLING_FIT  # a service for where two fields meet (power chips for cars) fits each only in part
    narrow_startup, narrow_candidate = startup_fields & NARROW, candidate_fields & NARROW
    if narrow_startup and narrow_candidate and not narrow_startup & narrow_candidate:
        return SIBLING_FIT
    return 1.0


def _add_text(terms: Counter, text: str | None, weight: float) -> None:
    if not text:
        return
    for term in analyse(text):
        terms[term] += weight * (CONCEPT_WEIGHT if term.startswith(CONCEPT_PREFIX) else 1.0)


def _add_concepts(terms: Counter, concepts, weight: float) -> None:
    for concept in concepts:
        terms[CONCEPT_PREFIX + concept] += weight * CONCEPT_WEIGHT


def _add_sectors(terms: Counter, sectors, weight: float) -> None:
    for sector in sectors or []:
        terms[SECTOR_PREFIX + sector] += weight
        _add_concepts(terms, SECTOR_CONCEPTS.get(sector, []), weight)


def _tags_text(tags) -> str:
    return " ; ".join(str(t) for t in tags or [])


def mentor_primary(profile) -> Counter:
    terms: Counter = Counter()
    _add_sectors(terms, profile.sectors, 1.5)
    _add_text(terms, _tags_text(profile.tags), 1.5)
    _add_text(terms, profile.headline, 1.2)
    return with_parents(terms, related=False)


def mentor_terms(profile) -> Counter:
    terms: Counter = Counter()
    _add_sectors(terms, profile.sectors, 1.5)
    _add_text(terms, _tags_text(profile.tags), 1.5)
    _add_text(terms, profile.headline, 1.2)
    _add_text(terms, profile.bio, 1.0)
    return with_parents(terms)


def _read_as(terms: Counter, category: str | None) -> Counter:
    """Concepts re-read in the light of the listing's category (a compute listing's "NPU" is compute)."""
    reads = CATEGORY_READS.get(category or "")
    if not reads:
        return terms
    out: Counter = Counter()
    for term, weight in terms.items():
        concept = term[len(CONCEPT_PREFIX):] if term.startswith(CONCEPT_PREFIX) else None
        out[CONCEPT_PREFIX + reads[concept] if concept in reads else term] += weight
    return out


def listing_primary(listing) -> Counter:
    """What a listing is and whom it serves: title, tags and description (an industrial-CT service "for metal
    additive-manufacturing parts" serves additive manufacturing)."""
    terms: Counter = Counter()
    _add_text(terms, listing.title, 1.5)
    _add_text(terms, _tags_text(listing.tags), 1.5)
    _add_text(terms, listing.description, 1.0)
    return with_parents(_read_as(terms, listing.category), related=False)


def listing_terms(listing) -> Counter:
    terms: Counter = Counter()
    _add_concepts(terms, CATEGORY_CONCEPTS.get(listing.category, []), 1.5)
    _add_text(terms, listing.title, 1.5)
    _add_text(terms, _tags_text(listing.tags), 1.5)
    _add_text(terms, listing.description, 1.0)
    fields = [str(v) for v in (listing.category_fields or {}).values() if v] + \
             [f"{k} {v}" for k, v in (listing.specs or {}).items()]
    _add_text(terms, " ; ".join(fields), 0.5)
    return with_parents(_read_as(terms, listing.category))


def startup_primary(startup) -> Counter:
    """The fields a startup works in or asks about: sector, tags, summary and needs (a robot-hand maker that asks
    for an actuator manufacturer is in actuators); every hardware startup is also in manufacturing."""
    terms: Counter = Counter()
    _add_sectors(terms, [startup.sector] if startup.sector else [], 2.0)
    _add_text(terms, _tags_text(startup.tags), 1.5)
    _add_text(terms, startup.summary, 1.0)
    _add_text(terms, startup.needs, 1.0)
    if SECTOR_KIND.get(startup.sector or "") == HARDWARE:
        _add_concepts(terms, HARDWARE_INTERESTS, 0.5)
    return with_parents(terms)  # a battery startup is interested in materials and electrochemistry too


def listing_prior(startup, startup_doc: Doc, listing) -> float:
    """How likely a startup of its kinds (sector; software if it names AI or data) and stage is to want a listing of
    this category (0–1)."""
    kinds = startup_kinds(startup.sector, _concepts_of(startup_doc.primary))
    return category_affinity(kinds, startup.stage, listing.category)


def startup_profile_terms(startup) -> Counter:
    """What the startup works on (matched against mentors)."""
    terms: Counter = Counter()
    _add_sectors(terms, [startup.sector] if startup.sector else [], 2.0)
    _add_text(terms, _tags_text(startup.tags), 1.5)
    _add_text(terms, startup.summary, 1.0)
    _add_text(terms, startup.needs, 1.0)
    _add_text(terms, startup.description, 0.5)
    _add_text(terms, startup.highlights, 0.3)
    _add_concepts(terms, STAGE_CONCEPTS.get(startup.stage or "", []), 0.3)
    return with_parents(terms)


def startup_needs_terms(startup) -> Counter:
    """What the startup is looking for (matched against listings)."""
    terms: Counter = Counter()
    _add_text(terms, startup.needs, 2.0)
    _add_text(terms, _tags_text(startup.tags), 0.7)
    _add_text(terms, startup.summary, 0.7)
    _add_text(terms, startup.description, 0.3)
    _add_sectors(terms, [startup.sector] if startup.sector else [], 0.5)
    _add_concepts(terms, STAGE_CONCEPTS.get(startup.stage or "", []), 0.3)
    return with_parents(terms)


def _tf(raw: float) -> float:
    return 1.0 + math.log(raw) if raw > 1.0 else raw


class Idf:
    """Inverse document frequency over a pool of term bags (smoothed; unseen terms count as rare)."""

    def __init__(self, bags: list[Counter]):
        self.n = len(bags)
        self.df: Counter = Counter()
        for bag in bags:
            self.df.update(bag.keys())

    def __call__(self, term: str) -> float:
        return math.log(1.0 + (self.n + 1) / (self.df.get(term, 0) + 1))


def vectorise(terms: Counter, idf: Idf) -> dict[str, float]:
    """Sub-linear TF times IDF, scaled to unit length."""
    vector = {t: _tf(w) * idf(t) for t, w in terms.items() if w > 0}
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {t: v / norm for t, v in vector.items()} if norm else {}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def shared_concepts(a: dict[str, float], b: dict[str, float], *, exclude=(), limit: int = 3,
                    named: frozenset[str] | None = None) -> list[str]:
    """The concepts both vectors carry, strongest shared weight first; a broader concept is left out when a narrower
    one of it is shared ("EMC testing", not "EMC testing and testing"), and so is one whose label says no more than
    one already chosen. With `named`, only those concepts (the ones the candidate names itself) count."""
    scores = {}
    for term, weight in a.items():
        if term.startswith(CONCEPT_PREFIX) and term in b:
            concept = term[len(CONCEPT_PREFIX):]
            if concept not in exclude and (named is None or concept in named):
                scores[concept] = weight * b[term]
    implied = {parent for concept in scores for parent in PARENTS.get(concept, [])}
    chosen: list[str] = []
    for concept, _score in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])):
        if concept in implied:
            continue
        label = concept_label(concept).lower()
        if any(label in concept_label(c).lower() or concept_label(c).lower() in label for c in chosen):
            continue
        chosen.append(concept)
        if len(chosen) == limit:
            break
    return chosen


def bayesian_rating(avg: float | None, count: int, *, prior: float = 3.5, weight: int = 3) -> float:
    """A 0–1 quality from an average rating, pulled towards `prior` while there are few ratings."""
    total = (avg or 0.0) * count + prior * weight
    return (total / (count + weight) - 1.0) / 4.0

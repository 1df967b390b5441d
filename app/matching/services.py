"""Matching use cases: recommended mentors and listings for a startup; startups for a mentor or a provider.

    pool = services.build_pool()          # once per request: everything matchable, vectorised
    recs = services.recommend_for_startup(actor=user, startup_id=7, limit=5, pool=pool)
    recs.mentors[0].reasons               # ["Works in Robotics", "Knows actuators and motion", "Free on Tuesday"]

Scores are relevance (cosine of TF-IDF vectors, 0–1, scaled by field fit; for listings plus a category prior for the
startup's kind and stage) times a quality factor (ratings, pulled to a prior while there are few) times an
availability factor (a mentor with no free slot in 30 days ranks lower). A listing shortlist covers several needs: each
listing already picked from a category makes the next one of it count less. Only listed, active mentors with at least
one active session type and only published listings are recommended.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from app.accounts import organisations
from app.accounts.models import Role, User
from app.core.db import utcnow
from app.core.errors import NotFound, PermissionDenied
from app.extensions import db
from app.matching import reasons
from app.matching import scoring as sc
from app.matching.lexicon import GENERIC_FIELDS, SECTOR_CONCEPTS
from app.mentoring import services as mentor_services
from app.mentoring import slots as slot_engine
from app.mentoring.models import MentorProfile, SessionType
from app.providers.listings import live_provider
from app.providers.models import Listing, ListingStatus, PricingModel, Provider
from app.startups.models import Startup

log = logging.getLogger(__name__)

MIN_RELEVANCE = 0.02  # below this a candidate shares too little to be worth showing
AVAILABILITY_DAYS = 30
UNAVAILABLE_FACTOR = 0.7  # a mentor with no free slot in 30 days keeps 70% of the score
QUALITY_SHARE = 0.15  # ratings move a score by at most 15%
MAX_LIMIT = 50
SECTOR_BONUS = 1.25  # a mentor who names the startup's sector among theirs
PRIOR_WEIGHT = 0.08  # how much the category prior (sector kind × stage) adds to a listing's relevance
SAME_CATEGORY = 0.8  # each listing already picked from a category scales the next one of that category


@dataclass
class Match:
    """One recommendation: the thing matched, its score and the reasons in words."""

    item: object
    score: float
    reasons: list[str]
    relevance: float = 0.0
    next_free_at: datetime | None = None
    listing: Listing | None = None  # for a provider: its listing that fits the startup best
    rating: float | None = None  # mentors: average founder rating, number of ratings, sessions delivered
    rating_count: int = 0
    sessions_delivered: int = 0


@dataclass
class Recommendations:
    mentors: list[Match] = field(default_factory=list)
    listings: list[Match] = field(default_factory=list)


@dataclass
class Pool:
    """Everything matchable, vectorised against one IDF; build once per request and reuse."""

    mentors: list[sc.Doc]
    listings: list[sc.Doc]
    startups: dict[int, tuple[sc.Doc, sc.Doc]]  # id -> (profile doc, needs doc)
    idf: sc.Idf
    mentor_stats: dict[int, dict]
    now: datetime
    _free: dict[int, datetime | None] = field(default_factory=dict)

    def startup_docs(self, startup: Startup) -> tuple[sc.Doc, sc.Doc]:
        if startup.id not in self.startups:  # not in the pool (created after it was built): vectorise now
            self.startups[startup.id] = _startup_docs(startup, self.idf)
        return self.startups[startup.id]

    def first_free(self, profile: MentorProfile) -> datetime | None:
        """The mentor's first free slot in the next 30 days (computed once per pool)."""
        if profile.id not in self._free:
            self._free[profile.id] = first_free_slot(profile, now=self.now)
        return self._free[profile.id]


# Candidates ----------------------------------------------------------------------------------

def _listed_mentors() -> list[MentorProfile]:
    has_active_type = exists().where(SessionType.mentor_id == MentorProfile.id, SessionType.is_active.is_(True))
    return list(db.session.scalars(
        select(MentorProfile).join(User, User.id == MentorProfile.user_id)
        .where(User.role == Role.MENTOR, User.is_active_account.is_(True), MentorProfile.is_listed.is_(True),
               has_active_type)
        .options(selectinload(MentorProfile.user), selectinload(MentorProfile.session_types),
                 selectinload(MentorProfile.windows))
        .order_by(MentorProfile.id)))


def _published_listings() -> list[Listing]:
    return list(db.session.scalars(select(Listing).where(Listing.status == ListingStatus.PUBLISHED,
                                                         Listing.hidden_at.is_(None),
                                                         live_provider(Listing.provider_id))
                                   .options(selectinload(Listing.provider)).order_by(Listing.id)))


def _all_startups() -> list[Startup]:
    return list(db.session.scalars(select(Startup).order_by(Startup.id)))


def _startup_docs(startup: Startup, idf: sc.Idf) -> tuple[sc.Doc, sc.Doc]:
    primary = sc.startup_primary(startup)
    profile = sc.Doc("startup", startup.id, startup, sc.startup_profile_terms(startup), primary=primary)
    needs = sc.Doc("startup", startup.id, startup, sc.startup_needs_terms(startup), primary=primary)
    for doc in (profile, needs):
        doc.vector = sc.vectorise(doc.terms, idf)
    return profile, needs


def build_pool(*, now: datetime | None = None) -> Pool:
    """Load and vectorise every listed mentor, published listing and startup."""
    mentors = [sc.Doc("mentor", p.id, p, sc.mentor_terms(p), primary=sc.mentor_primary(p)) for p in _listed_mentors()]
    listings = [sc.Doc("listing", li.id, li, sc.listing_terms(li), primary=sc.listing_primary(li))
                for li in _published_listings()]
    startups = _all_startups()
    startup_bags = [sc.startup_profile_terms(s) for s in startups]
    idf = sc.Idf([d.terms for d in mentors] + [d.terms for d in listings] + startup_bags)
    for doc in mentors + listings:
        doc.vector = sc.vectorise(doc.terms, idf)
    pool = Pool(mentors=mentors, listings=listings, startups={}, idf=idf,
                mentor_stats=mentor_services.mentor_stats([d.id for d in mentors]), now=now or utcnow())
    for startup in startups:
        pool.startups[startup.id] = _startup_docs(startup, idf)
    return pool


# Availability --------------------------------------------------------------------------------

def first_free_slot(profile: MentorProfile, *, now: datetime) -> datetime | None:
    """The earliest free slot of any active session type in the next 30 days, by the mentoring slot engine.

    The first week is tried first: most mentors have a slot there, and a week is cheap to compute.
    """
    types = [t for t in profile.session_types if t.is_active]
    end = now + timedelta(days=AVAILABILITY_DAYS)
    for start, stop in ((now, now + timedelta(days=7)), (now + timedelta(days=7), end)):
        found = [slots[0].starts_at for t in types
                 if (slots := slot_engine.compute_slots(profile, t, start, stop, now=now))]
        if found:
            return min(found)
    return None


# Startup → mentors and listings ------------------------------------------------------------

def _limit(limit: int) -> int:
    return max(1, min(int(limit), MAX_LIMIT))


def _mentor_quality(stats: dict) -> float:
    return sc.bayesian_rating(stats["rating"], stats["rating_count"])


def mentor_relevance(startup: Startup, profile_doc: sc.Doc, doc: sc.Doc, fields: frozenset[str]) -> float:
    """How well a mentor's expertise fits a startup's profile (0 to about 1), before ratings and availability."""
    relevance = sc.cosine(profile_doc.vector, doc.vector) * sc.field_fit(fields, doc.fields())
    if startup.sector and startup.sector in (doc.obj.sectors or []):
        relevance *= SECTOR_BONUS
    return relevance


def listing_relevance(startup: Startup, needs_doc: sc.Doc, doc: sc.Doc, fields: frozenset[str]) -> float:
    """How well a listing fits a startup's needs: what the texts share, plus the prior of its category for a startup
    of this kind and stage, scaled by how well the fields fit. A listing that shares nothing scores 0."""
    relevance = sc.cosine(needs_doc.vector, doc.vector)
    if relevance <= 0:
        return 0.0
    fit = sc.field_fit(fields, doc.fields(), generic=GENERIC_FIELDS)
    return (relevance + PRIOR_WEIGHT * sc.listing_prior(startup, needs_doc, doc.obj)) * fit


def _rank_mentors(startup: Startup, profile_doc: sc.Doc, pool: Pool, limit: int) -> list[Match]:
    """Relevance × quality first; availability (the slow part) only for candidates that could still make the cut."""
    candidates = []
    fields = profile_doc.fields()
    for doc in pool.mentors:
        relevance = mentor_relevance(startup, profile_doc, doc, fields)
        if relevance >= MIN_RELEVANCE:
            quality = 1 - QUALITY_SHARE + QUALITY_SHARE * _mentor_quality(pool.mentor_stats[doc.id])
            candidates.append((relevance * quality, relevance, doc))
    candidates.sort(key=lambda c: (-c[0], c[2].id))
    ranked: list[Match] = []
    for upper, relevance, doc in candidates:
        if len(ranked) >= limit and upper <= ranked[limit - 1].score:
            break  # availability only lowers a score: nobody further down can overtake
        free = pool.first_free(doc.obj)
        score = upper * (1.0 if free else UNAVAILABLE_FACTOR)
        ranked.append(Match(doc.obj, round(score, 4), [], relevance=relevance, next_free_at=free,
                            **pool.mentor_stats[doc.id]))
        ranked.sort(key=lambda m: (-m.score, m.item.id))
    ranked = ranked[:limit]
    for match in ranked:
        match.reasons = _mentor_reasons(startup, profile_doc, match, pool)
    return ranked


def _mentor_reasons(startup: Startup, profile_doc: sc.Doc, match: Match, pool: Pool) -> list[str]:
    profile = match.item
    out = []
    exclude = set()
    if startup.sector and startup.sector in (profile.sectors or []):
        out.append(reasons.works_in(startup.sector))
        exclude = set(SECTOR_CONCEPTS.get(startup.sector, []))
    doc = next(d for d in pool.mentors if d.id == profile.id)
    shared = sc.shared_concepts(profile_doc.vector, doc.vector, exclude=exclude, limit=2, named=doc.named())
    if shared:
        out.append(reasons.knows(shared))
    stats = pool.mentor_stats[profile.id]
    rating = reasons.mentor_rating(stats["rating"], stats["rating_count"], stats["sessions_delivered"])
    if rating:
        out.append(rating)
    out.append(reasons.free_from(match.next_free_at, pool.now))
    return out


def _listing_quality(listing: Listing) -> float:
    avg = float(listing.rating_avg) if listing.rating_avg is not None else None
    return sc.bayesian_rating(avg, listing.rating_count or 0)


def _rank_listings(startup: Startup, needs_doc: sc.Doc, pool: Pool, limit: int) -> list[Match]:
    ranked = []
    fields = needs_doc.fields()
    for doc in pool.listings:
        relevance = listing_relevance(startup, needs_doc, doc, fields)
        if relevance >= MIN_RELEVANCE:
            quality = 1 - QUALITY_SHARE + QUALITY_SHARE * _listing_quality(doc.obj)
            ranked.append(Match(doc.obj, relevance * quality, [], relevance=relevance))
    ranked = _diversified(ranked, limit)
    docs = {d.id: d for d in pool.listings}
    for match in ranked:
        match.reasons = _listing_reasons(startup, needs_doc, docs[match.item.id])
    return ranked


def _diversified(candidates: list[Match], limit: int) -> list[Match]:
    """The best `limit` listings, covering several needs: picked greedily, each one of a category already picked
    counting SAME_CATEGORY times less (maximal marginal relevance with the category as the redundancy). A shortlist
    of three testing labs leaves the startup's other needs unserved."""
    left = sorted(candidates, key=lambda m: (-m.score, m.item.id))
    picked: list[Match] = []
    per_category: dict[str, int] = {}
    while left and len(picked) < limit:
        best = max(left, key=lambda m: (m.score * SAME_CATEGORY ** per_category.get(m.item.category, 0), -m.item.id))
        left.remove(best)
        best.score = round(best.score * SAME_CATEGORY ** per_category.get(best.item.category, 0), 4)
        per_category[best.item.category] = per_category.get(best.item.category, 0) + 1
        picked.append(best)
    return picked


def _listing_reasons(startup: Startup, needs_doc: sc.Doc, doc: sc.Doc) -> list[str]:
    listing = doc.obj
    shared = sc.shared_concepts(needs_doc.vector, doc.vector, limit=2, named=doc.named())
    out = [reasons.covers(shared) if shared else reasons.offers_category(listing.category)]
    if listing.city and startup.city and listing.city.strip().lower() == startup.city.strip().lower():
        out.append(reasons.same_city(listing.city))
    elif listing.is_remote:
        out.append(reasons.remote())
    avg = float(listing.rating_avg) if listing.rating_avg is not None else None
    rating = reasons.listing_rating(avg, listing.rating_count or 0)
    if rating:
        out.append(rating)
    if listing.pricing_model == PricingModel.VOUCHER:
        out.append(reasons.voucher())
    return out


def get_startup_for(actor, startup_id: int) -> Startup:
    """The startup, if `actor` is one of its members or an admin (NotFound / PermissionDenied otherwise)."""
    startup = db.session.get(Startup, startup_id) if organisations.valid_id(startup_id) else None
    if startup is None:
        raise NotFound(_l("Startup not found."))
    organisations.require_member(actor, startup)
    return startup


def recommend_for_startup(*, actor, startup_id: int, limit: int = 5, pool: Pool | None = None) -> Recommendations:
    """The mentors and listings that fit a startup best (its members and admins)."""
    startup = get_startup_for(actor, startup_id)
    pool = pool or build_pool()
    profile_doc, needs_doc = pool.startup_docs(startup)
    limit = _limit(limit)
    return Recommendations(mentors=_rank_mentors(startup, profile_doc, pool, limit),
                           listings=_rank_listings(startup, needs_doc, pool, limit))


# Mentor / provider → startups ----------------------------------------------------------------

def _startup_reasons(startup: Startup, needs_doc: sc.Doc, other: sc.Doc, sectors) -> list[str]:
    out = []
    exclude = set()
    if startup.sector and startup.sector in (sectors or []):
        out.append(reasons.in_your_sector(startup.sector))
        exclude = set(SECTOR_CONCEPTS.get(startup.sector, []))
    shared = sc.shared_concepts(needs_doc.vector, other.vector, exclude=exclude, limit=2)
    if shared:
        out.append(reasons.needs(shared))
    if startup.stage:
        out.append(reasons.at_stage(startup.stage))
    return out


def matches_for_mentor(*, mentor: User, limit: int = 10, pool: Pool | None = None) -> list[Match]:
    """The startups whose profile and needs fit a mentor's expertise (mentors only)."""
    if not mentor_services.is_mentor(mentor):
        raise PermissionDenied(_l("Only mentors can do that."), code="mentors_only")
    profile = mentor_services.profile_for(mentor)
    if profile is None:
        return []
    pool = pool or build_pool()
    doc = next((d for d in pool.mentors if d.id == profile.id), None)
    if doc is None:  # unlisted or without session types: still show what would fit
        doc = sc.Doc("mentor", profile.id, profile, sc.mentor_terms(profile), primary=sc.mentor_primary(profile))
        doc.vector = sc.vectorise(doc.terms, pool.idf)
    ranked = []
    fields = doc.fields()
    for profile_doc, _needs_doc in pool.startups.values():
        relevance = sc.cosine(profile_doc.vector, doc.vector) * sc.field_fit(profile_doc.fields(), fields)
        if relevance >= MIN_RELEVANCE:
            ranked.append(Match(profile_doc.obj, round(relevance, 4), [], relevance=relevance))
    ranked.sort(key=lambda m: (-m.score, m.item.id))
    ranked = ranked[:_limit(limit)]
    for match in ranked:
        _profile_doc, needs_doc = pool.startups[match.item.id]
        match.reasons = _startup_reasons(match.item, needs_doc, doc, profile.sectors)
    return ranked


def get_provider_for(actor, provider_id: int) -> Provider:
    provider = db.session.get(Provider, provider_id) if organisations.valid_id(provider_id) else None
    if provider is None:
        raise NotFound(_l("Provider organisation not found."))
    organisations.require_member(actor, provider)
    return provider


def matches_for_provider(*, actor, provider_id: int, limit: int = 10, pool: Pool | None = None) -> list[Match]:
    """The startups whose needs fit a provider's published listings (its members and admins)."""
    provider = get_provider_for(actor, provider_id)
    pool = pool or build_pool()
    own = [d for d in pool.listings if d.obj.provider_id == provider.id]
    ranked = []
    for profile_doc, needs_doc in pool.startups.values():
        startup_fields = profile_doc.fields()
        best = max(((sc.cosine(needs_doc.vector, d.vector) * sc.field_fit(startup_fields, d.fields()), d) for d in own),
                   key=lambda p: p[0], default=None)
        if best and best[0] >= MIN_RELEVANCE:
            ranked.append(Match(needs_doc.obj, round(best[0], 4), [], relevance=best[0], listing=best[1].obj))
    ranked.sort(key=lambda m: (-m.score, m.item.id))
    ranked = ranked[:_limit(limit)]
    docs = {d.id: d for d in own}
    for match in ranked:
        startup = match.item
        _profile_doc, needs_doc = pool.startups[startup.id]
        match.reasons = [reasons.fits_listing(match.listing.title)]
        match.reasons += _startup_reasons(startup, needs_doc, docs[match.listing.id], [])
        if startup.city and provider.city and startup.city.strip().lower() == provider.city.strip().lower():
            match.reasons.append(reasons.same_city(startup.city))
    return ranked

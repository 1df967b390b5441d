"""Marketplace factories: providers with listings, startups with founders, requests in any state."""
from decimal import Decimal

import pytest

COMPUTE_FIELDS = {"accelerator_model": "A100", "accelerator_memory_gb": 80, "accelerator_count": 8, "hours": 1000,
                  "queue_sla": "starts within 24 h"}


@pytest.fixture
def request_ctx(app, db):
    """A request context for calling services directly (error messages are translated when raised)."""
    with app.test_request_context():
        yield


@pytest.fixture
def make_provider(db, make_user):
    from app.providers import services

    counter = {"n": 0}

    def factory(owner=None, **fields):
        counter["n"] += 1
        values = {"name": f"Provider {counter['n']}", "description": "Shared lab services.", "city": "Shanghai"}
        values.update(fields)
        return services.create_provider(actor=owner or make_user("provider"), **values)

    return factory


@pytest.fixture
def make_startup(db, make_user):
    from app.startups import services

    counter = {"n": 0}

    def factory(founder=None, **fields):
        counter["n"] += 1
        values = {"name": f"Startup {counter['n']}", "sector": "ai_chips", "stage": "seed",
                  "summary": "Chips.", "needs": "GPU time", "tags": ["chips"]}
        values.update(fields)
        return services.create_startup(founder=founder or make_user("founder"), **values)

    return factory


@pytest.fixture
def make_listing(db, make_provider):
    """make_listing(provider=None, **fields) -> a published compute listing by default."""
    from app.providers import listings

    def factory(provider=None, **fields):
        provider = provider or make_provider()
        values = {"title": "A100 GPU hours", "category": "compute", "description": "Fast **GPUs**.",
                  "unit": "GPU-hour", "pricing_model": "fixed", "price": Decimal("12.50"), "capacity": 100,
                  "city": "Shanghai", "tags": ["gpu", "a100"], "status": "published",
                  "category_fields": dict(COMPUTE_FIELDS)}
        values.update(fields)
        return listings.create_listing(actor=provider.owner, provider_id=provider.id, **values)

    return factory


@pytest.fixture
def market(db, make_user, make_provider, make_startup, make_listing):
    """A provider (owner `provider_user`) with a listing and a startup (owner `founder`); plus an outsider."""
    class Market:
        pass

    m = Market()
    m.provider_user = make_user("provider")
    m.provider = make_provider(owner=m.provider_user)
    m.founder = make_user("founder")
    m.startup = make_startup(founder=m.founder)
    m.outsider = make_user("founder")
    m.listing = make_listing(provider=m.provider)
    return m


@pytest.fixture
def make_request(db, market):
    """make_request(state="submitted", listing=None, quantity=2) -> a request walked to `state` via the services."""
    from app.core.db import utcnow
    from app.marketplace import services as rs

    paths = {
        "submitted": [], "quoted": ["quote"], "countered": ["quote", "counter"],
        "accepted": ["quote", "accept", "sign"], "in_progress": ["quote", "accept", "sign", "start"],
        "delivered": ["quote", "accept", "sign", "start", "deliver"],
        "changes_requested": ["quote", "accept", "sign", "start", "deliver", "request_changes"],
        "completed": ["quote", "accept", "sign", "start", "deliver", "complete"],
        "declined": ["decline"], "cancelled": ["cancel"], "expired": ["expire"],
    }

    def factory(state="submitted", *, listing=None, quantity=2):
        listing = listing or market.listing
        req = rs.create_request(founder=market.founder, listing_id=listing.id, quantity=quantity, message="Please")
        for step in paths[state]:
            if step == "quote":
                rs.quote(actor=market.provider_user, request_id=req.id, price=Decimal("25.00"), note="ok",
                         equity_percent=Decimal("2") if listing.pricing_model == "equity" else None)
            elif step == "counter":
                rs.counter(actor=market.founder, request_id=req.id, price=Decimal("20.00"), note="less?",
                           equity_percent=Decimal("1") if listing.pricing_model == "equity" else None)
            elif step == "accept":
                rs.accept(actor=market.founder, request_id=req.id, quote_id=rs.current_quote_id(req.id))
            elif step == "sign":
                from app.marketplace import agreements
                agreements.sign(actor=market.founder, request_id=req.id, full_name="张伟 Zhang Wei", consent=True,
                                ip="203.0.113.7")
                agreements.sign(actor=market.provider_user, request_id=req.id, full_name="李娜 Li Na", consent=True,
                                ip="198.51.100.4")
            elif step == "start":
                rs.start(actor=market.provider_user, request_id=req.id)
            elif step == "deliver":
                rs.deliver(actor=market.provider_user, request_id=req.id)
            elif step == "request_changes":
                rs.request_changes(actor=market.founder, request_id=req.id, note="fix it")
            elif step == "complete":
                rs.complete(actor=market.founder, request_id=req.id)
            elif step == "decline":
                rs.decline(actor=market.provider_user, request_id=req.id)
            elif step == "cancel":
                rs.cancel(actor=market.founder, request_id=req.id)
            elif step == "expire":
                from datetime import timedelta
                rs.expire_stale(now=utcnow() + timedelta(days=31))
        from app.extensions import db as _db
        _db.session.expire_all()
        req = _db.session.get(type(req), req.id)
        assert req.state == state
        return req

    return factory

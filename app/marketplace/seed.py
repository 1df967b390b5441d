"""Marketplace demo data: listings in every category, requests in every state with threads, agreements,
settlements and reviews, and voucher credit. Idempotent: listings are found by provider and title, and the
requests are only made once (when no demo request exists yet)."""
import logging
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from app.accounts import organisations
from app.accounts.models import OrgKind
from app.core.db import utcnow
from app.extensions import db
from app.marketplace import services as rs
from app.marketplace import vouchers
from app.marketplace.models import ResourceRequest
from app.providers import listings as listing_services
from app.providers.models import Listing

log = logging.getLogger(__name__)

DEMO_MARK = "[demo]"

# (provider index, title, category, unit, pricing, price, capacity, city, remote, tags, category fields, description)
LISTINGS = [
    (0, "A100 80GB GPU hours", "compute", "GPU-hour", "fixed", "18.00", 5000, "Beijing", True,
     ["gpu", "a100", "training", "算力"],
     {"accelerator_model": "NVIDIA A100", "accelerator_memory_gb": 80, "accelerator_count": 256, "hours": 50000,
      "queue_sla": "jobs start within 4 hours"},
     "Bare-metal **A100 80GB** nodes (8 GPUs, NVLink, 400G InfiniBand).\n\n- Slurm or Kubernetes\n"
     "- Engineers help you port and scale\n- Voucher-eligible on request"),
    (0, "昇腾910B 国产算力 Ascend 910B hours", "compute", "NPU-hour", "voucher", "12.00", 3000, "Beijing", True,
     ["npu", "ascend", "国产算力", "inference"],
     {"accelerator_model": "Huawei Ascend 910B", "accelerator_memory_gb": 64, "accelerator_count": 128,
      "queue_sla": "next business day"},
     "Domestic accelerators for training and inference, paid from incubator vouchers. 提供迁移支持。"),
    (0, "Cloud lab desk", "other", "desk-month", "fixed", "1500.00", 20, "Beijing", False, ["desk", "office"], {},
     "A desk beside the compute engineers, with a locker and meeting-room hours."),
    (1, "Pouch-cell pilot line", "pilot_testing", "batch", "quote", None, 12, "Suzhou", False,
     ["battery", "pilot", "中试"],
     {"process": "Pouch-cell stacking, formation and ageing", "minimum_batch": 100, "lead_time_days": 21},
     "From electrode coating to formation: **100-unit** pilot batches with process engineers on site."),
    (1, "Proof-of-concept prototyping", "concept_verification", "project", "quote", None, 8, "Suzhou", False,
     ["prototype", "poc", "概念验证"], {},
     "Turn a lab result into a working prototype in 6–10 weeks: design review, build, test report."),
    (2, "EMC pre-compliance test", "inspection_testing", "test run", "fixed", "6000.00", 40, "Shenzhen", False,
     ["emc", "ccc", "检测"],
     {"standards": ["GB/T 17626", "IEC 61000-4"], "accreditation": ["CMA", "CNAS"],
      "sample_logistics": "Courier pick-up in the Greater Bay Area; samples returned after testing"},
     "Radiated and conducted emissions, ESD and surge, with a report accepted for CCC filings."),
    (2, "HTRB reliability testing", "inspection_testing", "lot", "quote", None, 15, "Shenzhen", False,
     ["reliability", "semiconductor", "htrb"],
     {"standards": ["JESD22-A108"], "accreditation": ["CNAS"], "sample_logistics": "Ship 77 units per lot"},
     "High-temperature reverse-bias testing for power devices, 1,000 hours."),
    (3, "Patent search and FTO opinion", "ip_services", "search", "fixed", "8000.00", 30, "Beijing", True,
     ["patent", "fto", "专利"],
     {"milestones": ["Scope call", "Prior-art search", "Claim chart", "Written FTO opinion"]},
     "A freedom-to-operate opinion you can show investors, in four weeks."),
    (3, "PCT filing for equity", "ip_services", "application", "equity", None, 10, "Beijing", True,
     ["pct", "patent", "equity"],
     {"milestones": ["Invention disclosure", "Drafting", "PCT filing", "National phase plan"]},
     "Services-for-equity: we draft and file your PCT application for a small equity share."),
    (3, "Seed-round legal package", "legal_finance", "package", "fixed", "30000.00", 10, "Beijing", True,
     ["legal", "financing", "融资"], {},
     "Term sheet review, SPA and shareholder agreement for a seed round, fixed fee."),
    (4, "Remote-sensing imagery dataset", "data_models", "licence", "fixed", "20000.00", 50, "Hangzhou", True,
     ["dataset", "remote sensing", "数据"],
     {"licence_terms": "Non-exclusive commercial licence, 2 years, no redistribution of raw tiles"},
     "1.2 million labelled tiles (0.5 m) covering farmland and industrial sites."),
    (4, "Fine-tuned speech model (Mandarin + dialects)", "data_models", "deployment", "quote", None, 20,
     "Hangzhou", True, ["asr", "speech", "model"],
     {"licence_terms": "Per-deployment licence; weights stay on your servers; compliance pack included"},
     "An ASR model tuned for Mandarin and six dialects, delivered with evaluation reports."),
    (5, "Antibody cell-line development", "design_manufacturing", "project", "quote", None, 6, "Shanghai", False,
     ["cdmo", "antibody", "gmp"], {},
     "CHO cell-line development to a research cell bank in 16 weeks, GMP-ready documentation."),
]

# (listing index, startup owner key, state, quantity, message, thread, review)
REQUESTS = [
    (0, "founder", "completed", 200, "Fine-tuning our lidar perception model.",
     ["Can we start on Monday?", "Yes, your nodes are reserved from 9:00."], (5, "Fast queue, helpful engineers.")),
    (0, "founder", "in_progress", 400, "Second training run.", ["Logs are in the shared bucket."], None),
    (1, "founder", "accepted", 100, "Inference benchmarks on Ascend.", [], None),
    (5, "founder", "quoted", 1, "EMC pre-scan for our controller board.", ["Can you test two variants?"], None),
    (7, "founder", "submitted", 1, "FTO for our perception patent family.", [], None),
    (3, "zhang.min", "countered", 2, "Two pilot batches of our sodium-ion cells.",
     ["Could you match 45,000 for both?"], None),
    (6, "chen.hao", "delivered", 1, "HTRB for our SiC MOSFETs.", ["Report uploaded."], None),
    (10, "zhang.min", "completed", 1, "Imagery for crop-yield models.", [],
     (4, "Clean labels; the docs could be better.")),
    (8, "chen.hao", "changes_requested", 1, "PCT filing for our gate-driver design.", [], None),
    (11, "priya.nair", "declined", 1, "Speech model for customer support.", [], None),
    (4, "priya.nair", "cancelled", 1, "A proof-of-concept for our membrane module.", [], None),
    (12, "founder", "expired", 1, "Cell-line development quote, please.", [], None),
]

PATHS = {
    "submitted": [], "quoted": ["quote"], "countered": ["quote", "counter"], "accepted": ["quote", "accept"],
    "in_progress": ["quote", "accept", "start"], "delivered": ["quote", "accept", "start", "deliver"],
    "changes_requested": ["quote", "accept", "start", "deliver", "request_changes"],
    "completed": ["quote", "accept", "start", "deliver", "complete"], "declined": ["decline"],
    "cancelled": ["quote", "cancel"], "expired": ["expire"],
}


def _seed_listings(providers) -> list[Listing]:
    made = []
    for index, title, category, unit, pricing, price, capacity, city, remote, tags, fields, text in LISTINGS:
        provider = providers[index % len(providers)]
        listing = db.session.scalar(select(Listing).where(Listing.provider_id == provider.id,
                                                          Listing.title == title))
        if listing is None:
            listing = listing_services.create_listing(
                actor=provider.owner, provider_id=provider.id, title=title, category=category, description=text,
                unit=unit, pricing_model=pricing, price=Decimal(price) if price else None, capacity=capacity,
                city=city, is_remote=remote, tags=tags, category_fields=fields, status="published", specs={})
        made.append(listing)
    return made


def _walk(req_id: int, state: str, startup_user, provider_user, listing: Listing) -> None:
    equity = Decimal("1.5") if listing.pricing_model == "equity" else None
    for step in PATHS[state]:
        if step == "quote":
            quantity = db.session.get(ResourceRequest, req_id).quantity
            total = Decimal("0") if equity else listing.price * quantity if listing.price else Decimal("50000")
            rs.quote(actor=provider_user, request_id=req_id, price=total, equity_percent=equity,
                     note="Includes onboarding and a final report.")
        elif step == "counter":
            rs.counter(actor=startup_user, request_id=req_id, price=Decimal("0") if equity else Decimal("45000"),
                       equity_percent=Decimal("1") if equity else None,
                       note="Could you match 45,000 for both batches?")
        elif step == "accept":
            rs.accept(actor=startup_user, request_id=req_id, quote_id=rs.current_quote_id(req_id))
        elif step == "complete":
            rs.complete(actor=startup_user, request_id=req_id)
        elif step in ("start", "deliver"):
            getattr(rs, step)(actor=provider_user, request_id=req_id)
        elif step == "request_changes":
            rs.request_changes(actor=startup_user, request_id=req_id, note="Please add the claim chart.")
        elif step == "decline":
            rs.decline(actor=provider_user, request_id=req_id, note="Fully booked this quarter.")
        elif step == "cancel":
            rs.cancel(actor=startup_user, request_id=req_id, note="We found an in-house option.")
        elif step == "expire":
            req = db.session.get(ResourceRequest, req_id)
            req.updated_at = utcnow() - timedelta(days=40)
            db.session.commit()
            rs.expire_stale()


def _seed_requests(users, listings: list[Listing]) -> None:
    demo_requests = db.session.scalar(select(func.count(ResourceRequest.id))
                                      .where(ResourceRequest.message.like(f"%{DEMO_MARK}")))
    if demo_requests:
        return
    for index, owner_key, state, quantity, message, thread, review in REQUESTS:
        founder = users.get(owner_key)
        startups = organisations.organisations_for(founder, OrgKind.STARTUP) if founder else []
        if not startups:
            continue
        listing = listings[index]
        provider_user = listing.provider.owner
        if listing.pricing_model == "voucher":
            vouchers.grant(actor=users["admin"], startup_id=startups[0].id, amount=Decimal("20000"),
                           note="Incubator compute voucher 2026")
        req = rs.create_request(founder=founder, listing_id=listing.id, quantity=quantity,
                                message=f"{message} {DEMO_MARK}", startup_id=startups[0].id)
        for i, body in enumerate(thread):
            rs.post_message(actor=founder if i % 2 == 0 else provider_user, request_id=req.id, body=body)
        _walk(req.id, state, founder, provider_user, listing)
        if review:
            rs.review(actor=founder, request_id=req.id, rating=review[0], comment=review[1])


def seed(*, users, startups, providers) -> None:
    """Listings in every category, requests in every state, threads, reviews and voucher credit."""
    if not providers:
        return
    listings = _seed_listings(providers)
    _seed_requests(users, listings)
    log.info("marketplace demo data ready: %d listings", len(listings))

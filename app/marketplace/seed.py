"""Marketplace demo data: listings in every category, requests in every state with threads, agreements,
settlements and reviews, and voucher credit. Idempotent: listings are found by provider and title, and the
requests are only made once (when no demo request exists yet)."""
import logging
from datetime import time, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from app.accounts import organisations
from app.accounts.models import OrgKind
from app.core.db import utcnow
from app.extensions import db
from app.marketplace import agreements, reviews, vouchers
from app.marketplace import services as rs
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
    # Written in Chinese, as most providers here write them, several with an English line for foreign founders.
    (0, "H800 大模型训练集群 · H800 training cluster", "compute", "GPU-hour", "voucher", "26.00", 8000, "Beijing",
     True, ["大模型", "训练", "算力", "gpu"],
     {"accelerator_model": "NVIDIA H800", "accelerator_memory_gb": 80, "accelerator_count": 512,
      "queue_sla": "提交后 2 小时内开始"},
     "千卡级 **H800** 集群，RoCE 400G 网络，适合百亿参数模型的预训练与微调。可使用孵化器算力券抵扣。\n\n"
     "Pre-training and fine-tuning for 10B+ parameter models; payable with incubator compute vouchers."),
    (0, "推理服务托管 Inference hosting", "compute", "node-hour", "fixed", "9.50", 20000, "Beijing", True,
     ["推理", "部署", "inference"], {"accelerator_model": "NVIDIA L40S", "accelerator_memory_gb": 48},
     "为已训练好的模型提供弹性推理节点，按节点小时计费，支持私有化部署与等保合规。"),
    (1, "固态电池涂布中试 Solid-state electrode coating pilot", "pilot_testing", "batch", "quote", None, 10,
     "Suzhou", False, ["涂布", "固态电池", "中试", "coating"],
     {"process": "干法电极涂布、辊压与叠片 · dry electrode coating, calendering, stacking", "minimum_batch": 50,
      "lead_time_days": 28},
     "从配方验证到 50 片批量中试，工艺工程师驻场指导，提供完整的过程数据与良率报告。"),
    (2, "医疗器械生物相容性检测 Biocompatibility testing", "inspection_testing", "sample", "fixed", "18000.00",
     25, "Shenzhen", False, ["生物相容性", "医疗器械", "检测", "iso 10993"],
     {"standards": ["GB/T 16886", "ISO 10993-5", "ISO 10993-10"], "accreditation": ["CMA", "CNAS"],
      "sample_logistics": "样品寄送至深圳实验室，检测后 30 天内退回"},
     "细胞毒性、致敏和刺激试验，出具可用于 NMPA 注册申报的检测报告。"),
    (2, "电池安全检测 Battery safety testing", "inspection_testing", "test run", "fixed", "12000.00", 30,
     "Shenzhen", False, ["电池", "安全", "检测", "un38.3"],
     {"standards": ["UN38.3", "GB/T 36276", "GB 31241"], "accreditation": ["CNAS"]},
     "针刺、过充、挤压与热失控试验，覆盖储能与动力电池。Nail penetration, overcharge and thermal runaway."),
    (3, "专利布局与高价值专利培育 Patent portfolio strategy", "ip_services", "project", "quote", None, 12,
     "Beijing", True, ["专利", "专利布局", "知识产权", "patent"],
     {"milestones": ["技术交底", "专利地图分析", "布局方案", "申请文件撰写"]},
     "结合技术路线与竞争对手专利地图，为初创企业制定三年专利布局方案，并撰写核心发明专利。"),
    (3, "商标与软件著作权登记 Trademark and software copyright", "ip_services", "application", "fixed", "2500.00",
     100, "Beijing", True, ["商标", "软著", "知识产权"], {"milestones": ["检索", "提交申请", "补正", "取得证书"]},
     "商标注册与计算机软件著作权登记一站式代办，进度在线可查。"),
    (4, "工业缺陷检测数据集 Industrial defect dataset", "data_models", "licence", "fixed", "15000.00", 40,
     "Hangzhou", True, ["数据集", "缺陷检测", "机器视觉", "dataset"],
     {"licence_terms": "非独占商业许可，三年；不得转售原始图像 · Non-exclusive commercial licence, 3 years"},
     "30 万张标注好的钢材、PCB 与注塑件缺陷图像，覆盖 42 类缺陷。"),
    (6, "多项目晶圆流片 MPW shuttle (55 nm)", "design_manufacturing", "project", "voucher", "80000.00", 16,
     "Shanghai", False, ["流片", "mpw", "芯片", "tape-out"], {},
     "每季度一班 55 nm MPW 流片，含 DRC/LVS 签核支持与 20 颗裸片，可用集成电路专项券支付。"),
    (6, "EDA 工具按月租用 EDA licences by the month", "design_manufacturing", "month", "fixed", "6000.00", 30,
     "Shanghai", True, ["eda", "芯片设计", "仿真"], {},
     "数字前端与模拟仿真 EDA 工具云端租用，按月计费，附带平台工程师技术支持。"),
    (6, "芯片失效分析 Failure analysis", "inspection_testing", "sample", "quote", None, 20, "Shanghai", False,
     ["失效分析", "芯片", "检测", "fa"],
     {"standards": ["JESD22-A110", "GJB 548B"], "accreditation": ["CNAS"]},
     "开封、X 射线、FIB 与 SEM 分析，定位封装与晶圆级失效原因，五个工作日出具报告。"),
    (7, "高校成果概念验证 University proof of concept", "concept_verification", "project", "equity", None, 6,
     "Beijing", False, ["概念验证", "样机", "成果转化", "poc"], {},
     "为高校团队完成技术可行性验证与首台样机，以服务换股权（1%–3%），并对接产业导师。"),
    (7, "小试放大与工艺验证 Lab-to-pilot scale-up", "pilot_testing", "batch", "quote", None, 8, "Beijing", False,
     ["小试", "放大", "工艺", "scale-up"],
     {"process": "新材料与化工工艺从克级到公斤级放大", "minimum_batch": 1, "lead_time_days": 45},
     "新材料、化工与生物合成工艺从实验室到公斤级放大，提供工艺包与安全评价。"),
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
    "submitted": [], "quoted": ["quote"], "countered": ["quote", "counter"], "accepted": ["quote", "accept", "sign"],
    "in_progress": ["quote", "accept", "sign", "start"], "delivered": ["quote", "accept", "sign", "start", "deliver"],
    "changes_requested": ["quote", "accept", "sign", "start", "deliver", "request_changes"],
    "completed": ["quote", "accept", "sign", "start", "deliver", "complete"], "declined": ["decline"],
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
        elif step == "sign":
            for user in (startup_user, provider_user):
                agreements.sign(actor=user, request_id=req_id, full_name=user.name, consent=True)
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
            reviews.review(actor=founder, request_id=req.id, rating=review[0], comment=review[1])
            reviews.review(actor=provider_user, request_id=req.id, rating=5,
                           comment="Clear requirements and quick feedback. 需求清晰，反馈及时。")


CALENDAR_LISTING = ("H100 node by the half day", "compute", "half-day slot", "fixed", "960.00", 0, "Beijing",
                    True, ["gpu", "h100", "reserved", "算力预约"],
                    {"accelerator_model": "NVIDIA H100", "accelerator_memory_gb": 80, "accelerator_count": 8,
                     "queue_sla": "the node is yours for the slot"},
                    "A dedicated **8 × H100** node, booked by the half day from the calendar: pick a morning or an "
                    "afternoon slot. 按半天预约整台 H100 节点。")


def _seed_calendar(providers) -> Listing:
    """A compute listing booked from a calendar: mornings and afternoons of the next two weeks' weekdays
    (Beijing time), added only while it has no free slot ahead."""
    from app.providers import slots

    provider = providers[0]
    title, category, unit, pricing, price, capacity, city, remote, tags, fields, text = CALENDAR_LISTING
    listing = db.session.scalar(select(Listing).where(Listing.provider_id == provider.id, Listing.title == title))
    if listing is None:
        listing = listing_services.create_listing(
            actor=provider.owner, provider_id=provider.id, title=title, category=category, description=text,
            unit=unit, pricing_model=pricing, price=Decimal(price), capacity=capacity, city=city, is_remote=remote,
            tags=tags, category_fields=fields, status="published", specs={}, booking_mode="calendar")
    if not slots.calendar(listing, limit=1):
        today = utcnow().date()
        times = [*slots.pattern_slots(first_day=today + timedelta(days=1), last_day=today + timedelta(days=14),
                                      weekdays=[0, 1, 2, 3, 4], start_time=time(9), end_time=time(13),
                                      slot_minutes=None, timezone="Asia/Shanghai"),
                 *slots.pattern_slots(first_day=today + timedelta(days=1), last_day=today + timedelta(days=14),
                                      weekdays=[0, 1, 2, 3, 4], start_time=time(14), end_time=time(18),
                                      slot_minutes=None, timezone="Asia/Shanghai")]
        slots.add_slots(actor=provider.owner, listing_id=listing.id, slots=times)
    return listing


def seed(*, users, startups, providers) -> None:
    """Listings in every category (one booked from a calendar), requests in every state, threads, reviews and
    voucher credit."""
    if not providers:
        return
    listings = _seed_listings(providers)
    _seed_calendar(providers)
    _seed_requests(users, listings)
    log.info("marketplace demo data ready: %d listings", len(listings))

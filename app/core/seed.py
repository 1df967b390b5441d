"""`flask seed-demo`: a believable incubator to explore, and one demo account per role.

Idempotent: every person is looked up by email and every organisation by name before anything is
created, so running it again changes nothing (and keeps edits made since). Each domain has its own
small `seed_*` function called from `seed_demo`; later domains (mentor profiles and availability,
listings, roadshows) add theirs there. The demo accounts all use DEMO_PASSWORD and are printed at the end.
"""
import importlib
import logging
from dataclasses import dataclass, field

import click
from flask import current_app
from sqlalchemy import func, select

from app.accounts import services as account_services
from app.accounts.models import MemberRole, Membership, Organisation, OrgKind, User
from app.extensions import db

log = logging.getLogger(__name__)

DEMO_PASSWORD = "demo-password"
DEMO_DOMAIN = "demo.fuhua.dev"


@dataclass
class Person:
    key: str  # the email's local part
    name: str
    role: str
    timezone: str = "Asia/Shanghai"
    locale: str | None = None
    is_admin: bool = False
    is_verified: bool = False
    demo: bool = False  # one of the five documented sign-ins

    @property
    def email(self) -> str:
        return f"{self.key}@{DEMO_DOMAIN}"


@dataclass
class StartupSeed:
    name: str
    sector: str
    stage: str
    city: str
    summary: str
    needs: str
    highlights: str
    tags: list[str]
    owner: str
    members: list[str] = field(default_factory=list)
    website: str | None = None
    verified: bool = False


@dataclass
class ProviderSeed:
    name: str
    city: str
    description: str
    owner: str
    members: list[str] = field(default_factory=list)
    website: str | None = None
    verified: bool = False


# People --------------------------------------------------------------------------------------

PEOPLE = [
    # The five documented demo sign-ins, one per role (admin is a flag on an investor-role account).
    Person("admin", "Fuhua Operations 孵化运营", "investor", is_admin=True, demo=True),
    Person("founder", "林伟 Lin Wei", "founder", demo=True),
    Person("mentor", "周明 Zhou Ming", "mentor", is_verified=True, demo=True),
    Person("provider", "郭晓 Guo Xiao", "provider", demo=True),
    Person("investor", "赵海伦 Helen Zhao", "investor", demo=True),
    # Founders
    Person("zhang.min", "张敏 Zhang Min", "founder", locale="zh"),
    Person("chen.hao", "陈昊 Chen Hao", "founder", locale="zh"),
    Person("priya.nair", "Priya Nair", "founder", timezone="Asia/Singapore", locale="en"),
    Person("wang.lei", "王磊 Wang Lei", "founder", locale="zh"),
    Person("sofia.keller", "Sofia Keller", "founder", timezone="Europe/Berlin", locale="en"),
    Person("liu.yang", "刘洋 Liu Yang", "founder"),
    Person("zhao.jing", "赵静 Zhao Jing", "founder", locale="zh"),
    Person("marco.rossi", "Marco Rossi", "founder", timezone="Europe/Rome", locale="en"),
    Person("huang.tao", "黄涛 Huang Tao", "founder", locale="zh"),
    # Mentors (profiles, availability and session types come with mentor booking)
    Person("anna.schmidt", "Dr. Anna Schmidt", "mentor", timezone="Europe/Berlin", locale="en", is_verified=True),
    Person("david.chen", "David Chen 陈大卫", "mentor", timezone="America/Los_Angeles", locale="en",
           is_verified=True),
    Person("li.na", "李娜 Li Na", "mentor", locale="zh"),
    Person("kenji.tanaka", "Kenji Tanaka", "mentor", timezone="Asia/Tokyo", locale="en", is_verified=True),
    Person("wu.fang", "吴芳 Wu Fang", "mentor", locale="zh", is_verified=True),
    Person("rahul.mehta", "Rahul Mehta", "mentor", timezone="Asia/Kolkata", locale="en"),
    Person("emma.laurent", "Emma Laurent", "mentor", timezone="Europe/Paris", locale="en"),
    Person("sun.qiang", "孙强 Sun Qiang", "mentor", timezone="Asia/Hong_Kong", locale="zh", is_verified=True),
    Person("qian.wei", "钱蔚 Qian Wei", "mentor", locale="zh", is_verified=True),
    Person("gao.jie", "高洁 Gao Jie", "mentor", locale="zh"),
    # Provider staff
    Person("xu.lan", "徐岚 Xu Lan", "provider", locale="zh"),
    Person("he.jun", "何军 He Jun", "provider", locale="zh"),
    Person("tang.yue", "唐悦 Tang Yue", "provider"),
    Person("olivia.park", "Olivia Park", "provider", timezone="Asia/Seoul", locale="en"),
    Person("ma.chao", "马超 Ma Chao", "provider", locale="zh"),
    Person("zhou.qi", "周琪 Zhou Qi", "provider", locale="zh"),
    Person("jiang.bo", "蒋波 Jiang Bo", "provider", locale="zh"),
    # Investors
    Person("michael.brandt", "Michael Brandt", "investor", timezone="Europe/Berlin", locale="en"),
    Person("lin.xiaofeng", "林晓峰 Lin Xiaofeng", "investor", locale="zh"),
]

# Startups ------------------------------------------------------------------------------------

STARTUPS = [
    StartupSeed(
        "量子跃迁科技 QuantumLeap", "quantum", "seed", "Beijing",
        "Room-temperature photonic quantum processors that solve routing and scheduling problems for ports and "
        "logistics networks.",
        "Cleanroom time for silicon-nitride waveguide runs; a logistics pilot customer; two photonics engineers.",
        "16-qubit photonic chip demonstrated in 2025. Two granted invention patents. Pilot with a Tianjin port "
        "operator cut container re-handling by 11%.",
        ["photonics", "quantum computing", "optimisation", "logistics"], "founder", members=["chen.hao"],
        website="https://quantumleap.example.cn", verified=True),
    StartupSeed(
        "灵巧机器人 DexMotion Robotics", "robotics", "prototype", "Shenzhen",
        "Dexterous five-finger robot hands with tactile skins, made for the small-part assembly lines of "
        "consumer electronics.",
        "Pilot line access for 200-unit batch; EMC and safety testing; a contract manufacturer for the actuators.",
        "Picks and inserts 0.4 mm connectors at 98.7% success. Letter of intent from an EMS factory in Dongguan.",
        ["dexterous manipulation", "tactile sensing", "electronics assembly"], "founder"),
    StartupSeed(
        "深源生物 DeepSource Bio", "biotech", "series_a", "Shanghai",
        "Generative models that design antibodies against solid-tumour targets, validated in our own wet lab.",
        "GLP toxicology through a CRO; 20,000 GPU-hours for structure prediction; a CMC lead.",
        "Three candidates in IND-enabling studies. Series A of RMB 120 million led by a healthcare fund.",
        ["antibodies", "protein design", "oncology", "generative ai"], "zhang.min", members=["liu.yang"],
        website="https://deepsource-bio.example.cn", verified=True),
    StartupSeed(
        "芯算智能 CoreCompute AI", "ai_chips", "series_a", "Hangzhou",
        "RISC-V cores with a low-power neural engine for smart cameras: 8 TOPS at under 2 watts.",
        "An MPW shuttle slot on 22 nm; tape-out sign-off review; EDA licences for the next spin.",
        "First silicon working on the first pass. Design wins with two security-camera makers.",
        ["risc-v", "npu", "edge inference", "tape-out"], "chen.hao", verified=True),
    StartupSeed(
        "石墨烯新材 GrapheneX Materials", "new_materials", "seed", "Changzhou",
        "Graphene-enhanced thermal interface materials that keep 5G base stations and EV chargers cool.",
        "CNAS-accredited thermal conductivity and ageing tests; a pilot coating line.",
        "Thermal conductivity of 12 W/m·K, twice the incumbent pad. Sampling with three tier-1 suppliers.",
        ["graphene", "thermal management", "5g"], "wang.lei"),
    StartupSeed(
        "氢途能源 HydroPath Energy", "clean_energy", "prototype", "Beijing",
        "PEM electrolysers that use 80% less iridium, for green hydrogen at wind and solar farms.",
        "Durability test bench time (2,000 h); catalyst characterisation; a demonstration site in Inner Mongolia.",
        "250 kW stack running 1,200 hours at 1.8 V and 2 A/cm². Provincial energy-innovation award 2025.",
        ["hydrogen", "electrolysis", "catalysts"], "liu.yang"),
    StartupSeed(
        "星链航宇 Stellar Orbit Aerospace", "aerospace", "seed", "Xi'an",
        "Green monopropellant thrusters for small satellites: non-toxic, storable, and easy to fuel.",
        "Vacuum chamber hot-fire tests; a launch-provider partnership; export-control advice.",
        "1 N thruster qualified in ground tests. Flight demo booked on a 2026 rideshare.",
        ["propulsion", "smallsat", "green propellant"], "huang.tao", members=["wang.lei"]),
    StartupSeed(
        "微心医疗 MicroHeart Medtech", "medtech", "series_a", "Suzhou",
        "A wireless implantable pressure sensor that warns heart-failure patients days before a crisis.",
        "Biocompatibility testing to ISO 10993 / GB/T 16886; ISO 13485 quality-system consulting; clinical CRO.",
        "First-in-human study finished with 24 patients. NMPA innovative device green channel granted.",
        ["implantable", "heart failure", "remote monitoring", "class iii"], "zhao.jing", verified=True),
    StartupSeed(
        "晶界半导体 GrainEdge Semiconductor", "semiconductors", "series_b_plus", "Shanghai",
        "1200 V silicon-carbide MOSFETs for electric-vehicle inverters and fast chargers.",
        "Reliability testing (HTRB, H3TRB) at an accredited lab; wafer capacity for 2027.",
        "Automotive AEC-Q101 qualification passed. Shipping to two EV makers.",
        ["silicon carbide", "power electronics", "ev"], "chen.hao", members=["zhang.min"], verified=True),
    StartupSeed(
        "精工智造 PrecisionWorks", "advanced_manufacturing", "growth", "Ningbo",
        "Laser powder-bed fusion of titanium brackets and heat exchangers for aircraft and satellites.",
        "CT inspection of printed parts; AS9100 certification support; more build volume.",
        "Serial supplier to a commercial-aircraft programme. Revenue RMB 85 million in 2025.",
        ["additive manufacturing", "titanium", "aerospace parts"], "marco.rossi", verified=True),
    StartupSeed(
        "绿穗农业科技 GreenEar Agritech", "agritech", "seed", "Hefei",
        "Hyperspectral drones and models that spot wheat rust and nitrogen stress before the eye can.",
        "Labelled field data from more northern provinces; GPU time for model training; a seed-company partner.",
        "Covered 40,000 mu in the 2025 season. Fungicide use down 23% on partner farms.",
        ["hyperspectral", "drones", "crop disease", "wheat"], "liu.yang"),
    StartupSeed(
        "NeuroLoom", "ai", "pre_seed", "Shenzhen",
        "Speech models for field-service engineers that understand Mandarin, Cantonese and English mixed in "
        "one sentence.",
        "Domain speech data (factories, substations); inference compute; a first enterprise customer.",
        "Word error rate 6.1% on code-switched speech, half of the best general model.",
        ["speech recognition", "llm", "industrial service"], "priya.nair"),
    StartupSeed(
        "锂晶储能 LithiumCrystal Storage", "clean_energy", "series_a", "Shenzhen",
        "Sodium-ion cells and containerised systems for grid storage, free of lithium and cobalt.",
        "UN38.3 and GB/T 36276 safety testing; a 10 MWh demonstration project.",
        "Cells at 160 Wh/kg and 4,000 cycles. Framework agreement with a provincial grid company.",
        ["sodium-ion", "grid storage", "batteries"], "wang.lei", verified=True),
    StartupSeed(
        "视界光电 ClearView Photonics", "semiconductors", "seed", "Wuhan",
        "MicroLED micro-displays bright enough for AR glasses in full daylight.",
        "Mass-transfer equipment time; optical metrology; an AR-glasses design partner.",
        "0.13-inch panel at 2 million nits. Prototype in a partner's reference glasses.",
        ["microled", "ar", "displays"], "huang.tao"),
    StartupSeed(
        "蓝海海洋 BlueReef Ocean Robotics", "robotics", "prototype", "Qingdao",
        "Autonomous underwater robots that inspect offshore wind foundations and subsea cables.",
        "Sea-trial support vessel; pressure-housing testing; an offshore wind operator pilot.",
        "Six-hour autonomous missions at 300 m. Pilot inspection at a Shandong wind farm.",
        ["underwater robotics", "offshore wind", "inspection"], "marco.rossi", members=["priya.nair"]),
    StartupSeed(
        "骨愈生物 OsteoGen", "medtech", "prototype", "Beijing",
        "Biodegradable magnesium-alloy bone screws that dissolve once the fracture has healed.",
        "Animal studies through a CRO; corrosion testing; design-for-manufacture of the screw thread.",
        "Degradation rate tuned to 12–18 months. Large-animal study under way.",
        ["biodegradable implants", "orthopaedics", "magnesium alloy"], "zhao.jing"),
    StartupSeed(
        "碳零建材 Carbonless Cement", "new_materials", "seed", "Tianjin",
        "An electrochemical route to cement clinker that cuts CO₂ emissions by 70%.",
        "Pilot kiln time; compressive-strength testing to GB 175; an industrial partner with a plant.",
        "Mortar meets 42.5 grade strength. Ton-scale pilot planned with a Hebei producer.",
        ["low-carbon cement", "electrochemistry", "decarbonisation"], "sofia.keller"),
    StartupSeed(
        "天穹遥感 SkyDome Remote Sensing", "aerospace", "series_a", "Changsha",
        "SAR microsatellite imagery that lets crop insurers verify damage through clouds and at night.",
        "Ground-station time; insurance-industry data partnerships; GPU compute for image processing.",
        "Two satellites in orbit. Serving three insurers across five provinces.",
        ["sar", "earth observation", "insurtech"], "sofia.keller", members=["huang.tao"], verified=True),
    StartupSeed(
        "智瞳医疗 VisionCare AI", "medtech", "seed", "Hangzhou",
        "Retinal-photo screening for diabetic retinopathy that runs on a county hospital's ordinary camera.",
        "Multi-centre clinical data; NMPA class III registration support; model-validation compute.",
        "Sensitivity 94% and specificity 92% in a 5,000-patient retrospective study.",
        ["medical imaging", "ophthalmology", "screening"], "zhang.min"),
    StartupSeed(
        "纳滤科技 NanoMembrane", "other", "idea", "Guangzhou",
        "Graphene-oxide nanofiltration membranes for reusing industrial wastewater in textile dyeing.",
        "Membrane-casting pilot equipment; water-quality testing; a textile park for the first trial.",
        "Lab membranes reject 99% of reactive dyes at twice the flux of polyamide membranes.",
        ["water reuse", "membranes", "textiles"], "priya.nair"),
    # Written in Chinese first, as most founders at a Beijing or Shanghai incubator write, with an English line.
    StartupSeed(
        "张江芯测 Zhangjiang ChipTest", "semiconductors", "seed", "Shanghai",
        "面向车规芯片的晶圆级老化与可靠性测试设备，把测试周期从六周缩短到十天。"
        "Wafer-level burn-in and reliability test systems for automotive chips.",
        "车规级 AEC-Q100 认证咨询；一家封测厂作为试点客户；两名 FPGA 工程师。",
        "首台样机已在临港一家封测厂试运行，测试成本降低 35%。获上海市科技创新行动计划支持。",
        ["芯片测试", "车规", "可靠性", "burn-in"], "zhang.min", website="https://zjchiptest.example.cn"),
    StartupSeed(
        "中关村脑机 ZGC NeuroLink", "medtech", "prototype", "Beijing",
        "非侵入式脑机接口头环，帮助脑卒中患者在家中进行上肢康复训练。"
        "A non-invasive brain-computer interface headband for stroke rehabilitation at home.",
        "三甲医院康复科临床合作；医疗器械注册检验（GB 9706.1）；脑电数据标注。",
        "在北京两家医院完成 60 例可行性研究，患者上肢运动评分平均提高 18%。",
        ["脑机接口", "康复", "脑电", "bci"], "huang.tao", verified=True),
    StartupSeed(
        "临港氢舟 Lingang HydroShip", "clean_energy", "seed", "Shanghai",
        "内河船舶用氢燃料电池动力系统，满足长江航运的零排放要求。"
        "Hydrogen fuel-cell drivetrains for inland cargo ships on the Yangtze.",
        "船级社认证支持；燃料电池系统耐久性测试台架；一家内河航运公司的示范航线。",
        "200 kW 样机完成 500 小时台架测试，与一家航运公司签订示范意向书。",
        ["氢燃料电池", "船舶", "零排放", "hydrogen"], "wang.lei"),
    StartupSeed(
        "亦庄具身智能 Yizhuang Embodied AI", "robotics", "pre_seed", "Beijing",
        "面向家电工厂的具身智能机械臂，用视觉大模型完成柔性上下料。"
        "Embodied-AI robot arms that load and unload flexible parts in appliance factories.",
        "GPU 算力用于模型训练；一条家电产线做中试；机器人安全认证。",
        "在合作工厂完成 3 周试运行，换型时间从 4 小时降到 20 分钟。",
        ["具身智能", "机器人", "机器视觉", "embodied ai"], "liu.yang"),
]

# Provider organisations ----------------------------------------------------------------------

PROVIDERS = [
    ProviderSeed(
        "北京智算中心 Beijing AI Compute Centre", "Beijing",
        "GPU clusters for training and inference (H-series and domestic accelerators), with engineers who help "
        "port and scale your models. Billed by the GPU-hour; voucher-eligible.",
        "provider", members=["xu.lan"], website="https://compute.example.cn", verified=True),
    ProviderSeed(
        "长三角中试基地 Yangtze Delta Pilot Line", "Suzhou",
        "Shared pilot lines for batteries, coatings and electronics assembly: from 100-unit batches to "
        "process validation, with process engineers on site.",
        "he.jun", verified=True),
    ProviderSeed(
        "信衡检测实验室 Xinheng Testing Lab", "Shenzhen",
        "Inspection and testing accredited by CMA and CNAS: EMC, safety, reliability (HTRB, thermal cycling), "
        "materials and thermal conductivity. Reports accepted for NMPA and CCC filings.",
        "tang.yue", verified=True),
    ProviderSeed(
        "知桥知识产权律师事务所 ZhiQiao IP Law Firm", "Beijing",
        "Patent searches, freedom-to-operate opinions, PCT filings and licensing agreements for deep-tech "
        "founders; fixed-fee packages and services-for-equity.",
        "olivia.park", website="https://zhiqiao-ip.example.cn"),
    ProviderSeed(
        "数海模型工场 DataSea Models", "Hangzhou",
        "Licensed industrial datasets (speech, remote sensing, medical imaging) and fine-tuned foundation "
        "models, delivered with data-compliance documentation.",
        "ma.chao"),
    ProviderSeed(
        "康合生物 CDMO Kanghe Biologics CDMO", "Shanghai",
        "Cell-line development, process development and GMP manufacturing of antibodies, from 50 L to 2,000 L.",
        "xu.lan", verified=True),
    ProviderSeed(
        "上海张江集成电路公共服务平台 Zhangjiang IC Service Platform", "Shanghai",
        "多项目晶圆（MPW）流片、EDA 工具租用、封装测试和失效分析，服务集成电路初创企业。"
        "MPW shuttles, EDA licences, packaging, testing and failure analysis for chip start-ups.",
        "zhou.qi", members=["jiang.bo"], website="https://zjic.example.cn", verified=True),
    ProviderSeed(
        "中关村概念验证中心 Zhongguancun Proof-of-Concept Centre", "Beijing",
        "高校科研成果的概念验证、样机开发与小试放大，配套产业导师与种子资金对接。"
        "Proof of concept, prototyping and scale-up for university research, with industry mentors.",
        "jiang.bo", verified=True),
]


# Seeders -------------------------------------------------------------------------------------

def seed_people() -> dict[str, User]:
    """The accounts, by key. Existing ones are left as they are."""
    users = {}
    for person in PEOPLE:
        user = account_services.find_user_by_email(person.email)
        if user is None:
            user = account_services.register_user(email=person.email, password=DEMO_PASSWORD, name=person.name,
                                                  role=person.role, locale=person.locale, timezone=person.timezone,
                                                  is_admin=person.is_admin, check_password=False)
            if person.is_verified:
                user.is_verified = True
                db.session.commit()
        users[person.key] = user
    return users


def _find_org(kind: str, name: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.kind == kind, Organisation.name == name))


def _add_members(org: Organisation, users: list[User]) -> None:
    for user in users:
        if not any(m.user_id == user.id for m in org.memberships):
            db.session.add(Membership(organisation=org, user=user, role=MemberRole.MEMBER))
    db.session.commit()


def seed_startups(users: dict[str, User]) -> list[Organisation]:
    """Startups with their owner (through the startups service) and members."""
    from app.startups import services as startup_services

    startups = []
    for seed in STARTUPS:
        startup = _find_org(OrgKind.STARTUP, seed.name)
        if startup is None:
            startup = startup_services.create_startup(
                founder=users[seed.owner], name=seed.name, sector=seed.sector, stage=seed.stage,
                summary=seed.summary, needs=seed.needs, tags=seed.tags, website=seed.website,
                highlights=seed.highlights)
            startup.city = seed.city
            startup.is_verified = seed.verified
            db.session.commit()
            _add_members(startup, [users[key] for key in seed.members])
        startups.append(startup)
    return startups


def seed_providers(users: dict[str, User]) -> list[Organisation]:
    """Provider organisations with their owner (through the resources service) and members."""
    from app.providers import services as resource_services

    providers = []
    for seed in PROVIDERS:
        provider = _find_org(OrgKind.PROVIDER, seed.name)
        if provider is None:
            provider = resource_services.create_provider(actor=users[seed.owner], name=seed.name,
                                                         description=seed.description, city=seed.city,
                                                         website=seed.website)
            provider.is_verified = seed.verified
            db.session.commit()
            _add_members(provider, [users[key] for key in seed.members])
        providers.append(provider)
    return providers


# Each feature domain seeds its own demo data: a module with `seed(users=, startups=, providers=)`.
DOMAIN_SEEDERS = ("app.mentoring.seed", "app.marketplace.seed", "app.roadshows.seed",
                  "app.conversations.seed")


def seed_domains(users: dict[str, User], startups: list[Organisation], providers: list[Organisation]) -> None:
    for name in DOMAIN_SEEDERS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        module.seed(users=users, startups=startups, providers=providers)


def seed_demo() -> dict[str, int]:
    """Create whatever demo data is missing. Returns counts of what exists afterwards."""
    users = seed_people()
    startups = seed_startups(users)
    providers = seed_providers(users)
    seed_domains(users, startups, providers)
    log.info("demo data ready: %d people, %d startups, %d providers", len(users), len(startups), len(providers))
    return {"people": len(users), "startups": len(startups), "providers": len(providers)}


def demo_accounts_table() -> str:
    """The five demo sign-ins as a small text table."""
    rows = [("admin" if p.is_admin else p.role, p.email, p.name) for p in PEOPLE if p.demo]
    widths = [max(len(r[i]) for r in rows + [("role", "email", "name")]) for i in range(2)]
    lines = [f"Demo accounts (password: {DEMO_PASSWORD})",
             f"  {'role':<{widths[0]}}  {'email':<{widths[1]}}  name"]
    lines += [f"  {role:<{widths[0]}}  {email:<{widths[1]}}  {name}" for role, email, name in rows]
    return "\n".join(lines)


def register(app) -> None:
    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True,
                  help="Only seed an empty database (no users yet); otherwise just print the demo accounts.")
    def seed_demo_command(if_empty: bool) -> None:
        """Load the demo incubator (idempotent) and print the demo accounts."""
        if if_empty and db.session.scalar(select(func.count()).select_from(User)):
            click.echo("The database already has users; demo data not loaded.")
        else:
            # The demo's bookings and offers notify demo people at made-up addresses: never mail them.
            current_app.config["MAIL_SERVER"] = None
            counts = seed_demo()
            click.echo(f"Demo data: {counts['people']} people, {counts['startups']} startups, "
                       f"{counts['providers']} provider organisations.")
        click.echo(demo_accounts_table())

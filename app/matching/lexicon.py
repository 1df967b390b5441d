"""A small bilingual concept lexicon for the hard-tech fields Fuhua serves.

Each concept joins the English words (matched on stems, phrases allowed) and the Chinese terms (matched as
substrings) that mean the same thing, so "机器人", "robot" and "robotics" all count as `robotics`. Sector codes
and listing categories are language-neutral and map onto concepts too. Labels are shown in reasons.
"""
from flask_babel import lazy_gettext as _l

# id: (label, English words and phrases, Chinese terms)
CONCEPTS: dict[str, tuple] = {
    # Fields
    "robotics": (_l("robotics"), ["robot", "robotics", "robotic", "humanoid", "manipulator", "robot arm", "cobot",
                                  "dexterous", "gripper", "end effector"],
                 ["机器人", "机械臂", "人形", "协作机器人", "灵巧手", "夹爪", "末端执行"]),
    "actuators": (_l("actuators"), ["actuator", "servo", "reducer", "harmonic drive", "gearbox", "motor",
                                               "motion control", "drive train"],
                  ["执行器", "伺服", "减速器", "谐波", "电机", "舵机", "运动控制", "关节模组"]),
    "perception": (_l("machine perception"), ["lidar", "perception", "computer vision", "machine vision",
                                                 "camera", "image recognition", "object detection"],
                   ["激光雷达", "感知", "视觉", "机器视觉", "摄像头", "相机", "图像识别", "目标检测"]),
    "autonomy": (_l("autonomous navigation"), ["autonomous", "autonomy", "self driving", "navigation", "slam",
                                                 "path planning", "unmanned"],
                 ["自主导航", "自主移动", "自主作业", "自动驾驶", "导航", "路径规划", "无人驾驶", "无人船", "无人车"]),
    "marine": (_l("marine systems"), ["underwater", "subsea", "marine", "offshore", "ocean", "vessel", "ship",
                                      "offshore wind", "sea trial", "rov", "auv", "sonar", "underwater acoustic",
                                      "pressure housing"],
               ["水下", "海洋", "海上", "海底", "船舶", "船", "深海", "海试", "海上风电", "水声", "声呐", "耐压舱",
                "耐压"]),
    "electronics": (_l("electronics"), ["electronics", "pcb", "pcba", "smt", "circuit board", "consumer electronics",
                                        "embedded", "firmware"],
                    ["电子", "电路板", "贴片", "消费电子", "嵌入式", "固件"]),
    "quantum": (_l("quantum technology"), ["quantum", "qubit", "quantum computing", "quantum sensing"],
                ["量子", "量子比特", "量子计算", "光量子"]),
    "photonics": (_l("photonics"), ["photonic", "photonics", "optics", "optical", "laser diode", "laser source",
                                   "waveguide",
                                               "silicon photonics", "optoelectronic", "metrology"],
                  ["光子", "光学", "激光器", "波导", "光电", "硅光", "光量子"]),
    "semiconductors": (_l("semiconductors"), ["semiconductor", "chip", "wafer", "fab", "foundry", "cleanroom",
                                              "lithography", "process node", "silicon"],
                       ["半导体", "芯片", "晶圆", "晶圆代工", "洁净室", "光刻", "制程", "工艺节点"]),
    "chip_design": (_l("chip design"), ["tape out", "tapeout", "eda", "asic", "rtl", "soc", "mpw",
                                                     "chip design", "risc v", "npu", "cpu", "processor", "fpga",
                                                     "neural engine", "ip core"],
                    ["流片", "芯片设计", "版图", "处理器", "神经网络处理器", "架构设计", "前端设计", "后端设计"]),
    "power_electronics": (_l("power electronics"), ["power electronics", "power device", "sic", "silicon carbide",
                                                    "gan", "gallium nitride", "mosfet", "igbt", "inverter",
                                                    "power module"],
                          ["功率器件", "碳化硅", "氮化镓", "逆变器", "功率半导体", "电力电子", "功率模块"]),
    "packaging": (_l("chip packaging"), ["advanced packaging", "chiplet", "chip packaging", "wire bonding"],
                  ["封装", "先进封装", "芯粒", "封测"]),
    "displays": (_l("displays"), ["display", "microled", "micro led", "oled", "ar", "vr", "ar glass",
                                            "augmented reality", "virtual reality", "mass transfer"],
                 ["显示屏", "显示器", "显示面板", "新型显示", "微显示", "增强现实", "虚拟现实", "巨量转移", "屏幕"]),
    "ai": (_l("artificial intelligence"), ["artificial intelligence", "ai", "machine learning", "deep learning",
                                           "neural network", "inference", "model training", "algorithm"],
           ["人工智能", "机器学习", "深度学习", "神经网络", "推理", "算法", "模型训练"]),
    "llm": (_l("large language models"), ["llm", "large language model", "foundation model", "generative ai",
                                          "generative model", "gpt", "fine tuning", "fine tuned", "genai"],
            ["大模型", "大语言模型", "生成式", "微调", "基础模型", "预训练"]),
    "speech": (_l("speech recognition"), ["speech", "asr", "voice", "speech recognition", "dialect", "spoken"],
               ["语音", "语音识别", "方言", "声学", "口音"]),
    "data": (_l("datasets"), ["dataset", "data", "labelled data", "labeled data", "annotation",
                                       "training data", "data licence", "data compliance"],
             ["数据集", "数据", "标注", "训练数据", "语料"]),
    "compute": (_l("compute (GPU/NPU)"), ["gpu", "compute", "gpu hour", "a100", "h100", "h800", "cluster", "hpc",
                                          "accelerator", "ascend", "cuda", "supercomputing", "cloud computing",
                                          "gpu/npu", "npu hour", "npu cluster", "ascend npu", "domestic accelerator"],
                ["算力", "显卡", "集群", "计算资源", "国产算力", "昇腾", "超算", "智算", "算力卡"]),
    "biotech": (_l("drug development"), ["biotech", "biology", "biologic", "antibody", "protein", "gene",
                                          "drug", "drug discovery", "pharma", "pharmaceutical", "molecule", "oncology",
                                          "therapeutic", "vaccine", "peptide", "mrna", "nucleic acid", "lnp",
                                          "lipid nanoparticle", "drug delivery", "tumour", "tumor", "cancer",
                                          "cell therapy", "wet lab", "structure prediction", "cell line"],
                ["生物", "抗体", "蛋白", "基因", "药物", "新药", "医药", "制药", "小分子", "分子设计", "肿瘤", "疫苗",
                 "多肽", "核酸", "脂质纳米颗粒", "递送", "细胞治疗", "癌"]),
    "regulatory": (_l("regulatory approval"), ["clinical", "clinical trial", "regulatory", "registration", "nmpa",
                                                   "fda", "ce mark", "ind", "510k", "approval pathway", "class iii",
                                                   "clinical cro", "clinical research organisation"],
                   ["临床", "临床试验", "多中心", "注册", "申报", "药监", "审批", "注册证", "三类证", "三类医疗器械"]),
    "medtech": (_l("medical devices"), ["medical device", "implant", "implantable", "diagnostic", "medtech",
                                        "medical technology", "wearable", "patient", "hospital", "surgery",
                                        "surgeon",
                                        "cardiology", "cardiac", "heart failure", "remote monitoring", "orthopaedic",
                                        "orthopedic", "bone screw"],
                ["医疗器械", "植入", "诊断", "医疗", "可穿戴", "患者", "医院", "手术", "心血管", "心内科", "心衰",
                 "远程监测", "骨科"]),
    "medical_imaging": (_l("medical imaging"), ["medical imaging", "radiology", "retinal", "ophthalmology",
                                                "mri", "ultrasound", "pathology", "screening", "retinopathy"],
                        ["医学影像", "医疗影像", "影像诊断", "眼科", "眼底", "视网膜", "超声", "病理", "筛查"]),
    "cdmo": (_l("CRO/CDMO services"), ["cro", "cdmo", "gmp", "glp", "toxicology", "cell line", "cmc",
                                       "process development", "contract research", "animal study", "preclinical"],
             ["合同研究", "毒理", "细胞株", "工艺开发", "动物实验", "临床前", "外包研发", "生产外包"]),
    "quality_system": (_l("quality systems"), ["iso 13485", "qms", "quality system", "quality management",
                                               "iso 9001", "as9100", "nadcap"],
                       ["质量体系", "质量管理", "体系认证"]),
    "biocompatibility": (_l("biocompatibility"), ["biocompatibility", "iso 10993", "cytotoxicity"],
                         ["生物相容性", "细胞毒性"]),
    "clean_energy": (_l("clean energy"), ["clean energy", "renewable", "solar", "photovoltaic", "wind power",
                                          "wind farm", "green energy", "energy transition", "clean tech", "cleantech",
                                          "offshore wind", "power grid", "grid interconnection", "utility", "utilities",
                                          "substation", "green hydrogen"],
                     ["新能源", "清洁能源", "光伏", "太阳能", "风电", "可再生", "绿电", "能源转型", "并网", "电网",
                      "变电站", "绿氢"]),
    "batteries": (_l("batteries"), ["battery", "lithium", "sodium ion", "solid state battery", "cathode",
                                                "anode", "electrolyte", "energy storage", "bms", "pouch cell",
                                                "battery cell", "grid storage", "un38"],
                  ["电池", "锂电", "钠离子", "固态电池", "正极", "负极", "电解质", "电解液", "储能", "电芯", "化成"]),
    "hydrogen": (_l("hydrogen"), ["hydrogen", "electrolyser", "electrolyzer", "electrolysis", "fuel cell", "pem"],
                 ["氢", "氢能", "电解槽", "燃料电池", "制氢", "电解水", "绿氢"]),
    "materials": (_l("advanced materials"), ["material", "graphene", "composite", "coating", "alloy", "nanomaterial",
                                             "polymer", "ceramic", "membrane", "carbon fibre", "carbon fiber",
                                             "titanium", "thermal interface material", "magnesium alloy",
                                             "graphene oxide"],
                  ["材料", "新材料", "石墨烯", "复合材料", "涂层", "合金", "纳米", "高分子", "陶瓷", "碳纤维",
                   "界面材料", "薄膜"]),
    "thermal": (_l("thermal management"), ["thermal", "heat", "cooling", "thermal management", "thermal conductivity",
                                           "heat exchanger", "thermal interface material", "tim"],
                ["热管理", "导热", "散热", "换热", "热导率", "热控", "导热系数"]),
    "chemistry": (_l("catalysis"), ["catalyst", "chemistry", "electrochemistry", "electrochemical",
                                                  "chemical", "synthesis", "iridium", "platinum group"],
                  ["催化", "化学", "电化学", "化工", "合成", "铱", "贵金属"]),
    "aerospace": (_l("aerospace"), ["aerospace", "aircraft", "aviation", "satellite", "spacecraft", "outer space",
                                    "space industry", "launch vehicle", "launch provider", "rideshare", "orbit",
                                    "rocket", "smallsat", "avionics", "payload",
                                    "microsatellite", "small satellite"],
                  ["航空", "航天", "卫星", "飞机", "发射", "轨道", "火箭", "商业航天", "飞行器", "载荷"]),
    "ground_segment": (_l("satellite ground segment"), ["ground station", "ground segment", "telemetry",
                                                        "satellite operations", "mission control", "tt c"],
                       ["地面站", "测控", "星地", "卫星运营", "在轨运营"]),
    "propulsion": (_l("propulsion"), ["propulsion", "thruster", "rocket engine", "jet engine", "propellant",
                                      "hot fire", "monopropellant", "green propellant"],
                   ["推进系统", "电推进", "化学推进", "推进器", "推力器", "发动机", "推进剂", "点火试验", "单组元"]),
    "drones": (_l("drones"), ["drone", "uav", "unmanned aerial", "evtol", "low altitude"],
               ["无人机", "低空", "飞行汽车"]),
    "earth_observation": (_l("remote sensing"), ["remote sensing", "earth observation", "sar", "satellite imagery",
                                                 "hyperspectral", "multispectral", "geospatial",
                                                 "synthetic aperture radar", "sar imagery"],
                          ["遥感", "对地观测", "卫星影像", "高光谱", "多光谱", "地理信息", "合成孔径雷达", "合成孔径"]),
    "certification": (_l("certification"), ["certification", "airworthiness", "easa", "faa", "do 178c", "as9100",
                                            "aec q101", "aec q100", "homologation", "type approval", "qualification"],
                      ["适航", "认证", "车规", "型式认证", "资质"]),
    "manufacturing": (_l("manufacturing"), ["manufacturing", "manufacture", "factory", "production",
                                            "contract manufacturer", "oem", "mass production", "machining", "cnc",
                                            "assembly line", "production line", "smt", "injection moulding",
                                            "injection molding", "cdmo", "production capacity", "build volume",
                                            "contract manufacturing"],
                      ["制造", "工厂", "量产", "代工厂", "加工", "生产线", "产线", "组装", "注塑", "贴片", "智造",
                       "产能", "扩产", "钣金"]),
    "additive": (_l("additive manufacturing"), ["additive manufacturing", "3d printing", "powder bed",
                                                "laser sintering", "lpbf", "metal printing", "printed part"],
                 ["增材制造", "3d打印", "打印件", "粉末床", "激光熔融", "金属打印"]),
    "industrial_design": (_l("design for manufacturing"), ["industrial design", "design for manufacturing", "dfm",
                                                           "mechanical design", "enclosure", "product design"],
                          ["工业设计", "结构设计", "可制造性", "外观设计", "产品设计"]),
    "supply_chain": (_l("supply chain"), ["supply chain", "supplier", "sourcing", "procurement", "component",
                                          "vendor"],
                     ["供应链", "供应商", "采购", "零部件", "元器件"]),
    "iot": (_l("sensors"), ["iot", "internet of things", "industrial iot", "sensor", "sensing", "tactile",
                                    "mems", "edge device"],
            ["物联网", "工业互联网", "传感器", "传感", "触觉", "边缘设备"]),
    "agritech": (_l("agriculture"), ["agriculture", "agritech", "agricultural", "farm", "farmland", "crop",
                                     "agronomy", "fertiliser", "fertilizer", "pesticide", "livestock", "wheat", "rice",
                                     "plant pathology", "crop disease", "plant disease", "fungicide", "crop insurer",
                                     "crop insurance"],
                 ["农业", "农田", "作物", "种子", "农药", "病虫害", "病害", "育种", "化肥", "畜牧", "小麦", "水稻",
                  "农户", "农资", "植保", "农业保险"]),
    "water": (_l("water treatment"), ["water", "wastewater", "filtration", "environmental", "water treatment",
                                            "pollution"],
              ["水处理", "污水", "废水", "过滤", "环保", "污染", "膜分离"]),
    "carbon": (_l("decarbonisation"), ["carbon", "decarbonisation", "decarbonization", "carbon emission",
                                       "emission reduction", "co2",
                                       "low carbon", "ccus", "net zero"],
               ["碳排放", "减排", "低碳", "双碳", "碳中和", "碳达峰", "二氧化碳"]),
    "construction": (_l("construction materials"), ["cement", "concrete", "building material", "construction"],
                     ["水泥", "混凝土", "建材", "建筑"]),
    "automotive": (_l("electric vehicles"), ["ev", "electric vehicle", "automotive", "car maker", "charger",
                                             "charging"],
                   ["新能源汽车", "电动汽车", "汽车", "充电桩", "充电", "整车"]),
    "logistics": (_l("logistics"), ["logistics", "warehouse", "scheduling", "routing", "fleet", "seaport",
                                    "container terminal"],
                  ["物流", "港口", "仓储", "调度", "车队"]),
    # Services and company-building
    "fundraising": (_l("fundraising"), ["fundraising", "investor", "investment", "venture capital", "vc",
                                        "seed round", "series a", "pitch", "valuation", "term sheet", "raise",
                                        "funding round", "due diligence", "fund"],
                    ["融资", "投资", "投资人", "天使轮", "a轮", "估值", "投资条款", "尽调", "募资", "基金",
                     "设备融资"]),
    "go_to_market": (_l("sales"), ["sales", "b2b", "go to market", "pricing", "business development",
                                                    "commercialisation", "commercialization", "channel",
                                                    "enterprise customer", "customer"],
                     ["销售", "客户", "市场", "定价", "商业化", "渠道", "商务拓展", "获客"]),
    "product": (_l("product management"), ["product management", "product manager", "product market fit",
                                           "user research", "roadmap", "product strategy"],
                ["产品经理", "产品管理", "产品规划", "用户研究", "产品化"]),
    "pilot_testing": (_l("pilot production"), ["pilot line", "pilot plant", "pilot batch",
                                                       "pilot production", "scale up", "scale-up", "small batch",
                                                       "trial production", "process validation", "pilot kiln",
                                                       "pilot coating"],
                      ["中试", "小批量", "试产", "工艺放大", "放大生产", "工艺验证", "中试线", "中试基地"]),
    "concept_verification": (_l("prototyping"), ["prototype", "proof of concept", "poc",
                                                                      "prototyping", "feasibility", "mvp",
                                                                      "concept verification"],
                             ["原型", "样机", "概念验证", "可行性", "打样"]),
    "inspection_testing": (_l("testing"), ["testing", "test", "inspection", "laboratory", "lab",
                                                          "accredited", "cma", "cnas", "test report", "metrology",
                                                          "characterisation", "characterization", "vibration test",
                                                          "environmental test", "non destructive", "ndt",
                                                          "ct inspection", "test bench", "test stand"],
                           ["检测", "测试", "检验", "试验", "实验室", "第三方检测", "表征", "测试报告", "无损检测",
                            "测试台", "环境试验", "振动试验"]),
    "reliability": (_l("reliability"), ["reliability", "htrb", "h3trb", "thermal cycling", "aging",
                                                        "ageing", "durability", "lifetime", "endurance"],
                    ["可靠性", "老化", "耐久", "寿命", "高温反偏"]),
    "emc_safety": (_l("EMC testing"), ["emc", "electromagnetic", "esd", "ccc", "electrical safety",
                                                     "surge"],
                   ["电磁兼容", "安规", "静电", "浪涌"]),
    "demonstration": (_l("demonstration projects"), ["demonstration project", "demonstration site", "demo site",
                                                     "pilot project", "field trial", "pilot customer",
                                                     "pilot inspection", "pilot site"],
                      ["示范项目", "示范工程", "示范场地", "示范基地", "试点项目", "试点", "示范应用"]),
    "ip": (_l("patents"), ["patent", "ip", "intellectual property", "fto", "freedom to operate", "pct",
                                  "prior art", "trademark", "patent licensing", "technology licensing", "invention"],
           ["专利", "知识产权", "商标", "侵权", "发明", "自由实施"]),
    "legal": (_l("legal"), ["legal", "lawyer", "contract", "legal compliance", "accounting", "tax", "finance",
                                        "shareholder", "equity", "spa", "cap table", "incorporation"],
              ["法律", "律师", "合同", "合规", "财务", "税务", "股权", "股东", "工商"]),
    "export_control": (_l("export control"), ["export control", "itar", "dual use", "sanction"],
                       ["出口管制", "两用物项", "制裁"]),
    "hiring": (_l("hiring"), ["hiring", "recruiting", "recruitment", "talent", "team building",
                                       "headhunting"],
               ["招聘", "人才", "团队建设", "猎头"]),
    "international": (_l("international markets"), ["us market", "europe", "eu", "japan", "overseas", "international",
                                                    "cross border", "export", "global", "silicon valley",
                                                    "abroad"],
                      ["海外", "出海", "国际", "跨境", "欧洲", "美国", "日本", "全球"]),
    "grants": (_l("grants"), ["grant", "subsidy", "government funding", "public funding"],
               ["补贴", "政府资助", "科技专项", "政策资金", "资助"]),
    "workspace": (_l("workspace"), ["office", "desk", "coworking", "workspace", "meeting room"],
                  ["办公", "工位", "会议室", "场地"]),
}

# A narrower concept implies its broader field ("power electronics" is semiconductors), weighed at half; EMC and
# reliability tests are tests.
PARENTS = {
    "actuators": ["robotics"], "autonomy": ["robotics"], "marine": ["robotics"], "chip_design": ["semiconductors"],
    "power_electronics": ["semiconductors"], "packaging": ["semiconductors"], "displays": ["semiconductors"],
    "photonics": ["semiconductors"], "llm": ["ai"], "speech": ["ai"], "perception": ["ai"],
    "medical_imaging": ["medtech"], "biocompatibility": ["medtech", "inspection_testing"], "cdmo": ["biotech"],
    "batteries": ["clean_energy"], "hydrogen": ["clean_energy"],
    "propulsion": ["aerospace"], "earth_observation": ["aerospace"], "drones": ["aerospace"],
    "ground_segment": ["aerospace"],
    "additive": ["manufacturing"], "thermal": ["materials"], "construction": ["materials"], "carbon": ["clean_energy"],
    "emc_safety": ["inspection_testing"], "reliability": ["inspection_testing"],
}

# Concepts that lean on another field without belonging to it (weighed at a quarter): batteries and electrolysers are
# electrochemistry and materials work; a thermal-management startup is a materials startup.
RELATED = {
    "batteries": ["materials", "chemistry"], "hydrogen": ["materials", "chemistry"],
}
# Fields next to each other: a candidate from a neighbouring field fits like a sibling (a materials-testing lab for a
# battery startup), not like a stranger.
NEIGHBOURS = {
    "batteries": {"materials"}, "hydrogen": {"materials"}, "materials": {"batteries", "hydrogen"},
}
# Fields too broad to decide a listing's fit on their own: an antibody CDMO is a biotech service, not a manufacturing
# one for any hardware startup, machining titanium serves aerospace and robotics alike, and a cluster for large models
# trains them for any field. They decide only when the listing names no other field.
GENERIC_FIELDS = frozenset({"manufacturing", "materials", "llm"})

# Concepts that say which field something belongs to (as opposed to services any field may need; AI is used in
# every field, so it is not one here). A candidate whose fields are all foreign to the startup's fields fits less,
# however many service words they share. Manufacturing is a field (a contract manufacturer, a DFM consultant), and
# every hardware startup counts as being in it (see HARDWARE_INTERESTS).
FIELDS = frozenset({
    "robotics", "actuators", "autonomy", "marine", "quantum", "photonics", "semiconductors", "chip_design",
    "power_electronics", "packaging", "displays", "llm", "speech", "perception", "biotech", "medtech",
    "medical_imaging", "clean_energy", "batteries", "hydrogen", "materials", "aerospace", "propulsion", "drones",
    "earth_observation", "agritech", "water", "construction", "automotive", "electronics", "logistics",
    "manufacturing", "additive", "chemistry",
})

# Sector codes (language-neutral) and the concepts they stand for.
SECTOR_CONCEPTS = {
    "quantum": ["quantum"], "biotech": ["biotech"], "robotics": ["robotics"], "ai_chips": ["chip_design", "ai"],
    "ai": ["ai"], "new_materials": ["materials"], "clean_energy": ["clean_energy"], "aerospace": ["aerospace"],
    "medtech": ["medtech"], "semiconductors": ["semiconductors"], "advanced_manufacturing": ["manufacturing"],
    "agritech": ["agritech"], "other": [],
}

# What kind of company a sector's startups are: they build physical things, develop drugs, or write software.
HARDWARE, LIFE_SCIENCE, SOFTWARE = "hardware", "life_science", "software"
SECTOR_KIND = {
    "quantum": HARDWARE, "robotics": HARDWARE, "ai_chips": HARDWARE, "semiconductors": HARDWARE,
    "new_materials": HARDWARE, "clean_energy": HARDWARE, "aerospace": HARDWARE, "medtech": HARDWARE,
    "advanced_manufacturing": HARDWARE, "agritech": HARDWARE, "biotech": LIFE_SCIENCE, "ai": SOFTWARE,
}
# Concepts that make any startup also a software one: whoever trains models needs compute and data, whatever the
# sector (an AI screening product is a medical device and a model).
SOFTWARE_CONCEPTS = frozenset({"ai", "llm", "speech", "compute", "data"})
# Fields every startup of a kind works in, whatever its profile says: hardware gets machined, assembled and built.
HARDWARE_INTERESTS = frozenset({"manufacturing"})

# Listing categories and the concepts they offer.
CATEGORY_CONCEPTS = {
    "compute": ["compute"], "data_models": ["data", "ai"], "concept_verification": ["concept_verification"],
    "pilot_testing": ["pilot_testing"], "inspection_testing": ["inspection_testing"], "ip_services": ["ip"],
    "design_manufacturing": ["manufacturing", "industrial_design"], "legal_finance": ["legal"], "other": [],
}

# How a listing's category changes what its words mean: in a compute listing, "NPU" or "chip" is the hardware it
# runs on, not a chip-design service.
CATEGORY_READS = {
    "compute": {"chip_design": "compute", "semiconductors": "compute"},
}

# How likely a startup of each kind, and at each stage, is to want a listing of each category (0–1), whatever its
# needs text says: the prior an incubator manager brings. Hardware teams prototype, protect, test and then build;
# drug developers protect and outsource to CROs and CDMOs; software teams need compute and data. Early on it is
# proofs of concept and patents; at pilot stage pilot lines and testing; when scaling manufacturing and compliance.
KIND_CATEGORY_AFFINITY = {
    HARDWARE: {"concept_verification": 1.0, "ip_services": 1.0, "inspection_testing": 0.9, "pilot_testing": 0.8,
               "design_manufacturing": 0.8, "legal_finance": 0.4, "compute": 0.3, "data_models": 0.3, "other": 0.2},
    LIFE_SCIENCE: {"ip_services": 1.0, "design_manufacturing": 0.9, "inspection_testing": 0.6, "compute": 0.5,
                   "concept_verification": 0.5, "pilot_testing": 0.5, "data_models": 0.4, "legal_finance": 0.4,
                   "other": 0.2},
    SOFTWARE: {"compute": 1.0, "data_models": 1.0, "ip_services": 0.5, "legal_finance": 0.5,
               "concept_verification": 0.3, "inspection_testing": 0.1, "pilot_testing": 0.1,
               "design_manufacturing": 0.1, "other": 0.2},
}
_EARLY = {"concept_verification": 1.0, "ip_services": 0.9, "design_manufacturing": 0.7, "inspection_testing": 0.6,
          "pilot_testing": 0.6, "legal_finance": 0.6, "compute": 0.8, "data_models": 0.8, "other": 0.4}
STAGE_CATEGORY_AFFINITY = {
    "idea": _EARLY, "prototype": _EARLY, "pre_seed": _EARLY,
    "seed": {"concept_verification": 0.9, "ip_services": 0.9, "pilot_testing": 0.8, "inspection_testing": 0.8,
             "design_manufacturing": 0.7, "legal_finance": 0.6, "compute": 0.8, "data_models": 0.8, "other": 0.4},
    "series_a": {"inspection_testing": 1.0, "pilot_testing": 0.8, "design_manufacturing": 0.8, "ip_services": 0.8,
                 "legal_finance": 0.6, "concept_verification": 0.5, "compute": 0.8, "data_models": 0.8,
                 "other": 0.4},
    "series_b_plus": {"inspection_testing": 1.0, "design_manufacturing": 1.0, "ip_services": 0.8,
                      "legal_finance": 0.7, "pilot_testing": 0.6, "concept_verification": 0.3, "compute": 0.8,
                      "data_models": 0.8, "other": 0.4},
    "growth": {"design_manufacturing": 1.0, "inspection_testing": 0.9, "legal_finance": 0.8, "ip_services": 0.7,
               "pilot_testing": 0.4, "concept_verification": 0.2, "compute": 0.8, "data_models": 0.8, "other": 0.4},
}

# What a startup at each stage typically still needs (a weak prior on its profile, weighed low): what mentors it
# should meet. Every hard-tech startup needs its inventions protected, so IP is on every list.
STAGE_CONCEPTS = {
    "idea": ["concept_verification", "fundraising", "ip"],
    "prototype": ["concept_verification", "pilot_testing", "fundraising", "ip"],
    "pre_seed": ["fundraising", "concept_verification", "ip"],
    "seed": ["fundraising", "concept_verification", "pilot_testing", "go_to_market", "ip"],
    "series_a": ["manufacturing", "go_to_market", "certification", "ip"],
    "series_b_plus": ["manufacturing", "international", "certification", "ip"],
    "growth": ["manufacturing", "international", "go_to_market", "ip"],
}


def startup_kinds(sector: str | None, concepts) -> frozenset[str]:
    """What kinds of company a startup is: its sector's kind, and software too when it names AI, models or data."""
    kinds = {SECTOR_KIND[sector]} if sector in SECTOR_KIND else set()
    if SOFTWARE_CONCEPTS & set(concepts):
        kinds.add(SOFTWARE)
    return frozenset(kinds)


def category_affinity(kinds, stage: str | None, category: str | None) -> float:
    """How likely a startup of these kinds (the most fitting one counts) and this stage is to want a listing of this
    category (0–1); 0.5 of each part when the kind, stage or category is unknown."""
    kind = max((KIND_CATEGORY_AFFINITY[k].get(category or "", 0.5) for k in kinds), default=0.5)
    stage_part = STAGE_CATEGORY_AFFINITY.get(stage or "", {}).get(category or "", 0.5)
    return kind * stage_part


def concept_label(concept: str) -> str:
    entry = CONCEPTS.get(concept)
    return str(entry[0]) if entry else concept

"""Matching's reading of the shared concept lexicon (`app/search/lexicon.py`): how concepts relate to each other,
to sectors and to listing categories, and what startups of each kind and stage want.
"""

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


"""Startups: the organisations founders belong to, shown in the showcase."""
from enum import StrEnum

from app.accounts.models import Organisation, OrgKind


class Sector(StrEnum):
    QUANTUM = "quantum"
    BIOTECH = "biotech"
    ROBOTICS = "robotics"
    AI_CHIPS = "ai_chips"
    AI = "ai"
    NEW_MATERIALS = "new_materials"
    CLEAN_ENERGY = "clean_energy"
    AEROSPACE = "aerospace"
    MEDTECH = "medtech"
    SEMICONDUCTORS = "semiconductors"
    ADVANCED_MANUFACTURING = "advanced_manufacturing"
    AGRITECH = "agritech"
    OTHER = "other"


class Stage(StrEnum):
    IDEA = "idea"
    PROTOTYPE = "prototype"
    PRE_SEED = "pre_seed"
    SEED = "seed"
    SERIES_A = "series_a"
    SERIES_B_PLUS = "series_b_plus"
    GROWTH = "growth"


class Startup(Organisation):
    __mapper_args__ = {"polymorphic_identity": OrgKind.STARTUP}

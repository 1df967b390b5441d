"""Startups: the organisations founders belong to, shown in the showcase."""
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

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
    """A startup: what every organisation has (name, city, members…) in `organisations`, what only a startup has
    in `startups`, one row per startup with the same id (joined-table inheritance)."""

    __tablename__ = "startups"
    __mapper_args__ = {"polymorphic_identity": OrgKind.STARTUP}

    id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)

    sector: Mapped[str | None] = mapped_column(String(40), index=True)
    stage: Mapped[str | None] = mapped_column(String(40), index=True)
    summary: Mapped[str | None] = mapped_column(String(500))
    needs: Mapped[str | None] = mapped_column(Text)
    highlights: Mapped[str | None] = mapped_column(Text)

"""Translated labels for startup sectors and stages (pages, forms, emails).

    from app.startups.labels import SECTOR_LABELS, STAGE_LABELS, sector_label
    sector_label("ai_chips")  # "AI chips" / "AI 芯片"

Templates get `sector_label(value)` and `stage_label(value)` from the startups blueprint.
"""
from flask_babel import lazy_gettext as _l

from app.startups.models import Sector, Stage

SECTOR_LABELS = {
    Sector.QUANTUM.value: _l("Quantum technology"),
    Sector.BIOTECH.value: _l("Biotech"),
    Sector.ROBOTICS.value: _l("Robotics"),
    Sector.AI_CHIPS.value: _l("AI chips"),
    Sector.AI.value: _l("Artificial intelligence"),
    Sector.NEW_MATERIALS.value: _l("New materials"),
    Sector.CLEAN_ENERGY.value: _l("Clean energy"),
    Sector.AEROSPACE.value: _l("Aerospace"),
    Sector.MEDTECH.value: _l("Medical technology"),
    Sector.SEMICONDUCTORS.value: _l("Semiconductors"),
    Sector.ADVANCED_MANUFACTURING.value: _l("Advanced manufacturing"),
    Sector.AGRITECH.value: _l("Agritech"),
    Sector.OTHER.value: _l("Other"),
}

STAGE_LABELS = {
    Stage.IDEA.value: _l("Idea"),
    Stage.PROTOTYPE.value: _l("Prototype"),
    Stage.PRE_SEED.value: _l("Pre-seed"),
    Stage.SEED.value: _l("Seed"),
    Stage.SERIES_A.value: _l("Series A"),
    Stage.SERIES_B_PLUS.value: _l("Series B and later"),
    Stage.GROWTH.value: _l("Growth"),
}


def sector_label(value: str | None) -> str:
    return str(SECTOR_LABELS.get(value, value or ""))


def stage_label(value: str | None) -> str:
    return str(STAGE_LABELS.get(value, value or ""))

"""Service provider organisations and the resources they list."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Organisation, OrgKind
from app.core.db import UTCDateTime, created_at, intpk, str200
from app.extensions import db

if TYPE_CHECKING:
    from app.marketplace.models import ResourceRequest


class Provider(Organisation):
    __mapper_args__ = {"polymorphic_identity": OrgKind.PROVIDER}


class Category(StrEnum):
    COMPUTE = "compute"
    DATA_MODELS = "data_models"
    CONCEPT_VERIFICATION = "concept_verification"
    PILOT_TESTING = "pilot_testing"
    INSPECTION_TESTING = "inspection_testing"
    IP_SERVICES = "ip_services"
    DESIGN_MANUFACTURING = "design_manufacturing"
    LEGAL_FINANCE = "legal_finance"
    OTHER = "other"


class PricingModel(StrEnum):
    FIXED = "fixed"
    QUOTE = "quote"
    VOUCHER = "voucher"
    EQUITY = "equity"


class ListingStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


money = Numeric(12, 2)


class Listing(db.Model):
    """A resource a provider organisation offers. `category_fields` holds the category's own fields."""

    __tablename__ = "listings"
    __table_args__ = (
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        CheckConstraint("price IS NULL OR price >= 0", name="price_not_negative"),
        Index("ix_listings_status_category", "status", "category"),
        Index("ix_listings_status_created_at", "status", "created_at"),
        # Search's commonest filters (a category and a city, matched without case) over published listings only.
        Index("ix_listings_published_category_city", "category", text("lower(city)"),
              postgresql_where=text("status = 'published'"), sqlite_where=text("status = 'published'")),
    )

    id: Mapped[intpk]
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    title: Mapped[str200]
    category: Mapped[str] = mapped_column(String(30), index=True)
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    specs: Mapped[dict] = mapped_column(JSON, default=dict)
    category_fields: Mapped[dict] = mapped_column(JSON, default=dict)
    unit: Mapped[str] = mapped_column(String(60))
    pricing_model: Mapped[str] = mapped_column(String(20), index=True)
    price: Mapped[Decimal | None] = mapped_column(money)
    capacity: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    city: Mapped[str | None] = mapped_column(String(100), index=True)
    image_url: Mapped[str | None] = mapped_column(String(300))
    is_remote: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default=ListingStatus.DRAFT, server_default="draft")
    rating_avg: Mapped[Decimal | None] = mapped_column(Numeric(3, 2))
    rating_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # hidden by a moderator (marketplace.moderation)

    provider: Mapped[Provider] = relationship()
    requests: Mapped[list[ResourceRequest]] = relationship(back_populates="listing")

    def __repr__(self) -> str:
        return f"<Listing {self.id} {self.title!r} {self.status}>"

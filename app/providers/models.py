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
    UniqueConstraint,
    bindparam,
    false,
    func,
    select,
    text,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from app.accounts.models import Organisation, OrgKind
from app.core.db import UTCDateTime, created_at, intpk, str200, utcnow
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


class BookingMode(StrEnum):
    UNITS = "units"  # a count of units (capacity) that accepted requests take
    CALENDAR = "calendar"  # bookable time slots (compute hours, lab or line slots): a request picks one


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
    booking_mode: Mapped[str] = mapped_column(String(10), default=BookingMode.UNITS, server_default="units")
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
    photos: Mapped[list[ListingPhoto]] = relationship(back_populates="listing", order_by="ListingPhoto.position",
                                                      cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Listing {self.id} {self.title!r} {self.status}>"

    @property
    def uses_calendar(self) -> bool:
        return self.booking_mode == BookingMode.CALENDAR

    @property
    def cover(self) -> ListingPhoto | None:
        """The cover photo: the first in the provider's order."""
        return self.photos[0] if self.photos else None

    @property
    def available(self) -> int:
        """What can still be requested: free future slots of a calendar listing, else the capacity left."""
        return self.open_slot_count if self.uses_calendar else self.capacity

    @property
    def is_sold_out(self) -> bool:
        return self.available <= 0


class ListingPhoto(db.Model):
    """A photo of a listing, re-encoded at two sizes (EXIF dropped) under the media folder (`photos.media_dir`).
    The first by `position` is the cover."""

    __tablename__ = "listing_photos"

    id: Mapped[intpk]
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    folder: Mapped[str] = mapped_column(String(500))  # holds large.<ext> and thumb.<ext>
    extension: Mapped[str] = mapped_column(String(5))  # jpg or png
    width: Mapped[int] = mapped_column(Integer)  # of the large image
    height: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)  # bytes of the large image
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]

    listing: Mapped[Listing] = relationship(back_populates="photos")

    def __repr__(self) -> str:
        return f"<ListingPhoto {self.id} listing={self.listing_id} #{self.position}>"


class ListingSlot(db.Model):
    """A bookable time slot of a calendar listing. `request_id` is the accepted request that took it: a
    conditional UPDATE (`WHERE request_id IS NULL`) takes it, so two accepts of one slot cannot both win."""

    __tablename__ = "listing_slots"
    __table_args__ = (
        UniqueConstraint("listing_id", "starts_at", name="uq_listing_slots_listing_id_starts_at"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[intpk]
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    request_id: Mapped[int | None] = mapped_column(ForeignKey("resource_requests.id", ondelete="SET NULL",
                                                              use_alter=True), unique=True)
    created_at: Mapped[created_at]

    def __repr__(self) -> str:
        return f"<ListingSlot {self.id} listing={self.listing_id} {self.starts_at:%Y-%m-%d %H:%M}>"

    @property
    def is_taken(self) -> bool:
        return self.request_id is not None


# Free slots still ahead, counted when a calendar listing's availability is read (deferred: unit listings never
# run it). `utcnow` is called at each execution, not once at import.
Listing.open_slot_count = column_property(
    select(func.count(ListingSlot.id))
    .where(ListingSlot.listing_id == Listing.id, ListingSlot.request_id.is_(None),
           ListingSlot.starts_at > bindparam("slot_now", callable_=utcnow, type_=UTCDateTime()))
    .correlate_except(ListingSlot).scalar_subquery(), deferred=True)

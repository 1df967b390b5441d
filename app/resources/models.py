"""Service provider organisations and the resource marketplace: listings, requests, agreements,
settlements, voucher credit and reviews."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    false,
    text,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app.accounts.models import Organisation, OrgKind, User
from app.core.db import UTCDateTime, created_at, intpk, str200
from app.extensions import db


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


class RequestState(StrEnum):
    SUBMITTED = "submitted"
    QUOTED = "quoted"
    COUNTERED = "countered"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    DELIVERED = "delivered"
    CHANGES_REQUESTED = "changes_requested"
    COMPLETED = "completed"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class SettlementMethod(StrEnum):
    CASH = "cash"
    VOUCHER = "voucher"
    EQUITY = "equity"


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

    provider: Mapped[Provider] = relationship()
    requests: Mapped[list[ResourceRequest]] = relationship(back_populates="listing")

    def __repr__(self) -> str:
        return f"<Listing {self.id} {self.title!r} {self.status}>"


class ResourceRequest(db.Model):
    """A startup's request for a listing, negotiated and delivered through the state machine."""

    __tablename__ = "resource_requests"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_resource_requests_provider_id_state", "provider_id", "state"),
        Index("ix_resource_requests_startup_id_state", "startup_id", "state"),
        Index("ix_resource_requests_created_at", "created_at"),  # statistics: requests made in a range
    )

    id: Mapped[intpk]
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    startup_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    quantity: Mapped[int] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text, default="", server_default="")
    needed_by: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), default=RequestState.SUBMITTED, server_default="submitted")
    pricing_model: Mapped[str] = mapped_column(String(20))
    quoted_price: Mapped[Decimal | None] = mapped_column(money)
    quote_note: Mapped[str | None] = mapped_column(Text)
    equity_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    counter_price: Mapped[Decimal | None] = mapped_column(money)
    counter_note: Mapped[str | None] = mapped_column(Text)
    counter_equity_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    capacity_reserved: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    voucher_debited: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    quoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    countered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    listing: Mapped[Listing] = relationship(back_populates="requests")
    provider: Mapped[Organisation] = relationship(foreign_keys=[provider_id])
    startup: Mapped[Organisation] = relationship(foreign_keys=[startup_id])
    requested_by: Mapped[User | None] = relationship()
    events: Mapped[list[RequestEvent]] = relationship(back_populates="request", order_by="RequestEvent.id",
                                                      cascade="all, delete-orphan")
    agreement: Mapped[Agreement | None] = relationship(back_populates="request", cascade="all, delete-orphan")
    settlement: Mapped[Settlement | None] = relationship(back_populates="request", cascade="all, delete-orphan")
    review: Mapped[Review | None] = relationship(back_populates="request", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<ResourceRequest {self.id} listing={self.listing_id} {self.state}>"


class RequestEvent(db.Model):
    """One move on a request's timeline (who did what, from which state to which)."""

    __tablename__ = "request_events"

    id: Mapped[intpk]
    request_id: Mapped[int] = mapped_column(ForeignKey("resource_requests.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[created_at]

    request: Mapped[ResourceRequest] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<RequestEvent {self.id} {self.action} {self.from_state}->{self.to_state}>"


class RequestMessage(db.Model):
    """A message of a request's negotiation thread."""

    __tablename__ = "request_messages"

    id: Mapped[intpk]
    request_id: Mapped[int] = mapped_column(ForeignKey("resource_requests.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[created_at]

    author: Mapped[User | None] = relationship()
    attachments: Mapped[list[RequestAttachment]] = relationship(back_populates="message",
                                                                cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<RequestMessage {self.id} request={self.request_id}>"


class RequestAttachment(db.Model):
    """A file attached to a thread message (stored in the database, so every process can serve it)."""

    __tablename__ = "request_attachments"

    id: Mapped[intpk]
    message_id: Mapped[int] = mapped_column(ForeignKey("request_messages.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    content = deferred(mapped_column(LargeBinary))
    created_at: Mapped[created_at]

    message: Mapped[RequestMessage] = relationship(back_populates="attachments")

    def __repr__(self) -> str:
        return f"<RequestAttachment {self.id} {self.filename!r}>"


class Agreement(db.Model):
    """The cooperation terms of an accepted request and each party's acceptance of them."""

    __tablename__ = "agreements"

    id: Mapped[intpk]
    request_id: Mapped[int] = mapped_column(ForeignKey("resource_requests.id", ondelete="CASCADE"), unique=True)
    terms: Mapped[str] = mapped_column(Text)
    terms_sha256: Mapped[str] = mapped_column(String(64))
    startup_accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    startup_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    provider_accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    provider_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[created_at]

    request: Mapped[ResourceRequest] = relationship(back_populates="agreement")
    startup_accepted_by: Mapped[User | None] = relationship(foreign_keys=[startup_accepted_by_id])
    provider_accepted_by: Mapped[User | None] = relationship(foreign_keys=[provider_accepted_by_id])

    def __repr__(self) -> str:
        return f"<Agreement {self.id} request={self.request_id}>"


class Settlement(db.Model):
    """What a completed request came to and how it is paid."""

    __tablename__ = "settlements"
    __table_args__ = (Index("ix_settlements_created_at", "created_at"),)  # statistics: settlements in a range

    id: Mapped[intpk]
    request_id: Mapped[int] = mapped_column(ForeignKey("resource_requests.id", ondelete="CASCADE"), unique=True)
    amount: Mapped[Decimal] = mapped_column(money)
    method: Mapped[str] = mapped_column(String(20))
    equity_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    status: Mapped[str] = mapped_column(String(20))  # pending, paid, recorded
    created_at: Mapped[created_at]
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    request: Mapped[ResourceRequest] = relationship(back_populates="settlement")

    def __repr__(self) -> str:
        return f"<Settlement {self.id} {self.method} {self.amount} {self.status}>"


class VoucherAccount(db.Model):
    """A startup's voucher balance; only ever changed by a conditional UPDATE, never below zero."""

    __tablename__ = "voucher_accounts"
    __table_args__ = (CheckConstraint("balance >= 0", name="balance_not_negative"),)

    id: Mapped[intpk]
    startup_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), unique=True)
    balance: Mapped[Decimal] = mapped_column(money, default=Decimal("0"), server_default="0")

    def __repr__(self) -> str:
        return f"<VoucherAccount startup={self.startup_id} {self.balance}>"


class VoucherEntry(db.Model):
    """One line of a startup's voucher ledger: a grant (+), a spend (-) or a refund (+)."""

    __tablename__ = "voucher_entries"
    __table_args__ = (Index("ix_voucher_entries_created_at", "created_at"),)  # statistics: ledger in a range

    id: Mapped[intpk]
    startup_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    amount: Mapped[Decimal] = mapped_column(money)
    kind: Mapped[str] = mapped_column(String(20))  # grant, spend, refund
    balance_after: Mapped[Decimal] = mapped_column(money)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("resource_requests.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(500), default="", server_default="")
    created_at: Mapped[created_at]

    def __repr__(self) -> str:
        return f"<VoucherEntry {self.id} {self.kind} {self.amount}>"


class Review(db.Model):
    """The startup's rating of a completed request (one per request)."""

    __tablename__ = "reviews"
    __table_args__ = (CheckConstraint("rating >= 1 AND rating <= 5", name="rating_range"),)

    id: Mapped[intpk]
    request_id: Mapped[int] = mapped_column(ForeignKey("resource_requests.id", ondelete="CASCADE"), unique=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[created_at]

    request: Mapped[ResourceRequest] = relationship(back_populates="review")
    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Review {self.id} {self.rating}>"


"""The resource marketplace: requests, their negotiation thread, agreements, settlements, voucher credit and
reviews."""
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
    UniqueConstraint,
    false,
    func,
    select,
    text,
)
from sqlalchemy.orm import Mapped, column_property, deferred, mapped_column, relationship

from app.accounts.models import Organisation, User
from app.core.db import UTCDateTime, created_at, intpk
from app.extensions import db
from app.providers.models import Listing, ListingSlot, money


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


class PaymentTerms(StrEnum):
    CASH = "cash"
    VOUCHER = "voucher"
    EQUITY = "equity"
    CASH_EQUITY = "cash_equity"  # cash plus an equity share


class FapiaoType(StrEnum):
    GENERAL = "general"  # 增值税普通发票
    SPECIAL = "special"  # 增值税专用发票


class ReviewSide(StrEnum):
    STARTUP = "startup"  # the startup rates the provider
    PROVIDER = "provider"  # the provider rates the startup


class SettlementMethod(StrEnum):
    CASH = "cash"
    VOUCHER = "voucher"
    EQUITY = "equity"
    CASH_EQUITY = "cash_equity"  # the cash part paid per milestone, the equity part in the equity ledger


class PaymentState(StrEnum):
    DUE = "due"
    PAID = "paid"  # the provider marked the cash received
    CONFIRMED = "confirmed"  # the startup confirmed it
    CANCELLED = "cancelled"  # the deal ended before it was paid
    REFUNDED = "refunded"  # a dispute gave it back


class DisputeState(StrEnum):
    OPEN = "open"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"
    REJECTED = "rejected"


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
    # a calendar listing's slot the startup picked (taken by the listing's slot row once accepted)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("listing_slots.id", ondelete="SET NULL"), index=True)
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
    # voucher credit held for this request since its acceptance (settled on completion, released on a cancel)
    voucher_held: Mapped[Decimal | None] = mapped_column(money)
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
    slot: Mapped[ListingSlot | None] = relationship(foreign_keys=[slot_id])
    events: Mapped[list[RequestEvent]] = relationship(back_populates="request", order_by="RequestEvent.id",
                                                      cascade="all, delete-orphan")
    quotes: Mapped[list[Quote]] = relationship(back_populates="request", order_by="Quote.id",
                                               cascade="all, delete-orphan")
    agreement: Mapped[Agreement | None] = relationship(back_populates="request", cascade="all, delete-orphan")
    settlement: Mapped[Settlement | None] = relationship(back_populates="request", cascade="all, delete-orphan")
    reviews: Mapped[list[Review]] = relationship(back_populates="request", order_by="Review.id",
                                                 cascade="all, delete-orphan")
    payments: Mapped[list[Payment]] = relationship(back_populates="request", order_by="Payment.position",
                                                   cascade="all, delete-orphan")
    dispute: Mapped[Dispute | None] = relationship(back_populates="request", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<ResourceRequest {self.id} listing={self.listing_id} {self.state}>"

    @property
    def current_quote(self) -> Quote | None:
        """The quote in force: the latest version."""
        return self.quotes[-1] if self.quotes else None

    def review_by(self, side: str) -> Review | None:
        """The review written by `side` (startup or provider), if any."""
        return next((r for r in self.reviews if r.side == side), None)

    @property
    def previous_quote(self) -> Quote | None:
        """The version the current quote replaced, if any."""
        return self.quotes[-2] if len(self.quotes) > 1 else None


class RequestEvent(db.Model):
    """One move on a request's timeline (who did what, from which state to which)."""

    __tablename__ = "request_events"
    __table_args__ = (Index("ix_request_events_created_at", "created_at"),)  # the audit trail, newest first

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
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # hidden by a moderator (see moderation.py)

    author: Mapped[User | None] = relationship()
    request: Mapped[ResourceRequest] = relationship()
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


class Quote(db.Model):
    """One version of the provider's quote for a request, as a document: line items, currency, tax and fapiao,
    validity, payment terms and delivery milestones. Totals are computed on the server (`quotes.build_quote`)."""

    __tablename__ = "quotes"
    __table_args__ = (
        UniqueConstraint("request_id", "version", name="uq_quotes_request_id_version"),
        CheckConstraint("tax_rate >= 0 AND tax_rate <= 100", name="tax_rate_range"),
    )

    id: Mapped[intpk]
    request_id: Mapped[int] = mapped_column(ForeignKey("resource_requests.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    currency: Mapped[str] = mapped_column(String(3), default="CNY", server_default="CNY")
    tax_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"), server_default="0")
    fapiao_type: Mapped[str] = mapped_column(String(20), default=FapiaoType.GENERAL, server_default="general")
    valid_until: Mapped[date] = mapped_column(Date)
    payment_terms: Mapped[str] = mapped_column(String(20))
    equity_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    share_class: Mapped[str | None] = mapped_column(String(100))
    valuation_note: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    subtotal: Mapped[Decimal] = mapped_column(money)
    tax_amount: Mapped[Decimal] = mapped_column(money)
    total: Mapped[Decimal] = mapped_column(money)
    created_at: Mapped[created_at]

    request: Mapped[ResourceRequest] = relationship(back_populates="quotes")
    author: Mapped[User | None] = relationship()
    lines: Mapped[list[QuoteLine]] = relationship(back_populates="quote", order_by="QuoteLine.position",
                                                  cascade="all, delete-orphan")
    milestones: Mapped[list[QuoteMilestone]] = relationship(back_populates="quote",
                                                            order_by="QuoteMilestone.position",
                                                            cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Quote {self.id} request={self.request_id} v{self.version} {self.total} {self.currency}>"


class QuoteLine(db.Model):
    """A line item of a quote: description, quantity × unit price = amount (rounded to the cent)."""

    __tablename__ = "quote_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[intpk]
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    unit_price: Mapped[Decimal] = mapped_column(money)
    amount: Mapped[Decimal] = mapped_column(money)

    quote: Mapped[Quote] = relationship(back_populates="lines")

    def __repr__(self) -> str:
        return f"<QuoteLine {self.id} {self.quantity} x {self.unit_price}>"


class QuoteMilestone(db.Model):
    """A delivery milestone of a quote: what is delivered, and by when."""

    __tablename__ = "quote_milestones"

    id: Mapped[intpk]
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date | None] = mapped_column(Date)
    # the share of the quote's cash total paid at this milestone; none given: the total is split evenly
    share_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))

    quote: Mapped[Quote] = relationship(back_populates="milestones")

    def __repr__(self) -> str:
        return f"<QuoteMilestone {self.id} {self.title!r}>"


class Agreement(db.Model):
    """The cooperation agreement of an accepted quote (`agreement_text`) and each party's signature of it."""

    __tablename__ = "agreements"

    id: Mapped[intpk]
    request_id: Mapped[int] = mapped_column(ForeignKey("resource_requests.id", ondelete="CASCADE"), unique=True)
    terms: Mapped[str] = mapped_column(Text)
    terms_sha256: Mapped[str] = mapped_column(String(64), index=True)
    quote_id: Mapped[int | None] = mapped_column(ForeignKey("quotes.id", ondelete="SET NULL"))
    # each side's signature: the account, the time, the full name typed and the network address it came from
    startup_signer_name: Mapped[str | None] = mapped_column(String(200))
    startup_signer_ip: Mapped[str | None] = mapped_column(String(45))
    provider_signer_name: Mapped[str | None] = mapped_column(String(200))
    provider_signer_ip: Mapped[str | None] = mapped_column(String(45))
    startup_accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    startup_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    provider_accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    provider_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[created_at]

    request: Mapped[ResourceRequest] = relationship(back_populates="agreement")
    quote: Mapped[Quote | None] = relationship()
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
    status: Mapped[str] = mapped_column(String(20))  # pending, paid, recorded, refunded
    refunded_amount: Mapped[Decimal] = mapped_column(money, default=Decimal("0"), server_default="0")
    created_at: Mapped[created_at]
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    request: Mapped[ResourceRequest] = relationship(back_populates="settlement")

    def __repr__(self) -> str:
        return f"<Settlement {self.id} {self.method} {self.amount} {self.status}>"


class VoucherAccount(db.Model):
    """A startup's voucher balance: `balance` is what it may spend, `held` what accepted requests hold until they
    complete; only ever changed by a conditional UPDATE, neither below zero."""

    __tablename__ = "voucher_accounts"
    __table_args__ = (CheckConstraint("balance >= 0", name="balance_not_negative"),
                      CheckConstraint("held >= 0", name="held_not_negative"))

    id: Mapped[intpk]
    startup_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), unique=True)
    balance: Mapped[Decimal] = mapped_column(money, default=Decimal("0"), server_default="0")
    held: Mapped[Decimal] = mapped_column(money, default=Decimal("0"), server_default="0")

    def __repr__(self) -> str:
        return f"<VoucherAccount startup={self.startup_id} {self.balance}>"


class VoucherEntry(db.Model):
    """One line of a startup's voucher ledger: a grant (+), a hold (-) and its release (+) or settlement (a spend
    from the hold), a direct spend (-) or a refund (+). `balance_after` is the available balance after it,
    `held_after` the held amount."""

    __tablename__ = "voucher_entries"
    __table_args__ = (Index("ix_voucher_entries_created_at", "created_at"),)  # statistics: ledger in a range

    id: Mapped[intpk]
    startup_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    amount: Mapped[Decimal] = mapped_column(money)
    kind: Mapped[str] = mapped_column(String(20))  # grant, hold, release, spend, refund
    balance_after: Mapped[Decimal] = mapped_column(money)
    held_after: Mapped[Decimal] = mapped_column(money, default=Decimal("0"), server_default="0")
    request_id: Mapped[int | None] = mapped_column(ForeignKey("resource_requests.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(500), default="", server_default="")
    created_at: Mapped[created_at]

    def __repr__(self) -> str:
        return f"<VoucherEntry {self.id} {self.kind} {self.amount}>"


class Review(db.Model):
    """One side's rating of the other after a completed request (one per side), blind until both have rated or
    14 days have passed (`revealed_at`), with one public reply by the side reviewed."""

    __tablename__ = "reviews"
    __table_args__ = (CheckConstraint("rating >= 1 AND rating <= 5", name="rating_range"),
                      UniqueConstraint("request_id", "side", name="uq_reviews_request_id_side"))

    id: Mapped[intpk]
    request_id: Mapped[int] = mapped_column(ForeignKey("resource_requests.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(String(10), default=ReviewSide.STARTUP, server_default="startup")
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[created_at]
    revealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    rating_counted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    reply: Mapped[str | None] = mapped_column(Text)
    reply_author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # hidden by a moderator (see moderation.py)

    request: Mapped[ResourceRequest] = relationship(back_populates="reviews")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    reply_author: Mapped[User | None] = relationship(foreign_keys=[reply_author_id])

    def __repr__(self) -> str:
        return f"<Review {self.id} {self.rating}>"


class Payment(db.Model):
    """The cash due at one milestone of an accepted quote: due, marked paid by the provider, confirmed by the
    startup (or cancelled, or refunded after a dispute)."""

    __tablename__ = "payments"
    __table_args__ = (UniqueConstraint("request_id", "position", name="uq_payments_request_id_position"),
                      CheckConstraint("amount >= 0", name="amount_not_negative"))

    id: Mapped[intpk]
    request_id: Mapped[int] = mapped_column(ForeignKey("resource_requests.id", ondelete="CASCADE"), index=True)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("quote_milestones.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(money)
    currency: Mapped[str] = mapped_column(String(3), default="CNY", server_default="CNY")
    state: Mapped[str] = mapped_column(String(20), default=PaymentState.DUE, server_default="due")
    marked_paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    marked_paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]

    request: Mapped[ResourceRequest] = relationship(back_populates="payments")
    marked_paid_by: Mapped[User | None] = relationship(foreign_keys=[marked_paid_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])

    def __repr__(self) -> str:
        return f"<Payment {self.id} request={self.request_id} #{self.position} {self.amount} {self.state}>"


class EquityEntry(db.Model):
    """One line of a startup's equity ledger (以服务换股权): the share a provider received for its services."""

    __tablename__ = "equity_entries"
    __table_args__ = (Index("ix_equity_entries_startup_id_created_at", "startup_id", "created_at"),)

    id: Mapped[intpk]
    startup_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("resource_requests.id", ondelete="SET NULL"),
                                                   unique=True)
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    holder_name: Mapped[str] = mapped_column(String(200))  # as it was when the share was given
    equity_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    share_class: Mapped[str | None] = mapped_column(String(100))
    valuation_note: Mapped[str | None] = mapped_column(Text)
    services: Mapped[str] = mapped_column(Text)  # the listing and the quote's line items
    cash_amount: Mapped[Decimal] = mapped_column(money, default=Decimal("0"), server_default="0")
    currency: Mapped[str] = mapped_column(String(3), default="CNY", server_default="CNY")
    status: Mapped[str] = mapped_column(String(20), default="recorded", server_default="recorded")  # or void
    void_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[created_at]
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    request: Mapped[ResourceRequest | None] = relationship()
    holder: Mapped[Organisation | None] = relationship(foreign_keys=[holder_id])

    def __repr__(self) -> str:
        return f"<EquityEntry {self.id} startup={self.startup_id} {self.equity_percent}% {self.status}>"


class Dispute(db.Model):
    """The startup's dispute of a delivery (one per request), and the admin's resolution of it."""

    __tablename__ = "disputes"

    id: Mapped[intpk]
    request_id: Mapped[int] = mapped_column(ForeignKey("resource_requests.id", ondelete="CASCADE"), unique=True)
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default=DisputeState.OPEN, server_default="open", index=True)
    refund_amount: Mapped[Decimal | None] = mapped_column(money)
    resolution_note: Mapped[str | None] = mapped_column(Text)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[created_at]

    request: Mapped[ResourceRequest] = relationship(back_populates="dispute")
    raised_by: Mapped[User | None] = relationship(foreign_keys=[raised_by_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    def __repr__(self) -> str:
        return f"<Dispute {self.id} request={self.request_id} {self.state}>"


class ReportStatus(StrEnum):
    OPEN = "open"
    DISMISSED = "dismissed"  # a moderator found nothing to act on
    ACTIONED = "actioned"  # a moderator hid the item


class Report(db.Model):
    """A user's report of a listing, a review or a request message (`item_kind`, `item_id`), with a reason from a
    list and free text. One open report per user and item (a partial unique index, so also under concurrency)."""

    __tablename__ = "reports"
    __table_args__ = (
        Index("uq_reports_open_item_reporter", "item_kind", "item_id", "reporter_id", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
        Index("ix_reports_item_kind_item_id", "item_kind", "item_id"),
        Index("ix_reports_status_created_at", "status", "created_at"),
    )

    id: Mapped[intpk]
    item_kind: Mapped[str] = mapped_column(String(20))  # listing, review, message
    item_id: Mapped[int] = mapped_column(Integer)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(30))
    details: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[str] = mapped_column(String(20), default=ReportStatus.OPEN, server_default="open")
    created_at: Mapped[created_at]
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    def __repr__(self) -> str:
        return f"<Report {self.id} {self.item_kind}:{self.item_id} {self.reason} {self.status}>"


class ModerationAction(db.Model):
    """What a moderator did to a reported or hidden item: dismiss its reports, hide it or restore it."""

    __tablename__ = "moderation_actions"
    __table_args__ = (Index("ix_moderation_actions_created_at", "created_at"),
                      Index("ix_moderation_actions_item_kind_item_id", "item_kind", "item_id"))

    id: Mapped[intpk]
    item_kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))  # dismiss, hide, restore
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    reports_closed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[created_at]

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ModerationAction {self.id} {self.action} {self.item_kind}:{self.item_id}>"


# The quote the startup sees and accepts is named by the id of its latest quote version (each quote and re-quote
# makes one), loaded with the request in the same query.
ResourceRequest.quote_id = column_property(
    select(func.max(Quote.id)).where(Quote.request_id == ResourceRequest.id)
    .correlate_except(Quote).scalar_subquery())

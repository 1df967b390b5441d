"""Conversations between two people (a founder and an interested investor) and the meetings they arrange.

- `Conversation`: one per pair of people and context (a pitch, or none): UNIQUE (user_low_id, user_high_id,
  context_key), the two user ids in ascending order, so opening it again from either side finds the same row.
- `ConversationParticipant`: the two people, each with the last message id they have read (unread counts).
- `ConversationMessage`: the thread. `kind` is `text` (written), `offer` (a meeting offer was made) or `event`
  (an offer accepted or declined, a meeting cancelled: `data` says which; shown translated).
- `MeetingOffer` with 1–5 `MeetingOfferTime`s: the founder's proposal. `status` is pending → accepted / declined;
  a pending offer whose times have all passed reads as expired (`last_starts_at`).
- `Meeting`: the confirmed meeting made by accepting one time (UNIQUE offer_id: one meeting per offer).
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.core.db import UTCDateTime, created_at, intpk, utcnow
from app.extensions import db
from app.roadshows.models import Pitch


class MessageKind(StrEnum):
    TEXT = "text"
    OFFER = "offer"
    EVENT = "event"


class OfferStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"  # never stored: a pending offer whose last time has passed


class MeetingStatus(StrEnum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class Conversation(db.Model):
    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("user_low_id", "user_high_id", "context_key"),
                      CheckConstraint("user_low_id < user_high_id", name="ordered_pair"))

    id: Mapped[intpk]
    user_low_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    user_high_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # "pitch:<id>" or "" (no context); kept when the pitch is deleted, so the pair stays unique.
    context_key: Mapped[str] = mapped_column(String(40), default="", server_default="")
    pitch_id: Mapped[int | None] = mapped_column(ForeignKey("pitches.id", ondelete="SET NULL"), index=True)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    participants: Mapped[list[ConversationParticipant]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan", order_by="ConversationParticipant.id")
    pitch: Mapped[Pitch | None] = relationship()
    started_by: Mapped[User | None] = relationship(foreign_keys=[started_by_id])

    def __repr__(self) -> str:
        return f"<Conversation {self.id} {self.user_low_id}/{self.user_high_id} {self.context_key!r}>"

    @property
    def user_ids(self) -> tuple[int, int]:
        return self.user_low_id, self.user_high_id

    def other_id(self, user_id: int) -> int:
        return self.user_high_id if user_id == self.user_low_id else self.user_low_id


class ConversationParticipant(db.Model):
    __tablename__ = "conversation_participants"
    __table_args__ = (UniqueConstraint("conversation_id", "user_id"),)

    id: Mapped[intpk]
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    last_read_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    conversation: Mapped[Conversation] = relationship(back_populates="participants")
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ConversationParticipant {self.conversation_id} user={self.user_id} read={self.last_read_id}>"


class ConversationMessage(db.Model):
    __tablename__ = "conversation_messages"
    __table_args__ = (Index("ix_conversation_messages_conversation_id_id", "conversation_id", "id"),)

    id: Mapped[intpk]
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20), default=MessageKind.TEXT, server_default="text")
    body: Mapped[str] = mapped_column(Text, default="", server_default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_offers.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]

    author: Mapped[User | None] = relationship()
    offer: Mapped[MeetingOffer | None] = relationship()

    def __repr__(self) -> str:
        return f"<ConversationMessage {self.id} conv={self.conversation_id} {self.kind}>"


class MeetingOffer(db.Model):
    __tablename__ = "meeting_offers"

    id: Mapped[intpk]
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    founder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    location: Mapped[str] = mapped_column(String(500), default="", server_default="")
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[str] = mapped_column(String(20), default=OfferStatus.PENDING, server_default="pending")
    last_starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[created_at]
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decline_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")

    conversation: Mapped[Conversation] = relationship()
    founder: Mapped[User] = relationship(foreign_keys=[founder_id])
    investor: Mapped[User] = relationship(foreign_keys=[investor_id])
    times: Mapped[list[MeetingOfferTime]] = relationship(back_populates="offer", cascade="all, delete-orphan",
                                                         order_by="MeetingOfferTime.starts_at")
    meeting: Mapped[Meeting | None] = relationship(back_populates="offer", uselist=False)

    def __repr__(self) -> str:
        return f"<MeetingOffer {self.id} conv={self.conversation_id} {self.status}>"

    def effective_status(self, now: datetime | None = None) -> str:
        if self.status == OfferStatus.PENDING and self.last_starts_at <= (now or utcnow()):
            return OfferStatus.EXPIRED
        return self.status


class MeetingOfferTime(db.Model):
    __tablename__ = "meeting_offer_times"
    __table_args__ = (UniqueConstraint("offer_id", "starts_at"),
                      CheckConstraint("duration_minutes >= 5", name="duration_positive"))

    id: Mapped[intpk]
    offer_id: Mapped[int] = mapped_column(ForeignKey("meeting_offers.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_minutes: Mapped[int] = mapped_column(Integer)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())

    offer: Mapped[MeetingOffer] = relationship(back_populates="times")

    def __repr__(self) -> str:
        return f"<MeetingOfferTime {self.starts_at} {self.duration_minutes}m>"


class Meeting(db.Model):
    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_founder_id_starts_at", "founder_id", "starts_at"),
                      Index("ix_meetings_investor_id_starts_at", "investor_id", "starts_at"))

    id: Mapped[intpk]
    offer_id: Mapped[int] = mapped_column(ForeignKey("meeting_offers.id", ondelete="CASCADE"), unique=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    founder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    investor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    location: Mapped[str] = mapped_column(String(500), default="", server_default="")
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[str] = mapped_column(String(20), default=MeetingStatus.CONFIRMED, server_default="confirmed")
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancel_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    offer: Mapped[MeetingOffer] = relationship(back_populates="meeting")
    conversation: Mapped[Conversation] = relationship()
    founder: Mapped[User] = relationship(foreign_keys=[founder_id])
    investor: Mapped[User] = relationship(foreign_keys=[investor_id])

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.starts_at} {self.status}>"


class MeetingReminder(db.Model):
    """One row per reminder sent: the unique key makes each reminder go out exactly once."""

    __tablename__ = "meeting_reminders"
    __table_args__ = (UniqueConstraint("meeting_id", "kind"),)

    id: Mapped[intpk]
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))  # "24h" or "1h"
    sent_at: Mapped[created_at]

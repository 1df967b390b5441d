"""Mentor profiles, session types, availability, bookings (issue: mentor booking).

No double booking is held by the database, not by a check-then-insert:

- a `BookingSlot` is one occurrence of a session type at a start time (UNIQUE mentor, type, start);
- it owns one `TimeClaim` row per 5-minute grain its time plus buffers cover, UNIQUE (mentor, grain),
  so two different occurrences of one mentor can never overlap, whatever their lengths;
- each requested or confirmed `Booking` holds one `BookingSeat` of its occurrence, UNIQUE (slot, seat_no)
  with seat numbers 1..capacity, so a group slot never goes past capacity. A seat references its slot
  without cascade, so a slot (and its claims) cannot be deleted while someone still holds a seat.
"""
from __future__ import annotations

from datetime import datetime, time
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Organisation, User
from app.core.db import UTCDateTime, created_at, intpk, str200, utcnow
from app.extensions import db

GRAIN_MINUTES = 5


class BookingStatus(StrEnum):
    REQUESTED = "requested"
    CONFIRMED = "confirmed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    DECLINED = "declined"
    NO_SHOW = "no_show"


ACTIVE_STATUSES = (BookingStatus.REQUESTED, BookingStatus.CONFIRMED)


class LocationKind(StrEnum):
    """Where a session type's sessions happen."""

    PLATFORM = "platform"    # the booking's own session room on Fuhua (chat, notes, call)
    LINK = "link"            # an external meeting link (Zoom, Tencent Meeting...)
    PHONE = "phone"          # a phone call (the number in `location_detail`)
    IN_PERSON = "in_person"  # an address


class MentorProfile(db.Model):
    __tablename__ = "mentor_profiles"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    headline: Mapped[str] = mapped_column(String(200), default="", server_default="")
    bio: Mapped[str] = mapped_column(Text, default="", server_default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai", server_default="Asia/Shanghai")
    is_listed: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Bumped inside every transaction that occupies this mentor's time: a row lock on both databases
    # (PostgreSQL row lock, SQLite write lock taken first), so concurrent bookings queue instead of failing.
    lock_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()
    session_types: Mapped[list[SessionType]] = relationship(back_populates="mentor", cascade="all, delete-orphan",
                                                            order_by="SessionType.id")
    windows: Mapped[list[AvailabilityWindow]] = relationship(
        back_populates="mentor", cascade="all, delete-orphan",
        order_by="(AvailabilityWindow.weekday, AvailabilityWindow.start_time)")
    overrides: Mapped[list[AvailabilityOverride]] = relationship(
        back_populates="mentor", cascade="all, delete-orphan", order_by="AvailabilityOverride.starts_at")

    def __repr__(self) -> str:
        return f"<MentorProfile {self.id} user={self.user_id}>"


class SessionType(db.Model):
    __tablename__ = "mentor_session_types"
    __table_args__ = (
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("duration_minutes >= 5", name="duration_positive"),
    )

    id: Mapped[intpk]
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profiles.id", ondelete="CASCADE"), index=True)
    name: Mapped[str200]
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    duration_minutes: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    min_notice_minutes: Mapped[int] = mapped_column(Integer, default=240, server_default="240")
    max_days_ahead: Mapped[int] = mapped_column(Integer, default=60, server_default="60")
    buffer_before_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    buffer_after_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    requires_approval: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    cancellation_window_minutes: Mapped[int] = mapped_column(Integer, default=1440, server_default="1440")
    location_kind: Mapped[str] = mapped_column(String(20), default=LocationKind.PLATFORM, server_default="platform")
    location_detail: Mapped[str] = mapped_column(String(500), default="", server_default="")  # link, number, address
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # group sessions: the SEQUENCE of the mentor's one invitation per occurrence (every founder attending), one
    # more with each change to any of the type's occurrences, so it only grows whoever joins, leaves or moves
    ics_sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[created_at]

    mentor: Mapped[MentorProfile] = relationship(back_populates="session_types")

    def __repr__(self) -> str:
        return f"<SessionType {self.id} {self.name!r} {self.duration_minutes}m x{self.capacity}>"


class AvailabilityWindow(db.Model):
    """A weekly recurring window, in wall-clock time of `timezone` (weekday 0 = Monday)."""

    __tablename__ = "mentor_availability_windows"
    __table_args__ = (
        CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),
        CheckConstraint("start_time < end_time", name="start_before_end"),
    )

    id: Mapped[intpk]
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profiles.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(SmallInteger)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    timezone: Mapped[str] = mapped_column(String(64))

    mentor: Mapped[MentorProfile] = relationship(back_populates="windows")

    def __repr__(self) -> str:
        return f"<AvailabilityWindow {self.weekday} {self.start_time}-{self.end_time} {self.timezone}>"


class AvailabilityOverride(db.Model):
    """A dated exception: a blocked range, extra hours (`available`), or hours that replace the weekly hours of the
    days they touch (`replaces_day`, always available). Where overrides overlap, the later one wins."""

    __tablename__ = "mentor_availability_overrides"
    __table_args__ = (CheckConstraint("starts_at < ends_at", name="start_before_end"),
                      CheckConstraint("NOT replaces_day OR available", name="replace_is_available"))

    id: Mapped[intpk]
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profiles.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    available: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    replaces_day: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    note: Mapped[str] = mapped_column(String(200), default="", server_default="")

    mentor: Mapped[MentorProfile] = relationship(back_populates="overrides")

    @property
    def kind(self) -> str:
        """"block", "add" or "replace"."""
        return "replace" if self.replaces_day else "add" if self.available else "block"

    def __repr__(self) -> str:
        return f"<AvailabilityOverride {self.starts_at}-{self.ends_at} available={self.available}>"


class Booking(db.Model):
    __tablename__ = "mentor_bookings"
    __table_args__ = (
        Index("ix_mentor_bookings_mentor_id_starts_at", "mentor_id", "starts_at"),
        Index("ix_mentor_bookings_founder_id_starts_at", "founder_id", "starts_at"),
        Index("ix_mentor_bookings_starts_at_status", "starts_at", "status"),  # statistics: range + GROUP BY status
        Index("ix_mentor_bookings_startup_id_status", "startup_id", "status"),  # statistics: a startup's sessions
    )

    id: Mapped[intpk]
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profiles.id", ondelete="CASCADE"))
    session_type_id: Mapped[int] = mapped_column(ForeignKey("mentor_session_types.id", ondelete="CASCADE"),
                                                 index=True)
    founder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    startup_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    topic: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[str] = mapped_column(String(20), index=True)
    late_cancellation: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancel_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # a no-show: the side that did not come ("founder" or "mentor"), as the other side reported it
    absent_side: Mapped[str | None] = mapped_column(String(10))
    # the startup's stage when it booked: the scorecard's progress compares the stage now with it
    startup_stage: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the shared notes' plain text, for display and search; the document both sides edit is `SessionNotes`
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The invitation's SEQUENCE (RFC 5545): 0 when first sent, one more with each change sent to calendars.
    ics_sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    mentor: Mapped[MentorProfile] = relationship()
    session_type: Mapped[SessionType] = relationship()
    founder: Mapped[User] = relationship(foreign_keys=[founder_id])
    startup: Mapped[Organisation | None] = relationship()
    feedback: Mapped[list[BookingFeedback]] = relationship(back_populates="booking", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Booking {self.id} mentor={self.mentor_id} {self.starts_at} {self.status}>"


class BookingSlot(db.Model):
    """One occurrence of a session type at a start time, while someone holds a seat in it."""

    __tablename__ = "mentor_booking_slots"
    __table_args__ = (UniqueConstraint("mentor_id", "session_type_id", "starts_at"),)

    id: Mapped[intpk]
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profiles.id", ondelete="CASCADE"))
    session_type_id: Mapped[int] = mapped_column(ForeignKey("mentor_session_types.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<BookingSlot {self.id} mentor={self.mentor_id} type={self.session_type_id} {self.starts_at}>"


class TimeClaim(db.Model):
    """One 5-minute grain of a mentor's time held by an occurrence (its session plus buffers)."""

    __tablename__ = "mentor_time_claims"
    __table_args__ = (UniqueConstraint("mentor_id", "grain_at"),)

    id: Mapped[intpk]
    slot_id: Mapped[int] = mapped_column(ForeignKey("mentor_booking_slots.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profiles.id", ondelete="CASCADE"))
    grain_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BookingSeat(db.Model):
    """A seat of an occurrence held by a requested or confirmed booking (1..capacity)."""

    __tablename__ = "mentor_booking_seats"
    __table_args__ = (UniqueConstraint("slot_id", "seat_no"), CheckConstraint("seat_no >= 1", name="seat_positive"))

    id: Mapped[intpk]
    slot_id: Mapped[int] = mapped_column(ForeignKey("mentor_booking_slots.id"))
    seat_no: Mapped[int] = mapped_column(Integer)
    booking_id: Mapped[int] = mapped_column(ForeignKey("mentor_bookings.id", ondelete="CASCADE"), unique=True)


class BookingFeedback(db.Model):
    __tablename__ = "mentor_booking_feedback"
    __table_args__ = (UniqueConstraint("booking_id", "side"),
                      CheckConstraint("rating >= 1 AND rating <= 5", name="rating_range"))

    id: Mapped[intpk]
    booking_id: Mapped[int] = mapped_column(ForeignKey("mentor_bookings.id", ondelete="CASCADE"))
    side: Mapped[str] = mapped_column(String(10))  # "founder" or "mentor"
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rating: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[created_at]

    booking: Mapped[Booking] = relationship(back_populates="feedback")


class BookingReminder(db.Model):
    """One row per reminder sent: the unique key makes each reminder go out exactly once per booking time
    (a booking that moves gets its reminders again, for the new time)."""

    __tablename__ = "mentor_booking_reminders"
    __table_args__ = (UniqueConstraint("booking_id", "kind", "starts_at"),)

    id: Mapped[intpk]
    booking_id: Mapped[int] = mapped_column(ForeignKey("mentor_bookings.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))  # "24h" or "1h"
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the booking time this reminder was for
    sent_at: Mapped[created_at]


class CalendarFeed(db.Model):
    """A user's personal iCalendar feed, reached with a secret token (regenerable)."""

    __tablename__ = "mentor_calendar_feeds"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[created_at]


class SessionMessage(db.Model):
    """A chat message in a booking's session room."""

    __tablename__ = "mentor_session_messages"

    id: Mapped[intpk]
    booking_id: Mapped[int] = mapped_column(ForeignKey("mentor_bookings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[created_at]

    user: Mapped[User | None] = relationship()


class ActionItem(db.Model):
    """A to-do agreed in a session: one item across the founder's sessions with this mentor.

    It belongs to the session it was written in and shows in every later session of the same founder and
    mentor while it is open; ticked done (in whichever session), it is done everywhere and shows, done, only
    in its own session and in the one where it was ticked (`done_in_booking_id`).
    """

    __tablename__ = "mentor_action_items"

    id: Mapped[intpk]
    booking_id: Mapped[int] = mapped_column(ForeignKey("mentor_bookings.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(500))
    is_done: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_in_booking_id: Mapped[int | None] = mapped_column(ForeignKey("mentor_bookings.id", ondelete="SET NULL"))


class SessionNotes(db.Model):
    """The shared notes of a booking as a Yjs document (the pycrdt encoding of its whole state).

    Both sides' edits are merged into it as CRDT updates, so concurrent typing loses nothing;
    `Booking.notes` keeps the document's text.
    """

    __tablename__ = "mentor_session_notes"

    booking_id: Mapped[int] = mapped_column(ForeignKey("mentor_bookings.id", ondelete="CASCADE"), primary_key=True)
    ydoc: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class WaitlistEntry(db.Model):
    """A founder waiting for a seat of a full group session (first come, first served)."""

    __tablename__ = "mentor_waitlist_entries"
    __table_args__ = (UniqueConstraint("session_type_id", "starts_at", "founder_id"),)

    id: Mapped[intpk]
    session_type_id: Mapped[int] = mapped_column(ForeignKey("mentor_session_types.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    founder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    topic: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[created_at]
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("mentor_bookings.id", ondelete="SET NULL"))


# The mentor programme: gold-mentor open days (issue 15 item 9) ------------------------------------

class OpenDayStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


open_day_mentors = Table(
    "mentor_open_day_mentors", db.metadata,
    Column("open_day_id", ForeignKey("mentor_open_days.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class OpenDay(db.Model):
    """A dated open day scheduled by admins: one or more mentors, a number of seats, and a waitlist.

    Seats are `OpenDayPlace` rows with a `seat_no` (UNIQUE per open day, 1..seats); a place without one is on
    the waitlist, in id order. Taking and leaving lock the open day's row, so the last seat goes to one founder.
    """

    __tablename__ = "mentor_open_days"
    __table_args__ = (CheckConstraint("seats >= 1", name="seats_positive"),
                      CheckConstraint("starts_at < ends_at", name="start_before_end"),
                      Index("ix_mentor_open_days_status_starts_at", "status", "starts_at"))

    id: Mapped[intpk]
    title: Mapped[str200]
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seats: Mapped[int] = mapped_column(Integer)
    location: Mapped[str] = mapped_column(String(500), default="", server_default="")  # address or link; "" = online
    status: Mapped[str] = mapped_column(String(20), default=OpenDayStatus.SCHEDULED, server_default="scheduled")
    # the invitations' SEQUENCE: one more with every change sent to a calendar (a seat taken or left, a cancel)
    ics_sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    mentors: Mapped[list[User]] = relationship(secondary=open_day_mentors, order_by="User.name")
    places: Mapped[list[OpenDayPlace]] = relationship(back_populates="open_day", cascade="all, delete-orphan",
                                                      order_by="OpenDayPlace.id")

    def __repr__(self) -> str:
        return f"<OpenDay {self.id} {self.title!r} {self.starts_at} seats={self.seats}>"


class OpenDayPlace(db.Model):
    """A founder's place at an open day: a seat (`seat_no`), or a waitlist place (`seat_no` NULL)."""

    __tablename__ = "mentor_open_day_places"
    __table_args__ = (UniqueConstraint("open_day_id", "founder_id"), UniqueConstraint("open_day_id", "seat_no"),
                      CheckConstraint("seat_no >= 1", name="seat_positive"))

    id: Mapped[intpk]
    open_day_id: Mapped[int] = mapped_column(ForeignKey("mentor_open_days.id", ondelete="CASCADE"))
    founder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    seat_no: Mapped[int | None] = mapped_column(Integer)
    topic: Mapped[str] = mapped_column(String(500), default="", server_default="")
    created_at: Mapped[created_at]
    seated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    open_day: Mapped[OpenDay] = relationship(back_populates="places")
    founder: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<OpenDayPlace {self.id} day={self.open_day_id} founder={self.founder_id} seat={self.seat_no}>"


class GoldCriteria(db.Model):
    """The admins' thresholds for "gold mentor" (one row; defaults until an admin saves them)."""

    __tablename__ = "mentor_gold_criteria"

    id: Mapped[intpk]
    min_sessions: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    min_rating: Mapped[float] = mapped_column(Float, default=4.5, server_default="4.5")
    max_no_show_rate: Mapped[float] = mapped_column(Float, default=0.1, server_default="0.1")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return (f"<GoldCriteria sessions>={self.min_sessions} rating>={self.min_rating} "
                f"no-show<={self.max_no_show_rate}>")

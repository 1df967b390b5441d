"""Roadshows, pitches, live room records (issue: roadshow rooms).

Every row a live room writes (chat, questions, votes, stage changes) is committed before it is
broadcast; ids only grow, so a client that reconnects asks for what came after the last id it saw.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.core.db import UTCDateTime, created_at, intpk, str200
from app.extensions import db
from app.startups.models import Startup


class Visibility(StrEnum):
    PUBLIC = "public"
    INVITE_ONLY = "invite_only"


class RoadshowStatus(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"
    CANCELLED = "cancelled"


class RegistrationStatus(StrEnum):
    APPROVED = "approved"  # may watch (an invite-only roadshow: invited, or the organiser approved the request)
    PENDING = "pending"  # asked to join an invite-only roadshow; an organiser decides
    DECLINED = "declined"


class PitchStatus(StrEnum):
    APPROVED = "approved"  # on the agenda
    PENDING = "pending"  # a founder's application, waiting for the organiser
    DECLINED = "declined"


class PitchState(StrEnum):
    UPCOMING = "upcoming"
    LIVE = "live"
    QA = "qa"
    DONE = "done"


class DeckStatus(StrEnum):
    NONE = "none"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


class RoleKind(StrEnum):
    MODERATOR = "moderator"
    JUDGE = "judge"


class QuestionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    ANSWERED = "answered"
    DISMISSED = "dismissed"
    NOT_TAKEN = "not_taken"  # still waiting for a moderator when the roadshow ended


class PollStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Roadshow(db.Model):
    __tablename__ = "roadshows"

    id: Mapped[intpk]
    title: Mapped[str200]
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    visibility: Mapped[str] = mapped_column(String(20), default=Visibility.PUBLIC, server_default="public")
    status: Mapped[str] = mapped_column(String(20), default=RoadshowStatus.SCHEDULED, server_default="scheduled")
    premoderate_questions: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Askers may hide their name from the audience (moderators still see who asked).
    anonymous_questions: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    criteria: Mapped[list[dict]] = mapped_column(JSON, default=list)  # [{"name": str, "weight": number}]
    leaderboard_published: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The organiser's consent to record each pitch's stage video for the replay (app/video/recording.py).
    record_pitches: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    current_pitch_id: Mapped[int | None] = mapped_column(Integer)  # no FK: pitches point here already
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]

    created_by: Mapped[User | None] = relationship()
    # The agenda: approved pitches only. Founders' applications waiting for (or refused) approval are
    # `applications`; no room, report or page built from the agenda can show them by mistake.
    pitches: Mapped[list[Pitch]] = relationship(
        primaryjoin="and_(Roadshow.id == Pitch.roadshow_id, Pitch.status == 'approved')",
        back_populates="roadshow", order_by="Pitch.position", cascade="all, delete-orphan")
    applications: Mapped[list[Pitch]] = relationship(
        primaryjoin="and_(Roadshow.id == Pitch.roadshow_id, Pitch.status != 'approved')",
        order_by="Pitch.id", viewonly=True)
    roles: Mapped[list[RoadshowRole]] = relationship(back_populates="roadshow", cascade="all, delete-orphan")

    # Set per request (`services._mask`) for a viewer who may not watch an invite-only roadshow; not stored.
    agenda_hidden = False

    def __repr__(self) -> str:
        return f"<Roadshow {self.id} {self.title!r}>"

    @property
    def visible_pitches(self) -> list[Pitch]:
        return [] if self.agenda_hidden else self.pitches

    @property
    def current_pitch(self) -> Pitch | None:
        return next((p for p in self.pitches if p.id == self.current_pitch_id), None)

    def user_ids_with(self, kind: str) -> set[int]:
        return {r.user_id for r in self.roles if r.role == kind}


class RoadshowRole(db.Model):
    """A moderator or a judge of one roadshow."""

    __tablename__ = "roadshow_roles"
    __table_args__ = (UniqueConstraint("roadshow_id", "user_id", "role"),)

    id: Mapped[intpk]
    roadshow_id: Mapped[int] = mapped_column(ForeignKey("roadshows.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    roadshow: Mapped[Roadshow] = relationship(back_populates="roles")
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<RoadshowRole {self.role} user={self.user_id} roadshow={self.roadshow_id}>"


class Registration(db.Model):
    __tablename__ = "roadshow_registrations"
    __table_args__ = (UniqueConstraint("roadshow_id", "user_id"),)

    id: Mapped[intpk]
    roadshow_id: Mapped[int] = mapped_column(ForeignKey("roadshows.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=RegistrationStatus.APPROVED, server_default="approved")
    created_at: Mapped[created_at]
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # set once: the reminder is sent once

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Registration {self.status} user={self.user_id} roadshow={self.roadshow_id}>"


class RoadshowInvitation(db.Model):
    """An organiser's invitation to an invite-only roadshow, by email: it lets in whoever has (or later
    opens) an account with that address."""

    __tablename__ = "roadshow_invitations"
    __table_args__ = (UniqueConstraint("roadshow_id", "email"),)

    id: Mapped[intpk]
    roadshow_id: Mapped[int] = mapped_column(ForeignKey("roadshows.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)  # lower case
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]

    def __repr__(self) -> str:
        return f"<RoadshowInvitation {self.email} roadshow={self.roadshow_id}>"


class Pitch(db.Model):
    __tablename__ = "pitches"

    id: Mapped[intpk]
    roadshow_id: Mapped[int] = mapped_column(ForeignKey("roadshows.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    startup_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    presenter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    title: Mapped[str200]
    duration_minutes: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    stream_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default=PitchStatus.APPROVED, server_default="approved",
                                        index=True)
    note: Mapped[str | None] = mapped_column(Text)  # the founder's note to the organisers with an application
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # when an organiser approved or declined
    state: Mapped[str] = mapped_column(String(20), default=PitchState.UPCOMING, server_default="upcoming")
    deck_status: Mapped[str] = mapped_column(String(20), default=DeckStatus.NONE, server_default="none")
    deck_pages: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    deck_path: Mapped[str | None] = mapped_column(String(500))  # the newest upload (the shown deck's once rendered)
    # Bumped each time a new deck's pages replace the shown ones: page URLs carry it, so no cache shows old pages.
    deck_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    deck_error: Mapped[str | None] = mapped_column(String(40))  # why the newest upload failed (decks.DECK_ERRORS)
    current_slide: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[created_at]

    roadshow: Mapped[Roadshow] = relationship(back_populates="pitches")
    startup: Mapped[Startup] = relationship()
    presenter: Mapped[User | None] = relationship()
    pages: Mapped[list[DeckPage]] = relationship(back_populates="pitch", order_by="DeckPage.number",
                                                 cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Pitch {self.id} {self.title!r} {self.state}>"


class DeckPage(db.Model):
    """One rendered page of a pitch deck: an image under the instance folder."""

    __tablename__ = "deck_pages"
    __table_args__ = (UniqueConstraint("pitch_id", "number"),)

    id: Mapped[intpk]
    pitch_id: Mapped[int] = mapped_column(ForeignKey("pitches.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1-based
    image_path: Mapped[str] = mapped_column(String(500))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)

    pitch: Mapped[Pitch] = relationship(back_populates="pages")

    def __repr__(self) -> str:
        return f"<DeckPage pitch={self.pitch_id} #{self.number}>"


class ChatMessage(db.Model):
    __tablename__ = "roadshow_messages"
    __table_args__ = (UniqueConstraint("roadshow_id", "user_id", "client_id"),
                      Index("ix_roadshow_messages_roadshow_id_id", "roadshow_id", "id"))

    id: Mapped[intpk]
    roadshow_id: Mapped[int] = mapped_column(ForeignKey("roadshows.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    client_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[created_at]
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ChatMessage {self.id} roadshow={self.roadshow_id}>"


class Question(db.Model):
    __tablename__ = "roadshow_questions"

    id: Mapped[intpk]
    roadshow_id: Mapped[int] = mapped_column(ForeignKey("roadshows.id", ondelete="CASCADE"), index=True)
    pitch_id: Mapped[int] = mapped_column(ForeignKey("pitches.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=QuestionStatus.APPROVED, server_default="approved")
    votes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_anonymous: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[created_at]

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.status} votes={self.votes}>"


class QuestionVote(db.Model):
    __tablename__ = "roadshow_question_votes"
    __table_args__ = (UniqueConstraint("question_id", "user_id"),)

    id: Mapped[intpk]
    question_id: Mapped[int] = mapped_column(ForeignKey("roadshow_questions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[created_at]


class Poll(db.Model):
    __tablename__ = "roadshow_polls"

    id: Mapped[intpk]
    roadshow_id: Mapped[int] = mapped_column(ForeignKey("roadshows.id", ondelete="CASCADE"), index=True)
    pitch_id: Mapped[int | None] = mapped_column(ForeignKey("pitches.id", ondelete="SET NULL"), index=True)
    question: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default=PollStatus.OPEN, server_default="open")
    hide_results: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # until closed
    created_at: Mapped[created_at]
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    options: Mapped[list[PollOption]] = relationship(back_populates="poll", order_by="PollOption.position",
                                                     cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Poll {self.id} {self.status}>"


class PollOption(db.Model):
    __tablename__ = "roadshow_poll_options"

    id: Mapped[intpk]
    poll_id: Mapped[int] = mapped_column(ForeignKey("roadshow_polls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    label: Mapped[str] = mapped_column(String(200))

    poll: Mapped[Poll] = relationship(back_populates="options")


class PollVote(db.Model):
    __tablename__ = "roadshow_poll_votes"
    __table_args__ = (UniqueConstraint("poll_id", "user_id"),)

    id: Mapped[intpk]
    poll_id: Mapped[int] = mapped_column(ForeignKey("roadshow_polls.id", ondelete="CASCADE"), index=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("roadshow_poll_options.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[created_at]


class Interest(db.Model):
    """An investor's "interested" mark on a pitch; the founder sees who."""

    __tablename__ = "roadshow_interests"
    __table_args__ = (UniqueConstraint("pitch_id", "user_id"),)

    id: Mapped[intpk]
    pitch_id: Mapped[int] = mapped_column(ForeignKey("pitches.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[created_at]

    user: Mapped[User] = relationship()


class Score(db.Model):
    """One judge's score of one pitch on one of the roadshow's criteria (0–10)."""

    __tablename__ = "roadshow_scores"
    __table_args__ = (UniqueConstraint("pitch_id", "judge_id", "criterion"),)

    id: Mapped[intpk]
    pitch_id: Mapped[int] = mapped_column(ForeignKey("pitches.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    criterion: Mapped[str] = mapped_column(String(80))
    value: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[created_at]


class Mute(db.Model):
    __tablename__ = "roadshow_mutes"
    __table_args__ = (UniqueConstraint("roadshow_id", "user_id"),)

    id: Mapped[intpk]
    roadshow_id: Mapped[int] = mapped_column(ForeignKey("roadshows.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    muted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]


class StageEvent(db.Model):
    """The stage log: every stage, slide and poll change of a room, in id order."""

    __tablename__ = "roadshow_stage_events"

    id: Mapped[intpk]
    roadshow_id: Mapped[int] = mapped_column(ForeignKey("roadshows.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]


class RoomVisit(db.Model):
    """One socket's stay in a room: presence while `left_at` is NULL, and the report's time in room."""

    __tablename__ = "roadshow_visits"

    id: Mapped[intpk]
    roadshow_id: Mapped[int] = mapped_column(ForeignKey("roadshows.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sid: Mapped[str] = mapped_column(String(64), index=True)
    node_id: Mapped[str | None] = mapped_column(String(32), index=True)  # the server process holding the socket
    joined_at: Mapped[created_at]
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hand_raised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User | None] = relationship()


class LiveNode(db.Model):
    """A server process holding room sockets, alive while it beats; the visits of a silent one are closed."""

    __tablename__ = "roadshow_nodes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<LiveNode {self.id} seen {self.seen_at}>"


class Cue(db.Model):
    """A moderator's private cue to the presenter ("2 minutes left"), shown until acknowledged."""

    __tablename__ = "roadshow_cues"

    id: Mapped[intpk]
    roadshow_id: Mapped[int] = mapped_column(ForeignKey("roadshows.id", ondelete="CASCADE"), index=True)
    pitch_id: Mapped[int] = mapped_column(ForeignKey("pitches.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

"""What the stage video leaves behind: each pitch's recording for the replay, and who watched the video when
(the organiser's peak and average video viewers per pitch)."""
from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import BigInteger, Float, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import UTCDateTime, created_at, intpk
from app.extensions import db
from app.roadshows.models import Pitch


class RecordingStatus(StrEnum):
    RECORDING = "recording"    # Janus is writing .mjr files into rec_dir
    PROCESSING = "processing"  # stopped; janus-pp-rec and ffmpeg are making the playable file
    READY = "ready"            # file_path plays
    EMPTY = "empty"            # nobody published while it ran
    FAILED = "failed"


class PitchRecording(db.Model):
    """One recorded stay of a pitch on stage: from going live (or the consent turned on) until it left."""

    __tablename__ = "pitch_recordings"
    __table_args__ = (
        # One recording runs per roadshow at a time: two stage changes processed at once cannot start two.
        Index("ux_pitch_recordings_running", "roadshow_id", unique=True,
              sqlite_where=text("status = 'recording'"), postgresql_where=text("status = 'recording'")),
    )

    id: Mapped[intpk]
    roadshow_id: Mapped[int] = mapped_column(ForeignKey("roadshows.id", ondelete="CASCADE"), index=True)
    pitch_id: Mapped[int] = mapped_column(ForeignKey("pitches.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=RecordingStatus.RECORDING)
    rec_dir: Mapped[str] = mapped_column(String(500))  # where Janus writes the .mjr files
    file_path: Mapped[str | None] = mapped_column(String(500))  # the playable WebM once ready
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[created_at]
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    pitch: Mapped[Pitch] = relationship()

    @property
    def duration(self) -> timedelta:
        return timedelta(seconds=self.duration_seconds or 0)

    def __repr__(self) -> str:
        return f"<PitchRecording {self.id} pitch {self.pitch_id} {self.status}>"


class VideoView(db.Model):
    """One socket's stretch of watching the stage video (WebRTC, or HLS when that path serves it)."""

    __tablename__ = "roadshow_video_views"
    __table_args__ = (
        # A socket watches a room's video once at a time: a repeated "watching" finds the open row.
        Index("ux_roadshow_video_views_open", "roadshow_id", "sid", unique=True,
              sqlite_where=text("left_at IS NULL"), postgresql_where=text("left_at IS NULL")),
    )

    id: Mapped[intpk]
    roadshow_id: Mapped[int] = mapped_column(ForeignKey("roadshows.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    sid: Mapped[str] = mapped_column(String(64), index=True)
    via: Mapped[str] = mapped_column(String(10), default="webrtc")
    joined_at: Mapped[created_at]
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<VideoView {self.id} roadshow {self.roadshow_id} {self.sid}>"

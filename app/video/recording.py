"""Recording each pitch's stage video for the replay, when the organiser consented (`Roadshow.record_pitches`).

Janus records, Fuhua never touches the media while it flows: when a pitch goes on stage (live, then Q&A) the
roadshow's VideoRoom is told to record every publisher into a folder of that pitch's own (`edit` with
`new_rec_dir`, then `enable_recording`; the room's `lock_record` means only Fuhua, holding the room's secret, can
do either). When the pitch leaves the stage, the roadshow ends or the consent is withdrawn, recording stops (Janus
closes the .mjr files at once) and a background job turns the files into one WebM the browser plays:
`janus-pp-rec` (Debian's janus-tools) converts each .mjr into VP8 video and Opus audio, ffmpeg muxes each
publisher's pair and joins the pairs in the order they began (a stream cut and restarted, a screen share after
the camera). The file is stored with the other roadshow media and attached to the pitch (`PitchRecording`).

Only a roadshow's stage room is ever recorded: mentoring calls and meetings are made unrecorded by `calls` and no
code here reaches their rooms (`_stage_room` refuses any other room id).

Janus must write where this process reads (`VIDEO_RECORDING_DIR`, by default beside the decks): the same
machine, or a shared folder when Janus runs elsewhere.
"""
from __future__ import annotations

import logging
import re
import secrets
import shutil
import subprocess
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.core import jobs, uow
from app.core.db import utcnow
from app.core.errors import NotFound
from app.extensions import db
from app.roadshows.decks import media_dir
from app.roadshows.live import access
from app.roadshows.models import PitchState, Roadshow
from app.video import calls, services
from app.video.janus import JanusError
from app.video.models import PitchRecording, RecordingStatus

log = logging.getLogger(__name__)

ON_STAGE = (PitchState.LIVE, PitchState.QA)
# videoroom-<room>-user-<id>-<start µs>-audio-0.mjr, -video-1.mjr (the stream's index last)
_MJR = re.compile(r"^(?P<who>.+)-(?P<began>\d+)-(?P<kind>audio|video|data)(?:-\d+)?\.mjr$")
PAIR_WINDOW_US = 5_000_000


def _stage_room(roadshow_id: int) -> int:
    room = calls.ROOM_BASE["roadshow"] + roadshow_id
    if not calls.ROOM_BASE["roadshow"] <= room < calls.ROOM_BASE["roadshow"] + 1_000_000_000_000:
        raise ValueError("only a roadshow's stage room is ever recorded")
    return room


def raw_dir() -> Path:
    """Where Janus writes the .mjr files: VIDEO_RECORDING_DIR, else `recordings-raw` beside the decks."""
    configured = current_app.config.get("VIDEO_RECORDING_DIR")
    return Path(configured) if configured else media_dir() / "recordings-raw"


def pitch_to_record(roadshow: Roadshow):
    """The pitch whose stream should be recording now: on stage, in an open roadshow that consented."""
    pitch = roadshow.current_pitch
    if not roadshow.record_pitches or not access.is_open(roadshow.status) or pitch is None:
        return None
    return pitch if pitch.state in ON_STAGE else None


def running(roadshow_id: int) -> PitchRecording | None:
    return db.session.scalar(select(PitchRecording).where(PitchRecording.roadshow_id == roadshow_id,
                                                          PitchRecording.status == RecordingStatus.RECORDING))


def rec_dir_now(roadshow_id: int) -> str | None:
    """Where the stage room records now (for a room made again, e.g. after Janus restarted), or None."""
    current = running(roadshow_id)
    return current.rec_dir if current is not None else None


def sync(*, roadshow_id: int) -> PitchRecording | None:
    """Make Janus record what the stage shows now: stop the recording of a pitch that left the stage (and queue
    its processing), start one for the pitch on stage. Idempotent; the job every stage change queues. Returns
    the recording running afterwards."""
    with uow.unit_of_work(lock=[(Roadshow, roadshow_id)]):
        roadshow = db.session.get(Roadshow, roadshow_id)
        if roadshow is None:
            return None
        pitch = pitch_to_record(roadshow)
        current = running(roadshow.id)
        stop = current if current is not None and (pitch is None or current.pitch_id != pitch.id) else None
        stop_id = start_id = None
        if stop is not None:
            stop.status, stop.stopped_at = RecordingStatus.PROCESSING, utcnow()
            stop_id = stop.id
        if pitch is not None and (current is None or stop is not None):
            start = PitchRecording(roadshow_id=roadshow.id, pitch_id=pitch.id, status=RecordingStatus.RECORDING,
                                   rec_dir=str(raw_dir() / f"roadshow-{roadshow.id}" / f"pitch-{pitch.id}-"
                                               f"{secrets.token_hex(6)}"))
            db.session.add(start)
            db.session.flush()
            start_id, start_dir = start.id, start.rec_dir
        current_id = current.id if current is not None and stop is None else None
    # Janus is told after the commit: no database lock is held over its answers. (Only ids are used from here:
    # touching a loaded row would open a read transaction that an inline job's writes would end up inside.)
    if stop_id is not None:
        _stop_janus(roadshow_id)
        jobs.enqueue(process, recording_id=stop_id)
    if start_id is not None:
        return _start_janus(roadshow_id, start_id, start_dir)
    return db.session.get(PitchRecording, current_id) if current_id is not None else None


def _janus_and_secret(roadshow_id: int):
    room = _stage_room(roadshow_id)
    return services._instance_for(room), room, services.room_secret(room)


def _start_janus(roadshow_id: int, recording_id: int, rec_dir: str) -> PitchRecording | None:
    Path(rec_dir).mkdir(parents=True, exist_ok=True)
    try:
        janus, room, secret = _janus_and_secret(roadshow_id)
        if not janus.create_room(room, secret=secret, allowed=[], rec_dir=rec_dir,
                                 publishers=current_app.config["VIDEO_STAGE_PUBLISHERS"],
                                 description=f"roadshow {roadshow_id}"):
            janus.record(room, secret=secret, rec_dir=rec_dir)
    except (JanusError, services.VideoDisabled) as error:
        log.warning("could not start recording roadshow %s: %s", roadshow_id, error)
        with uow.unit_of_work(lock=[(PitchRecording, recording_id)]):
            recording = db.session.get(PitchRecording, recording_id)
            recording.status, recording.error, recording.stopped_at = RecordingStatus.FAILED, "janus", utcnow()
        return None
    log.info("recording roadshow %s into %s", roadshow_id, rec_dir)
    return db.session.get(PitchRecording, recording_id)


def _stop_janus(roadshow_id: int) -> None:
    try:
        janus, room, secret = _janus_and_secret(roadshow_id)
        janus.record(room, secret=secret, rec_dir=None)
    except (JanusError, services.VideoDisabled) as error:
        # A Janus that went away closed its files; what it wrote is processed all the same.
        log.warning("could not tell Janus to stop recording roadshow %s: %s", roadshow_id, error)


# Post-processing ------------------------------------------------------------------------------

class ProcessingFailed(Exception):
    pass


def _run(args: list[str], timeout: float) -> None:
    try:
        result = subprocess.run(["nice", "-n", "10", *args], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ProcessingFailed(f"{args[0]} took longer than {timeout:.0f}s") from None
    if result.returncode != 0:
        raise ProcessingFailed(f"{args[0]} exited with {result.returncode}: {result.stderr[-300:]}")


def _pairs(rec_dir: Path) -> list[dict[str, Path]]:
    """The publishers' recordings in rec_dir, each `{"audio": path, "video": path}` (either may be missing), in
    the order they began. Janus opens a publisher's audio and video files a moment apart (each name carries its
    own start time), so files of one publisher that began within PAIR_WINDOW_US of each other are one pair."""
    files = []
    for path in rec_dir.glob("*.mjr"):
        match = _MJR.match(path.name)
        if match and match["kind"] != "data" and path.stat().st_size > 0:
            files.append((match["who"], int(match["began"]), match["kind"], path))
    pairs: list[tuple[int, dict[str, Path]]] = []
    open_pair: dict[str, tuple[int, dict[str, Path]]] = {}
    for who, began, kind, path in sorted(files, key=lambda f: (f[0], f[1])):
        current = open_pair.get(who)
        if current is None or kind in current[1] or began - current[0] > PAIR_WINDOW_US:
            current = (began, {})
            open_pair[who] = current
            pairs.append(current)
        current[1][kind] = path
    return [pair for _began, pair in sorted(pairs, key=lambda p: p[0])]


def _mux(pair: dict[str, Path], out: Path, timeout: float) -> Path | None:
    """One publisher's audio and video as one WebM (None when janus-pp-rec found no media in either)."""
    inputs = []
    for kind, suffix in (("video", ".webm"), ("audio", ".opus")):
        if kind in pair:
            target = out.with_name(f"{out.stem}-{kind}{suffix}")
            try:
                _run(["janus-pp-rec", str(pair[kind]), str(target)], timeout)
            except ProcessingFailed as error:
                log.warning("no %s in %s: %s", kind, pair[kind], error)
                continue
            if target.exists() and target.stat().st_size > 0:
                inputs.append(target)
    if not inputs:
        return None
    args = ["ffmpeg", "-nostdin", "-loglevel", "error", "-y"]
    for path in inputs:
        args += ["-i", str(path)]
    for index in range(len(inputs)):
        args += ["-map", str(index)]
    _run([*args, "-c", "copy", str(out)], timeout)
    return out


def _join(parts: list[Path], out: Path, timeout: float) -> None:
    if len(parts) == 1:
        parts[0].replace(out)
        return
    listing = out.with_name("parts.txt")
    listing.write_text("".join(f"file '{p.name}'\n" for p in parts))
    _run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing),
          "-c", "copy", str(out)], timeout)


def _duration(path: Path) -> float:
    result = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
                             str(path)], capture_output=True, text=True, timeout=60)
    try:
        return float(result.stdout.strip())
    except ValueError:
        return 0.0


def process(*, recording_id: int) -> PitchRecording | None:
    """Turn a stopped recording's .mjr files into one playable WebM stored with the roadshow media. Idempotent:
    only a recording that is processing is worked on."""
    recording = db.session.get(PitchRecording, recording_id)
    if recording is None or recording.status != RecordingStatus.PROCESSING:
        return recording
    rec_dir, pitch_id = Path(recording.rec_dir), recording.pitch_id
    db.session.rollback()  # no read transaction stays open over minutes of ffmpeg
    made = _make_file(rec_dir, media_dir() / "recordings" / str(pitch_id) / secrets.token_hex(8))
    with uow.unit_of_work(lock=[(PitchRecording, recording_id)]):
        recording = db.session.get(PitchRecording, recording_id)
        if recording is None or recording.status != RecordingStatus.PROCESSING:
            return recording
        for key, value in made.items():
            setattr(recording, key, value)
    if recording.status != RecordingStatus.FAILED:
        shutil.rmtree(rec_dir, ignore_errors=True)  # the .mjr files are large; the WebM holds what they held
    return recording


def _make_file(rec_dir: Path, folder: Path) -> dict:
    """janus-pp-rec and ffmpeg at work: the recording's new fields (status, file, duration, size or error)."""
    timeout = float(current_app.config.get("VIDEO_RECORDING_PROCESS_TIMEOUT") or 1800)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        parts = [part for index, pair in enumerate(_pairs(rec_dir) if rec_dir.is_dir() else [])
                 if (part := _mux(pair, folder / f"part-{index}.webm", timeout)) is not None]
        if not parts:
            shutil.rmtree(folder, ignore_errors=True)
            return {"status": RecordingStatus.EMPTY}
        final = folder / "recording.webm"
        _join(parts, final, timeout)
        for path in folder.iterdir():
            if path != final:
                path.unlink()
    except (ProcessingFailed, OSError) as error:
        log.warning("the recording in %s could not be processed: %s", rec_dir, error)
        shutil.rmtree(folder, ignore_errors=True)
        return {"status": RecordingStatus.FAILED, "error": str(error)[:200]}
    return {"status": RecordingStatus.READY, "file_path": str(final), "size_bytes": final.stat().st_size,
            "duration_seconds": _duration(final), "ready_at": utcnow()}


# Reading -------------------------------------------------------------------------------------

def ready_for(roadshow_id: int) -> dict[int, list[PitchRecording]]:
    """The playable recordings of a roadshow, per pitch id, oldest first."""
    found: dict[int, list[PitchRecording]] = {}
    for recording in db.session.scalars(select(PitchRecording).where(
            PitchRecording.roadshow_id == roadshow_id, PitchRecording.status == RecordingStatus.READY)
            .order_by(PitchRecording.started_at, PitchRecording.id)):
        found.setdefault(recording.pitch_id, []).append(recording)
    return found


def preparing(roadshow_id: int) -> set[int]:
    """The pitches whose recording is still being made into a playable file."""
    return set(db.session.scalars(select(PitchRecording.pitch_id).where(
        PitchRecording.roadshow_id == roadshow_id, PitchRecording.status == RecordingStatus.PROCESSING)))


def file_for(*, user, recording_id: int) -> PitchRecording:
    """A ready recording's file for someone who may watch its roadshow's replay: Unauthorized for an anonymous
    person in an invite-only roadshow, PermissionDenied for someone not let in, NotFound otherwise."""
    recording = db.session.get(PitchRecording, recording_id) if 0 < recording_id < 2**31 else None
    if recording is None or recording.status != RecordingStatus.READY or not recording.file_path:
        raise NotFound()
    access.require_watch(user, db.session.get(Roadshow, recording.roadshow_id))
    if not Path(recording.file_path).is_file():
        raise NotFound()
    return recording


def _on_stage_changed(roadshow_id: int) -> None:
    if services.video_enabled():
        jobs.enqueue(sync, roadshow_id=roadshow_id)


def init_app(app) -> None:
    from app.roadshows.signals import stage_changed
    stage_changed.connect(_on_stage_changed, weak=False)

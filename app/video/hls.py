"""The stage video as HLS, for viewers whose network blocks WebRTC: one ffmpeg (Debian's) per live stage on this
machine that somebody plays as HLS, fed by the VideoRoom's `rtp_forward` of the feed on stage (Opus + VP8 over RTP,
described to ffmpeg by an SDP file), transcoding to H.264 + AAC in one-second MPEG-TS segments (a keyframe starts
each) that the app serves, to the people who may watch the room only (`views.stage_hls`), and hls.js plays.

ffmpeg runs only while someone plays it: each request for the playlist (hls.js asks for it every segment) marks
the stage as wanted (`want`), the forwards start ffmpeg for a stage wanted within VIDEO_HLS_IDLE_SECONDS and stop
it once it is not (`wanted`), so a stage nobody watches through HLS costs no transcoding.

Everything of a stage lives in VIDEO_HLS_DIR/<room>/: stream.sdp, ffmpeg.pid, ports (its RTP ports), ffmpeg.log,
wanted (its time is the last request for the playlist), index.m3u8 and the segments. Any process of the app can so
find, reuse or stop the ffmpeg another one started; a lock file keeps two from starting one each. ffmpeg is started
detached (its parent, a shell, exits at once), so it outlives no more than `stop` or `flask video expire` allow it.
"""
from __future__ import annotations

import fcntl
import logging
import os
import random
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)

PLAYLIST = "index.m3u8"
SEGMENT = re.compile(r"^seg\d{1,20}\.ts$")
PORT_RANGE = (41000, 41998)  # even RTP ports, each with its RTCP port (+1) free too


def enabled(app=None) -> bool:
    """HLS is on unless VIDEO_HLS is 0, and only where ffmpeg is installed."""
    config = (app or current_app).config
    off = str(config.get("VIDEO_HLS", "auto")).lower() in ("0", "false", "no", "off")
    return not off and shutil.which(config.get("VIDEO_FFMPEG") or "ffmpeg") is not None


def stage_dir(room: int) -> Path:
    return Path(current_app.config["VIDEO_HLS_DIR"]) / str(int(room))


def served_file(room: int, name: str) -> Path | None:
    """The playlist or a segment of a stage, if that is what `name` is and it exists; None otherwise."""
    if name != PLAYLIST and not SEGMENT.match(name):
        return None
    path = stage_dir(room) / name
    return path if path.is_file() else None


@contextmanager
def _locked(directory: Path, timeout: float = 30.0):
    """The stage's lock, between processes and between greenlets of one: a blocking flock would stop the whole
    event loop while another greenlet of this process holds it (and so never let that one finish), so the lock
    is tried and, while held elsewhere, waited for cooperatively (`time.sleep` is gevent's when patched)."""
    directory.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    with open(directory / ".lock", "w") as lock:
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the HLS lock of {directory} stayed taken for {timeout:.0f} s") from None
                time.sleep(0.02)
        yield


def want(room: int) -> None:
    """Someone asked for the stage's playlist: keep (or get) its ffmpeg running."""
    directory = stage_dir(room)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "wanted").touch()


def wanted(room: int) -> bool:
    """Whether anyone asked for the stage's playlist within VIDEO_HLS_IDLE_SECONDS."""
    try:
        asked = (stage_dir(room) / "wanted").stat().st_mtime
    except OSError:
        return False
    return time.time() - asked < current_app.config["VIDEO_HLS_IDLE_SECONDS"]


def running(room: int) -> bool:
    return _pid(stage_dir(room)) is not None


def _pid(directory: Path) -> int | None:
    """ffmpeg's pid if the one this directory started still runs (not a zombie, not a reused pid)."""
    try:
        pid = int((directory / "ffmpeg.pid").read_text())
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    if stat.rpartition(")")[2].split()[0] == "Z" or str(directory).encode() not in cmdline:
        return None
    return pid


def _free_pair(host: str, taken: set[int]) -> int:
    """An even UDP port whose next port is free as well (ffmpeg takes RTP on it and RTCP on the next)."""
    for _ in range(200):
        port = random.randrange(PORT_RANGE[0], PORT_RANGE[1], 2)
        if port in taken:
            continue
        probes = []
        try:
            for candidate in (port, port + 1):
                probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                probes.append(probe)
                probe.bind(("0.0.0.0", candidate))
            return port
        except OSError:
            continue
        finally:
            for probe in probes:
                probe.close()
    raise OSError("no free UDP ports for ffmpeg")


def _sdp(host: str, audio_port: int, video_port: int) -> str:
    return "\n".join(["v=0", f"o=- 0 0 IN IP4 {host}", "s=Fuhua stage", f"c=IN IP4 {host}", "t=0 0",
                      f"m=audio {audio_port} RTP/AVP 111", "a=rtpmap:111 opus/48000/2",
                      f"m=video {video_port} RTP/AVP 96", "a=rtpmap:96 VP8/90000", ""])


def ffmpeg_command(directory: Path) -> list[str]:
    """Transcode the forwarded RTP into live HLS: x264 at its fastest with no lookahead, a keyframe every
    segment, each segment's wall-clock start in the playlist (EXT-X-PROGRAM-DATE-TIME: the page can tell how far
    behind it plays), segments numbered from the clock (a restarted ffmpeg carries on the same playlist after a
    discontinuity), the last few kept."""
    seconds = current_app.config["VIDEO_HLS_SEGMENT_SECONDS"]
    # ffmpeg learns the video's size from its first keyframe: it waits for two of the keyframes the room asks the
    # presenter for (one may be lost) before it gives up.
    probe_us = int((2 * current_app.config["VIDEO_STAGE_KEYFRAME_SECONDS"] + 1) * 1_000_000)
    return [current_app.config["VIDEO_FFMPEG"], "-nostdin", "-hide_banner", "-loglevel", "warning",
            "-protocol_whitelist", "file,udp,rtp", "-fflags", "+genpts", "-analyzeduration", str(probe_us),
            "-reorder_queue_size", "64", "-i", str(directory / "stream.sdp"),
            "-map", "0:v:0", "-map", "0:a:0?", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
            "-pix_fmt", "yuv420p", "-force_key_frames", f"expr:gte(t,n_forced*{seconds})", "-b:v", "800k",
            "-c:a", "aac", "-b:a", "64k", "-ac", "2", "-f", "hls", "-hls_time", str(seconds),
            "-hls_list_size", "6", "-hls_start_number_source", "epoch",
            "-hls_flags", "+".join(("delete_segments", "independent_segments", "append_list", "discont_start",
                                    "omit_endlist", "program_date_time")),
            "-hls_segment_filename", str(directory / "seg%d.ts"), str(directory / PLAYLIST)]


def _start(directory: Path, host: str) -> tuple[int, int]:
    audio = _free_pair(host, set())
    video = _free_pair(host, {audio})
    (directory / "stream.sdp").write_text(_sdp(host, audio, video))
    command = shlex.join(ffmpeg_command(directory))
    log_path = shlex.quote(str(directory / "ffmpeg.log"))
    pid_path = shlex.quote(str(directory / "ffmpeg.pid"))
    # The shell starts ffmpeg in the background and exits: ffmpeg, orphaned, is nobody's zombie.
    subprocess.run(["sh", "-c", f"{command} >>{log_path} 2>&1 </dev/null & echo $! >{pid_path}"],
                   check=True, start_new_session=True, timeout=10)
    (directory / "ports").write_text(f"{audio} {video}")
    _wait_bound((audio, video))
    return audio, video


def _bound(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind(("0.0.0.0", port))
        except OSError:
            return True
    return False


def _wait_bound(ports, timeout: float = 10.0) -> None:
    """Wait until ffmpeg listens on its ports: the keyframe Janus asks the presenter for when a forward starts
    must reach it, or it could decode nothing until the next one."""
    deadline = time.monotonic() + timeout
    while not all(_bound(port) for port in ports) and time.monotonic() < deadline:
        time.sleep(0.05)


def ensure(room: int):
    """ffmpeg running for this stage (started when it is not); the forward target it listens on."""
    from app.video.streaming import Target

    host = current_app.config["VIDEO_HLS_RTP_HOST"]
    directory = stage_dir(room)
    with _locked(directory):
        if _pid(directory):
            audio, video = (int(p) for p in (directory / "ports").read_text().split())
        else:
            audio, video = _start(directory, host)
            log.info("started ffmpeg for the HLS of room %s on ports %s/%s", room, audio, video)
    return Target(host, audio, video)


def _kill(directory: Path) -> bool:
    pid = _pid(directory)
    if pid is None:
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    while _pid(directory) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _pid(directory):
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 5  # (a loaded machine takes a moment even to end a killed process)
        while _pid(directory) and time.monotonic() < deadline:
            time.sleep(0.05)
    return True


def stop(room: int, *, clear: bool = False) -> bool:
    """Stop the stage's ffmpeg; whether one ran. Its playlist and last segments stay for a restart, or go with
    `clear` (stopped for want of viewers: the next viewer should not start on minutes-old segments)."""
    directory = stage_dir(room)
    if not directory.exists():
        return False
    with _locked(directory):
        stopped = _kill(directory)
        (directory / "ffmpeg.pid").unlink(missing_ok=True)
        if clear:
            for old in directory.iterdir():
                if old.name == PLAYLIST or SEGMENT.match(old.name):
                    old.unlink(missing_ok=True)
    return stopped


def remove(room: int) -> None:
    """Stop the stage's ffmpeg and delete its files."""
    stop(room)
    shutil.rmtree(stage_dir(room), ignore_errors=True)


def live_rooms(app=None) -> list[int]:
    """The rooms with an HLS directory on this machine."""
    base = Path((app or current_app).config["VIDEO_HLS_DIR"])
    return sorted(int(p.name) for p in base.iterdir() if p.is_dir() and p.name.isdigit()) if base.exists() else []


def stop_all(directory: Path) -> int:
    """Stop every ffmpeg started under an HLS directory (for tests and shutdown); how many."""
    stopped = 0
    for stage in Path(directory).iterdir() if Path(directory).exists() else []:
        if stage.is_dir() and _kill(stage):
            stopped += 1
    return stopped

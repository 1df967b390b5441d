"""Pages' side of video: janus.js and adapter.js served from Debian's packages (no CDN), and what pages ask."""
from pathlib import Path

from flask import Blueprint, abort, g, render_template, send_file
from flask_login import current_user, login_required

from app.core.errors import AppError
from app.video import calls, recording, services

bp = Blueprint("video", __name__)

# Debian's libjs-janus-gateway and libjs-webrtc-adapter (installed with janus; see .ci/run).
VENDOR_FILES = {"janus": Path("/usr/share/javascript/janus-gateway/janus.min.js"),
                "adapter": Path("/usr/share/javascript/webrtc-adapter/adapter.min.js")}


@bp.route("/video/vendor/<any(janus, adapter):name>.js")
def vendor_script(name: str):
    """janus.js or adapter.js from the Debian package; 404 when it is not installed."""
    path = VENDOR_FILES[name]
    if not path.exists():
        abort(404)
    return send_file(path, mimetype="text/javascript", max_age=86400)


@bp.route("/roadshows/<int:roadshow_id>/video/hls/<name>")
def stage_hls(roadshow_id: int, name: str):
    """The stage video's HLS playlist or one of its segments (app.video.hls), to whoever may watch the room
    (401/403 for others, as the room page); 404 while the stage is not live, or its ffmpeg has just started."""
    from app.roadshows.live import access
    from app.roadshows.services import get_roadshow
    from app.video import hls, stage

    user = current_user._get_current_object() if current_user.is_authenticated else None
    roadshow = access.require_watch(user, get_roadshow(roadshow_id))
    if name == hls.PLAYLIST and hls.enabled():
        stage.play_hls(roadshow)  # ffmpeg runs while pages ask for the playlist (404 until its first segment)
    path = hls.served_file(stage.room_of(roadshow.id), name) if hls.enabled() else None
    if path is None:
        abort(404)
    if name == hls.PLAYLIST:  # rewritten every segment: never cached
        response = send_file(path, mimetype="application/vnd.apple.mpegurl", max_age=0, conditional=False)
        response.headers["Cache-Control"] = "no-store"
        return response
    return send_file(path, mimetype="video/mp2t", max_age=60)


@bp.route("/roadshows/recordings/<int:recording_id>.webm")
def recording_file(recording_id: int):
    """A pitch's recording for whoever may watch its roadshow; Range requests give the part asked for (206), so
    the player seeks without fetching the whole file."""
    user = current_user._get_current_object() if current_user.is_authenticated else None
    try:
        found = recording.file_for(user=user, recording_id=recording_id)
    except AppError as error:
        abort(error.status_code)
    response = send_file(found.file_path, mimetype="video/webm", conditional=True, max_age=3600,
                         etag=f"rec-{found.id}-{found.size_bytes}")
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["Accept-Ranges"] = "bytes"
    return response


@bp.route("/meetings/<int:meeting_id>/call")
@login_required
def meeting_call(meeting_id: int):
    """A founder–investor meeting's call page (its two people)."""
    from app.conversations import meetings
    meeting = meetings.get_meeting(user=current_user._get_current_object(), meeting_id=meeting_id)
    other = meeting.investor if meeting.founder_id == current_user.id else meeting.founder
    return render_template("video/meeting.html", meeting=meeting, other=other, window=calls.meeting_window(meeting))


# A page holding a call may use the camera, the microphone and screen capture (every other page may not:
# app.core.security's default Permissions-Policy).
CALL_PERMISSIONS = "camera=(self), microphone=(self), display-capture=(self), geolocation=()"


def allow_call_media() -> str:
    """Called by the call panel as the page renders: this response lets the page capture media."""
    g.video_call_page = True
    return ""


@bp.after_app_request
def call_permissions(response):
    if g.get("video_call_page"):
        response.headers["Permissions-Policy"] = CALL_PERMISSIONS
    return response


def stage_may_present(roadshow) -> bool:
    """Whether the room page offers this person "Go live": moderators, and presenters of a pitch on the
    agenda (the server decides, when they press it, whether their pitch is on stage)."""
    from app.roadshows.live import access
    user = current_user._get_current_object()
    if not access.signed_in(user) or not access.is_open(roadshow.status):
        return False
    return access.is_moderator(user, roadshow) or any(p.presenter_id == user.id for p in roadshow.pitches)


def stage_hls_enabled() -> bool:
    """Whether the stage may fall back to HLS here; if so, this page may play media from blob: URLs (hls.js
    feeds the video element through Media Source Extensions)."""
    from app.core import security
    from app.video import hls
    if not hls.enabled():
        return False
    security.allow_on_page("media-src", "'self'", "blob:")
    return True


@bp.app_context_processor
def video_helpers():
    return {"video_enabled": services.video_enabled, "allow_call_media": allow_call_media,
            "booking_call_window": calls.booking_window, "meeting_call_window": calls.meeting_window,
            "stage_may_present": stage_may_present, "stage_hls_enabled": stage_hls_enabled}

"""Pages' side of video: janus.js and adapter.js served from Debian's packages (no CDN), and what pages ask."""
from pathlib import Path

from flask import Blueprint, abort, g, render_template, send_file
from flask_login import current_user, login_required

from app.video import calls, services

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


@bp.app_context_processor
def video_helpers():
    return {"video_enabled": services.video_enabled, "allow_call_media": allow_call_media,
            "booking_call_window": calls.booking_window, "meeting_call_window": calls.meeting_window}

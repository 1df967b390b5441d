"""JSON API of video calls: join (get a Janus token for your browser) and leave, per booking or meeting."""
from functools import partial

from flask_login import current_user, login_required
from flask_smorest import Blueprint

from app.core.api import error_responses
from app.video import schemas, services, stage

blp = Blueprint("video_api", __name__, url_prefix="/api", description="Video calls (through Janus)")

_errors = partial(error_responses, blp)


def _me():
    return current_user._get_current_object()


@blp.route("/video", methods=["GET"])
@blp.response(200, schemas.VideoStatusSchema)
def video_status():
    """Whether this site carries video calls (a Janus is configured)."""
    return {"enabled": services.video_enabled()}


@blp.route("/bookings/<int:booking_id>/call", methods=["POST"])
@blp.arguments(schemas.JoinCallSchema, required=False)
@blp.response(201, schemas.CallAccessSchema)
@_errors(401, 404, 409, 503)
@login_required
def join_booking_call(data, booking_id):
    """Join a mentoring session's call (its founder or mentor, or an admin; from 15 minutes before the start
    to 30 minutes after the end): a Janus token for this person and room. 409 `call_not_open` outside; 404
    `video_disabled` when the site has no Janus; 503 `video_unavailable` when Janus does not answer."""
    return services.join_call(user=_me(), kind="booking", scope_id=booking_id,
                              previous_token=(data or {}).get("previous_token"))


@blp.route("/bookings/<int:booking_id>/call", methods=["DELETE"])
@blp.response(204)
@_errors(401, 404, 503)
@login_required
def leave_booking_call(booking_id):
    """Leave a mentoring session's call: your token stops working on Janus and your feed is closed."""
    services.leave_call(user=_me(), kind="booking", scope_id=booking_id)


@blp.route("/meetings/<int:meeting_id>/call", methods=["POST"])
@blp.arguments(schemas.JoinCallSchema, required=False)
@blp.response(201, schemas.CallAccessSchema)
@_errors(401, 403, 404, 409, 503)
@login_required
def join_meeting_call(data, meeting_id):
    """Join a founder–investor meeting's call (its two people, around its time)."""
    return services.join_call(user=_me(), kind="meeting", scope_id=meeting_id,
                              previous_token=(data or {}).get("previous_token"))


@blp.route("/meetings/<int:meeting_id>/call", methods=["DELETE"])
@blp.response(204)
@_errors(401, 403, 404, 503)
@login_required
def leave_meeting_call(meeting_id):
    """Leave a meeting's call."""
    services.leave_call(user=_me(), kind="meeting", scope_id=meeting_id)


# A roadshow's stage --------------------------------------------------------------------------------

def _me_or_anonymous():
    return current_user._get_current_object() if current_user.is_authenticated else None


@blp.route("/roadshows/<int:roadshow_id>/video", methods=["POST"])
@blp.arguments(schemas.JoinStageSchema, required=False)
@blp.response(201, schemas.StageAccessSchema)
@_errors(401, 403, 404, 409, 503)
def join_stage(data, roadshow_id):
    """Watch the stage video of a roadshow (whoever may watch the room), or with `publish: true` go live on it
    (the presenter of the pitch on stage, and moderators; else 403 `stage_only`). A viewer's token cannot
    publish: Janus refuses it. 409 `roadshow_closed` once it ended."""
    return stage.join_stage(user=_me_or_anonymous(), roadshow_id=roadshow_id,
                            publish=bool((data or {}).get("publish")))


@blp.route("/roadshows/<int:roadshow_id>/video", methods=["GET"])
@blp.response(200, schemas.StageFeedsSchema)
@_errors(401, 403, 404, 503)
def stage_feeds(roadshow_id):
    """Who is live on the stage now (the feeds to subscribe to)."""
    return {"feeds": stage.stage_feeds(user=_me_or_anonymous(), roadshow_id=roadshow_id)}


@blp.route("/roadshows/<int:roadshow_id>/video", methods=["DELETE"])
@blp.arguments(schemas.LeaveStageSchema, location="query", required=False)
@blp.response(204)
@_errors(401, 404, 503)
@login_required
def leave_stage(args, roadshow_id):
    """Leave the stage video: your tokens stop working on Janus and your feed is closed. With `?publish=true`
    only your stream stops (the presenter's "Stop my stream"): the token you went live with goes, you keep
    watching."""
    stage.leave_stage(user=_me(), roadshow_id=roadshow_id, publishing_only=bool((args or {}).get("publish")))


@blp.route("/roadshows/<int:roadshow_id>/video/cut", methods=["POST"])
@blp.response(200, schemas.StageCutSchema)
@_errors(401, 403, 404, 503)
@login_required
def cut_stage(roadshow_id):
    """Moderators cut the presenter's stream: their token is revoked on Janus and their feed kicked (the room
    hears `video:cut`)."""
    return {"cut": stage.cut(actor=_me(), roadshow_id=roadshow_id)}

"""A roadshow's stage video: the presenter on stage (or a moderator) publishes into the roadshow's VideoRoom,
everyone who may watch the room subscribes.

The rights are Janus's own: every person gets a token Fuhua signed and added to Janus (VideoRoom only), and only
"stage" tokens are on the room's `allowed` list, which Janus's VideoRoom checks when someone joins as a
publisher (subscribers are not checked against it). So a viewer's "audience" token lets them watch and Janus
itself refuses it a place to publish. When the stage changes (`app.roadshows.signals.stage_changed`, sent after
commit) or a moderator cuts the stream, every stage token whose person may no longer publish is revoked: taken
off Janus and the allowed list, its sessions closed and its feed kicked.

Who may publish: while the room is open, its moderators, and the presenter of the pitch on stage while it is
live or in Q&A. Who may watch: `access.can_watch`, anonymous people in public rooms too (user id 0).
"""
from __future__ import annotations

import logging
import secrets
import time
from datetime import timedelta
from types import SimpleNamespace

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.core import jobs, realtime
from app.core.db import utcnow
from app.core.errors import InvalidState, PermissionDenied
from app.extensions import db
from app.roadshows.live import access
from app.roadshows.models import PitchState, Roadshow
from app.roadshows.room import roadshow_room
from app.roadshows.services import get_roadshow
from app.video import calls, hls, recording, services, streaming
from app.video.janus import JanusError
from app.video.services import Grant, VideoDisabled, VideoUnavailable

log = logging.getLogger(__name__)

ON_STAGE = (PitchState.LIVE, PitchState.QA)


def room_of(roadshow_id: int) -> int:
    return calls.ROOM_BASE["roadshow"] + roadshow_id


def may_publish(user, roadshow: Roadshow) -> bool:
    """Moderators, and the presenter of the pitch on stage while it is live or in Q&A; never once it ended."""
    if not access.signed_in(user) or not access.is_open(roadshow.status):
        return False
    if access.is_moderator(user, roadshow):
        return True
    pitch = roadshow.current_pitch
    return pitch is not None and pitch.state in ON_STAGE and access.is_presenter(user, pitch)


def still_allowed(grant: Grant) -> bool:
    """Whether a stage or audience token's person may still publish (or watch) now."""
    roadshow = db.session.get(Roadshow, grant.scope_id)
    if roadshow is None or grant.room != room_of(roadshow.id) or not access.is_open(roadshow.status):
        return False
    user = db.session.get(User, grant.user_id) if grant.user_id else None
    if grant.user_id and (user is None or not user.is_active):
        return False
    if grant.kind == "stage":
        return may_publish(user, roadshow)
    return access.can_watch(user, roadshow)


def _stage_grants(janus, room: int, *, user_id: int | None = None, kind: str | None = None):
    found = []
    for token in janus.list_tokens():
        grant = services.parse(token)
        if (grant and grant.room == room and grant.kind in calls.STAGE_KINDS
                and (user_id is None or grant.user_id == user_id) and (kind is None or grant.kind == kind)):
            found.append((token, grant))
    return found


def publishing_feeds(janus, room: int) -> list[dict]:
    """The feeds publishing in the room now: `{id, display}` each (none when the room is not made yet)."""
    try:
        participants = janus.participants(room)
    except JanusError as error:
        if error.code == 426:  # no such room yet
            return []
        raise
    return [{"id": p["id"], "display": p.get("display") or ""} for p in participants if p.get("publisher")]


def join_stage(*, user, roadshow_id: int, publish: bool = False) -> dict:
    """A token for the roadshow's stage video: one that may publish (`publish`: moderators and the presenter
    on stage, else 403 `stage_only`) or one that may only watch (whoever may watch the room). Replaces the
    person's earlier token of that kind; 409 `roadshow_closed` once the roadshow ended."""
    roadshow = access.require_watch(user, get_roadshow(roadshow_id))
    if not access.is_open(roadshow.status):
        raise InvalidState(_l("This roadshow has ended."), code="roadshow_closed")
    if publish and not may_publish(user, roadshow):
        raise PermissionDenied(_l("Only the presenter on stage and moderators can go live."), code="stage_only")
    if not publish:
        return streaming.watch(user=user, roadshow=roadshow)  # a seat in the room, or a mountpoint past its limit
    room = room_of(roadshow.id)
    janus = services._instance_for(room)
    user_id = user.id if access.signed_in(user) else 0
    expires = utcnow() + timedelta(hours=current_app.config["VIDEO_STAGE_TOKEN_HOURS"])
    kind = "stage"  # (watching is streaming.watch's, above)
    grant = Grant(kind, roadshow.id, user_id, room, int(expires.timestamp()), secrets.randbelow(10**9))
    token = services.sign(grant)
    secret = services.room_secret(room)
    try:
        if user_id:
            for old_token, old in _stage_grants(janus, room, user_id=user_id, kind=kind):
                services._revoke(janus, old_token, old)
        janus.add_token(token)
        if not janus.create_room(room, secret=secret, allowed=[token], publishers=current_app.config[
                "VIDEO_STAGE_PUBLISHERS"], description=f"roadshow {roadshow.id}",
                rec_dir=recording.rec_dir_now(roadshow.id)):
            janus.allow(room, secret=secret, tokens=[token])
        feeds = publishing_feeds(janus, room)
    except JanusError as error:
        log.warning("could not let user %s onto the stage video of roadshow %s: %s", user_id, roadshow.id, error)
        raise VideoUnavailable() from None
    return {"janus_urls": [janus.http_url], "token": token, "room": room, "feed_id": grant.feed_id,
            "display": user.name if user_id else str(_l("Viewer")), "title": roadshow.title,
            "ice_servers": services._ice_servers(user if user_id else SimpleNamespace(id=0), grant.expires),
            "can_publish": True, "feeds": feeds, "poll_ms": current_app.config["VIDEO_STAGE_POLL_MS"]}


# Every viewer's page asks who is live every VIDEO_STAGE_POLL_MS: Janus is asked at most once a second per
# room and process.
FEEDS_TTL = 1.0
_feeds_cache: dict[int, tuple[float, list[dict]]] = {}


def stage_feeds(*, user, roadshow_id: int) -> list[dict]:
    """Who is publishing on the stage now, for whoever may watch."""
    roadshow = access.require_watch(user, get_roadshow(roadshow_id))
    room = room_of(roadshow.id)
    janus = services._instance_for(room)
    cached = _feeds_cache.get(room)
    if cached and time.monotonic() - cached[0] < FEEDS_TTL:
        return cached[1]
    try:
        feeds = publishing_feeds(janus, room)
        _feeds_cache[room] = (time.monotonic(), feeds)
    except JanusError as error:
        log.warning("could not list the stage feeds of roadshow %s: %s", roadshow.id, error)
        raise VideoUnavailable() from None
    try:
        streaming.sync_forwards(room, feeds)  # mountpoints and HLS follow the feed on stage
    except JanusError as error:
        log.warning("could not forward the stage feed of roadshow %s: %s", roadshow.id, error)
    return feeds


def leave_stage(*, user, roadshow_id: int, publishing_only: bool = False) -> int:
    """Take a signed-in person's stage and audience tokens off Janus (their feed too), or with `publishing_only`
    only the token they go live with (they keep watching); how many went."""
    room = room_of(get_roadshow(roadshow_id).id)
    services._instance_for(room)
    grants = []
    try:
        for janus in services.instances():  # a mount viewer's token is on the mountpoint's Janus
            found = _stage_grants(janus, room, user_id=user.id, kind="stage" if publishing_only else None)
            for token, grant in found:
                services._revoke(janus, token, grant)
            grants += found
    except JanusError as error:
        log.warning("could not take user %s off the stage video of roadshow %s: %s", user.id, roadshow_id, error)
        raise VideoUnavailable() from None
    return len(grants)


def cut(*, actor: User, roadshow_id: int) -> int:
    """A moderator cuts the stage: every stage token (but their own) is revoked and its feed kicked; the room
    hears `video:cut`. Returns how many were revoked. The presenter may go live again."""
    roadshow = get_roadshow(roadshow_id)
    access.require_moderator(actor, roadshow)
    room = room_of(roadshow.id)
    janus = services._instance_for(room)
    try:
        grants = [(t, g) for t, g in _stage_grants(janus, room, kind="stage") if g.user_id != actor.id]
        for token, grant in grants:
            services._revoke(janus, token, grant)
        streaming.stop_forwards(room)
    except JanusError as error:
        log.warning("could not cut the stage video of roadshow %s: %s", roadshow.id, error)
        raise VideoUnavailable() from None
    _feeds_cache.pop(room, None)
    realtime.emit_to_room(roadshow_room(roadshow.id), "video:cut",
                          {"roadshow_id": roadshow.id, "feeds": [g.feed_id for _t, g in grants]})
    return len(grants)


def revoke_stage(roadshow_id: int) -> int:
    """Revoke every stage (and, once the room closed, audience) token whose person may no longer hold it."""
    try:
        revoked = services.expire_tokens(room=room_of(roadshow_id))
        _follow_stage(roadshow_id)
        return revoked
    except (JanusError, VideoUnavailable, VideoDisabled) as error:
        log.warning("could not revoke the stage tokens of roadshow %s now (the sweep will): %s", roadshow_id, error)
        return 0
    finally:
        _feeds_cache.pop(room_of(roadshow_id), None)


def play_hls(roadshow: Roadshow) -> None:
    """A page asked for the stage's HLS playlist (the caller checked it may watch): mark it wanted and, if its
    ffmpeg is not running here, start it and the forward of the feed on stage (none while nobody is live)."""
    room = room_of(roadshow.id)
    hls.want(room)
    if hls.running(room) or not services.video_enabled():
        return
    try:
        streaming.sync_forwards(room, publishing_feeds(services._instance_for(room), room))
    except JanusError as error:
        log.warning("could not start the HLS of roadshow %s: %s", roadshow.id, error)


def _follow_stage(roadshow_id: int) -> None:
    """The forwards to mountpoints and HLS stop once no pitch is on stage; the roadshow over, they go."""
    roadshow = db.session.get(Roadshow, roadshow_id)
    if roadshow is None or not access.is_open(roadshow.status):
        streaming.close_stage(room_of(roadshow_id))
    elif roadshow.current_pitch is None or roadshow.current_pitch.state not in ON_STAGE:
        streaming.stop_forwards(room_of(roadshow_id))


def _on_stage_changed(roadshow_id: int) -> None:
    if services.video_enabled():
        jobs.enqueue(revoke_stage, roadshow_id=roadshow_id)


def init_app(app) -> None:
    from app.roadshows.signals import stage_changed
    stage_changed.connect(_on_stage_changed, weak=False)

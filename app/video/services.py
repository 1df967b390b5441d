"""Issuing and revoking the rights to be in a call, on Janus itself.

A right is a token: Fuhua signs it (so it names its call, person and end, and nobody can forge one), adds it to
Janus's core tokens (VideoRoom only) and to the room's `allowed` list, and hands it to the browser with the
publisher id it must use. Janus is the only store of live tokens: `leave_call` removes a person's token and
kicks their feed, a new join replaces the person's earlier token in that room, and `expire_tokens` (the
`flask video expire` command, run every minute) removes every token whose call has closed or whose person is no
longer one of its parties. A Janus that restarted has forgotten every token; browsers then join again.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.core import jobs
from app.core.db import utcnow
from app.core.errors import AppError, Conflict, NotFound
from app.extensions import db
from app.video import calls
from app.video.janus import Janus, JanusError

log = logging.getLogger(__name__)

TOKEN_PREFIX = "fv1"


class VideoUnavailable(AppError):
    """Janus did not answer: a passing outage (the page retries)."""
    status_code, code = 503, "video_unavailable"
    default_message = _l("Video calls are not available right now.")


class VideoDisabled(NotFound):
    """This site carries no video (no Janus configured)."""
    code = "video_disabled"
    default_message = _l("This site has no video calls.")


# Configuration --------------------------------------------------------------------------------

def _split(value: str) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def instances(app=None) -> list[Janus]:
    """The configured Janus instances (JANUS_URLS with JANUS_ADMIN_URLS in the same order)."""
    config = (app or current_app).config
    urls, admins = _split(config.get("JANUS_URLS")), _split(config.get("JANUS_ADMIN_URLS"))
    return [Janus(http_url=url, admin_url=admin, admin_secret=config.get("JANUS_ADMIN_SECRET") or "",
                  room_admin_key=config.get("JANUS_ROOM_ADMIN_KEY") or "")
            for url, admin in zip(urls, admins, strict=False)]


def video_enabled(app=None) -> bool:
    """Video is on unless VIDEO_ENABLED is 0, and only when at least one Janus is configured."""
    config = (app or current_app).config
    return str(config.get("VIDEO_ENABLED", "auto")).lower() not in ("0", "false", "no", "off") and bool(
        instances(app))


def init_app(app) -> None:
    """Let pages reach the configured Janus instances (CSP connect-src); warn about half-made settings."""
    from app.mentoring.signals import booking_moved
    booking_moved.connect(_on_booking_moved, weak=False)
    from app.video import recording, stage, viewers
    stage.init_app(app)
    recording.init_app(app)
    viewers.init_app(app)
    if not video_enabled(app):
        if _split(app.config.get("JANUS_URLS")):
            log.warning("JANUS_URLS is set but video is off: set JANUS_ADMIN_URLS too (and VIDEO_ENABLED not 0).")
        return
    origins = {"/".join(url.split("/")[:3]) for url in _split(app.config["JANUS_URLS"])}
    app.config["CSP_CONNECT_SRC"] = " ".join([app.config.get("CSP_CONNECT_SRC") or "", *sorted(origins)]).strip()


def _on_booking_moved(booking_id: int) -> None:
    if video_enabled():
        jobs.enqueue(booking_changed, booking_id=booking_id)


def _instance_for(room: int) -> Janus:
    found = instances()
    if not found or not video_enabled():
        raise VideoDisabled()
    return found[room % len(found)]


def _key(purpose: str) -> bytes:
    return hmac.new(current_app.config["SECRET_KEY"].encode(), purpose.encode(), hashlib.sha256).digest()


def room_secret(room: int) -> str:
    """The room's secret (to edit its allowed list or kick): derived, never stored, never sent to a browser."""
    return hmac.new(_key("video-room"), str(room).encode(), hashlib.sha256).hexdigest()


# Tokens ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Grant:
    """What a token says: who may be in which call until when, and the feed id they publish under."""

    kind: str
    scope_id: int
    user_id: int
    room: int
    expires: int    # unix seconds: the call's closing time
    nonce: int

    @property
    def feed_id(self) -> int:
        """The person's publisher id in the room: unique per token, and the user id readable from it."""
        return self.user_id * 1000 + self.nonce % 1000

    def payload(self) -> str:
        return f"{TOKEN_PREFIX}.{self.kind}.{self.scope_id}.{self.user_id}.{self.room}.{self.expires}.{self.nonce}"


def sign(grant: Grant) -> str:
    payload = grant.payload()
    mac = hmac.new(_key("video-token"), payload.encode(), hashlib.sha256).digest()[:18]
    return payload + "." + base64.urlsafe_b64encode(mac).decode().rstrip("=")


def parse(token: str) -> Grant | None:
    """The grant of a token Fuhua signed; None for anything else (another app's token, a forgery)."""
    payload, _, mac = (token or "").rpartition(".")
    parts = payload.split(".")
    if len(parts) != 7 or parts[0] != TOKEN_PREFIX or parts[1] not in calls.KINDS + calls.STAGE_KINDS:
        return None
    if not all(p.isdigit() and len(p) < 20 for p in parts[2:]):
        return None
    expected = base64.urlsafe_b64encode(
        hmac.new(_key("video-token"), payload.encode(), hashlib.sha256).digest()[:18]).decode().rstrip("=")
    if not hmac.compare_digest(mac, expected):
        return None
    return Grant(parts[1], *(int(p) for p in parts[2:]))


# Joining and leaving ---------------------------------------------------------------------------------

def _ice_servers(user: User, expires: int) -> list[dict]:
    """JANUS_ICE_SERVERS, plus TURN credentials of this person's own (coturn's REST scheme) when configured."""
    config = current_app.config
    try:
        servers = [s for s in json.loads(config.get("JANUS_ICE_SERVERS") or "[]") if isinstance(s, dict)]
    except ValueError:
        log.warning("JANUS_ICE_SERVERS is not a JSON list; browsers get no STUN/TURN servers")
        servers = []
    turn_urls = _split(config.get("JANUS_TURN_URLS"))
    if config.get("JANUS_TURN_SECRET") and turn_urls:
        username = f"{expires}:fuhua-{user.id}"
        credential = base64.b64encode(hmac.new(config["JANUS_TURN_SECRET"].encode(), username.encode(),
                                               hashlib.sha1).digest()).decode()
        servers.append({"urls": turn_urls, "username": username, "credential": credential})
    return servers


def _own_grants(janus: Janus, room: int, user_id: int) -> list[tuple[str, Grant]]:
    found = []
    for token in janus.list_tokens():
        grant = parse(token)
        if grant and grant.room == room and grant.user_id == user_id:
            found.append((token, grant))
    return found


def _revoke(janus: Janus, token: str, grant: Grant) -> None:
    """Take a token off Janus and off its room, close the Janus sessions it opened (what it sends and receives
    stops now, whatever the browser does) and kick the feed it published (each step may have happened)."""
    janus.remove_token(token)
    janus.close_sessions(token)
    secret = room_secret(grant.room)
    try:
        janus.allow(grant.room, secret=secret, tokens=[token], action="remove")
        janus.kick(grant.room, secret=secret, participant_id=grant.feed_id)
    except JanusError as error:
        if error.code not in (426, 428):  # no such room (Janus restarted) / no such feed (not publishing)
            raise


class JoinedElsewhere(Conflict):
    code = "joined_elsewhere"
    default_message = _l("This window left the call: you joined it from another window, or your place in it ended.")


def join_call(*, user: User, kind: str, scope_id: int, previous_token: str | None = None) -> dict:
    """Let `user` into the call of a booking or meeting: a token on Janus (replacing their earlier one in this
    room) and what their browser needs to join. NotFound/PermissionDenied for others, 409 when not open.

    :param previous_token: a page rejoining by itself names the token it had; if the person has joined from
        another window since (a token of theirs other than this one is live), the page is told so (409
        `joined_elsewhere`) instead of taking the call back from that window.
    """
    now = utcnow()
    call = calls.open_call(user=user, kind=kind, scope_id=scope_id, now=now)
    janus = _instance_for(call.room)
    grant = Grant(kind, call.scope_id, user.id, call.room, int(call.closes_at.timestamp()),
                  secrets.randbelow(10**9))
    token = sign(grant)
    try:
        earlier = _own_grants(janus, call.room, user.id)
        if previous_token is not None and any(old_token != previous_token for old_token, _old in earlier):
            raise JoinedElsewhere()
        for old_token, old in earlier:
            _revoke(janus, old_token, old)
        janus.add_token(token)
        if not janus.create_room(call.room, secret=room_secret(call.room), allowed=[token],
                                 publishers=call.capacity, description=f"{kind} {call.scope_id}"):
            janus.allow(call.room, secret=room_secret(call.room), tokens=[token])
    except JanusError as error:
        log.warning("could not let user %s into room %s: %s", user.id, call.room, error)
        raise VideoUnavailable() from None
    return {"janus_urls": [janus.http_url], "token": token, "room": call.room, "feed_id": grant.feed_id,
            "display": user.name, "ice_servers": _ice_servers(user, grant.expires), "title": call.title,
            "opens_at": call.opens_at, "closes_at": call.closes_at}


def leave_call(*, user: User, kind: str, scope_id: int) -> int:
    """Take `user` out of a call: their tokens for its room are removed and their feeds kicked. Returns how
    many tokens went. Works after the window too (leaving is always allowed to a party)."""
    call, _status = calls.find_call(user=user, kind=kind, scope_id=scope_id)
    janus = _instance_for(call.room)
    try:
        grants = _own_grants(janus, call.room, user.id)
        for token, grant in grants:
            _revoke(janus, token, grant)
    except JanusError as error:
        log.warning("could not take user %s out of room %s: %s", user.id, call.room, error)
        raise VideoUnavailable() from None
    return len(grants)


def _still_allowed(grant: Grant, now: datetime) -> bool:
    """Whether the person a token names may still be in its call now (the same rule as joining)."""
    if grant.expires <= now.timestamp():
        return False
    if grant.kind in calls.STAGE_KINDS:
        from app.video import stage
        return stage.still_allowed(grant)
    user = db.session.get(User, grant.user_id)
    if user is None or not user.is_active:
        return False
    try:
        call = calls.open_call(user=user, kind=grant.kind, scope_id=grant.scope_id, now=now)
    except AppError:
        return False
    return call.room == grant.room


def expire_tokens(*, now: datetime | None = None, room: int | None = None) -> int:
    """Revoke, on every Janus, each Fuhua token whose call has closed or whose person was removed from it (only
    those of `room` when given). Returns how many were revoked. Idempotent; run it every minute (`flask video
    expire`)."""
    now = now or utcnow()
    revoked = 0
    if room is not None:
        _instance_for(room)  # VideoDisabled when off
    for janus in instances():  # a stage's viewers may hold tokens on every instance (app.video.streaming)
        try:
            tokens = janus.list_tokens()
        except JanusError as error:
            log.warning("could not list the tokens of %s: %s", janus.admin_url, error)
            continue
        for token in tokens:
            grant = parse(token)
            if (grant is None and not token.startswith(TOKEN_PREFIX + ".")) or (room and grant and grant.room != room):
                continue  # not ours, or another room's
            if grant is None or not _still_allowed(grant, now):
                try:
                    _revoke(janus, token, grant) if grant else janus.remove_token(token)
                    revoked += 1
                except JanusError as error:
                    log.warning("could not revoke a token on %s: %s", janus.admin_url, error)
    return revoked


def booking_changed(booking_id: int) -> None:
    """A booking's status changed (cancelled, no-show…): revoke at once the tokens of its call's people who may
    no longer be in it, instead of at the next `flask video expire`."""
    if not video_enabled():
        return
    from app.mentoring.models import Booking
    booking = db.session.get(Booking, booking_id)
    if booking is None:
        return
    try:
        expire_tokens(room=calls.booking_room(booking))
    except (JanusError, VideoUnavailable, VideoDisabled) as error:
        log.warning("could not revoke the call tokens of booking %s now (the sweep will): %s", booking_id, error)

"""Large audiences on a roadshow's stage: past VIDEO_ROOM_MAX_SUBSCRIBERS viewers in the stage's VideoRoom, the
next ones watch a Janus Streaming-plugin mountpoint fed by the VideoRoom's `rtp_forward` of the feed on stage.

Each Janus instance (JANUS_URLS) may hold a mountpoint of the stage (id = the room's id), made by Fuhua when it
sends a viewer there, private, with a secret and a pin Fuhua derives and never stores; a viewer there holds a
"mount" token (Janus's core token auth, Streaming plugin only) that Fuhua revokes as it revokes audience tokens.
The room's Janus sends the feed on stage to every mountpoint of the stage and, while someone plays it, to this
machine's ffmpeg (HLS, app.video.hls): `sync_forwards` makes Janus's forwarders match that (run when the page asks
who is live, so at most once a second per process; idempotent, and duplicates made by two processes at once are
stopped on the next run). The forwards end with the publisher (Janus drops them when the feed leaves or is kicked);
`stop_forwards` ends them (and ffmpeg) when the pitch ends or a moderator cuts the stream; `close_stage` removes the
mountpoints once the roadshow is over.

Which Janus a mount viewer goes to: the one holding the fewest mount tokens of this stage, the room's own Janus
last on a tie (it carries the room's subscribers already).
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import socket
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

from app.core.db import utcnow
from app.roadshows.live import access
from app.video import hls, recording, services
from app.video.janus import Janus, JanusError
from app.video.services import Grant, VideoUnavailable

log = logging.getLogger(__name__)

STREAMING = "janus.plugin.streaming"
NO_SUCH_MOUNTPOINT, MOUNTPOINT_EXISTS = 455, 456
# What the VideoRoom negotiates with browsers by default (Opus, VP8), and so what its forwards carry.
AUDIO_PT, VIDEO_PT = 111, 96


@dataclass(frozen=True)
class Target:
    """Where a forward of the feed on stage goes: a host and its audio and video RTP ports, and the port its
    keyframe requests come from (a mountpoint asks the presenter's browser for one when a viewer starts)."""

    host: str
    audio_port: int
    video_port: int
    video_rtcp_port: int = 0

    def ports(self) -> set[tuple[str, int]]:
        return {(self.host, self.audio_port), (self.host, self.video_port)}


def _derive(purpose: str, room: int) -> str:
    return hmac.new(services._key(purpose), str(room).encode(), hashlib.sha256).hexdigest()


def mount_secret(room: int) -> str:
    """The mountpoint's secret (to destroy it or read its ports): never sent to a browser."""
    return _derive("video-mount-secret", room)


def mount_pin(room: int) -> str:
    """The pin a viewer watches the mountpoint with: handed to the viewers Fuhua sends there, with their token."""
    return _derive("video-mount-pin", room)[:24]


def streaming(janus: Janus, body: dict) -> dict:
    """A synchronous Streaming-plugin request through the admin API; raises JanusError on an error answer."""
    data = janus.admin("message_plugin", plugin=STREAMING, request=body).get("response") or {}
    if data.get("error_code"):
        raise JanusError(data.get("error") or "Streaming error", data["error_code"])
    return data


def rtp_host(index: int, janus: Janus) -> str:
    """The address the room's Janus sends RTP to for this instance: JANUS_RTP_HOSTS[index], else its URL's host
    (as an IP address: Janus lists its forwarders by address)."""
    hosts = services._split(current_app.config.get("JANUS_RTP_HOSTS"))
    host = hosts[index] if index < len(hosts) else urlsplit(janus.http_url).hostname or "127.0.0.1"
    try:
        return socket.gethostbyname(host)
    except OSError:
        return host


def _ports(media: list[dict]) -> tuple[int, int, int]:
    found = {m.get("type"): m for m in media}
    video = found.get("video") or {}
    return (int((found.get("audio") or {}).get("port") or 0), int(video.get("port") or 0),
            int(video.get("rtcpport") or video.get("rtcp_port") or 0))


def mountpoint(janus: Janus, host: str, room: int) -> Target | None:
    """The stage's mountpoint on this Janus as a forward target; None when there is none."""
    try:
        info = streaming(janus, {"request": "info", "id": room, "secret": mount_secret(room)}).get("info") or {}
    except JanusError as error:
        if error.code == NO_SUCH_MOUNTPOINT:
            return None
        raise
    return Target(host, *_ports(info.get("media") or []))


def ensure_mountpoint(janus: Janus, host: str, room: int) -> Target:
    """The stage's mountpoint on this Janus, made when missing (Janus picks its ports in JANUS_STREAMING_PORTS)."""
    found = mountpoint(janus, host, room)
    if found:
        return found
    try:
        made = streaming(janus, {
            "request": "create", "type": "rtp", "id": room, "description": f"stage {room}", "admin_key":
            janus.room_admin_key, "secret": mount_secret(room), "pin": mount_pin(room), "is_private": True,
            "permanent": False, "media": [
                {"type": "audio", "mid": "a", "port": 0, "pt": AUDIO_PT, "codec": "opus"},
                {"type": "video", "mid": "v", "port": 0, "rtcpport": 0, "pt": VIDEO_PT, "codec": "vp8"}]})
    except JanusError as error:
        if error.code != MOUNTPOINT_EXISTS:  # another process made it just now
            raise
        return mountpoint(janus, host, room)
    return Target(host, *_ports((made.get("stream") or {}).get("ports") or []))


# Which viewer goes where -------------------------------------------------------------------------------

def _count(janus: Janus, room: int, kind: str) -> int:
    return sum(1 for token in janus.list_tokens()
               if (grant := services.parse(token)) and grant.room == room and grant.kind == kind)


def _revoke_own(room: int, user_id: int) -> None:
    """A signed-in viewer's earlier audience and mount tokens of this stage, on every Janus (a new join replaces
    them, so nobody counts twice)."""
    for janus in services.instances():
        for token in janus.list_tokens():
            grant = services.parse(token)
            if grant and grant.room == room and grant.user_id == user_id and grant.kind in ("audience", "mount"):
                services._revoke(janus, token, grant)


def _place(room: int, room_janus: Janus) -> tuple[str, int, Janus]:
    """("audience", …) while the room has fewer than VIDEO_ROOM_MAX_SUBSCRIBERS viewers, else ("mount", index,
    instance) of the Janus holding the fewest mount viewers of this stage."""
    if _count(room_janus, room, "audience") < current_app.config["VIDEO_ROOM_MAX_SUBSCRIBERS"]:
        return "audience", -1, room_janus
    candidates = [(_count(janus, room, "mount"), janus == room_janus, index, janus)
                  for index, janus in enumerate(services.instances())]
    _load, _own, index, janus = min(candidates, key=lambda c: c[:3])
    return "mount", index, janus


def watch(*, user, roadshow) -> dict:
    """A viewer's place on the stage video (the caller checked they may watch): a seat in the VideoRoom, or past
    its limit a mountpoint on the least loaded Janus; with the HLS address as the fallback either way."""
    from app.video import stage

    room = stage.room_of(roadshow.id)
    room_janus = services._instance_for(room)
    user_id = user.id if access.signed_in(user) else 0
    expires = utcnow() + timedelta(hours=current_app.config["VIDEO_STAGE_TOKEN_HOURS"])
    try:
        if user_id:
            _revoke_own(room, user_id)
        # The presenter and moderators always watch in the room (they may go live in it any moment).
        kind, index, janus = ("audience", -1, room_janus) if stage.may_publish(user, roadshow) else _place(
            room, room_janus)
        grant = Grant(kind, roadshow.id, user_id, room, int(expires.timestamp()), secrets.randbelow(10**9))
        token = services.sign(grant)
        mount = None
        if kind == "mount":
            janus.add_token(token, plugins=(STREAMING,))
            ensure_mountpoint(janus, rtp_host(index, janus), room)
            mount = {"id": room, "pin": mount_pin(room)}
        else:
            janus.add_token(token)
            room_janus.create_room(room, secret=services.room_secret(room), allowed=[], description=f"roadshow "
                                   f"{roadshow.id}", publishers=current_app.config["VIDEO_STAGE_PUBLISHERS"],
                                   rec_dir=recording.rec_dir_now(roadshow.id))  # a room made again records on
        feeds = stage.publishing_feeds(room_janus, room)
        if mount:
            sync_forwards(room, feeds)  # the feed already on stage reaches the new mountpoint now
    except JanusError as error:
        log.warning("could not let user %s watch the stage video of roadshow %s: %s", user_id, roadshow.id, error)
        raise VideoUnavailable() from None
    return {"janus_urls": [janus.http_url], "token": token, "room": room, "feed_id": grant.feed_id,
            "display": user.name if user_id else str(_l("Viewer")), "title": roadshow.title,
            "ice_servers": services._ice_servers(user if user_id else SimpleNamespace(id=0), grant.expires),
            "can_publish": False, "feeds": feeds, "poll_ms": current_app.config["VIDEO_STAGE_POLL_MS"],
            "path": "mountpoint" if mount else "room", "mountpoint": mount,
            "hls_url": url_for("video.stage_hls", roadshow_id=roadshow.id, name=hls.PLAYLIST)
            if hls.enabled() else None, "ice_timeout_ms": current_app.config["VIDEO_ICE_TIMEOUT_MS"]}


# Forwards of the feed on stage -------------------------------------------------------------------------

def _targets(room: int) -> list[Target]:
    targets = []
    for index, janus in enumerate(services.instances()):
        found = mountpoint(janus, rtp_host(index, janus), room)
        if found:
            targets.append(found)
    if hls.enabled() and hls.wanted(room):
        try:
            targets.append(hls.ensure(room))
        except OSError as error:
            log.warning("could not start ffmpeg for the HLS of room %s: %s", room, error)
    return targets


def _stop(janus: Janus, room: int, publisher_id: int, stream_id: int) -> None:
    try:
        # (lock_rtp_forward: stopping a forward needs the admin key, as starting one does)
        janus.videoroom({"request": "stop_rtp_forward", "room": room, "publisher_id": publisher_id,
                         "stream_id": stream_id, "secret": services.room_secret(room),
                         "admin_key": janus.room_admin_key})
    except JanusError as error:
        if error.code not in (426, 428):  # the room or the feed went meanwhile (with its forwards)
            raise


def _forwarders(janus: Janus, room: int) -> list[tuple[int, dict]]:
    try:
        listing = janus.videoroom({"request": "listforwarders", "room": room, "secret": services.room_secret(room)})
    except JanusError as error:
        if error.code == 426:  # no such room
            return []
        raise
    return [(p["publisher_id"], f) for p in listing.get("publishers") or [] for f in p.get("forwarders") or []]


def sync_forwards(room: int, feeds: list[dict]) -> int:
    """Make the room's forwarders match: the first feed on stage (the one viewers watch) sent to every mountpoint
    of the stage and, while someone plays it, to HLS; nothing else. An ffmpeg nobody played for
    VIDEO_HLS_IDLE_SECONDS is stopped. Returns how many forwards it started."""
    janus = services._instance_for(room)
    feed = feeds[0]["id"] if feeds else None
    targets = _targets(room) if feed is not None else []
    # (running first: a page's first ask may mark it wanted and start ffmpeg between the two reads)
    if hls.enabled() and feed is not None and hls.running(room) and not hls.wanted(room):
        hls.stop(room, clear=True)  # nobody plays it: its forward goes below (its ports are no longer wanted)
    wanted = set().union(*(t.ports() for t in targets))
    have: set[tuple[str, int]] = set()
    for publisher_id, forwarder in sorted(_forwarders(janus, room), key=lambda pf: pf[1].get("stream_id") or 0):
        key = (forwarder.get("host"), forwarder.get("port"))
        if publisher_id != feed or key not in wanted or key in have:
            _stop(janus, room, publisher_id, forwarder["stream_id"])
        else:
            have.add(key)
    started = 0
    for target in targets:
        body = {"request": "rtp_forward", "room": room, "publisher_id": feed, "host": target.host,
                "secret": services.room_secret(room), "admin_key": janus.room_admin_key}
        if target.audio_port and (target.host, target.audio_port) not in have:
            body.update(audio_port=target.audio_port, audio_pt=AUDIO_PT)
        if target.video_port and (target.host, target.video_port) not in have:
            body.update(video_port=target.video_port, video_pt=VIDEO_PT)
            if target.video_rtcp_port:
                body["video_rtcp_port"] = target.video_rtcp_port
        if "audio_port" in body or "video_port" in body:
            try:
                janus.videoroom(body)
                started += 1
            except JanusError as error:
                if error.code != 428:  # the feed left meanwhile
                    raise
    if started:
        # A forward's receiver cannot ask the presenter for a keyframe (ffmpeg never does; a mountpoint does
        # when a viewer starts): the room asks the publishers for one every few seconds, so a new ffmpeg starts
        # decoding within that and a lost keyframe heals itself.
        janus.videoroom({"request": "edit", "room": room, "secret": services.room_secret(room),
                         "new_fir_freq": current_app.config["VIDEO_STAGE_KEYFRAME_SECONDS"]})
    return started


def stop_forwards(room: int) -> None:
    """The pitch ended or the stream was cut: stop every forward of the room and its ffmpeg (the mountpoints
    stay, idle, for the next presenter)."""
    janus = services._instance_for(room)
    for publisher_id, forwarder in _forwarders(janus, room):
        _stop(janus, room, publisher_id, forwarder["stream_id"])
    hls.stop(room)


def close_stage(room: int) -> None:
    """The roadshow is over: stop the forwards and ffmpeg, remove the mountpoints and the HLS files."""
    stop_forwards(room)
    for janus in services.instances():
        try:
            streaming(janus, {"request": "destroy", "id": room, "secret": mount_secret(room)})
        except JanusError as error:
            if error.code != NO_SUCH_MOUNTPOINT:
                raise
    hls.remove(room)


def sweep() -> int:
    """Stop the ffmpeg and forwards of every stage on this machine whose pitch is off stage or whose HLS nobody
    played for VIDEO_HLS_IDLE_SECONDS, and remove those of roadshows that ended (run with `flask video expire`);
    how many stages it looked at."""
    from app.video import calls, stage

    rooms = hls.live_rooms()
    for room in rooms:
        try:
            stage._follow_stage(room - calls.ROOM_BASE["roadshow"])
            if hls.running(room) and not hls.wanted(room):  # on stage, but nobody plays its HLS any more
                sync_forwards(room, stage.publishing_feeds(services._instance_for(room), room))
        except (JanusError, services.VideoDisabled) as error:
            log.warning("could not stop the forwards of room %s: %s", room, error)
    return len(rooms)

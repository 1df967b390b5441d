"""Output schemas of the video calls API."""
from marshmallow import Schema, fields, validate


class JoinCallSchema(Schema):
    previous_token = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200),
                                   metadata={"description": "A page rejoining by itself: the token it had (409 "
                                                            "`joined_elsewhere` if the person joined elsewhere since)"})


class IceServerSchema(Schema):
    urls = fields.Raw(required=True, metadata={"description": "A STUN/TURN URL or a list of them"})
    username = fields.String()
    credential = fields.String()


class CallAccessSchema(Schema):
    """What a browser needs to join a call through janus.js (valid until `closes_at`, or until it leaves)."""

    janus_urls = fields.List(fields.String(), required=True,
                             metadata={"description": "Janus API addresses, tried in order"})
    token = fields.String(required=True, metadata={"description": "For Janus's core API and the room's allowed list"})
    room = fields.Integer(required=True, metadata={"description": "The Janus VideoRoom id"})
    feed_id = fields.Integer(required=True, metadata={"description": "The publisher id to join the room with"})
    display = fields.String(required=True, metadata={"description": "The name the others see"})
    ice_servers = fields.List(fields.Nested(IceServerSchema), required=True)
    title = fields.String(required=True)
    opens_at = fields.AwareDateTime(required=True)
    closes_at = fields.AwareDateTime(required=True)


class JoinStageSchema(Schema):
    publish = fields.Boolean(load_default=False, metadata={
        "description": "Go live (the presenter on stage and moderators) rather than watch"})


class LeaveStageSchema(Schema):
    publish = fields.Boolean(load_default=False, metadata={
        "description": "Only stop going live (the token that may publish goes; watching goes on)"})


class StageFeedSchema(Schema):
    id = fields.Integer(required=True, metadata={"description": "The publisher id to subscribe to"})
    display = fields.String(required=True)


class StageFeedsSchema(Schema):
    feeds = fields.List(fields.Nested(StageFeedSchema), required=True)


class MountpointSchema(Schema):
    id = fields.Integer(required=True, metadata={"description": "The Streaming-plugin mountpoint id"})
    pin = fields.String(required=True, metadata={"description": "The pin to watch it with (with your token)"})


class StageAccessSchema(Schema):
    """What a browser needs to watch (or, with `can_publish`, to go live on) a roadshow's stage through janus.js."""

    janus_urls = fields.List(fields.String(), required=True)
    token = fields.String(required=True)
    room = fields.Integer(required=True)
    feed_id = fields.Integer(required=True, metadata={"description": "The publisher id to go live with"})
    display = fields.String(required=True)
    ice_servers = fields.List(fields.Nested(IceServerSchema), required=True)
    title = fields.String(required=True)
    can_publish = fields.Boolean(required=True)
    feeds = fields.List(fields.Nested(StageFeedSchema), required=True, metadata={"description": "Live now"})
    poll_ms = fields.Integer(required=True, metadata={"description": "How often to ask for the feeds"})
    path = fields.String(load_default=None, metadata={
        "description": "How a viewer watches: `room` (a VideoRoom subscriber) or `mountpoint` (past the room's "
                       "limit: the Streaming plugin on the Janus of `janus_urls`)"})
    mountpoint = fields.Nested(MountpointSchema, allow_none=True, metadata={
        "description": "The mountpoint to watch, when `path` is `mountpoint`"})
    hls_url = fields.String(allow_none=True, metadata={
        "description": "The HLS playlist, for when WebRTC cannot connect (null when this site has no HLS)"})
    ice_timeout_ms = fields.Integer(metadata={
        "description": "How long a viewer's page waits for WebRTC media before it falls back to HLS"})


class StageCutSchema(Schema):
    cut = fields.Integer(required=True, metadata={"description": "How many presenters' streams were cut"})


class VideoStatusSchema(Schema):
    enabled = fields.Boolean(required=True, metadata={"description": "Whether this site carries video calls"})


call_access_schema = CallAccessSchema()

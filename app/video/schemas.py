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


class VideoStatusSchema(Schema):
    enabled = fields.Boolean(required=True, metadata={"description": "Whether this site carries video calls"})


call_access_schema = CallAccessSchema()

"""Socket.IO handlers of the negotiation threads: one room per request (`request:<id>`), parties only."""
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import join_room, leave_room
from marshmallow import Schema, fields, validate

from app.core.errors import PermissionDenied, Unauthorized
from app.core.hostile import checked_payload
from app.core.realtime import ok
from app.extensions import socketio
from app.marketplace import services as request_services
from app.marketplace.services import request_room


class _JoinSchema(Schema):
    request_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    after_id = fields.Integer(load_default=None, validate=validate.Range(min=0, max=2**31 - 1))


class _SendSchema(Schema):
    request_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    body = fields.String(required=True, validate=validate.Length(min=1, max=10000))


def _party_request(request_id: int):
    if not current_user.is_authenticated:
        raise Unauthorized(_("Please sign in first."))
    req = request_services.get_request(request_id, viewer=current_user)
    if not request_services.is_party(current_user, req):
        raise PermissionDenied(_("Only the two parties can join this thread."), code="not_a_party")
    return req


@socketio.on("request:join")
@checked_payload
def on_join(data=None):
    """A party joins a request's room; the ack carries the messages after `after_id`.

    Broadcast to the room afterwards: `request:message` (new thread message), `request:update` (a move).
    """
    args = _JoinSchema().load(data if isinstance(data, dict) else {})
    req = _party_request(args["request_id"])
    join_room(request_room(req.id))
    messages = request_services.list_messages(actor=current_user, request_id=req.id, after_id=args["after_id"])
    return ok(state=req.state, messages=[request_services.message_payload(m) for m in messages])


@socketio.on("request:leave")
@checked_payload
def on_leave(data=None):
    """Leave a request's room."""
    args = _JoinSchema().load(data if isinstance(data, dict) else {})
    leave_room(request_room(args["request_id"]))
    return ok()


@socketio.on("request:send")
@checked_payload
def on_send(data=None):
    """A party writes in the thread; the message is stored, then broadcast as `request:message`."""
    args = _SendSchema().load(data if isinstance(data, dict) else {})
    _party_request(args["request_id"])
    message = request_services.post_message(actor=current_user._get_current_object(), request_id=args["request_id"],
                                            body=args["body"])
    return ok(message=request_services.message_payload(message))

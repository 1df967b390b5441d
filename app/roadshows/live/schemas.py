"""What each live-room socket event takes: one marshmallow schema per shape, loaded before the handler runs.

The schemas check shape only (types, required fields, ranges, choices); whether this person may act, and
rules that need the database, stay in `use_cases`. A payload that is not an object, a missing or wrong
field, or a field the event does not take answers `validation_error` with the field details, in the
socket's language. What goes out is shaped by the REST schemas in `app.roadshows.schemas`.
"""
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from app.roadshows.models import PitchState, QuestionStatus

REACTION_KINDS = ("clap", "heart", "fire", "laugh", "wow", "rocket")

ID_MAX = 2**31 - 1
STAGE_STATES = (*(s.value for s in PitchState), "ended")
MODERATED_STATUSES = (QuestionStatus.APPROVED, QuestionStatus.ANSWERED, QuestionStatus.DISMISSED)
MAX_CLIENT_ID = 64


def _messages(invalid) -> dict:
    return {"required": _l("This field is required."), "null": _l("This field is required."), "invalid": invalid}


def _id(*, required: bool = True) -> fields.Integer:
    """A row id: a positive integer (not a float, a string, a boolean, NaN or Infinity)."""
    extra = {} if required else {"load_default": None, "allow_none": True}
    return fields.Integer(strict=True, required=required, error_messages=_messages(_l("Send a positive integer.")),
                          validate=validate.Range(min=1, max=ID_MAX, error=_l("Send a positive integer.")), **extra)


def _text() -> fields.String:
    """Written text; cleaning, emptiness and length are checked by the use case (its own messages)."""
    return fields.String(required=True, error_messages=_messages(_l("Write some text.")))


def _flag() -> fields.Boolean:
    """true or false; absent means true (raise, mark, mute)."""
    return fields.Boolean(load_default=True, error_messages=_messages(_l("Send true or false.")))


def _choice(choices, message) -> fields.String:
    return fields.String(required=True, error_messages=_messages(message),
                         validate=validate.OneOf(choices, error=message))


class ClientId(fields.Field):
    """The sender's id for a chat message (a string or a number, 1 to 64 characters) that makes resends safe."""

    default_error_messages = {"invalid": _l("Send a client_id of 1 to 64 characters.")}

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise self.make_error("invalid")
        text = str(value).strip()
        if not text or len(text) > MAX_CLIENT_ID:
            raise self.make_error("invalid")
        return text


class SocketInput(Schema):
    """A socket payload: an object with only the event's fields."""

    error_messages = {"type": _l("Send an object."), "unknown": _l("This event does not take this field.")}


class RoomSchema(SocketInput):
    """roadshow:leave"""
    roadshow_id = _id()


class JoinSchema(RoomSchema):
    """roadshow:join"""
    after_id = fields.Integer(strict=True, load_default=None, allow_none=True,
                              error_messages=_messages(_l("Send the last message id you saw, or null.")),
                              validate=validate.Range(min=0, max=2**63 - 1,
                                                      error=_l("Send the last message id you saw, or null.")))


class ChatSendSchema(RoomSchema):
    """chat:send"""
    body = _text()
    client_id = ClientId(required=True, error_messages=_messages(_l("Send a client_id of 1 to 64 characters.")))


class MessageRefSchema(SocketInput):
    """chat:delete"""
    message_id = _id()


class MuteSchema(RoomSchema):
    """user:mute"""
    user_id = _id()
    muted = _flag()


class AskSchema(RoomSchema):
    """qa:ask"""
    pitch_id = _id(required=False)
    body = _text()
    anonymous = fields.Boolean(load_default=False, error_messages=_messages(_l("Send true or false.")))


class QuestionRefSchema(SocketInput):
    """qa:upvote"""
    question_id = _id()


class ModerateQuestionSchema(QuestionRefSchema):
    """qa:moderate"""
    status = _choice(MODERATED_STATUSES, _l("Choose approved, answered or dismissed."))


class OpenPollSchema(RoomSchema):
    """poll:open"""
    question = _text()
    options = fields.List(fields.String(error_messages=_messages(_l("Write some text."))), required=True,
                          error_messages=_messages(_l("Give 2 to 10 options.")),
                          validate=validate.Length(min=2, max=10, error=_l("Give 2 to 10 options.")))
    pitch_id = _id(required=False)
    hide_results = fields.Boolean(load_default=False, error_messages=_messages(_l("Send true or false.")))


class PollRefSchema(SocketInput):
    """poll:close"""
    poll_id = _id()


class VoteSchema(PollRefSchema):
    """poll:vote"""
    option_id = _id()


class ReactionSchema(RoomSchema):
    """reaction:send"""
    kind = _choice(REACTION_KINDS, _l("Choose one of: %(kinds)s.", kinds=", ".join(REACTION_KINDS)))


class StageSchema(RoomSchema):
    """stage:set"""
    pitch_id = _id(required=False)
    state = _choice(STAGE_STATES, _l("Choose upcoming, live, qa, done or ended."))
    minutes = fields.Integer(strict=True, load_default=None, allow_none=True,
                             error_messages=_messages(_l("Give 1 to 240 minutes.")),
                             validate=validate.Range(min=1, max=240, error=_l("Give 1 to 240 minutes.")))


class SlideSchema(RoomSchema):
    """slide:set (the page's upper bound is the deck's, checked by the use case)"""
    pitch_id = _id(required=False)
    slide = _id()


class HandSchema(RoomSchema):
    """hand:raise"""
    raised = _flag()


class MarkInterestSchema(SocketInput):
    """interest:mark"""
    pitch_id = _id()
    interested = _flag()


class CueSendSchema(RoomSchema):
    """cue:send"""
    body = _text()
    pitch_id = _id(required=False)


class CueRefSchema(SocketInput):
    """cue:ack"""
    cue_id = _id()

"""Input and output schemas of conversations, meeting offers and meetings."""
from marshmallow import Schema, fields, pre_load, validate

from app.core.fields import Instant
from app.core.pagination import PageArgsSchema

ID = validate.Range(min=1, max=2**31 - 1)


def _strip(data):
    if isinstance(data, dict):
        return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
    return data


class _Input(Schema):
    @pre_load
    def strip(self, data, **kwargs):
        return _strip(data)


# Input ---------------------------------------------------------------------------------------------

class OpenConversationSchema(_Input):
    user_id = fields.Integer(required=True, validate=ID, metadata={"description": "The other person"})
    pitch_id = fields.Integer(load_default=None, allow_none=True, validate=ID,
                              metadata={"description": "The pitch the conversation is about"})
    body = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000),
                         metadata={"description": "An optional first message"})


class ConversationListArgsSchema(PageArgsSchema):
    pitch_id = fields.Integer(load_default=None, validate=ID)
    user_id = fields.Integer(load_default=None, validate=ID, metadata={"description": "Only those with this person"})


class ConversationMessageArgsSchema(PageArgsSchema):
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))
    after_id = fields.Integer(load_default=None, validate=validate.Range(min=0, max=2**31 - 1),
                              metadata={"description": "Only messages after this id (oldest first)"})


class PostMessageSchema(_Input):
    body = fields.String(required=True, validate=validate.Length(min=1, max=4000))


class MeetingOfferTimeInputSchema(Schema):
    starts_at = Instant(required=True)
    duration_minutes = fields.Integer(required=True, validate=validate.Range(min=15, max=480))


class CreateMeetingOfferSchema(_Input):
    times = fields.List(fields.Nested(MeetingOfferTimeInputSchema), required=True,
                        validate=validate.Length(min=1, max=5))
    location = fields.String(load_default="", validate=validate.Length(max=500),
                             metadata={"description": "A video-call link or a place"})
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class AcceptMeetingOfferSchema(Schema):
    starts_at = Instant(required=True, metadata={"description": "One of the offered times"})


class MeetingReasonSchema(_Input):
    reason = fields.String(load_default="", validate=validate.Length(max=500))


class MeetingListArgsSchema(PageArgsSchema):
    scope = fields.String(load_default="upcoming", validate=validate.OneOf(["upcoming", "past", "all"]))


# Output --------------------------------------------------------------------------------------------

class ConversationPersonSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)


class ConversationPitchSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    roadshow_id = fields.Integer(required=True)


class MeetingOfferTimeSchema(Schema):
    starts_at = Instant(required=True)
    ends_at = Instant(required=True)
    duration_minutes = fields.Integer(required=True)


class MeetingOfferSchema(Schema):
    id = fields.Integer(required=True)
    conversation_id = fields.Integer(required=True)
    founder_id = fields.Integer(required=True)
    investor_id = fields.Integer(required=True)
    status = fields.Function(lambda o: str(o.effective_status()), required=True,
                             metadata={"type": "string", "description": "pending, accepted, declined or expired"})
    location = fields.String(required=True)
    note = fields.String(required=True)
    times = fields.List(fields.Nested(MeetingOfferTimeSchema), required=True)
    meeting_id = fields.Function(lambda o: o.meeting.id if o.meeting else None, required=True, allow_none=True,
                                 metadata={"type": "integer"})
    created_at = Instant(required=True)
    responded_at = Instant(required=True, allow_none=True)


class ConversationMessageSchema(Schema):
    id = fields.Integer(required=True)
    conversation_id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "text, offer or event"})
    author = fields.Nested(ConversationPersonSchema, required=True, allow_none=True)
    body = fields.String(required=True)
    data = fields.Dict(required=True, metadata={"description": "For events: action (accepted, declined, "
                                                               "cancelled), starts_at, meeting_id"})
    offer = fields.Nested(MeetingOfferSchema, required=True, allow_none=True)
    created_at = Instant(required=True)


class ConversationSchema(Schema):
    id = fields.Integer(required=True)
    other = fields.Nested(ConversationPersonSchema, required=True, allow_none=True,
                          metadata={"description": "The other person"})
    pitch = fields.Nested(ConversationPitchSchema, required=True, allow_none=True)
    started_by_id = fields.Integer(required=True, allow_none=True)
    can_offer = fields.Boolean(required=True, metadata={"description": "Whether you may offer meeting times"})
    unread = fields.Integer(required=True)
    last_message = fields.Nested(ConversationMessageSchema, required=True, allow_none=True)
    created_at = Instant(required=True)
    last_message_at = Instant(required=True, allow_none=True)


class ConversationReadSchema(Schema):
    conversation_id = fields.Integer(required=True)
    unread_total = fields.Integer(required=True)


class MeetingSchema(Schema):
    id = fields.Integer(required=True)
    offer_id = fields.Integer(required=True)
    conversation_id = fields.Integer(required=True)
    founder = fields.Nested(ConversationPersonSchema, required=True)
    investor = fields.Nested(ConversationPersonSchema, required=True)
    starts_at = Instant(required=True)
    ends_at = Instant(required=True)
    location = fields.String(required=True)
    note = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "confirmed or cancelled"})
    cancelled_by_id = fields.Integer(required=True, allow_none=True)
    cancel_reason = fields.String(required=True)
    ics_url = fields.Function(lambda m: f"/api/meetings/{m.id}/ics", required=True, metadata={"type": "string"})

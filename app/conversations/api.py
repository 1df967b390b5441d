"""JSON API for conversations, meeting offers and meetings (rules in `services` and `meetings`)."""
from functools import partial

from flask import Response
from flask_login import current_user, login_required
from flask_smorest import Blueprint

from app.conversations import meetings, schemas, services
from app.core.api import error_responses
from app.core.pagination import page_schema, paginate

blp = Blueprint("conversations_api", __name__, url_prefix="/api", description="Conversations and meetings")


def _me():
    return current_user._get_current_object()


_errors = partial(error_responses, blp)


def _one(conversation):
    return services.decorate([conversation], _me())[0]


# Conversations -----------------------------------------------------------------------------------

@blp.route("/conversations", methods=["POST"])
@blp.arguments(schemas.OpenConversationSchema)
@blp.response(201, schemas.ConversationSchema)
@blp.alt_response(200, schema=schemas.ConversationSchema, description="The conversation existed already")
@_errors(401, 403, 404, 422, 429)
@login_required
def open_conversation(data):
    """Open a conversation: a pitch's founder with an investor interested in it; reopening returns the same one.

    An optional `body` is written as a message. 201 when created, 200 when it existed.
    """
    conversation, created = services.open_conversation(actor=_me(), **data)
    return _one(conversation), 201 if created else 200


@blp.route("/conversations", methods=["GET"])
@blp.arguments(schemas.ConversationListArgsSchema, location="query")
@blp.response(200, page_schema(schemas.ConversationSchema))
@_errors(401)
@login_required
def list_conversations(args):
    """Your conversations, latest activity first, with unread counts (`?pitch_id=`, `?user_id=` filter)."""
    stmt = services.list_conversations(user=_me(), pitch_id=args["pitch_id"], with_user_id=args["user_id"])
    page = paginate(stmt, page=args["page"], per_page=args["per_page"])
    services.decorate(page.items, _me())
    return page


@blp.route("/conversations/<int:conversation_id>", methods=["GET"])
@blp.response(200, schemas.ConversationSchema)
@_errors(401, 403, 404)
@login_required
def get_conversation(conversation_id):
    """One of your conversations."""
    return _one(services.get_conversation(user=_me(), conversation_id=conversation_id))


@blp.route("/conversations/<int:conversation_id>/messages", methods=["GET"])
@blp.arguments(schemas.ConversationMessageArgsSchema, location="query")
@blp.response(200, page_schema(schemas.ConversationMessageSchema))
@_errors(401, 403, 404)
@login_required
def list_messages(args, conversation_id):
    """The thread, oldest first; `?after_id=` gives only newer messages (to catch up)."""
    stmt = services.list_messages(user=_me(), conversation_id=conversation_id, after_id=args["after_id"])
    return paginate(stmt, page=args["page"], per_page=args["per_page"])


@blp.route("/conversations/<int:conversation_id>/messages", methods=["POST"])
@blp.arguments(schemas.PostMessageSchema)
@blp.response(201, schemas.ConversationMessageSchema)
@_errors(401, 403, 404, 422, 429)
@login_required
def post_message(data, conversation_id):
    """Write in the conversation (plain text, up to 4,000 characters); pushed live as `conversation:message`."""
    return services.post_message(actor=_me(), conversation_id=conversation_id, body=data["body"])


@blp.route("/conversations/<int:conversation_id>/read", methods=["POST"])
@blp.response(200, schemas.ConversationReadSchema)
@_errors(401, 403, 404)
@login_required
def mark_read(conversation_id):
    """Mark the conversation read; returns your unread total across conversations."""
    total = services.mark_read(user=_me(), conversation_id=conversation_id)
    return {"conversation_id": conversation_id, "unread_total": total}


# Offers ------------------------------------------------------------------------------------------

@blp.route("/conversations/<int:conversation_id>/offers", methods=["POST"])
@blp.arguments(schemas.CreateMeetingOfferSchema)
@blp.response(201, schemas.MeetingOfferSchema)
@_errors(401, 403, 404, 409, 422)
@login_required
def create_offer(data, conversation_id):
    """The founder offers 1–5 meeting times; 409 `calendar_conflict` names clashes with their calendar."""
    return meetings.make_offer(founder=_me(), conversation_id=conversation_id, **data)


@blp.route("/meeting-offers/<int:offer_id>", methods=["GET"])
@blp.response(200, schemas.MeetingOfferSchema)
@_errors(401, 403, 404)
@login_required
def get_offer(offer_id):
    """A meeting offer (its two people)."""
    return meetings.get_offer(user=_me(), offer_id=offer_id)


@blp.route("/meeting-offers/<int:offer_id>/accept", methods=["POST"])
@blp.arguments(schemas.AcceptMeetingOfferSchema)
@blp.response(201, schemas.MeetingSchema)
@_errors(401, 403, 404, 409, 422)
@login_required
def accept_offer(data, offer_id):
    """The invited person accepts one offered time: a confirmed meeting (409 if answered, expired or not offered)."""
    return meetings.accept_offer(investor=_me(), offer_id=offer_id, starts_at=data["starts_at"])


@blp.route("/meeting-offers/<int:offer_id>/decline", methods=["POST"])
@blp.arguments(schemas.MeetingReasonSchema)
@blp.response(200, schemas.MeetingOfferSchema)
@_errors(401, 403, 404, 409, 422)
@login_required
def decline_offer(data, offer_id):
    """The invited person declines the offer (409 if already answered or expired)."""
    return meetings.decline_offer(investor=_me(), offer_id=offer_id, reason=data["reason"])


# Meetings ----------------------------------------------------------------------------------------

@blp.route("/meetings", methods=["GET"])
@blp.arguments(schemas.MeetingListArgsSchema, location="query")
@blp.response(200, page_schema(schemas.MeetingSchema))
@_errors(401)
@login_required
def list_meetings(args):
    """Your meetings: `?scope=upcoming` (default), `past` or `all`."""
    return paginate(meetings.list_meetings(user=_me(), scope=args["scope"]), page=args["page"],
                    per_page=args["per_page"])


@blp.route("/meetings/<int:meeting_id>", methods=["GET"])
@blp.response(200, schemas.MeetingSchema)
@_errors(401, 403, 404)
@login_required
def get_meeting(meeting_id):
    """One of your meetings."""
    return meetings.get_meeting(user=_me(), meeting_id=meeting_id)


@blp.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
@blp.arguments(schemas.MeetingReasonSchema)
@blp.response(200, schemas.MeetingSchema)
@_errors(401, 403, 404, 409, 422)
@login_required
def cancel_meeting(data, meeting_id):
    """Either side cancels a confirmed meeting that has not ended; the other is notified."""
    return meetings.cancel_meeting(actor=_me(), meeting_id=meeting_id, reason=data["reason"])


@blp.route("/meetings/<int:meeting_id>/ics", methods=["GET"])
@blp.response(200, content_type="text/calendar")
@_errors(401, 403, 404)
@login_required
def meeting_ics(meeting_id):
    """The meeting as an iCalendar file."""
    meeting = meetings.get_meeting(user=_me(), meeting_id=meeting_id)
    return Response(meetings.meeting_ics(meeting), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="meeting-{meeting.id}.ics"'})

"""Socket.IO handlers of the live roadshow rooms.

Every handler re-checks on the server that this socket's user may do this (joining a room is not a
licence: Flask-SocketIO would let any client join any room). Each event's payload is loaded by its
schema (`schemas`) before the handler runs; handlers call a `use_cases` function (which commits and then
broadcasts) and return the ack: `{"ok": true, ...}`, or, through the socket error handler of
`app.core.realtime`, `{"ok": false, "error": {"code", "message", "details"}}`.
"""
import functools

from flask import g, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_socketio import join_room, leave_room, rooms
from marshmallow import Schema, ValidationError

from app.accounts.events import socket_disconnected
from app.core import realtime
from app.core.errors import Invalid, InvalidState, RateLimited, Unauthorized
from app.core.hostile import check_payload
from app.core.realtime import ok
from app.extensions import socketio
from app.roadshows import engagement
from app.roadshows.live import access, queries, schemas, use_cases
from app.roadshows.live.state import current as live_state
from app.roadshows.live.state import of as state_of
from app.roadshows.lookups import get_roadshow
from app.roadshows.room import moderators_room, roadshow_room
from app.roadshows.schemas import cue_schema, dump_poll, dump_stage


def load(schema: Schema, args: tuple) -> dict:
    """The event's one data argument, loaded by `schema`; Invalid (`validation_error`, with the fields'
    messages) when it is absent, not an object, or has a field missing, wrong or unknown."""
    if len(args) != 1:
        raise Invalid(details={"_schema": [str(_l("Send an object."))]})
    check_payload(args[0])
    try:
        return schema.load(args[0])
    except ValidationError as error:
        raise Invalid(details=_plain(error.messages)) from None


def _plain(messages):
    """Field messages as lists of plain strings (marshmallow keeps a lazily translated one as it is)."""
    if isinstance(messages, dict):
        return {str(k): _plain(v) for k, v in messages.items()}
    if isinstance(messages, list | tuple):
        return [_plain(m) if isinstance(m, dict) else str(m) for m in messages]
    return [str(messages)]


def on_event(name: str, schema: Schema):
    """Register the decorated function as the handler of `name`; it gets the payload loaded by `schema`."""
    def decorator(handler):
        @functools.wraps(handler)
        def handle(*args):
            return handler(load(schema, args))
        socketio.on(name)(handle)
        return handle
    return decorator


def _user():
    """The socket's user, re-loaded each event (a deactivated account is anonymous from then on).

    Flask-Login caches the user on `g`; an event normally gets a fresh `g`, but not when an outer app
    context is already active (as in tests), so the cache is dropped here to read this socket's session.
    """
    g.pop("_login_user", None)
    user = current_user._get_current_object() if current_user.is_authenticated else None
    return user if user is not None and user.is_active else None


def _joined(roadshow_id: int) -> None:
    """Events that act on a room need the socket to be in it (it passed the access check at join)."""
    if roadshow_room(roadshow_id) not in rooms():
        raise InvalidState(_l("Join the room first."), code="not_joined")


@on_event("roadshow:join", schemas.JoinSchema())
def on_join(data):
    """Anyone who may watch joins a room; the ack holds the stage, slide, presence, polls, questions and
    the chat messages after `after_id` (the latest ones without it)."""
    roadshow_id = data["roadshow_id"]

    def enter(moderator: bool) -> None:
        join_room(roadshow_room(roadshow_id))
        if moderator:
            join_room(moderators_room(roadshow_id))

    view = live_state().view(roadshow_id)  # before the user's row: waiting for the view then holds no connection
    try:
        result = use_cases.join(user=_user(), roadshow_id=roadshow_id, after_id=data["after_id"], sid=request.sid,
                                enter=enter, view=view)
    except Exception:
        if roadshow_room(roadshow_id) in rooms():  # entered, then failed: a refused join hears nothing
            leave_room(roadshow_room(roadshow_id))
            leave_room(moderators_room(roadshow_id))
            use_cases.leave(sid=request.sid, roadshow_id=roadshow_id)
        raise
    return ok(state=result["state"], messages=result["messages"])


@on_event("roadshow:leave", schemas.RoomSchema())
def on_leave(data):
    """Leave a room (presence drops in the next burst)."""
    roadshow_id = data["roadshow_id"]
    leave_room(roadshow_room(roadshow_id))
    leave_room(moderators_room(roadshow_id))
    use_cases.leave(sid=request.sid, roadshow_id=roadshow_id)
    return ok()


@socket_disconnected.connect
def on_socket_disconnected(sender, sid: str, user_id: int | None = None, **extra):
    """A closed socket leaves every room it was in (presence drops in the next burst)."""
    use_cases.leave(sid=sid)


@on_event("chat:send", schemas.ChatSendSchema())
def on_chat_send(data):
    """A signed-in viewer chats; the message is stored, then `chat:new` goes to the room. A resend with
    the same `client_id` returns the stored message and broadcasts nothing."""
    _joined(data["roadshow_id"])
    message = use_cases.send_chat(user=_user(), **data)
    return ok(message=message)


@on_event("chat:delete", schemas.MessageRefSchema())
def on_chat_delete(data):
    """Moderators delete a message; `chat:deleted` goes to the room."""
    use_cases.delete_chat(actor=_require_user(), **data)
    return ok()


@on_event("user:mute", schemas.MuteSchema())
def on_user_mute(data):
    """Moderators mute (`muted: true`, the default) or unmute a user in the room."""
    return ok(muted=use_cases.mute(actor=_require_user(), **data))


@on_event("qa:ask", schemas.AskSchema())
def on_qa_ask(data):
    """A viewer asks about a pitch (the one on stage by default), anonymously if the room allows it; `qa:new` to
    the room, or to the moderators first when the room pre-moderates questions."""
    _joined(data["roadshow_id"])
    question = use_cases.ask(user=_user(), **data)
    return ok(question=queries.question_payload(question, _user()))


@on_event("qa:upvote", schemas.QuestionRefSchema())
def on_qa_upvote(data):
    """One upvote per user; the new count goes out as `qa:update` in the next burst."""
    question = use_cases.upvote(user=_user(), **data)
    return ok(question=queries.question_payload(question, _user()))


@on_event("qa:moderate", schemas.ModerateQuestionSchema())
def on_qa_moderate(data):
    """Moderators approve, answer or dismiss a question (`status`); `qa:update`/`qa:new` to the room."""
    question = use_cases.moderate_question(actor=_require_user(), **data)
    return ok(question=queries.question_payload(question, _user()))


@on_event("poll:open", schemas.OpenPollSchema())
def on_poll_open(data):
    """Moderators open a poll `{roadshow_id, question, options: [...], hide_results?}`; `poll:update` to the room."""
    poll = use_cases.open_poll(actor=_require_user(), **data)
    return ok(poll=dump_poll(poll, {}, moderator=True))


@on_event("poll:close", schemas.PollRefSchema())
def on_poll_close(data):
    """Moderators close a poll; the final `poll:update` goes to the room."""
    poll = use_cases.close_poll(actor=_require_user(), **data)
    return ok(poll=dump_poll(poll, queries.tallies(poll.id), moderator=True))


@on_event("poll:vote", schemas.VoteSchema())
def on_poll_vote(data):
    """One vote per user per open poll; results go out as `poll:update` in the next burst."""
    use_cases.vote(user=_user(), **data)
    return ok()


_reaction_schema = schemas.ReactionSchema()


def on_reaction(*args):
    """A viewer reacts; reactions are counted and sent as one `reaction:burst` a second, not one each.

    The hottest event of a big room (every viewer, every second): `on_reaction_fast` answers the
    usual case without Flask's request context, and this full handler runs for the rest. The "may
    this person post here" answer is kept for a few seconds per process instead of asking the
    database each time.
    """
    data = load(_reaction_schema, args)
    roadshow_id = data["roadshow_id"]
    _joined(roadshow_id)
    user_id = session.get("_user_id")
    if user_id is None:
        raise Unauthorized(_l("Sign in to take part."), code="sign_in_required")
    live = live_state()
    if not live.may_react(roadshow_id, user_id):
        user = _user()
        access.require_post(user, get_roadshow(roadshow_id))
        live.allow_reactions(roadshow_id, user_id)
    live.set_reaction_rate(use_cases.rate_rule("reaction", "10/second"))
    if not live.reaction_within_rate(user_id):
        raise RateLimited(_l("You are sending too fast. Wait a moment."), code="rate_limited")
    live.add_reaction(roadshow_id, data["kind"])
    return ok()


def quick_reaction(sid: str, data) -> dict | None:
    """`reaction:send` on its happy path: no request context, no session copy, no query per reaction.

    The busiest event of a big room: every viewer, every second. The answer is the same as the full
    handler's whenever this returns an ack; anything unusual (a bad payload, a socket not in the room,
    a user whose right to post is not cached, a full rate window) returns None and the caller runs the
    full handler, which checks the database, answers errors in the user's language and refreshes the
    cache. Who the socket belongs to comes from its Flask-SocketIO session (set at connect by cookie or
    token; sign-out and deactivation close the socket).
    """
    if not isinstance(data, dict) or len(data) != 2:  # exactly `roadshow_id` and `kind`, else the schema says why
        return None
    roadshow_id, kind = data.get("roadshow_id"), data.get("kind")
    if type(roadshow_id) is not int or kind not in schemas.REACTION_KINDS:
        return None
    if not realtime.in_room(sid, roadshow_room(roadshow_id)):
        return None
    app, user_id = realtime.socket_user(sid)
    if user_id is None:
        return None
    live = state_of(app)
    if not live.may_react(roadshow_id, user_id) and not (
            live.vetted(roadshow_id, user_id) and live.renew(app, roadshow_id, str(user_id))):
        return None
    if not live.reaction_within_rate(user_id):
        return None
    live.add_reaction(roadshow_id, kind, ensure_running=False)  # the full handler started the loop already
    return {"ok": True}


def on_reaction_fast(sid, *args):
    """`reaction:send` as python-socketio calls it: the fast path, else the full handler above."""
    answer = quick_reaction(sid, args[0]) if len(args) == 1 else None
    if answer is not None:
        return answer
    return realtime.handle_as_event(on_reaction, "reaction:send", sid, *args)


def register_fast_handlers() -> None:
    """Hand `reaction:send` straight to python-socketio (call after `socketio.init_app`)."""
    socketio.server.on("reaction:send", on_reaction_fast, namespace="/")


@on_event("stage:set", schemas.StageSchema())
def on_stage_set(data):
    """Moderators set the stage `{roadshow_id, pitch_id, state: upcoming|live|qa|done|ended, minutes?}`;
    `stage:update` (with the server's deadline) and `slide:update` to the room."""
    roadshow = use_cases.set_stage(actor=_require_user(), **data)
    return ok(stage=dump_stage(roadshow))


@on_event("slide:set", schemas.SlideSchema())
def on_slide_set(data):
    """The presenter on stage or a moderator turns to page `slide`; `slide:update` to the room."""
    pitch = use_cases.set_slide(actor=_require_user(), **data)
    return ok(slide=pitch.current_slide)


@on_event("hand:raise", schemas.HandSchema())
def on_hand_raise(data):
    """A viewer raises (`raised: true`) or lowers a hand; moderators see it in the presence list."""
    return ok(raised=use_cases.raise_hand(user=_require_user(), sid=request.sid, **data))


@on_event("interest:mark", schemas.MarkInterestSchema())
def on_interest(data):
    """An investor marks (or with `interested: false` unmarks) interest in a pitch."""
    return ok(**engagement.mark_interest(user=_require_user(), **data))


@on_event("cue:send", schemas.CueSendSchema())
def on_cue_send(data):
    """Moderators send the presenter on stage a private cue; `cue:new` to the presenter."""
    cue = use_cases.send_cue(actor=_require_user(), **data)
    return ok(cue=cue_schema.dump(cue))


@on_event("cue:ack", schemas.CueRefSchema())
def on_cue_ack(data):
    """The presenter acknowledges a cue; it disappears, and the moderators see `cue:acked`."""
    cue = use_cases.acknowledge_cue(user=_require_user(), **data)
    return ok(cue=cue_schema.dump(cue))


def _require_user():
    user = _user()
    if user is None:
        raise Unauthorized(_l("Sign in to take part."), code="sign_in_required")
    return user


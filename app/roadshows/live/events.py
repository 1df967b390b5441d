"""Socket.IO handlers of the live roadshow rooms.

Every handler re-checks on the server that this socket's user may do this (joining a room is not a
licence: Flask-SocketIO would let any client join any room). Handlers parse, call a `use_cases` function
(which commits and then broadcasts) and return the ack: `{"ok": true, ...}`, or, through the socket
error handler of `app.core.realtime`, `{"ok": false, "error": {"code", "message"}}`.
"""
from flask import g, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_socketio import join_room, leave_room, rooms

from app.accounts.events import socket_disconnected
from app.core import realtime
from app.core.errors import Invalid, InvalidState, RateLimited, Unauthorized
from app.core.realtime import ok
from app.extensions import socketio
from app.roadshows import engagement, payloads
from app.roadshows.live import access, queries, use_cases
from app.roadshows.live.state import REACTION_KINDS
from app.roadshows.live.state import current as live_state
from app.roadshows.live.state import of as state_of
from app.roadshows.room import moderators_room, roadshow_room
from app.roadshows.services import get_roadshow


def _user():
    """The socket's user, re-loaded each event (a deactivated account is anonymous from then on).

    Flask-Login caches the user on `g`; an event normally gets a fresh `g`, but not when an outer app
    context is already active (as in tests), so the cache is dropped here to read this socket's session.
    """
    g.pop("_login_user", None)
    user = current_user._get_current_object() if current_user.is_authenticated else None
    return user if user is not None and user.is_active else None


def _data(data) -> dict:
    if not isinstance(data, dict):
        raise Invalid(_l("Send an object."), code="bad_payload")
    return data


def _int(data: dict, key: str, *, required: bool = True) -> int | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        raise Invalid(details={key: [str(_l("Send a positive integer."))]})
    return value


def _joined(roadshow_id: int) -> None:
    """Events that act on a room need the socket to be in it (it passed the access check at join)."""
    if roadshow_room(roadshow_id) not in rooms():
        raise InvalidState(_l("Join the room first."), code="not_joined")


@socketio.on("roadshow:join")
def on_join(data):
    """Anyone who may watch joins a room; the ack holds the stage, slide, presence, polls, questions and
    the chat messages after `after_id` (the latest ones without it)."""
    data = _data(data)
    roadshow_id = _int(data, "roadshow_id")
    after_id = data.get("after_id")
    if after_id is not None and (isinstance(after_id, bool) or not isinstance(after_id, int) or after_id < 0):
        raise Invalid(details={"after_id": [str(_l("Send the last message id you saw, or null."))]})
    def enter(moderator: bool) -> None:
        join_room(roadshow_room(roadshow_id))
        if moderator:
            join_room(moderators_room(roadshow_id))

    view = live_state().view(roadshow_id)  # before the user's row: waiting for the view then holds no connection
    try:
        result = use_cases.join(user=_user(), roadshow_id=roadshow_id, after_id=after_id, sid=request.sid, enter=enter,
                           view=view)
    except Exception:
        if roadshow_room(roadshow_id) in rooms():  # entered, then failed: a refused join hears nothing
            leave_room(roadshow_room(roadshow_id))
            leave_room(moderators_room(roadshow_id))
            use_cases.leave(sid=request.sid, roadshow_id=roadshow_id)
        raise
    return ok(state=result["state"], messages=result["messages"])


@socketio.on("roadshow:leave")
def on_leave(data):
    """Leave a room (presence drops in the next burst)."""
    roadshow_id = _int(_data(data), "roadshow_id")
    leave_room(roadshow_room(roadshow_id))
    leave_room(moderators_room(roadshow_id))
    use_cases.leave(sid=request.sid, roadshow_id=roadshow_id)
    return ok()


@socket_disconnected.connect
def on_socket_disconnected(sender, sid: str, user_id: int | None = None, **extra):
    """A closed socket leaves every room it was in (presence drops in the next burst)."""
    use_cases.leave(sid=sid)


@socketio.on("chat:send")
def on_chat_send(data):
    """A signed-in viewer chats; the message is stored, then `chat:new` goes to the room. A resend with
    the same `client_id` returns the stored message and broadcasts nothing."""
    data = _data(data)
    roadshow_id = _int(data, "roadshow_id")
    _joined(roadshow_id)
    message = use_cases.send_chat(user=_user(), roadshow_id=roadshow_id, body=data.get("body"),
                             client_id=data.get("client_id"))
    return ok(message=message)


@socketio.on("chat:delete")
def on_chat_delete(data):
    """Moderators delete a message; `chat:deleted` goes to the room."""
    use_cases.delete_chat(actor=_require_user(), message_id=_int(_data(data), "message_id"))
    return ok()


@socketio.on("user:mute")
def on_user_mute(data):
    """Moderators mute (`muted: true`, the default) or unmute a user in the room."""
    data = _data(data)
    muted = use_cases.mute(actor=_require_user(), roadshow_id=_int(data, "roadshow_id"), user_id=_int(data, "user_id"),
                      muted=data.get("muted", True) is not False)
    return ok(muted=muted)


@socketio.on("qa:ask")
def on_qa_ask(data):
    """A viewer asks about a pitch (the one on stage by default); `qa:new` to the room, or to the
    moderators first when the room pre-moderates questions."""
    data = _data(data)
    roadshow_id = _int(data, "roadshow_id")
    _joined(roadshow_id)
    question = use_cases.ask(user=_user(), roadshow_id=roadshow_id, pitch_id=_int(data, "pitch_id", required=False),
                        body=data.get("body"))
    return ok(question=queries.question_payload(question, _user()))


@socketio.on("qa:upvote")
def on_qa_upvote(data):
    """One upvote per user; the new count goes out as `qa:update` in the next burst."""
    question = use_cases.upvote(user=_user(), question_id=_int(_data(data), "question_id"))
    return ok(question=queries.question_payload(question, _user()))


@socketio.on("qa:moderate")
def on_qa_moderate(data):
    """Moderators approve, answer or dismiss a question (`status`); `qa:update`/`qa:new` to the room."""
    data = _data(data)
    question = use_cases.moderate_question(actor=_require_user(), question_id=_int(data, "question_id"),
                                      status=data.get("status"))
    return ok(question=queries.question_payload(question, _user()))


@socketio.on("poll:open")
def on_poll_open(data):
    """Moderators open a poll `{roadshow_id, question, options: [...]}`; `poll:update` to the room."""
    data = _data(data)
    poll = use_cases.open_poll(actor=_require_user(), roadshow_id=_int(data, "roadshow_id"),
                               question=data.get("question"), options=data.get("options"),
                               pitch_id=_int(data, "pitch_id", required=False))
    return ok(poll=payloads.poll(poll, {}))


@socketio.on("poll:close")
def on_poll_close(data):
    """Moderators close a poll; the final `poll:update` goes to the room."""
    poll = use_cases.close_poll(actor=_require_user(), poll_id=_int(_data(data), "poll_id"))
    return ok(poll=payloads.poll(poll, queries.tallies(poll.id)))


@socketio.on("poll:vote")
def on_poll_vote(data):
    """One vote per user per open poll; results go out as `poll:update` in the next burst."""
    data = _data(data)
    use_cases.vote(user=_user(), poll_id=_int(data, "poll_id"), option_id=_int(data, "option_id"))
    return ok()


def on_reaction(data):
    """A viewer reacts; reactions are counted and sent as one `reaction:burst` a second, not one each.

    The hottest event of a big room (every viewer, every second): `on_reaction_fast` answers the
    usual case without Flask's request context, and this full handler runs for the rest. The "may
    this person post here" answer is kept for a few seconds per process instead of asking the
    database each time.
    """
    data = _data(data)
    roadshow_id = _int(data, "roadshow_id")
    kind = data.get("kind")
    if kind not in REACTION_KINDS:
        raise Invalid(details={"kind": [str(_l("Choose one of: %(kinds)s.", kinds=", ".join(REACTION_KINDS)))]})
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
    live.add_reaction(roadshow_id, kind)
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
    if not isinstance(data, dict):
        return None
    roadshow_id, kind = data.get("roadshow_id"), data.get("kind")
    if type(roadshow_id) is not int or kind not in REACTION_KINDS:
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


def on_reaction_fast(sid, data=None):
    """`reaction:send` as python-socketio calls it: the fast path, else the full handler above."""
    answer = quick_reaction(sid, data)
    if answer is not None:
        return answer
    return realtime.handle_as_event(on_reaction, "reaction:send", sid, data)


def register_fast_handlers() -> None:
    """Hand `reaction:send` straight to python-socketio (call after `socketio.init_app`)."""
    socketio.server.on("reaction:send", on_reaction_fast, namespace="/")


@socketio.on("stage:set")
def on_stage_set(data):
    """Moderators set the stage `{roadshow_id, pitch_id, state: upcoming|live|qa|done|ended, minutes?}`;
    `stage:update` (with the server's deadline) and `slide:update` to the room."""
    data = _data(data)
    minutes = data.get("minutes")
    roadshow = use_cases.set_stage(actor=_require_user(), roadshow_id=_int(data, "roadshow_id"),
                              pitch_id=_int(data, "pitch_id", required=False), state=data.get("state"),
                              minutes=minutes)
    return ok(stage=payloads.stage(roadshow))


@socketio.on("slide:set")
def on_slide_set(data):
    """The presenter on stage or a moderator turns to page `slide`; `slide:update` to the room."""
    data = _data(data)
    pitch = use_cases.set_slide(actor=_require_user(), roadshow_id=_int(data, "roadshow_id"), slide=data.get("slide"),
                           pitch_id=_int(data, "pitch_id", required=False))
    return ok(slide=pitch.current_slide)


@socketio.on("hand:raise")
def on_hand_raise(data):
    """A viewer raises (`raised: true`) or lowers a hand; moderators see it in the presence list."""
    data = _data(data)
    raised = use_cases.raise_hand(user=_require_user(), roadshow_id=_int(data, "roadshow_id"), sid=request.sid,
                             raised=data.get("raised", True) is not False)
    return ok(raised=raised)


@socketio.on("interest:mark")
def on_interest(data):
    """An investor marks (or with `interested: false` unmarks) interest in a pitch."""
    data = _data(data)
    result = engagement.mark_interest(user=_require_user(), pitch_id=_int(data, "pitch_id"),
                                      interested=data.get("interested", True) is not False)
    return ok(**result)


@socketio.on("cue:send")
def on_cue_send(data):
    """Moderators send the presenter on stage a private cue; `cue:new` to the presenter."""
    data = _data(data)
    cue = use_cases.send_cue(actor=_require_user(), roadshow_id=_int(data, "roadshow_id"), body=data.get("body"),
                        pitch_id=_int(data, "pitch_id", required=False))
    return ok(cue=payloads.cue(cue))


@socketio.on("cue:ack")
def on_cue_ack(data):
    """The presenter acknowledges a cue; it disappears, and the moderators see `cue:acked`."""
    cue = use_cases.acknowledge_cue(user=_require_user(), cue_id=_int(_data(data), "cue_id"))
    return ok(cue=payloads.cue(cue))


def _require_user():
    user = _user()
    if user is None:
        raise Unauthorized(_l("Sign in to take part."), code="sign_in_required")
    return user


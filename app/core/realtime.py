"""Shared Socket.IO mechanics: room names, emitting after commit, and the error ack."""
import logging

from flask_babel import gettext as _
from marshmallow import ValidationError

from app.core.errors import AppError
from app.extensions import socketio

log = logging.getLogger(__name__)


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def emit_to_user(user_id: int, event: str, data: dict) -> None:
    """Push an event to every open socket of one user (all processes, via the message queue)."""
    socketio.emit(event, data, to=user_room(user_id))


def emit_to_room(room: str, event: str, data: dict) -> None:
    socketio.emit(event, data, to=room)


def ok(**data) -> dict:
    return {"ok": True, **data}


def error_ack(code: str, message: str, details: dict | None = None) -> dict:
    return {"ok": False, "error": {"code": code, "message": message, "details": details or {}}}


def handle_socket_error(error: Exception) -> dict:
    """Turn an exception raised in a socket handler into the SPEC §6 ack."""
    if isinstance(error, AppError):
        return error_ack(error.code, error.message, error.details)
    if isinstance(error, ValidationError):
        details = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
        return error_ack("validation_error", _("Some fields are invalid."), details)
    log.exception("socket handler failed")
    from app.extensions import db
    db.session.rollback()
    return error_ack("internal_error", _("Something went wrong on our side. Please try again."))


def register_socket_error_handler() -> None:
    socketio.on_error_default(handle_socket_error)


def disconnect_user(user_id: int) -> None:
    """Close the open sockets of a user on this process (sign-out, deactivation).

    Every event re-loads the user, so a deactivated user's sockets in other processes can no
    longer act either; they are closed when they next send or when this process owns them.
    """
    server = getattr(socketio, "server", None)
    if server is None:
        return
    try:
        sids = [sid for sid, _eio in server.manager.get_participants("/", user_room(user_id))]
    except (KeyError, TypeError):
        return
    for sid in sids:
        server.disconnect(sid, namespace="/")

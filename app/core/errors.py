"""One error envelope for HTTP and Socket.IO: {"error": {"code", "message", "details"}}."""
import json
import logging

from flask import current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from marshmallow import ValidationError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from app.core.validation_messages import translate_messages

log = logging.getLogger(__name__)


class AppError(Exception):
    """A failure the caller can act on. Subclasses fix the HTTP status and the code."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str | None = None, *, code: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.message = str(message) if message is not None else str(self.default_message)
        if code:
            self.code = code
        self.details = translate_messages(details or {})  # marshmallow's own messages, in the reader's language

    default_message = _l("The request could not be processed.")

    def to_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class BadRequest(AppError):
    status_code, code = 400, "bad_request"


class Unauthorized(AppError):
    status_code, code = 401, "unauthorized"
    default_message = _l("Please sign in first.")


class PermissionDenied(AppError):
    status_code, code = 403, "forbidden"
    default_message = _l("You are not allowed to do that.")


class NotFound(AppError):
    status_code, code = 404, "not_found"
    default_message = _l("Not found.")


class Conflict(AppError):
    status_code, code = 409, "conflict"
    default_message = _l("That conflicts with the current state.")


class InvalidState(Conflict):
    code = "invalid_state"


class Invalid(AppError):
    """Field errors found by a service (the schema-level ones come from marshmallow)."""

    status_code, code = 422, "validation_error"
    default_message = _l("Some fields are invalid.")


class RateLimited(AppError):
    status_code, code = 429, "rate_limited"
    default_message = _l("Too many requests. Please wait a moment and try again.")


class DatabaseBusy(AppError):
    """The database stayed locked by another writer for longer than a request may wait (SQLite)."""

    status_code, code = 503, "database_busy"
    default_message = _l("The site is busy saving other changes. Please try again in a moment.")
    retry_after = 2


HTTP_CODES = {
    400: ("bad_request", _l("The request is malformed.")),
    401: ("unauthorized", _l("Please sign in first.")),
    403: ("forbidden", _l("You are not allowed to do that.")),
    404: ("not_found", _l("Not found.")),
    405: ("method_not_allowed", _l("That method is not allowed here.")),
    409: ("conflict", _l("That conflicts with the current state.")),
    410: ("gone", _l("This is no longer available.")),
    413: ("too_large", _l("The upload is too large.")),
    415: ("unsupported_media_type", _l("Send the body as JSON.")),
    422: ("validation_error", _l("Some fields are invalid.")),
    429: ("rate_limited", _l("Too many requests. Please wait a moment and try again.")),
    500: ("internal_error", _l("Something went wrong on our side. Please try again.")),
}


def envelope(status: int, code: str, message: str, details: dict | None = None):
    return {"error": {"code": code, "message": str(message), "details": details or {}}}


def wants_json() -> bool:
    """API paths always answer JSON; elsewhere, only clients that ask for it."""
    if request.path.startswith("/api/") or request.path == "/api":
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _rollback() -> None:
    """Leave the database session usable, so the error answer can load the user and their language."""
    try:
        from app.extensions import db
        db.session.rollback()
    except Exception:  # noqa: BLE001 (answering the error matters more than a clean session)
        log.exception("rollback before the error answer failed")


PLAIN_MESSAGES = {500: "Something went wrong on our side. Please try again."}


def _respond(status: int, code: str, message: str, details: dict | None = None, headers=None):
    """The error answer, which cannot fail: if rendering it fails (a broken database session, a
    translation that cannot load), roll back and try again, then fall back to the bare envelope."""
    for attempt in (1, 2):
        try:
            return _render(status, code, message, details, headers)
        except Exception:  # noqa: BLE001
            log.exception("rendering the %s answer failed (attempt %d)", status, attempt)
            _rollback()
    plain = PLAIN_MESSAGES.get(status, "The request could not be processed.")
    body = {"error": {"code": code, "message": plain, "details": {}}}
    return current_app.response_class(json.dumps(body), status=status, mimetype="application/json")


def _render(status: int, code: str, message: str, details: dict | None = None, headers=None):
    if wants_json():
        response = jsonify(envelope(status, code, message, details))
        response.status_code = status
    else:
        template = f"errors/{status}.html" if status in (403, 404, 410, 429, 500) else "errors/generic.html"
        generic = str(HTTP_CODES[status][1]) if status in HTTP_CODES else None
        response = current_app.make_response((render_template(
            template, status=status, code=code, message=message, generic_message=generic), status))
    if headers:
        response.headers.update(headers)
    return response


def _http_details(error: HTTPException) -> tuple[str, dict]:
    """Message and details from an HTTPException, including webargs' validation payload."""
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or data.get("errors")
    details: dict = {}
    if isinstance(messages, dict):
        # webargs nests by location ({"json": {...}}); clients want the fields.
        for location, fields in messages.items():
            if isinstance(fields, dict):
                details.update(fields)
            else:
                details[location] = fields
    message = data.get("message") or HTTP_CODES.get(error.code or 500, (None, error.description))[1]
    return str(message), translate_messages(details)


def handle_app_error(error: AppError):
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, DatabaseBusy) else None
    return _respond(error.status_code, error.code, error.message, error.details, headers)


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    if isinstance(error, CSRFError):
        return _respond(400, "csrf_failed", _l("The CSRF token is missing or invalid. Reload the page and try again."))
    code, default_message = HTTP_CODES.get(status, ("http_error", error.description))
    message, details = _http_details(error)
    if status == 400 and details.get("json") and not isinstance(details.get("json"), dict):
        code = "malformed_json"
    if status == 422 and not details:
        message = str(default_message)
    if status == 429:
        message = str(HTTP_CODES[429][1])
    headers = {k: v for k, v in error.get_headers() if k.lower() not in ("content-type", "content-length")}
    return _respond(status, code, message, details, headers)


def handle_validation_error(error: ValidationError):
    details = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
    details = translate_messages(details)
    return _respond(422, "validation_error", str(HTTP_CODES[422][1]), details)


def handle_db_error(error: SQLAlchemyError):
    _rollback()
    if isinstance(error, OperationalError) and "locked" in str(error.orig):
        # SQLite: a write outside a unit of work met another writer's lock; it may simply be tried again
        log.warning("database locked: %s", error.orig)
        return handle_app_error(DatabaseBusy())
    log.exception("database error")
    return _respond(500, "internal_error", str(HTTP_CODES[500][1]))


def handle_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    log.exception("unhandled error")
    _rollback()
    return _respond(500, "internal_error", str(HTTP_CODES[500][1]))


def register_error_handlers(app) -> None:
    app.register_error_handler(AppError, handle_app_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(ValidationError, handle_validation_error)
    app.register_error_handler(SQLAlchemyError, handle_db_error)
    app.register_error_handler(Exception, handle_unexpected)

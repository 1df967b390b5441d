"""CSRF for forms and cookie-authenticated API calls, and security headers on every response."""
import hashlib
import secrets

from flask import g, request
from flask_login import current_user

from app.extensions import csrf

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def new_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def hash_secret(secret: str) -> str:
    """SHA-256 of a high-entropy secret (API tokens, invitation tokens): fast lookups, nothing to crack."""
    return hashlib.sha256(secret.encode()).hexdigest()


def check_csrf() -> None:
    """Forms always need the token; the API needs it only when the session cookie authenticates."""
    if request.method in SAFE_METHODS or request.endpoint is None:
        return
    if request.path.startswith("/api/"):
        signed_in = current_user.is_authenticated  # loads the user first, which sets g.auth_via_token
        if not signed_in or g.get("auth_via_token"):
            return
    if request.endpoint == "static":
        return
    csrf.protect()


def _csp() -> str:
    style = "'self' 'unsafe-inline'" if request.path.startswith("/api/docs") else "'self'"
    return ("default-src 'self'; script-src 'self'; style-src " + style + "; img-src 'self' data: https:; "
            "font-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'self'; "
            "form-action 'self'; frame-ancestors 'none'")


def set_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", _csp())
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return response


def init_security(app) -> None:
    app.before_request(check_csrf)
    app.after_request(set_security_headers)

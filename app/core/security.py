"""CSRF for forms and cookie-authenticated API calls, and security headers on every response."""
import functools
import hashlib
import secrets

from flask import current_app, g, make_response, request, session
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app.extensions import csrf

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
# Pages whose FlaskForm is validated before anything else happens on a POST, so it checks the token again itself
# (and fails). A stale or missing token there re-renders the form with what was typed and a message saying why,
# (still a 400) instead of the bare 400 page that loses it. Only endpoints of that shape may be named here.
FORM_PAGES = frozenset({
    "accounts.register", "accounts.login", "accounts.forgot_password", "accounts.reset_password",
    "accounts.settings", "accounts.change_password", "accounts.tokens",
    "providers.new", "providers.edit", "providers.members", "startups.new", "startups.edit", "startups.members",
    "marketplace.new_listing", "marketplace.edit_listing", "marketplace.admin_vouchers",
    "marketplace.listing_photos", "marketplace.listing_calendar",
    "mentoring.edit_profile", "mentoring.book", "roadshows.create", "roadshows.edit",
    "programme.admin_open_days", "programme.gold_criteria",
    "operators.report", "operators.moderate",
    "mentoring.availability", "mentoring.session_types", "mentoring.edit_session_type", "mentoring.reschedule",
    "conversations.offer", "marketplace.create_request", "marketplace.request_move",
    "roadshows.apply", "roadshows.add_pitch", "roadshows.invite", "roadshows.edit_pitch", "roadshows.score",
    "roadshows.change_role", "marketplace.raise_dispute", "marketplace.resolve_dispute",
})


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
    try:
        csrf.protect()
    except CSRFError as error:
        # the token's own faults only: a wrong Referer (HTTPS) is refused here whatever the page
        if request.endpoint in FORM_PAGES and "CSRF" in (error.description or ""):
            g.csrf_refused = True
            return
        raise


def mark_csrf_refusal(response):
    """A form page that came back for its stale token answers 400, as the refusal it is (not the 422 of a form
    refused for its fields)."""
    if g.get("csrf_refused") and response.status_code in (200, 422):
        response.status_code = 400
    return response


def _sources(setting: str) -> list[str]:
    value = current_app.config.get(setting) or ""
    return [item.strip() for item in value.replace(",", " ").split() if item.strip()]


def style_nonce() -> str:
    """A nonce for the <style> elements a page's script creates (CodeMirror's `EditorView.cspNonce`): one per
    response, and named in its Content-Security-Policy only when a page asked for it."""
    if "style_nonce" not in g:
        g.style_nonce = secrets.token_urlsafe(16)
    return g.style_nonce


def allow_on_page(directive: str, *sources: str) -> None:
    """Let this response's page use more sources for one CSP directive (`frame-src`, `connect-src`,
    `media-src`): a live room's embedded players and the hosts of its HLS streams."""
    extra = g.setdefault("csp_extra", {})
    for source in sources:
        if source and source not in extra.setdefault(directive, []):
            extra[directive].append(source)


def _csp() -> str:
    """Scripts, sockets and images from this site only, plus the hosts named in CSP_CONNECT_SRC/CSP_IMG_SRC and
    what the page asked for (`allow_on_page`).

    The socket's own origin is named as ws(s)://host too: browsers before CSP level 3 (Safari 15) do not
    count it as 'self'.
    """
    extra = g.get("csp_extra", {})
    style = "'self' 'unsafe-inline'" if request.path.startswith("/api/docs") else "'self'"
    if "style_nonce" in g:
        style += f" 'nonce-{g.style_nonce}'"
    socket_origin = ("wss://" if request.is_secure else "ws://") + request.host
    connect = " ".join(["'self'", socket_origin, *_sources("CSP_CONNECT_SRC"), *extra.get("connect-src", [])])
    img = " ".join(["'self'", "data:", *_sources("CSP_IMG_SRC")])
    pages = "".join(f"; {directive} {' '.join(sources)}" for directive, sources in sorted(extra.items())
                    if directive in ("frame-src", "media-src"))
    return (f"default-src 'self'; script-src 'self'; style-src {style}; img-src {img}; "
            f"font-src 'self' data:; connect-src {connect}; object-src 'none'; base-uri 'self'; "
            f"form-action 'self'; frame-ancestors 'none'{pages}")


def _is_private() -> bool:
    """Whether this response is someone's own: a signed-in session, a Bearer token, or a view marked
    private (a secret-URL feed). Checked without loading the user when nothing loaded it."""
    if g.get("private_response") or request.headers.get("Authorization"):
        return True
    user = g.get("_login_user")
    if user is not None:
        return bool(user.is_authenticated)
    return "_user_id" in session


def no_store(view):
    """Mark a view's responses private (never stored by a browser or proxy cache) even without a session."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        g.private_response = True
        return make_response(view(*args, **kwargs))
    return wrapper


def set_security_headers(response):
    if request.endpoint != "static" and _is_private() and "private" not in response.headers.get("Cache-Control", ""):
        # Views that already chose `private` caching for their own images keep it.
        response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("Pragma", "no-cache")
    if current_app.config.get("HSTS_SECONDS"):
        response.headers.setdefault("Strict-Transport-Security",
                                    f"max-age={current_app.config['HSTS_SECONDS']}; includeSubDomains")
    response.headers.setdefault("Content-Security-Policy", _csp())
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return response


def init_security(app) -> None:
    from app.core.hostile import check_request
    app.before_request(check_request)
    app.before_request(check_csrf)
    app.after_request(set_security_headers)
    app.after_request(mark_csrf_refusal)
    app.jinja_env.globals["style_nonce"] = style_nonce

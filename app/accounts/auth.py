"""How a request is authenticated: the session cookie, or a personal API token (Bearer)."""
from flask import g, request
from flask_babel import lazy_gettext as _l

from app.core.errors import Unauthorized, wants_json
from app.extensions import login_manager


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def load_user_from_request(req):
    """Flask-Login request loader: `Authorization: Bearer <token>`."""
    token = bearer_token()
    if not token:
        return None
    from app.accounts import services
    user = services.user_for_token(token)
    if user is not None:
        g.auth_via_token = True
    return user


def unauthorized():
    if wants_json():
        raise Unauthorized()
    from flask import flash, redirect, url_for
    flash(_l("Please sign in to see that page."), "info")
    return redirect(url_for("accounts.login", next=request.full_path if request.query_string else request.path))


def init_login(app) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.request_loader(load_user_from_request)
    login_manager.unauthorized_handler(unauthorized)
    login_manager.session_protection = "basic"

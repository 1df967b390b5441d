"""How a request is authenticated: a server-side session (cookie), a remember-me token, or a personal API
token (Bearer). Sockets signed in with a token remember which one, so revoking it stops them too."""
from flask import current_app, g, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from app.core.errors import Unauthorized, wants_json
from app.core.hostile import FORBIDDEN
from app.extensions import login_manager

SESSION_KEY = "_sid"  # the session's secret, in the signed cookie
TOKEN_KEY = "_token_id"  # in a socket's own session: the API token it connected with


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def _client() -> dict:
    agent = FORBIDDEN.sub("", request.user_agent.string)  # shown on the Sessions page, stored as text
    return {"user_agent": agent, "ip_address": request.remote_addr}


def load_user_from_session(user_id: str):
    """Flask-Login user loader: the user of a live session (or, on a socket, of a live API token)."""
    from app.accounts import services, sessions
    token_id = session.get(TOKEN_KEY)
    if token_id is not None:
        return services.user_for_token_id(int(token_id))
    secret = session.get(SESSION_KEY)
    if not isinstance(secret, str):
        return None
    row = sessions.session_for(secret)
    if row is None or str(row.user_id) != str(user_id):
        return None
    g.user_session_id = row.id
    return row.user


def _in_socket() -> bool:
    return hasattr(request, "sid") or request.path.startswith("/socket.io")


def load_user_from_request(req):
    """Flask-Login request loader: `Authorization: Bearer <token>`, else the remember-me cookie."""
    token = bearer_token()
    if token:
        from app.accounts import services
        user = services.user_for_token(token)
        if user is not None:
            g.auth_via_token = True
        return user
    remember = request.cookies.get(current_app.config["SESSION_REMEMBER_COOKIE"])
    if not remember or _in_socket():  # a socket cannot hand the rotated cookie back
        return None
    from app.accounts import sessions
    started = sessions.resume_session(remember_secret=remember, **_client())
    if started is None:
        g.forget_remember = True
        return None
    _begin(started)
    return started.session.user


def _begin(started) -> None:
    session[SESSION_KEY] = started.secret
    login_user(started.session.user, remember=False)
    g.user_session_id = started.session.id
    if started.remember_secret:
        g.remember_secret = started.remember_secret


def sign_in(user, *, remember: bool = False) -> None:
    """Start a server-side session for a user who has just proved who they are (session cleared first)."""
    from app.accounts import sessions
    if current_user.is_authenticated and g.get("user_session_id"):  # signing in again replaces the session
        sessions.end_session(session_id=g.user_session_id)
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    _begin(sessions.start_session(user=user, remember=remember, **_client()))


def sign_out() -> None:
    """End the current session (its row, both cookies, its sockets)."""
    from app.accounts import sessions
    if current_user.is_authenticated:  # loads the session row, so we know which one to end
        sessions.end_session(session_id=g.get("user_session_id"))
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    g.forget_remember = True


def current_session_id() -> int | None:
    return g.get("user_session_id")


def write_remember_cookie(response):
    """Hand out a new remember-me token, or drop a used-up one."""
    config = current_app.config
    name = config["SESSION_REMEMBER_COOKIE"]
    if g.get("remember_secret"):
        response.set_cookie(name, g.remember_secret, max_age=config["REMEMBER_COOKIE_DURATION"], httponly=True,
                            secure=config["REMEMBER_COOKIE_SECURE"], samesite="Lax", path="/")
    elif g.get("forget_remember") and name in request.cookies:
        response.delete_cookie(name, path="/", secure=config["REMEMBER_COOKIE_SECURE"], httponly=True,
                               samesite="Lax")
    return response


def unauthorized():
    if wants_json():
        raise Unauthorized()
    from flask import flash, redirect, url_for
    flash(_l("Please sign in to see that page."), "info")
    return redirect(url_for("accounts.login", next=request.full_path if request.query_string else request.path))


def init_login(app) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.user_loader(load_user_from_session)
    login_manager.request_loader(load_user_from_request)
    login_manager.unauthorized_handler(unauthorized)
    login_manager.session_protection = "basic"
    app.after_request(write_remember_cookie)

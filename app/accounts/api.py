"""JSON API: /api/auth/*, /api/me, /api/tokens."""
from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_smorest import Blueprint
from flask_wtf.csrf import generate_csrf

from app.accounts import auth, limits, password_reset, schemas, services, sessions
from app.core.errors import Unauthorized
from app.core.i18n import current_language

blp = Blueprint("accounts_api", __name__, url_prefix="/api", description="Accounts, sign-in and API tokens")


@blp.route("/auth/register", methods=["POST"])
@limits.register
@blp.arguments(schemas.RegisterSchema)
@blp.response(201, schemas.AuthResultSchema)
@blp.alt_response(409, response="DEFAULT_ERROR")
@blp.alt_response(429, response="DEFAULT_ERROR")
def register(data):
    """Create an account (founder, mentor, provider or investor) and sign in; `locale` defaults to the request's."""
    user = services.register_user(**{**data, "locale": data.get("locale") or current_language()})
    auth.sign_in(user)
    return {"user": user, "csrf_token": generate_csrf()}


@blp.route("/auth/login", methods=["POST"])
@limits.sign_in
@blp.arguments(schemas.LoginSchema)
@blp.response(200, schemas.AuthResultSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(429, response="DEFAULT_ERROR")
def login(data):
    """Sign in with email and password; sets the session cookie."""
    user = services.authenticate(email=data["email"], password=data["password"])
    if user is None:
        raise Unauthorized(_l("Wrong email or password."), code="invalid_credentials")
    auth.sign_in(user, remember=data["remember"])
    services.record_login(user)
    return {"user": user, "csrf_token": generate_csrf()}


@blp.route("/auth/password-reset", methods=["POST"])
@limits.password_reset
@blp.arguments(schemas.PasswordResetRequestSchema)
@blp.response(202, schemas.PasswordResetRequestedSchema)
@blp.alt_response(429, response="DEFAULT_ERROR")
def request_password_reset(data):
    """Email a link to set a new password. The same 202 whether or not an account uses the address."""
    password_reset.request_reset(email=data["email"], ip_address=request.remote_addr)
    return {"message": _l("If an account uses this address, we have emailed it a link to set a new password.")}


@blp.route("/auth/password-reset/confirm", methods=["POST"])
@blp.arguments(schemas.PasswordResetSchema)
@blp.response(204)
@blp.alt_response(404, response="DEFAULT_ERROR")
def confirm_password_reset(data):
    """Set a new password with the emailed link's token; every session of the account ends (404 for a dead link)."""
    password_reset.reset_password(token=data["token"], new_password=data["password"])


@blp.route("/auth/csrf", methods=["GET"])
@blp.response(200, schemas.CsrfSchema)
def csrf_token():
    """A fresh CSRF token for cookie-authenticated writes (send it as X-CSRFToken)."""
    return {"csrf_token": generate_csrf()}


@blp.route("/auth/logout", methods=["POST"])
@blp.response(204)
@blp.alt_response(401, response="DEFAULT_ERROR")
@login_required
def logout():
    """End the session."""
    auth.sign_out()


@blp.route("/me", methods=["GET"])
@blp.response(200, schemas.UserSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@login_required
def me():
    """The signed-in user, with role and organisations."""
    return current_user


@blp.route("/me", methods=["PATCH"])
@blp.arguments(schemas.UpdateProfileSchema)
@blp.response(200, schemas.UserSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@login_required
def update_me(data):
    """Change your name, language or time zone."""
    return services.update_profile(user=current_user, **data)


@blp.route("/me/password", methods=["POST"])
@blp.arguments(schemas.ChangePasswordSchema)
@blp.response(204)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(429, response="DEFAULT_ERROR")
@login_required
def change_password(data):
    """Change your password (the current one is required)."""
    services.change_password(user=current_user, keep_session_id=auth.current_session_id(), **data)


@blp.route("/tokens", methods=["POST"])
@blp.arguments(schemas.CreateTokenSchema)
@blp.response(201, schemas.NewTokenSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@login_required
def create_token(data):
    """Create a personal API token. The token is shown once; send it as `Authorization: Bearer`."""
    token, secret = services.create_token(user=current_user, name=data["name"])
    token.secret = secret  # not a column: the only time the secret leaves the server
    return token


@blp.route("/tokens", methods=["GET"])
@blp.response(200, schemas.TokenSchema(many=True))
@blp.alt_response(401, response="DEFAULT_ERROR")
@login_required
def list_tokens():
    """Your active API tokens (without the secrets)."""
    return services.list_tokens(user=current_user)


@blp.route("/tokens/<int:token_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@login_required
def revoke_token(token_id):
    """Revoke one of your API tokens."""
    services.revoke_token(user=current_user, token_id=token_id)


@blp.route("/me/sessions", methods=["GET"])
@blp.response(200, schemas.SessionSchema(many=True))
@blp.alt_response(401, response="DEFAULT_ERROR")
@login_required
def list_sessions():
    """Your signed-in sessions (browsers and clients), most recently active first."""
    current = auth.current_session_id()
    rows = sessions.list_sessions(user=current_user)
    for row in rows:
        row.is_current = row.id == current
    return rows


@blp.route("/me/sessions/<int:session_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@login_required
def revoke_session(session_id):
    """Sign out one of your sessions; its cookies and sockets stop working at once."""
    sessions.revoke_session(user=current_user, session_id=session_id)

"""Per-address limits shared by a page and its API twin, so both draw on one bucket per client address."""
from flask import current_app

from app.extensions import limiter


def _setting(name: str):
    return lambda: current_app.config[name]


#: Sign-in attempts (the /login page and POST /api/auth/login together).
sign_in = limiter.shared_limit(_setting("LOGIN_RATE_LIMIT"), scope="sign-in", methods=["POST"])
#: New accounts (the /register page and POST /api/auth/register together).
register = limiter.shared_limit(_setting("REGISTER_RATE_LIMIT"), scope="register", methods=["POST"])
#: Password reset requests (the /password/forgot page and POST /api/auth/password-reset together).
password_reset = limiter.shared_limit(_setting("PASSWORD_RESET_RATE_LIMIT"), scope="password-reset", methods=["POST"])

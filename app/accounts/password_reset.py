"""Forgotten passwords: ask for a link by email, then set a new password with it.

The link carries a random token; only its SHA-256 is stored (`password_resets`). It works once, for
PASSWORD_RESET_MAX_AGE seconds, and a successful reset ends every session of the account (the thief's too)
and every other link. Asking answers the same whether or not an account uses the address, and asking again
and again for one address is limited per account (ACCOUNT_RESET_RATE) besides the per-address route limit.
"""
import logging
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from app.accounts import sessions, sockets
from app.accounts.models import PasswordReset, User
from app.accounts.passwords import password_problems
from app.accounts.services import find_user_by_email, normalise_email
from app.core import ratelimit, uow
from app.core.db import utcnow
from app.core.errors import Invalid, NotFound
from app.core.security import hash_secret, new_secret
from app.extensions import db

log = logging.getLogger(__name__)
DEFAULT_ACCOUNT_RESET_RATE = "3 per hour;10 per day"  # reset emails per account, whoever asks
DEFAULT_MAX_AGE = 3600


def _max_age() -> timedelta:
    return timedelta(seconds=int(current_app.config.get("PASSWORD_RESET_MAX_AGE") or DEFAULT_MAX_AGE))


def request_reset(*, email: str, ip_address: str | None) -> None:
    """Email a reset link when an active account uses `email`; otherwise do nothing. Never says which."""
    email = normalise_email(email)[:254]
    key = ("password-reset", "account", email)
    if ratelimit.exhausted("ACCOUNT_RESET_RATE", DEFAULT_ACCOUNT_RESET_RATE, *key):
        log.info("password reset not sent: the account's limit is reached")
        return
    ratelimit.count("ACCOUNT_RESET_RATE", DEFAULT_ACCOUNT_RESET_RATE, *key)
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    token = new_secret()
    with uow.unit_of_work():
        db.session.add(PasswordReset(user_id=user.id, token_hash=hash_secret(token), expires_at=utcnow() + _max_age(),
                                     ip_address=(ip_address or None) and ip_address[:45]))
        uow.after_commit(_send_link, user, token)
    log.info("password reset link sent to user %s", user.id)


def _send_link(user: User, token: str) -> None:
    from app.notifications import kinds
    from app.notifications.services import absolute_url, send_email
    locale = kinds.user_locale(user)
    with force_locale(locale):
        context = {"user": user, "link": absolute_url(f"/password/reset/{token}"),
                   "minutes": int(_max_age().total_seconds() // 60), "site_url": current_app.config["SITE_URL"],
                   "lang": "zh-CN" if locale == "zh" else locale, "subject": str(_l("Set a new password for Fuhua"))}
        text = render_template("email/password_reset.txt", **context)
        html = render_template("email/password_reset.html", **context)
    send_email(to=user.email, subject=context["subject"], text=text, html=html)


def _live(token: str) -> PasswordReset | None:
    row = db.session.scalar(select(PasswordReset).options(joinedload(PasswordReset.user))
                            .where(PasswordReset.token_hash == hash_secret(token)))
    if row is None or row.used_at is not None or row.expires_at <= utcnow() or not row.user.is_active:
        return None
    return row


def _dead_link() -> NotFound:
    return NotFound(_l("This link has expired or has already been used. Ask for a new one."), code="reset_link_invalid")


def user_for_token(token: str) -> User:
    """The account a reset link is for. NotFound when the link is unknown, used or expired."""
    row = _live(token)
    if row is None:
        raise _dead_link()
    return row.user


def reset_password(*, token: str, new_password: str) -> User:
    """Set a new password with a reset link: the link and every other one die, and every session ends.

    Raises NotFound for a dead link, Invalid (details on `password`) for a password the rule refuses.
    """
    row = _live(token)
    if row is None:
        raise _dead_link()
    user = row.user
    problems = password_problems(new_password, email=user.email, name=user.name)
    if problems:
        raise Invalid(_l("Choose a stronger password."), details={"password": problems})
    with uow.unit_of_work(lock=[(User, user.id)]):
        now = utcnow()
        claimed = db.session.execute(  # only one of two concurrent uses of the link wins
            update(PasswordReset).where(PasswordReset.id == row.id, PasswordReset.used_at.is_(None))
            .values(used_at=now).execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            raise _dead_link()
        db.session.execute(
            update(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
            .values(used_at=now).execution_options(synchronize_session=False))
        user.set_password(new_password)
        ended = sessions.revoke_user_sessions(user.id)
        uow.after_commit(sockets.disconnect_sessions, ended)
    log.info("password of user %s reset by email link; %d sessions ended", user.id, len(ended))
    return user

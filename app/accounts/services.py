"""Account use cases: registration, sign-in checks, profile, passwords, API tokens, admin moves."""
import logging
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import joinedload

from app.accounts import sessions, sockets
from app.accounts.models import ApiToken, Role, User
from app.accounts.passwords import password_problems
from app.core import ratelimit, uow
from app.core.db import utcnow
from app.core.errors import Conflict, Invalid, NotFound, PermissionDenied, RateLimited
from app.core.security import hash_secret, new_secret
from app.extensions import db

log = logging.getLogger(__name__)
TOKEN_PREFIX = "fh_"
TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)
DEFAULT_ACCOUNT_LOGIN_RATE = "5 per minute;20 per hour"  # failed sign-ins per account
DEFAULT_REAUTH_RATE = "5 per 15 minutes"  # wrong current passwords per user
# Compared against when the email is unknown, so a miss costs as much time as a wrong password.
_DUMMY_HASH = None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("User not found."))
    return user


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def register_user(*, email: str, password: str, name: str, role: str, locale: str | None = None,
                  timezone: str | None = None, is_admin: bool = False, check_password: bool = True) -> User:
    """Create an account. Raises Conflict when the email is taken, Invalid on a bad role or a weak password.

    :param check_password: False only for the seed's demo accounts, whose password SPEC §7 fixes.
    """
    if role not in {r.value for r in Role}:
        raise Invalid(details={"role": [str(_l("Choose founder, mentor, provider or investor."))]})
    email = normalise_email(email)
    problems = password_problems(password, email=email, name=name) if check_password else []
    if problems:
        raise Invalid(_l("Choose a stronger password."), details={"password": problems})
    if find_user_by_email(email) is not None:
        raise Conflict(_l("An account with this email already exists."), code="email_taken",
                       details={"email": [str(_l("An account with this email already exists."))]})
    user = User(email=email, name=name.strip(), role=role, locale=locale, is_admin=is_admin)
    if timezone:
        user.timezone = timezone
    user.set_password(password)
    with uow.unit_of_work():
        try:
            with db.session.begin_nested():
                db.session.add(user)
        except IntegrityError as error:  # a concurrent registration won the race
            raise Conflict(_l("An account with this email already exists."), code="email_taken",
                           details={"email": [str(_l("An account with this email already exists."))]}) from error
    log.info("registered user %s (%s)", user.id, role)
    return user


def authenticate(*, email: str, password: str) -> User | None:
    """The user for these credentials, or None. The same answer whether or not the email exists.

    Failed attempts are counted per account (ACCOUNT_LOGIN_RATE, whichever address they come from); once
    they pass the limit, the account refuses sign-ins (RateLimited) until the window moves on.
    """
    global _DUMMY_HASH
    key = ("sign-in", "account", normalise_email(email)[:254])
    if ratelimit.exhausted("ACCOUNT_LOGIN_RATE", DEFAULT_ACCOUNT_LOGIN_RATE, *key):
        raise RateLimited(_l("Too many failed sign-ins for this account. Wait a few minutes, then try again."),
                          code="account_locked")
    user = find_user_by_email(email)
    if user is None:
        if _DUMMY_HASH is None:
            from app.accounts.passwords import hash_password
            _DUMMY_HASH = hash_password(new_secret())
        from werkzeug.security import check_password_hash
        check_password_hash(_DUMMY_HASH, password)
        user = None
    elif not user.check_password(password) or not user.is_active:
        user = None
    if user is None:
        ratelimit.count("ACCOUNT_LOGIN_RATE", DEFAULT_ACCOUNT_LOGIN_RATE, *key)
    return user


def record_login(user: User) -> None:
    with uow.unit_of_work():
        user.last_login_at = utcnow()


def update_profile(*, user: User, name: str | None = None, locale: str | None = ...,
                   timezone: str | None = None) -> User:
    """Change name, language (None = follow the browser) and time zone."""
    with uow.unit_of_work():
        if name is not None:
            user.name = name.strip()
        if locale is not ...:
            user.locale = locale or None
        if timezone is not None:
            user.timezone = timezone
    return user


def change_password(*, user: User, current_password: str, new_password: str,
                    keep_session_id: int | None = None) -> None:
    """Change a password and sign out every other session (a thief's copied cookie included).

    Wrong current passwords are counted per user (REAUTH_RATE); past the limit, RateLimited.
    """
    key = ("reauth", str(user.id))
    if ratelimit.exhausted("REAUTH_RATE", DEFAULT_REAUTH_RATE, *key):
        raise RateLimited(_l("Too many wrong passwords. Wait a few minutes, then try again."), code="reauth_locked")
    if not user.check_password(current_password):
        ratelimit.count("REAUTH_RATE", DEFAULT_REAUTH_RATE, *key)
        raise Invalid(_l("The current password is not right."),
                      details={"current_password": [str(_l("The current password is not right."))]})
    problems = password_problems(new_password, email=user.email, name=user.name)
    if problems:
        raise Invalid(_l("Choose a stronger password."), details={"new_password": problems})
    with uow.unit_of_work():
        user.set_password(new_password)
        ended = sessions.revoke_user_sessions(user.id, keep_session_id=keep_session_id)
        uow.after_commit(sockets.disconnect_sessions, ended)


def create_token(*, user: User, name: str = "API token") -> tuple[ApiToken, str]:
    """A new personal API token. Returns the row and the secret, which is never stored."""
    with uow.unit_of_work():
        secret = TOKEN_PREFIX + new_secret(32)
        token = ApiToken(user=user, name=name, token_hash=hash_secret(secret), prefix=secret[:10])
        db.session.add(token)
    return token, secret


def list_tokens(*, user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_token(*, user: User, token_id: int) -> None:
    with uow.unit_of_work():
        token = db.session.get(ApiToken, token_id)
        if token is None or token.user_id != user.id or token.revoked_at is not None:
            raise NotFound(_l("Token not found."))
        token.revoked_at = utcnow()
        uow.after_commit(sockets.disconnect_token, token.id)


def user_for_token(secret: str) -> User | None:
    """The active user a Bearer token belongs to, or None (unknown, revoked, or deactivated)."""
    token = db.session.scalar(select(ApiToken).options(joinedload(ApiToken.user))
                              .where(ApiToken.token_hash == hash_secret(secret)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > TOKEN_TOUCH_INTERVAL:
        user_id = token.user_id
        _touch_token(token.id, now)
        return db.session.get(User, user_id)
    return token.user


def user_for_token_id(token_id: int) -> User | None:
    """The active user of a token a socket signed in with, or None once it is revoked."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    return token.user


def token_for_secret(secret: str) -> ApiToken | None:
    """The live token row of a secret (for sockets, which remember which token opened them)."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    return token


def _touch_token(token_id: int, now) -> None:
    """Record when a token was last used, best effort: authenticating never fails on it.

    In a transaction of its own that starts by writing: on SQLite, one that had read first failed at once
    ("database is locked") whenever another request wrote meanwhile, and the request answered 500. The
    UPDATE is conditional, so requests arriving together touch the token once.
    """
    db.session.commit()
    try:
        db.session.execute(update(ApiToken).where(
            ApiToken.id == token_id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - TOKEN_TOUCH_INTERVAL))
            .values(last_used_at=now))
        db.session.commit()
    except OperationalError:
        db.session.rollback()
        log.warning("could not record the use of API token %s", token_id)


# Admin moves --------------------------------------------------------------------------------

def _require_admin(actor: User) -> None:
    if not actor.is_admin:
        raise PermissionDenied()


def list_users(*, actor: User, q: str | None = None, role: str | None = None):
    """The users' query for the admin list (paginated by the caller)."""
    _require_admin(actor)
    stmt = select(User).order_by(User.created_at.desc(), User.id.desc())
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(func.lower(User.email).like(like) | func.lower(User.name).like(like))
    if role == "admin":
        stmt = stmt.where(User.is_admin.is_(True))
    elif role:
        stmt = stmt.where(User.role == role)
    return stmt


def set_user_active(*, actor: User, user_id: int, active: bool) -> User:
    """Deactivate (or reactivate) an account. A deactivated user can't sign in, tokens included."""
    from app.core.realtime import disconnect_user
    _require_admin(actor)
    with uow.unit_of_work():
        user = get_user(user_id)
        if user.id == actor.id and not active:
            raise Conflict(_l("You cannot deactivate your own account."), code="cannot_deactivate_self")
        user.is_active_account = active
        if not active:
            ended = sessions.revoke_user_sessions(user.id)
            uow.after_commit(sockets.disconnect_sessions, ended)
            uow.after_commit(disconnect_user, user.id)
    return user


def set_user_verified(*, actor: User, user_id: int, verified: bool) -> User:
    """Give or take a mentor's verified badge."""
    with uow.unit_of_work():
        _require_admin(actor)
        user = get_user(user_id)
        if user.role != Role.MENTOR:
            raise Conflict(_l("Only mentors carry a personal verified badge; verify provider organisations instead."),
                           code="not_a_mentor")
        user.is_verified = verified
    return user


def make_admin(*, email: str, password: str | None = None, name: str | None = None) -> tuple[User, bool]:
    """Make an existing user an admin, or create an admin account. Returns (user, created)."""
    user = find_user_by_email(email)
    if user is not None:
        with uow.unit_of_work():
            db.session.get(User, user.id).is_admin = True
        return user, False
    if not password:
        raise Invalid(_l("A password is needed to create a new account."))
    user = register_user(email=email, password=password, name=name or email.split("@")[0], role=Role.INVESTOR,
                         is_admin=True)
    return user, True

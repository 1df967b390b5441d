"""Server-side sign-in sessions: start, check, resume with remember-me, list and end them.

The session cookie only carries a random secret; the row in `user_sessions` decides whether it still
signs anyone in, so a copied cookie dies with the session it was copied from.
"""
import logging
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload

from app.accounts import sockets
from app.accounts.models import PasswordReset, User, UserSession
from app.core import uow
from app.core.db import utcnow
from app.core.errors import NotFound
from app.core.security import hash_secret, new_secret
from app.extensions import db

log = logging.getLogger(__name__)
TOUCH_INTERVAL = timedelta(minutes=5)


@dataclass
class Started:
    """A session just begun or resumed: the secrets go to the cookies and are never stored."""

    session: UserSession
    secret: str
    remember_secret: str | None


def _lifetime(remembered: bool) -> timedelta:
    config = current_app.config
    seconds = config["REMEMBER_COOKIE_DURATION"] if remembered else config["SESSION_IDLE_TIMEOUT"]
    return timedelta(seconds=seconds)


def start_session(*, user: User, user_agent: str | None, ip_address: str | None, remember: bool = False) -> Started:
    """Begin a session for a user who has just proved who they are."""
    secret = new_secret()
    remember_secret = new_secret() if remember else None
    with uow.unit_of_work():
        now = utcnow()
        row = UserSession(user=user, token_hash=hash_secret(secret), user_agent=(user_agent or "")[:300],
                          remember_hash=hash_secret(remember_secret) if remember_secret else None,
                          ip_address=(ip_address or None) and ip_address[:45], last_seen_at=now,
                          expires_at=now + _lifetime(remember))
        db.session.add(row)
    return Started(row, secret, remember_secret)


def _is_live(row: UserSession | None, now) -> bool:
    return row is not None and row.revoked_at is None and row.expires_at > now and row.user.is_active


def session_for(secret: str) -> UserSession | None:
    """The live session a cookie secret belongs to (its user active), or None. Records activity now and then."""
    row = db.session.scalar(select(UserSession).options(joinedload(UserSession.user))
                            .where(UserSession.token_hash == hash_secret(secret)))
    now = utcnow()
    if not _is_live(row, now):
        return None
    if now - row.last_seen_at > TOUCH_INTERVAL:
        _touch(row.id, now, now + _lifetime(row.remember_hash is not None))
        row = db.session.get(UserSession, row.id)
    return row


def _touch(session_id: int, now, expires_at) -> None:
    """Slide a session's expiry, best effort and in a transaction of its own (as API tokens do)."""
    db.session.commit()
    try:
        db.session.execute(update(UserSession).where(
            UserSession.id == session_id, UserSession.revoked_at.is_(None),
            UserSession.last_seen_at < now - TOUCH_INTERVAL).values(last_seen_at=now, expires_at=expires_at))
        db.session.commit()
    except OperationalError:
        db.session.rollback()
        log.warning("could not record activity of session %s", session_id)


def resume_session(*, remember_secret: str, user_agent: str | None, ip_address: str | None) -> Started | None:
    """Sign back in with a remember-me token: the same session, with both secrets replaced.

    The UPDATE only succeeds while the presented token is still the current one, so a token used twice
    (a stolen copy, or a replay) resumes nothing the second time.
    """
    old_hash = hash_secret(remember_secret)
    row = db.session.scalar(select(UserSession).options(joinedload(UserSession.user))
                            .where(UserSession.remember_hash == old_hash))
    now = utcnow()
    if not _is_live(row, now):
        return None
    secret, new_remember, row_id = new_secret(), new_secret(), row.id
    with uow.unit_of_work():
        result = db.session.execute(update(UserSession).where(
            UserSession.id == row_id, UserSession.remember_hash == old_hash, UserSession.revoked_at.is_(None))
            .values(token_hash=hash_secret(secret), remember_hash=hash_secret(new_remember), last_seen_at=now,
                    expires_at=now + _lifetime(True), ip_address=(ip_address or None) and ip_address[:45],
                    user_agent=(user_agent or "")[:300]))
        resumed = result.rowcount == 1
    if not resumed:
        return None
    return Started(db.session.get(UserSession, row_id), secret, new_remember)


def list_sessions(*, user: User) -> list[UserSession]:
    """The user's live sessions, most recently active first."""
    return list(db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None),
                                  UserSession.expires_at > utcnow())
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())))


def _revoke(*conditions) -> list[int]:
    """Revoke the live sessions matching `conditions`; returns their ids (flushed, not committed)."""
    ids = list(db.session.scalars(select(UserSession.id).where(UserSession.revoked_at.is_(None), *conditions)))
    if ids:
        db.session.execute(update(UserSession).where(UserSession.id.in_(ids))
                           .values(revoked_at=utcnow(), remember_hash=None))
    return ids


def end_session(*, session_id: int | None) -> None:
    """Sign out one session (the caller's own: logout)."""
    if session_id is None:
        return
    with uow.unit_of_work():
        ids = _revoke(UserSession.id == session_id)
        uow.after_commit(sockets.disconnect_sessions, ids)


def revoke_session(*, user: User, session_id: int) -> None:
    """Sign out one of the user's sessions from the Sessions page. NotFound if it is not theirs or has ended."""
    with uow.unit_of_work():
        ids = _revoke(UserSession.id == session_id, UserSession.user_id == user.id)
        if not ids:
            raise NotFound(_l("Session not found."))
        uow.after_commit(sockets.disconnect_sessions, ids)


def end_other_sessions(*, user: User, keep_session_id: int | None) -> int:
    """Sign out every session of the user but the current one. Returns how many ended."""
    with uow.unit_of_work():
        ids = revoke_user_sessions(user.id, keep_session_id=keep_session_id)
        uow.after_commit(sockets.disconnect_sessions, ids)
    return len(ids)


def revoke_user_sessions(user_id: int, *, keep_session_id: int | None = None) -> list[int]:
    """Revoke a user's sessions (all, or all but one) inside the caller's transaction (password change,
    deactivation). Returns their ids: close their sockets with `sockets.disconnect_sessions` after the commit."""
    conditions = [UserSession.user_id == user_id]
    if keep_session_id is not None:
        conditions.append(UserSession.id != keep_session_id)
    return _revoke(*conditions)


def purge_ended(*, older_than_days: int, now=None) -> tuple[int, int]:
    """Delete sessions that ended (revoked or expired) and reset links that died (used or expired) more than
    `older_than_days` ago. Returns (sessions, reset links) deleted. Live ones are never touched."""
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    with uow.unit_of_work():
        sessions_gone = db.session.execute(
            delete(UserSession).where(or_(UserSession.revoked_at < cutoff, UserSession.expires_at < cutoff))
            .execution_options(synchronize_session=False)).rowcount
        resets_gone = db.session.execute(
            delete(PasswordReset).where(or_(PasswordReset.used_at < cutoff, PasswordReset.expires_at < cutoff))
            .execution_options(synchronize_session=False)).rowcount
    log.info("purged %d ended sessions and %d dead reset links", sessions_gone, resets_gone)
    return sessions_gone, resets_gone

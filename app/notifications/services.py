"""The one notification service every domain calls: store, push live, and email what matters.

    from app.notifications import services as notifications
    notifications.notify(user=owner, kind="invitation_accepted",
                         data={"name": member.name, "org": org.name, "org_kind": org.kind},
                         url=f"/startups/{org.id}")

`notify` adds its row to the caller's unit of work (`app.core.uow`; or commits it in one of its own when
there is none); once that commits it pushes `notification:new` to the user's socket room and, when the
kind is important (or the caller asks), queues the email, all in the user's language.
The kinds, their texts and which are important live in `app.notifications.kinds`.
`send_email` mails any address (invitations to people without an account, .ics files).
"""
import base64
import logging
from email.headerregistry import Address

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select, update

from app.accounts.models import User
from app.core import jobs, uow
from app.core.db import utcnow
from app.core.errors import NotFound
from app.core.realtime import emit_to_user
from app.extensions import db
from app.notifications import email as mail
from app.notifications import kinds
from app.notifications.models import Notification

log = logging.getLogger(__name__)


def notify(*, user: User, kind: str, data: dict | None = None, url: str | None = None,
           email: bool | None = None) -> Notification:
    """Store a notification for `user`, push it live, and email it when it matters.

    Email rule: `email=None` (the default) follows the kind, so important kinds (booking changes,
    quotes, reminders, invitations...) are emailed and the rest are not; `email=True` always
    emails and `email=False` never does. Deactivated users are never emailed. The row joins the open unit
    of work; the push and the email job follow its commit (none if it rolls back); the email is sent at
    most once per notification.
    """
    with uow.unit_of_work():
        note = Notification(user_id=user.id, kind=kind, data=dict(data or {}), url=url)
        db.session.add(note)
        db.session.flush()
        uow.after_commit(_push, note, user)
        wants_email = kinds.is_important(kind) if email is None else bool(email)
        if wants_email and user.is_active:
            uow.after_commit(jobs.enqueue, send_notification_email, notification_id=note.id)
    return note


def _push(note: Notification, user: User) -> None:
    """`notification:new` to the user's room (after the commit; a failure is logged, the row stays)."""
    emit_to_user(user.id, "notification:new", live_payload(note, user))


def live_payload(note: Notification, user: User) -> dict:
    """What `notification:new` carries, with the text in the recipient's language."""
    return {"id": note.id, "kind": note.kind, "text": kinds.render_for(user, note.kind, note.data).text,
            "data": note.data, "url": safe_url(note.url), "created_at": note.created_at.isoformat(),
            "unread_count": unread_count(user=user)}


def text_of(note: Notification, user: User | None = None) -> str:
    """The one-line text in the current language (the reader's own page or API call)."""
    return kinds.render(note.kind, note.data, user).text


def safe_url(url: str | None) -> str | None:
    """Only site-relative paths and http(s) links are shown as links (never `javascript:`)."""
    if not url:
        return None
    if (url.startswith("/") and not url.startswith("//")) or url.startswith(("https://", "http://")):
        return url
    return None


# Reading ------------------------------------------------------------------------------------

def unread_count(*, user: User) -> int:
    """How many of the user's notifications are unread (an indexed count)."""
    return db.session.scalar(select(func.count(Notification.id))
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def list_notifications(*, user: User, unread: bool = False) -> Select:
    """The query of the user's notifications, newest first (paginated by the caller)."""
    stmt = select(Notification).where(Notification.user_id == user.id)
    if unread:
        stmt = stmt.where(Notification.read_at.is_(None))
    return stmt.order_by(Notification.created_at.desc(), Notification.id.desc())


def mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications read. Someone else's is NotFound, not Forbidden."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != user.id:
        raise NotFound(_l("Notification not found."))
    if note.read_at is None:
        with uow.unit_of_work():
            note = db.session.get(Notification, notification_id)
            if note.read_at is None:
                note.read_at = utcnow()
                uow.after_commit(_push_read, user)
    return note


def mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user read. Returns how many changed."""
    with uow.unit_of_work():
        changed = db.session.execute(
            update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
            .values(read_at=utcnow())).rowcount
        if changed:
            uow.after_commit(_push_read, user)
    return changed


def _push_read(user: User) -> None:
    """Tell the user's other tabs to update their badge (after the commit)."""
    emit_to_user(user.id, "notification:read", {"unread_count": unread_count(user=user)})


# Email --------------------------------------------------------------------------------------

def send_email(*, to: str, subject: str, text: str, html: str | None = None,
               attachments: list[tuple[str, str, bytes]] | None = None) -> None:
    """Queue an email to any address (call it after your commit).

    `attachments` are `(filename, content_type, bytes)`, e.g. `("booking.ics", "text/calendar", data)`.
    """
    encoded = [[name, ctype, base64.b64encode(content).decode("ascii")] for name, ctype, content in attachments or []]
    jobs.enqueue(deliver_email, to=to, subject=subject, text=text, html=html, attachments=encoded)


def deliver_email(*, to: str, subject: str, text: str, html: str | None = None,
                  attachments: list | None = None) -> bool:
    """Job: build and send one email (attachments arrive base64-encoded, as jobs take JSON)."""
    files = [(name, ctype, base64.b64decode(content)) for name, ctype, content in attachments or []]
    return mail.deliver(mail.build_message(to=to, subject=subject, text=text, html=html, attachments=files))


def send_notification_email(*, notification_id: int) -> bool:
    """Job: email one notification to its user, at most once.

    The row is claimed with a conditional UPDATE (`emailed_at IS NULL`) before sending, so a job
    that runs twice, or two workers at once, send one email. A failed send gives the claim back.
    """
    note = db.session.get(Notification, notification_id)
    if note is None or note.emailed_at is not None:
        return False
    user = db.session.get(User, note.user_id)
    if user is None or not user.is_active:
        return False
    with uow.unit_of_work():
        claimed = db.session.execute(
            update(Notification).where(Notification.id == notification_id, Notification.emailed_at.is_(None))
            .values(emailed_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        return False
    if mail.deliver(notification_email(note, user)):
        return True
    with uow.unit_of_work():
        db.session.execute(update(Notification).where(Notification.id == notification_id)
                           .values(emailed_at=None).execution_options(synchronize_session=False))
    return False


def notification_email(note: Notification, user: User):
    """The email for a notification, rendered in the user's language and time zone."""
    locale = kinds.user_locale(user)
    with force_locale(locale):
        rendered = kinds.render(note.kind, note.data, user)
        context = {"user": user, "note": note, "rendered": rendered, "link": absolute_url(note.url),
                   "site_url": current_app.config["SITE_URL"], "lang": "zh-CN" if locale == "zh" else locale,
                   "sent_at": f"{kinds.format_time(note.created_at, user)} ({user.timezone})",
                   "list_url": absolute_url("/notifications")}
        text = render_template("email/notification.txt", **context)
        html = render_template("email/notification.html", **context)
    return mail.build_message(to=_recipient(user), subject=rendered.subject, text=text, html=html,
                              language=context["lang"])


def _recipient(user: User) -> Address | str:
    try:
        return Address(display_name=user.name, addr_spec=user.email)
    except (ValueError, IndexError):
        return user.email


def absolute_url(url: str | None) -> str | None:
    """A link for an email: site paths get SITE_URL in front."""
    url = safe_url(url)
    if url and url.startswith("/"):
        return current_app.config["SITE_URL"].rstrip("/") + url
    return url

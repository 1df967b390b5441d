"""Notification pages: the list, mark read, and the unread badge in every page's header."""
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import Blueprint, flash, has_request_context, redirect, render_template, request, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.db import utcnow
from app.core.pagination import MAX_PER_PAGE, paginate
from app.notifications import services

bp = Blueprint("notifications", __name__)
PER_PAGE = 20


def _int_arg(name: str, default: int, maximum: int) -> int:
    value = request.args.get(name, type=int)
    return min(max(value, 1), maximum) if value else default


@bp.route("/notifications")
@login_required
def index():
    """Your notifications, newest first; unread ones highlighted."""
    unread_only = request.args.get("unread") in ("1", "true")
    page = paginate(services.list_notifications(user=current_user, unread=unread_only),
                    page=_int_arg("page", 1, 100_000), per_page=_int_arg("per_page", PER_PAGE, MAX_PER_PAGE))
    entries = [{"note": note, "text": services.text_of(note), "url": services.safe_url(note.url)}
               for note in page.items]
    return render_template("notifications/index.html", page=page, entries=entries, unread_only=unread_only,
                           unread_total=services.unread_count(user=current_user))


def _back() -> str:
    """Return to the list page the form was on (same-site paths only)."""
    target = request.form.get("next") or ""
    if target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("notifications.index")


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: int):
    services.mark_read(user=current_user, notification_id=notification_id)
    return redirect(_back())


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def mark_all_read():
    marked = services.mark_all_read(user=current_user)
    if marked:
        flash(_("All notifications are marked as read."), "success")
    return redirect(_back())


@bp.app_template_filter("reltime")
def relative_time(value: datetime | None) -> str:
    """"5 minutes ago" in the current language."""
    if value is None:
        return ""
    delta = value - utcnow()
    if delta > -timedelta(minutes=1):
        return _("just now")
    return format_timedelta(delta, granularity="minute", add_direction=True)


def _unread_for_current_user() -> int:
    if not has_request_context() or not current_user.is_authenticated:
        return 0
    return services.unread_count(user=current_user)


@bp.app_context_processor
def notification_helpers():
    return {"unread_notifications": _unread_for_current_user}

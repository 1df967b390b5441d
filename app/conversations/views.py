"""Pages: the inbox, a conversation thread, the meeting offer form; answering offers and cancelling meetings."""
from datetime import datetime

import click
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts import organisations
from app.conversations import forms, meetings, services
from app.conversations.models import MeetingStatus, OfferStatus
from app.core.db import utcnow
from app.core.errors import AppError, Invalid
from app.core.pagination import paginate
from app.roadshows.forms import to_utc

bp = Blueprint("conversations", __name__)


def _me():
    return current_user._get_current_object()


@bp.app_context_processor
def conversation_helpers():
    return {"conversation_unread_total": _unread_total, "my_upcoming_meetings": _upcoming_meetings,
            "conversation_with": _conversation_with, "can_write_about": _can_write_about,
            "offer_status_label": offer_status_label,
            "meeting_status_label": meeting_status_label}


@bp.app_template_filter("fromiso")
def from_iso(value: str | None) -> datetime | None:
    """An ISO time stored in a message's data, back to a datetime (for `localdt`)."""
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _unread_total() -> int:
    return services.unread_total(current_user.id) if current_user.is_authenticated else 0


def _upcoming_meetings(limit: int = 50):
    if not current_user.is_authenticated:
        return []
    return paginate(meetings.list_meetings(user=_me(), scope="upcoming"), per_page=limit).items


def _can_write_about(pitch) -> bool:
    """Whether the viewer is one of the pitch's founders (who start conversations with interested investors)."""
    return current_user.is_authenticated and organisations.is_member(_me(), pitch.startup)


def _conversation_with(user_id: int, pitch_id: int | None):
    return services.find_conversation(user=_me(), other_id=user_id, pitch_id=pitch_id)


def offer_status_label(status: str) -> str:
    labels = {OfferStatus.PENDING: _("Waiting for an answer"), OfferStatus.ACCEPTED: _("Accepted"),
              OfferStatus.DECLINED: _("Declined"), OfferStatus.EXPIRED: _("Expired")}
    return labels.get(status, status)


def meeting_status_label(status: str) -> str:
    return {MeetingStatus.CONFIRMED: _("Confirmed"), MeetingStatus.CANCELLED: _("Cancelled")}.get(status, status)


def _safe_next(default: str) -> str:
    target = request.form.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else default


def _page_arg() -> int:
    try:
        return max(1, min(int(request.args.get("page", 1)), 100_000))
    except ValueError:
        return 1


# Inbox and thread --------------------------------------------------------------------------------

@bp.route("/conversations")
@login_required
def inbox():
    """Your conversations, latest first, unread ones marked."""
    page = paginate(services.list_conversations(user=_me()), page=_page_arg(), per_page=20)
    services.decorate(page.items, _me())
    return render_template("conversations/inbox.html", page=page)


@bp.route("/conversations/open", methods=["POST"])
@login_required
def open_conversation():
    """From an interest row: open (or reopen) the conversation, then show it or the offer form."""
    try:
        user_id = int(request.form.get("user_id", ""))
        pitch_id = int(request.form["pitch_id"]) if request.form.get("pitch_id") else None
    except ValueError:
        flash(_("That person could not be found."), "error")
        return redirect(_safe_next(url_for("conversations.inbox")))
    try:
        conversation, _created = services.open_conversation(actor=_me(), user_id=user_id, pitch_id=pitch_id)
    except AppError as error:
        flash(error.message, "error")
        return redirect(_safe_next(url_for("conversations.inbox")))
    if request.form.get("then") == "offer":
        return redirect(url_for("conversations.offer", conversation_id=conversation.id))
    return redirect(url_for("conversations.thread", conversation_id=conversation.id))


def _render_thread(conversation, form, status=200):
    me = _me()
    services.decorate([conversation], me)
    messages = services.recent_messages(conversation)
    return render_template("conversations/thread.html", conversation=conversation, messages=messages, form=form,
                           now=utcnow(), strings=_thread_strings(), can_offer=meetings.may_offer(me, conversation)
                           ), status


def _thread_strings() -> dict:
    return {"accepted": _("%(name)s accepted the time %(when)s.", name="{name}", when="{when}"),
            "declined": _("%(name)s declined the offer.", name="{name}"),
            "cancelled": _("%(name)s cancelled the meeting on %(when)s.", name="{name}", when="{when}"),
            "offer_title": _("Meeting offer"), "accept": _("Accept this time"), "decline": _("Decline all"),
            "where": _("Where"), "error": _("The message could not be sent."),
            "minutes": _("%(n)d min").replace("%(n)d", "{n}"), "hours": _("%(h)d h").replace("%(h)d", "{h}"),
            "hours_minutes": _("%(h)d h %(m)d min").replace("%(h)d", "{h}").replace("%(m)d", "{m}"),
            "statuses": {s: offer_status_label(s) for s in OfferStatus}}


@bp.route("/conversations/<int:conversation_id>")
@login_required
def thread(conversation_id: int):
    """A conversation: the thread (live), the meeting offers in it, a form to write."""
    conversation = services.get_conversation(user=_me(), conversation_id=conversation_id)
    services.mark_read(user=_me(), conversation_id=conversation.id)
    return _render_thread(conversation, forms.MessageForm())


@bp.route("/conversations/<int:conversation_id>/messages", methods=["POST"])
@login_required
def post_message(conversation_id: int):
    """Write without JavaScript (the page's script posts through the API instead)."""
    conversation = services.get_conversation(user=_me(), conversation_id=conversation_id)
    form = forms.MessageForm()
    if form.validate_on_submit():
        try:
            services.post_message(actor=_me(), conversation_id=conversation.id, body=form.body.data)
            return redirect(url_for("conversations.thread", conversation_id=conversation.id) + "#compose")
        except AppError as error:
            form.body.errors = [*(error.details.get("body") or [error.message])]
    return _render_thread(conversation, form, 422)


# Offers ------------------------------------------------------------------------------------------

@bp.route("/conversations/<int:conversation_id>/offer", methods=["GET", "POST"])
@login_required
def offer(conversation_id: int):
    """The founder offers up to five meeting times, checked against their own calendar."""
    conversation = services.get_conversation(user=_me(), conversation_id=conversation_id)
    if not meetings.may_offer(_me(), conversation):
        flash(_("Only the founder who started this conversation offers meeting times."), "error")
        return redirect(url_for("conversations.thread", conversation_id=conversation.id))
    form = forms.OfferForm()
    status, general = 200, []
    if form.validate_on_submit():
        rows = [(i, entry.form) for i, entry in enumerate(form.times) if entry.form.starts_at.data]
        times = [{"starts_at": to_utc(f.starts_at.data), "duration_minutes": f.duration_minutes.data} for _i, f in rows]
        try:
            meetings.make_offer(founder=_me(), conversation_id=conversation.id, times=times,
                                location=form.location.data or "", note=form.note.data or "")
            flash(_("Your meeting times were sent."), "success")
            return redirect(url_for("conversations.thread", conversation_id=conversation.id) + "#compose")
        except AppError as error:
            general = _attach_errors(form, rows, error)
            status = error.status_code
    elif request.method == "POST":
        status = 422
    services.decorate([conversation], _me())
    return render_template("conversations/offer.html", conversation=conversation, form=form, errors=general,
                           commitments=meetings.upcoming_commitments(_me())), status


def _attach_errors(form, rows, error: AppError) -> list[str]:
    """Put a service error's details on the form fields (per time row, location, note); return the rest."""
    details = error.details or {}
    general = [] if isinstance(error, Invalid) else [error.message]
    per_time = details.get("times")
    if isinstance(per_time, dict):
        for index, messages in per_time.items():
            if int(index) < len(rows):
                rows[int(index)][1].starts_at.errors = list(messages)
    elif per_time:
        general.extend(per_time)  # e.g. no time given at all
    for name in ("location", "note"):
        if details.get(name):
            getattr(form, name).errors = list(details[name])
    return general


def _redirect_to(offer_or_meeting, anchor: str = ""):
    return redirect(_safe_next(url_for("conversations.thread", conversation_id=offer_or_meeting.conversation_id)
                               + anchor))


@bp.route("/meeting-offers/<int:offer_id>/accept", methods=["POST"])
@login_required
def accept_offer(offer_id: int):
    """The invited person accepts one of the offered times (a form button per time)."""
    offer = meetings.get_offer(user=_me(), offer_id=offer_id)
    try:
        starts_at = datetime.fromisoformat(request.form.get("starts_at", ""))
        if starts_at.tzinfo is None:
            raise ValueError
    except ValueError:
        flash(_("Choose one of the offered times."), "error")
        return _redirect_to(offer, f"#offer-{offer.id}")
    try:
        meeting = meetings.accept_offer(investor=_me(), offer_id=offer.id, starts_at=starts_at)
        flash(_("Meeting confirmed. It is in your sessions, with a calendar file."), "success")
        return _redirect_to(meeting, f"#offer-{offer.id}")
    except AppError as error:
        flash(error.message, "error")
        return _redirect_to(offer, f"#offer-{offer.id}")


@bp.route("/meeting-offers/<int:offer_id>/decline", methods=["POST"])
@login_required
def decline_offer(offer_id: int):
    """The invited person declines the offer."""
    offer = meetings.get_offer(user=_me(), offer_id=offer_id)
    try:
        meetings.decline_offer(investor=_me(), offer_id=offer.id, reason=request.form.get("reason", ""))
        flash(_("You declined the meeting offer."), "info")
    except AppError as error:
        flash(error.message, "error")
    return _redirect_to(offer, f"#offer-{offer.id}")


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
@login_required
def cancel_meeting(meeting_id: int):
    """Either side cancels a confirmed meeting."""
    meeting = meetings.get_meeting(user=_me(), meeting_id=meeting_id)
    try:
        meetings.cancel_meeting(actor=_me(), meeting_id=meeting.id, reason=request.form.get("reason", ""))
        flash(_("The meeting is cancelled; the other person has been told."), "info")
    except AppError as error:
        flash(error.message, "error")
    return _redirect_to(meeting)


@bp.cli.command("send-reminders")
def send_reminders_command():
    """Send the meeting reminders that are due (run every few minutes from cron or a timer)."""
    click.echo(f"Sent {meetings.send_due_reminders()} reminder(s).")

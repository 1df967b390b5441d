"""Mentor directory, profiles, booking and session pages, the mentor's editors, the calendar feed."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import click
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app.accounts.models import Role
from app.core.db import utcnow
from app.core.errors import AppError, Invalid, NotFound
from app.core.security import no_store
from app.mentoring import bookings, calendar, day_preview, forms, locations, room, services
from app.mentoring.forms import LANGUAGE_LABELS
from app.mentoring.models import BookingStatus
from app.startups.forms import split_tags
from app.startups.labels import SECTOR_LABELS
from app.startups.services import startups_for

bp = Blueprint("mentoring", __name__)
DIRECTORY_PER_PAGE = 12
WEEKDAYS = [0, 1, 2, 3, 4, 5, 6]


@bp.app_context_processor
def mentoring_helpers():
    return {"booking_status_label": bookings.status_label, "no_show_open": bookings.no_show_open,
            "LANGUAGE_LABELS": LANGUAGE_LABELS,
            "location_label": locations.label, "describe_location": locations.describe,
            "public_location": lambda t: locations.describe(t.location_kind,
                                                            locations.public_detail(t.location_kind,
                                                                                    t.location_detail))}


def _me():
    return current_user._get_current_object()


def _zone() -> ZoneInfo:
    return ZoneInfo(str(get_timezone()))


def _back(default: str):
    target = request.form.get("next") or ""
    return redirect(target if target.startswith("/") and not target.startswith("//") else default)


# Directory and profile -----------------------------------------------------------------------

@bp.route("/mentors")
def directory():
    """The mentor directory: search by text, tag, sector and language."""
    args = request.args
    try:
        page = max(1, min(int(args.get("page", 1)), 100_000))
    except ValueError:
        page = 1
    filters = {"q": (args.get("q") or "").strip()[:200],
               "tag": " ".join((args.get("tag") or "").split()).lower()[:40] or None,
               "sector": args.get("sector") if args.get("sector") in SECTOR_LABELS else None,
               "language": args.get("language") if args.get("language") in LANGUAGE_LABELS else None,
               "gold": args.get("gold") in ("1", "true", "on")}
    result = services.search_mentors(**filters, page=page, per_page=DIRECTORY_PER_PAGE)
    services.decorate(result.items)
    return render_template("mentoring/directory.html", page=result, filters=filters,
                           filtered=any(filters.values()))


def _week_start(value: str | None) -> date:
    today = datetime.now(_zone()).date()
    try:
        chosen = date.fromisoformat(value) if value else today
    except ValueError:
        chosen = today
    return max(chosen, today)


@bp.route("/mentors/<int:mentor_id>")
def profile(mentor_id: int):
    """A mentor's profile: bio, tags, rating, sessions delivered, and a week of free slots to click."""
    mentor = services.decorate([services.get_mentor(mentor_id)])[0]
    types = services.list_session_types(mentor)
    chosen = next((t for t in types if str(t.id) == request.args.get("type")), types[0] if types else None)
    zone = _zone()
    week = _week_start(request.args.get("week"))
    days, next_slots = [], []
    if chosen is not None and current_user.is_authenticated:
        start = datetime.combine(week, datetime.min.time(), tzinfo=zone)
        found = services.list_slots(mentor_id=mentor_id, session_type_id=chosen.id, start=start,
                                    end=start + timedelta(days=7), include_full=chosen.capacity > 1)
        days = [(week + timedelta(days=i), []) for i in range(7)]
        for slot in found:
            local = slot.starts_at.astimezone(zone)
            index = (local.date() - week).days
            if 0 <= index < 7:
                days[index][1].append((slot, local))
    if current_user.is_authenticated:
        next_slots = [(t, s, s.starts_at.astimezone(zone)) for t, s in services.next_free_slots(mentor)]
    return render_template("mentoring/profile.html", mentor=mentor, types=types, chosen=chosen, days=days,
                           week=week, prev_week=week - timedelta(days=7) if week > datetime.now(zone).date() else None,
                           next_week=week + timedelta(days=7), next_slots=next_slots,
                           can_book=current_user.is_authenticated and current_user.role == Role.FOUNDER)


@bp.route("/mentors/<int:mentor_id>/book", methods=["GET", "POST"])
@login_required
def book(mentor_id: int):
    """Confirm a slot picked in the week view: topic and startup, then book."""
    mentor = services.get_mentor(mentor_id)
    try:
        session_type = services.get_session_type(mentor, int(request.values.get("type", 0)))
        starts_at = datetime.fromisoformat(request.values.get("at", ""))
        if starts_at.tzinfo is None:
            raise ValueError
    except (ValueError, TypeError, NotFound):
        if request.method == "POST":
            abort(404)
        # No slot picked yet (a "Book" link from elsewhere): the week view is where one picks it.
        return redirect(url_for("mentoring.profile", mentor_id=mentor_id, type=request.args.get("type"),
                                _anchor="book-h"))
    form = forms.BookingForm()
    form.startup_id.choices = [SelectChoice("", _("No startup"))] + [SelectChoice(str(s.id), s.name)
                                                                      for s in startups_for(_me())]
    if form.validate_on_submit():
        try:
            booking = bookings.book(founder=_me(), session_type_id=session_type.id, starts_at=starts_at,
                                    topic=form.topic.data or "", startup_id=int(form.startup_id.data)
                                    if form.startup_id.data else None)
        except AppError as error:
            flash(error.message, "error")
        else:
            flash(_("Your request has been sent to the mentor.") if booking.status == BookingStatus.REQUESTED
                  else _("Booked. The confirmation is in your inbox."), "success")
            return redirect(url_for("mentoring.session", booking_id=booking.id))
    return render_template("mentoring/book.html", mentor=mentor, session_type=session_type,
                           starts_at=starts_at.astimezone(_zone()),
                           ends_at=(starts_at + timedelta(minutes=session_type.duration_minutes)).astimezone(_zone()),
                           form=form)


@bp.route("/mentors/<int:mentor_id>/waitlist", methods=["POST"])
@login_required
def join_waitlist(mentor_id: int):
    """Join the waitlist of a full open-day slot."""
    try:
        entry = bookings.join_waitlist(founder=_me(), session_type_id=int(request.form.get("type", 0)),
                                       starts_at=datetime.fromisoformat(request.form.get("at", "")))
    except ValueError:
        abort(404)
    except AppError as error:
        flash(error.message, "error")
    else:
        flash(_("You are number %(n)d on the waitlist. If a seat frees up, it is yours and we will tell you.",
                n=bookings.waitlist_position(entry)), "success")
    return redirect(url_for("mentoring.profile", mentor_id=mentor_id, type=request.form.get("type")))


# My sessions ---------------------------------------------------------------------------------

@bp.route("/sessions")
@login_required
def my_sessions():
    """Upcoming, awaiting approval and past sessions, as founder or mentor."""
    scope = request.args.get("scope") if request.args.get("scope") in ("upcoming", "pending", "past") else "upcoming"
    try:
        page = max(1, min(int(request.args.get("page", 1)), 100_000))
    except ValueError:
        page = 1
    result = bookings.list_bookings(user=_me(), scope=scope, page=page, per_page=20)
    counts = {s: bookings.list_bookings(user=_me(), scope=s, per_page=1).total for s in ("upcoming", "pending")}
    feed = calendar.feed_for(_me(), create=False)
    return render_template("mentoring/sessions.html", page=result, scope=scope, counts=counts, now=utcnow(),
                           feed_url=calendar.feed_url(feed) if feed else None)


@bp.route("/sessions/<int:booking_id>")
@login_required
def session(booking_id: int, reschedule_form=None):
    """One booking: its state, the moves open to you, reschedule, feedback."""
    booking = bookings.get_booking(user=_me(), booking_id=booking_id)
    side = "founder" if booking.founder_id == current_user.id else (
        "mentor" if booking.mentor.user_id == current_user.id else None)
    reschedule_slots = []
    if booking.status in bookings.ACTIVE_STATUSES and booking.starts_at > datetime.now(_zone()):
        from app.mentoring import slots as slot_engine
        now = datetime.now(_zone())
        found = slot_engine.compute_slots(booking.mentor, booking.session_type, now, now + timedelta(days=14), now=now,
                                          exclude_booking_id=booking.id)
        reschedule_slots = [(s, s.starts_at.astimezone(_zone())) for s in found
                            if s.starts_at != booking.starts_at][:40]
    reschedule_form = reschedule_form or forms.RescheduleForm(formdata=None)
    given = {f.side for f in booking.feedback}
    return render_template("mentoring/session.html", booking=booking, side=side, now=datetime.now(_zone()),
                           brief=room.brief(booking), feedback=bookings.visible_feedback(booking, _me()),
                           feedback_waiting=len(booking.feedback) > len(bookings.visible_feedback(booking, _me())),
                           reschedule_slots=reschedule_slots, reschedule_form=reschedule_form,
                           can_give_feedback=side and side not in given and booking.status == BookingStatus.COMPLETED)


MOVES = {
    "confirm": (lambda u, b, f: bookings.confirm(mentor=u, booking_id=b), _l("Session confirmed.")),
    "decline": (lambda u, b, f: bookings.decline(mentor=u, booking_id=b, reason=f.get("reason", "")),
                _l("Request declined.")),
    "cancel": (lambda u, b, f: bookings.cancel(actor=u, booking_id=b, reason=f.get("reason", "")),
               _l("Session cancelled.")),
    "complete": (lambda u, b, f: bookings.complete(mentor=u, booking_id=b), _l("Marked as completed.")),
    "no-show": (lambda u, b, f: bookings.mark_no_show(actor=u, booking_id=b), _l("Marked as no-show.")),
}


@bp.route("/sessions/<int:booking_id>/<any(confirm, decline, cancel, complete, 'no-show'):action>",
          methods=["POST"])
@login_required
def move(booking_id: int, action: str):
    """A button on My sessions or the session page."""
    func, message = MOVES[action]
    try:
        func(_me(), booking_id, request.form)
    except AppError as error:
        flash(error.message, "error")
    else:
        flash(str(message), "success")
    return _back(url_for("mentoring.session", booking_id=booking_id))


@bp.route("/sessions/<int:booking_id>/reschedule", methods=["POST"])
@login_required
def reschedule(booking_id: int):
    """Move a booking to one of the free slots; refused, the session page again with the choice marked."""
    form = forms.RescheduleForm()
    if form.validate_on_submit():
        try:
            bookings.reschedule(actor=_me(), booking_id=booking_id, starts_at=_slot_time(form.starts_at.data))
        except AppError as error:
            form.starts_at.errors = [*form.starts_at.errors, str(error.message)]
        else:
            flash(_("Session moved."), "success")
            return redirect(url_for("mentoring.session", booking_id=booking_id))
    return session(booking_id, reschedule_form=form), 422


def _slot_time(value: str) -> datetime:
    """A slot's ISO time as the page sent it; Invalid when it is not one."""
    try:
        starts_at = datetime.fromisoformat(value)
    except ValueError:
        starts_at = None
    if starts_at is None or starts_at.tzinfo is None:
        raise Invalid(_l("Pick one of the free slots."))
    return starts_at


@bp.route("/sessions/<int:booking_id>/feedback", methods=["POST"])
@login_required
def feedback(booking_id: int):
    try:
        rating = int(request.form.get("rating", 0))
        bookings.give_feedback(author=_me(), booking_id=booking_id, rating=rating,
                               comment=request.form.get("comment", "")[:5000])
    except ValueError:
        flash(_("Give 1 to 5 stars."), "error")
    except AppError as error:
        flash(error.message, "error")
    else:
        flash(_("Thank you for your feedback."), "success")
    return redirect(url_for("mentoring.session", booking_id=booking_id))


@bp.route("/sessions/<int:booking_id>/ics")
@login_required
def session_ics(booking_id: int):
    booking = bookings.get_booking(user=_me(), booking_id=booking_id)
    return Response(calendar.booking_ics(booking), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="booking-{booking.id}.ics"'})


@bp.route("/sessions/calendar-feed", methods=["POST"])
@login_required
def regenerate_feed():
    """Create or replace the personal feed URL."""
    calendar.regenerate_feed(user=_me())
    flash(_("Your calendar feed has a new address; the old one no longer works."), "success")
    return redirect(url_for("mentoring.my_sessions"))


@bp.route("/calendar/<token>.ics")
@no_store
def calendar_feed(token: str):
    """A personal iCalendar feed; the secret token in the URL is the only credential."""
    return Response(calendar.feed_ics(token[:100]), mimetype="text/calendar")


@bp.route("/mentoring/scorecard")
@login_required
def scorecard_page():
    """Admins: the mentor scorecard, sortable by any column."""
    from app.mentoring import scorecard
    sort = request.args.get("sort") if request.args.get("sort") in scorecard.SORTS else "sessions_delivered"
    order = "asc" if request.args.get("order") == "asc" else "desc"
    if not current_user.is_admin:
        abort(403)
    rows = scorecard.scorecard(actor=_me(), sort=sort, descending=order == "desc")
    return render_template("mentoring/scorecard.html", rows=rows, sort=sort, order=order)


# The mentor's editors -------------------------------------------------------------------------

def _require_mentor():
    if not services.is_mentor(current_user):
        abort(403)
    return services.ensure_profile(_me())


@bp.route("/mentoring/profile", methods=["GET", "POST"])
@login_required
def edit_profile():
    """The mentor's public profile."""
    profile = _require_mentor()
    form = forms.MentorProfileForm(obj=profile if request.method == "GET" else None)
    if request.method == "GET":
        form.tags.data = ", ".join(profile.tags or [])
    if form.validate_on_submit():
        try:
            services.update_my_profile(mentor=_me(), headline=form.headline.data or "", bio=form.bio.data or "",
                                       tags=split_tags(form.tags.data), sectors=form.sectors.data,
                                       languages=form.languages.data, timezone=form.timezone.data,
                                       keep=form.keep.data)
        except AppError as error:
            for key, messages in error.details.items():
                if hasattr(form, key):
                    getattr(form, key).errors = list(messages)
            flash(error.message, "error")
        else:
            flash(_("Profile saved."), "success")
            return redirect(url_for("mentoring.edit_profile"))
    return render_template("mentoring/edit_profile.html", form=form, profile=profile)


@bp.route("/mentoring/availability", methods=["GET", "POST"])
@login_required
def availability():
    """Weekly windows (one line of ranges per day), the time zone, and date overrides: three forms on one page,
    told apart by `form`; the one sent comes back with what was typed when it is refused."""
    profile = _require_mentor()
    sent = request.form.get("form") if request.method == "POST" else None
    week_form = forms.WeekForm() if sent == "week" else forms.WeekForm(formdata=None, data=_week_text(profile))
    zone_form = forms.ZoneForm() if sent == "zone" else forms.ZoneForm(formdata=None, timezone=profile.timezone)
    override_form = forms.OverrideForm(prefix="o") if sent not in ("week", "zone") else \
        forms.OverrideForm(prefix="o", formdata=None)
    if sent == "week" and week_form.validate_on_submit():
        try:
            services.replace_week(mentor=_me(), windows=week_form.windows())
        except AppError as error:
            _form_errors(week_form, error)
        else:
            flash(_("Weekly hours saved."), "success")
            return redirect(url_for("mentoring.availability"))
    elif sent == "zone" and zone_form.validate_on_submit():
        try:
            services.update_my_profile(mentor=_me(), timezone=zone_form.timezone.data, keep=zone_form.keep.data)
        except AppError as error:
            _form_errors(zone_form, error)
        else:
            flash(_("Time zone changed."), "success")
            return redirect(url_for("mentoring.availability"))
    elif request.method == "POST" and sent not in ("week", "zone") and override_form.validate_on_submit():
        zone = ZoneInfo(profile.timezone)
        try:
            services.add_override(mentor=_me(), starts_at=override_form.starts_at.data.replace(tzinfo=zone),
                                  ends_at=override_form.ends_at.data.replace(tzinfo=zone),
                                  available=override_form.available.data != "0",
                                  replaces_day=override_form.available.data == "replace",
                                  note=override_form.note.data or "")
        except AppError as error:
            _form_errors(override_form, error)
        else:
            flash(_("Override added."), "success")
            return redirect(url_for("mentoring.availability"))
    from app.core.i18n import timezone_choices
    return render_template("mentoring/availability.html", profile=profile, week_form=week_form, zone_form=zone_form,
                           override_form=override_form, timezones=timezone_choices(),
                           zone=ZoneInfo(profile.timezone), preview=_day_preview(profile)), \
        422 if request.method == "POST" else 200


def _week_text(profile) -> dict[str, str]:
    """The weekly hours as the editor shows them: `day0` (Monday) … `day6`, ranges separated by commas."""
    return {f"day{day}": ", ".join(f"{w.start_time.strftime('%H:%M')}-"
                                   f"{w.end_time.strftime('%H:%M') if w.end_time.second == 0 else '24:00'}"
                                   for w in profile.windows if w.weekday == day) for day in WEEKDAYS}


def _day_preview(profile):
    """The chosen day (?day=YYYY-MM-DD, default today in the mentor's zone) with a session type's slots."""
    zone = ZoneInfo(profile.timezone)
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        day = None
    today = datetime.now(zone).date()
    if day is None or abs((day - today).days) > 3660:
        day = today
    types = services.list_session_types(profile)
    chosen = next((t for t in types if str(t.id) == request.args.get("type")), types[0] if types else None)
    return day_preview.preview(profile, day, chosen) | {"types": types, "chosen": chosen}


@bp.route("/mentoring/overrides/<int:override_id>/delete", methods=["POST"])
@login_required
def delete_override(override_id: int):
    try:
        services.delete_override(mentor=_me(), override_id=override_id)
    except AppError as error:
        flash(error.message, "error")
    return redirect(url_for("mentoring.availability"))


@bp.route("/mentoring/session-types", methods=["GET", "POST"])
@login_required
def session_types():
    """The mentor's session types, and a form to add one."""
    profile = _require_mentor()
    form = forms.SessionTypeForm()
    if form.validate_on_submit():
        try:
            services.create_session_type(mentor=_me(), **form.service_fields())
        except AppError as error:
            _form_errors(form, error)
        else:
            flash(_("Session type added."), "success")
            return redirect(url_for("mentoring.session_types"))
    return render_template("mentoring/session_types.html", profile=profile, form=form,
                           types=services.list_session_types(profile, active_only=False))


@bp.route("/mentoring/session-types/<int:session_type_id>", methods=["GET", "POST"])
@login_required
def edit_session_type(session_type_id: int):
    profile = _require_mentor()
    session_type = next((t for t in profile.session_types if t.id == session_type_id), None)
    if session_type is None:
        abort(404)
    form = forms.SessionTypeForm(obj=session_type)
    if form.validate_on_submit():
        try:
            services.update_session_type(mentor=_me(), session_type_id=session_type_id, **form.service_fields())
        except AppError as error:
            _form_errors(form, error)
        else:
            flash(_("Session type saved."), "success")
            return redirect(url_for("mentoring.session_types"))
    return render_template("mentoring/session_type_form.html", form=form, session_type=session_type)


def _form_errors(form, error: AppError) -> None:
    """Show a service's field errors on the form's fields (what was typed stays), the rest as a message."""
    rest = []
    for key, messages in (error.details or {}).items():
        if hasattr(form, key) and isinstance(messages, list):
            getattr(form, key).errors = [str(m) for m in messages]
        else:
            rest.extend(str(m) for m in (messages if isinstance(messages, list) else [messages]))
    flash(" ".join([error.message, *rest]), "error")


@bp.route("/mentoring/session-types/<int:session_type_id>/delete", methods=["POST"])
@login_required
def delete_session_type(session_type_id: int):
    try:
        services.delete_session_type(mentor=_me(), session_type_id=session_type_id)
    except AppError as error:
        flash(error.message, "error")
    else:
        flash(_("Session type removed."), "success")
    return redirect(url_for("mentoring.session_types"))


@bp.cli.command("close-sessions")
def close_sessions_command() -> None:
    """Complete the sessions that have ended (unless a no-show was reported) and ask both sides to rate them,
    once each (safe to run often and from several workers)."""
    from app.mentoring.session_end import close_ended_sessions
    click.echo(f"Closed {close_ended_sessions()} session(s).")


@bp.cli.command("send-reminders")
def send_reminders_command() -> None:
    """Send the due 24 h and 1 h session reminders (safe to run often and from several workers)."""
    from app.mentoring.reminders import send_due_reminders
    click.echo(f"Sent {send_due_reminders()} reminder(s).")

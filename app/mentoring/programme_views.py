"""The mentor programme's pages: open days (list, page, take a seat, leave), scheduling them (admins), and the
gold-mentor criteria (admins)."""
from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.accounts.models import Role, User
from app.core.db import utcnow
from app.core.errors import AppError
from app.extensions import db
from app.mentoring import forms, gold, open_days
from app.roadshows.forms import to_utc

bp = Blueprint("programme", __name__)


def _me():
    return current_user._get_current_object()


def _viewer():
    return _me() if current_user.is_authenticated else None


def _require_admin() -> None:
    if not current_user.is_admin:
        abort(403)


# Open days -----------------------------------------------------------------------------------

@bp.route("/open-days")
def open_days_page():
    """Upcoming open days with seats left; a founder sees their place and the buttons to take or leave one."""
    try:
        page_no = max(1, min(int(request.args.get("page", 1)), 100_000))
    except ValueError:
        page_no = 1
    page = open_days.list_open_days(scope="upcoming", page=page_no, per_page=20)
    return render_template("mentoring/open_days.html", page=page, days=_cards(page.items))


@bp.route("/open-days/<int:open_day_id>")
def open_day_page(open_day_id: int):
    """One open day; its mentors and admins also see who has a seat and who waits."""
    day = open_days.get_open_day(open_day_id)
    viewer = _viewer()
    organiser = viewer is not None and (viewer.is_admin or any(m.id == viewer.id for m in day.mentors))
    return render_template("mentoring/open_day.html", day=day, card=_cards([day])[0], organiser=organiser,
                           seated=[p for p in day.places if p.seat_no is not None], waiting=open_days.waitlist(day))


def _cards(days) -> list[dict]:
    from app.mentoring import services
    profiles = {p.user_id: p for p in services.decorate(
        [p for p in (services.profile_for(m) for d in days for m in d.mentors) if p is not None])}
    return [{"day": d, **open_days.summary(d, _viewer()),
             "gold": {m.id for m in d.mentors if getattr(profiles.get(m.id), "is_gold", False)}} for d in days]


@bp.route("/open-days/<int:open_day_id>/take", methods=["POST"])
@login_required
def take_seat(open_day_id: int):
    try:
        place = open_days.take_seat(founder=_me(), open_day_id=open_day_id,
                                    topic=request.form.get("topic", "")[:500])
    except AppError as error:
        flash(error.message, "error")
    else:
        if place.seat_no is not None:
            flash(_("You have a seat. The invitation is in your inbox."), "success")
        else:
            flash(_("The seats are taken: you are number %(n)d on the waitlist. If a seat frees up, it is yours "
                    "and we will tell you.", n=open_days.position(place)), "success")
    return _back(open_day_id)


@bp.route("/open-days/<int:open_day_id>/leave", methods=["POST"])
@login_required
def leave(open_day_id: int):
    try:
        open_days.leave(founder=_me(), open_day_id=open_day_id)
    except AppError as error:
        flash(error.message, "error")
    else:
        flash(_("You have left the open day."), "success")
    return _back(open_day_id)


def _back(open_day_id: int):
    target = request.form.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(url_for("programme.open_day_page", open_day_id=open_day_id))


# Admins: scheduling and gold criteria ---------------------------------------------------------

@bp.route("/admin/open-days", methods=["GET", "POST"])
@login_required
def admin_open_days():
    """Schedule an open day; the list of every open day, with cancel."""
    _require_admin()
    form = forms.OpenDayForm()
    mentors = db.session.scalars(select(User).where(User.role == Role.MENTOR, User.is_active_account.is_(True))
                                 .order_by(User.name)).all()
    form.mentor_ids.choices = [SelectChoice(m.id, m.name) for m in mentors]
    if form.validate_on_submit():
        try:
            day = open_days.schedule(admin=_me(), title=form.title.data, description=form.description.data or "",
                                     starts_at=to_utc(form.starts_at.data), ends_at=to_utc(form.ends_at.data),
                                     seats=form.seats.data, mentor_ids=form.mentor_ids.data,
                                     location=form.location.data or "")
        except AppError as error:
            for key, messages in (error.details or {}).items():
                if hasattr(form, key):
                    getattr(form, key).errors = [str(m) for m in messages]
            flash(error.message, "error")
        else:
            flash(_("Open day scheduled. The mentors have their invitations."), "success")
            return redirect(url_for("programme.open_day_page", open_day_id=day.id))
    page = open_days.list_open_days(scope="all", per_page=50)
    return render_template("mentoring/admin_open_days.html", form=form, days=_cards(page.items), now=utcnow())


@bp.route("/admin/open-days/<int:open_day_id>/cancel", methods=["POST"])
@login_required
def cancel_open_day(open_day_id: int):
    _require_admin()
    try:
        open_days.cancel(admin=_me(), open_day_id=open_day_id)
    except AppError as error:
        flash(error.message, "error")
    else:
        flash(_("Open day cancelled. Everyone with a place has been told."), "success")
    return redirect(url_for("programme.admin_open_days"))


@bp.route("/mentoring/gold-criteria", methods=["GET", "POST"])
@login_required
def gold_criteria():
    """The thresholds of the gold-mentor tier, and who meets them now."""
    _require_admin()
    criteria = gold.current_criteria()
    form = forms.GoldCriteriaForm()
    if request.method == "GET":
        form.min_sessions.data, form.min_rating.data = criteria.min_sessions, Decimal(str(criteria.min_rating))
        form.max_no_show_percent.data = round(criteria.max_no_show_rate * 100)
    if form.validate_on_submit():
        try:
            gold.set_criteria(actor=_me(), min_sessions=form.min_sessions.data, min_rating=float(form.min_rating.data),
                              max_no_show_rate=form.max_no_show_percent.data / 100)
        except AppError as error:
            flash(error.message, "error")
        else:
            flash(_("Gold-mentor criteria saved."), "success")
            return redirect(url_for("programme.gold_criteria"))
    from app.mentoring.models import MentorProfile
    from app.mentoring.services import decorate
    ids = gold.gold_profile_ids()
    gold_mentors = decorate(list(db.session.scalars(select(MentorProfile).where(MentorProfile.id.in_(ids))))) \
        if ids else []
    return render_template("mentoring/gold_criteria.html", form=form, gold_mentors=gold_mentors)

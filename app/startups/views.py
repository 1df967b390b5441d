"""Startup pages: the public showcase and profiles, the founder's startups, editing, members."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts import organisations
from app.accounts.organisations_views import apply_service_errors, members_page
from app.core.errors import AppError, PermissionDenied
from app.core.pagination import MAX_PER_PAGE
from app.startups import forms, services
from app.startups.labels import SECTOR_LABELS, STAGE_LABELS, sector_label, stage_label

bp = Blueprint("startups", __name__)
SHOWCASE_PER_PAGE = 12


@bp.app_context_processor
def startup_helpers():
    return {"sector_label": sector_label, "stage_label": stage_label, "SECTOR_LABELS": SECTOR_LABELS,
            "STAGE_LABELS": STAGE_LABELS}


def _me():
    return current_user._get_current_object()


def _showcase_args() -> dict:
    """The showcase filters from the query string; unknown values are ignored, not errors."""
    args = request.args
    try:
        page = max(1, min(int(args.get("page", 1)), 100_000))
    except ValueError:
        page = 1
    sector = args.get("sector") if args.get("sector") in SECTOR_LABELS else None
    stage = args.get("stage") if args.get("stage") in STAGE_LABELS else None
    return {"q": (args.get("q") or "").strip()[:200], "sector": sector, "stage": stage,
            "tag": " ".join((args.get("tag") or "").split()).lower()[:services.MAX_TAG_LENGTH] or None,
            "page": page, "per_page": min(SHOWCASE_PER_PAGE, MAX_PER_PAGE)}


@bp.route("/showcase")
def showcase():
    """The public gallery of startups: search, filter by sector, stage and tag."""
    filters = _showcase_args()
    result = services.search_startups(**filters)
    tags = services.popular_tags()
    if filters["tag"] and filters["tag"] not in tags:
        tags.insert(0, filters["tag"])

    def link(**changes):
        """The showcase URL with some filters changed (None removes one); the page starts over."""
        params = {k: v for k, v in filters.items() if k not in ("page", "per_page") and v}
        params.update(changes)
        return url_for("startups.showcase", **{k: v for k, v in params.items() if v})

    return render_template("startups/showcase.html", page=result, filters=filters, tags=tags, link=link,
                           filtered=any(filters[k] for k in ("q", "sector", "stage", "tag")))


@bp.route("/startups/<int:startup_id>")
def detail(startup_id: int):
    """A startup's public page."""
    startup = services.get_startup(startup_id)
    return render_template("startups/detail.html", startup=startup,
                           members=organisations.sorted_members(startup),
                           can_edit=organisations.can_edit(current_user, startup))


@bp.route("/startups/mine")
@login_required
def mine():
    """The signed-in user's startups, and a way to create one (founders)."""
    return render_template("startups/mine.html", startups=services.startups_for(_me()),
                           can_create=services.can_create_startup(_me()))


@bp.route("/startups/new", methods=["GET", "POST"])
@login_required
def new():
    if not services.can_create_startup(_me()):
        raise PermissionDenied(_("Only founders can create a startup profile."), code="founders_only")
    form = forms.StartupForm()
    if form.validate_on_submit():
        try:
            startup = services.create_startup(founder=_me(), **form.service_fields())
        except AppError as error:
            apply_service_errors(form, error)
        else:
            flash(_("Startup created. Invite your co-founders from the members page."), "success")
            return redirect(url_for("startups.detail", startup_id=startup.id))
    status = 422 if request.method == "POST" else 200
    return render_template("startups/form.html", form=form, startup=None), status


@bp.route("/startups/<int:startup_id>/edit", methods=["GET", "POST"])
@login_required
def edit(startup_id: int):
    startup = services.get_startup(startup_id)
    organisations.require_member(_me(), startup)
    form = forms.StartupForm(obj=startup if request.method == "GET" else None)
    if request.method == "GET":
        form.tags.data = ", ".join(startup.tags or [])
    if form.validate_on_submit():
        try:
            services.update_startup(actor=_me(), startup_id=startup.id, **form.service_fields())
        except AppError as error:
            apply_service_errors(form, error)
        else:
            flash(_("Startup profile saved."), "success")
            return redirect(url_for("startups.detail", startup_id=startup.id))
    status = 422 if request.method == "POST" else 200
    return render_template("startups/form.html", form=form, startup=startup), status


@bp.route("/startups/<int:startup_id>/members", methods=["GET", "POST"])
@login_required
def members(startup_id: int):
    """The team: invitations and member moves for the owner; leaving for members."""
    return members_page(services.get_startup(startup_id), "startups/members.html")

"""Admin pages: the overview, the users list and the organisations list, with their actions."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.models import OrgKind
from app.admin import forms, services
from app.core.errors import AppError
from app.core.pagination import paginate

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 25
MAX_PAGE = 100_000


def _page_number() -> int:
    return min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)


def _back(default_endpoint: str):
    """Redirect to the list the action came from (its filters and page kept), admin pages only."""
    target = request.form.get("next") or ""
    parts = urlsplit(target)
    if not parts.scheme and not parts.netloc and parts.path.startswith(url_for(default_endpoint)):
        return redirect(target)
    return redirect(url_for(default_endpoint))


def _act(move, success, default_endpoint: str, **kwargs):
    """Run an admin move, flash its outcome (or why it was refused: 409) and go back to the list.

    :param success: a callable giving the message for the changed user or organisation.
    """
    try:
        subject = move(actor=current_user, **kwargs)
    except AppError as error:
        if error.status_code != 409:
            raise
        flash(error.message, "error")
    else:
        flash(success(subject), "success")
    return _back(default_endpoint)


def org_page_url(org) -> str:
    """The public page of a startup or a provider organisation."""
    if org.kind == OrgKind.STARTUP:
        return url_for("startups.detail", startup_id=org.id)
    return url_for("providers.detail", provider_id=org.id)


@bp.route("/")
@login_required
def index():
    counts = services.overview(actor=current_user)
    return render_template("admin/index.html", counts=counts)


@bp.route("/users")
@login_required
def users():
    form = forms.UserFilterForm(formdata=request.args)
    filters = form.filters()
    verified = filters.pop("verified", None)
    stmt = services.list_users(actor=current_user, verified=None if verified is None else verified == "true",
                               **filters)
    page = paginate(stmt, page=_page_number(), per_page=PER_PAGE)
    return render_template("admin/users.html", form=form, page=page, filtered=bool(filters) or verified is not None)


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@login_required
def deactivate_user(user_id: int):
    return _act(services.deactivate_user,
                lambda u: _("%(name)s is deactivated and can no longer sign in.", name=u.name),
                "admin.users", user_id=user_id)


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@login_required
def reactivate_user(user_id: int):
    return _act(services.reactivate_user, lambda u: _("%(name)s can sign in again.", name=u.name),
                "admin.users", user_id=user_id)


@bp.route("/users/<int:user_id>/verify", methods=["POST"])
@login_required
def verify_user(user_id: int):
    return _act(services.verify_mentor, lambda u: _("%(name)s now carries the verified badge.", name=u.name),
                "admin.users", user_id=user_id)


@bp.route("/users/<int:user_id>/unverify", methods=["POST"])
@login_required
def unverify_user(user_id: int):
    return _act(services.unverify_mentor, lambda u: _("%(name)s no longer carries the verified badge.", name=u.name),
                "admin.users", user_id=user_id)


@bp.route("/organisations")
@login_required
def organisations():
    form = forms.OrganisationFilterForm(formdata=request.args)
    filters = form.filters()
    verified = filters.pop("verified", None)
    stmt = services.list_organisations(actor=current_user,
                                       verified=None if verified is None else verified == "true", **filters)
    page = paginate(stmt, page=_page_number(), per_page=PER_PAGE)
    return render_template("admin/organisations.html", form=form, page=page, org_page_url=org_page_url,
                           filtered=bool(filters) or verified is not None)


@bp.route("/organisations/<int:organisation_id>/verify", methods=["POST"])
@login_required
def verify_organisation(organisation_id: int):
    return _act(services.set_organisation_verified,
                lambda o: _("%(name)s now carries the verified badge.", name=o.name),
                "admin.organisations", organisation_id=organisation_id, verified=True)


@bp.route("/organisations/<int:organisation_id>/unverify", methods=["POST"])
@login_required
def unverify_organisation(organisation_id: int):
    return _act(services.set_organisation_verified,
                lambda o: _("%(name)s no longer carries the verified badge.", name=o.name),
                "admin.organisations", organisation_id=organisation_id, verified=False)

"""Provider organisation pages: public profile, the provider's organisations, editing, members."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts import organisations
from app.accounts.organisations_views import apply_service_errors, members_page
from app.core.errors import AppError, PermissionDenied
from app.providers import forms, services

bp = Blueprint("providers", __name__)


def _me():
    return current_user._get_current_object()


@bp.route("/providers/<int:provider_id>")
def detail(provider_id: int):
    """A provider organisation's public page."""
    provider = services.get_provider(provider_id)
    return render_template("providers/detail.html", provider=provider,
                           members=organisations.sorted_members(provider),
                           can_edit=organisations.can_edit(current_user, provider),
                           # admins may edit the organisation, but listing resources is its members' work
                           can_list=organisations.is_member(current_user, provider))


@bp.route("/providers/mine")
@login_required
def mine():
    """The signed-in user's provider organisations, and a way to create one (providers)."""
    return render_template("providers/mine.html", providers=services.providers_for(_me()),
                           can_create=services.can_create_provider(_me()))


@bp.route("/providers/new", methods=["GET", "POST"])
@login_required
def new():
    if not services.can_create_provider(_me()):
        raise PermissionDenied(_("Only service providers can create a provider organisation."), code="providers_only")
    form = forms.ProviderForm()
    if form.validate_on_submit():
        try:
            provider = services.create_provider(actor=_me(), **form.service_fields())
        except AppError as error:
            apply_service_errors(form, error)
        else:
            flash(_("Organisation created. Invite your colleagues from the members page."), "success")
            return redirect(url_for("providers.detail", provider_id=provider.id))
    status = 422 if request.method == "POST" else 200
    return render_template("providers/form.html", form=form, provider=None), status


@bp.route("/providers/<int:provider_id>/edit", methods=["GET", "POST"])
@login_required
def edit(provider_id: int):
    provider = services.get_provider(provider_id)
    organisations.require_member(_me(), provider)
    form = forms.ProviderForm(obj=provider if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.update_provider(actor=_me(), provider_id=provider.id, **form.service_fields())
        except AppError as error:
            apply_service_errors(form, error)
        else:
            flash(_("Organisation profile saved."), "success")
            return redirect(url_for("providers.detail", provider_id=provider.id))
    status = 422 if request.method == "POST" else 200
    return render_template("providers/form.html", form=form, provider=provider), status


@bp.route("/providers/<int:provider_id>/members", methods=["GET", "POST"])
@login_required
def members(provider_id: int):
    """The team: invitations and member moves for the owner; leaving for members."""
    return members_page(services.get_provider(provider_id), "providers/members.html")

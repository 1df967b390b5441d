"""Pages shared by startups and provider organisations: the members page, member moves, invitation links."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import EmailField, SubmitField
from wtforms.validators import DataRequired, Length

from app.accounts import organisations
from app.accounts.forms import email_address
from app.accounts.models import MemberRole, Organisation, OrgKind
from app.core.errors import AppError, Invalid

bp = Blueprint("organisations", __name__)

MEMBER_ROLE_LABELS = {MemberRole.OWNER.value: _l("Owner"), MemberRole.MEMBER.value: _l("Member")}
KIND_LABELS = {OrgKind.STARTUP.value: _l("Startup"), OrgKind.PROVIDER.value: _l("Provider organisation")}


class InviteForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254), email_address])
    submit = SubmitField(_l("Send invitation"))


def _kind_endpoint(org: Organisation, page: str) -> str:
    return url_for(f"startups.{page}", startup_id=org.id) if org.kind == OrgKind.STARTUP else \
        url_for(f"providers.{page}", provider_id=org.id)


def org_url(org: Organisation) -> str:
    """The public page of a startup or provider organisation."""
    return _kind_endpoint(org, "detail")


def org_members_url(org: Organisation) -> str:
    return _kind_endpoint(org, "members")


def _mine_url(org: Organisation) -> str:
    return url_for("startups.mine") if org.kind == OrgKind.STARTUP else url_for("providers.mine")


@bp.app_template_global()
def logo_src(org: Organisation) -> str | None:
    """The organisation's logo when the page may show it: an HTTPS address (the CSP allows `img-src
    https:`; plain http would be mixed content) or one on this site; else None, and initials are shown."""
    url = org.logo_url
    if not url:
        return None
    return url if url.startswith("https://") or urlsplit(url).netloc == request.host else None


@bp.app_context_processor
def organisation_helpers():
    return {"org_url": org_url, "org_members_url": org_members_url,
            "member_role_label": lambda role: str(MEMBER_ROLE_LABELS.get(role, role)),
            "org_kind_label": lambda kind: str(KIND_LABELS.get(kind, kind))}


def apply_service_errors(form, error: AppError) -> None:
    """Show a service's field errors next to the form's fields, anything else as a flash message."""
    placed = False
    if isinstance(error, Invalid):
        for name, messages in error.details.items():
            if name in form._fields:
                form[name].errors = list(form[name].errors) + list(messages)
                placed = True
    if not placed:
        flash(error.message, "error")


def members_page(org: Organisation, template: str):
    """GET shows the team (and, to the owner, invitations); POST sends an invitation, showing its link once."""
    user = current_user._get_current_object()
    organisations.require_member(user, org)
    manage = organisations.can_manage(user, org)
    form, new_link, new_email, status = InviteForm(), None, None, 200
    if request.method == "POST":
        organisations.require_owner(user, org)
        if form.validate_on_submit():
            try:
                _invitation, token = organisations.invite(actor=user, organisation_id=org.id, email=form.email.data)
            except AppError as error:
                form.email.errors.append(error.message)
                status = error.status_code
            else:
                new_link, new_email = organisations.invitation_url(token), form.email.data.strip().lower()
                flash(_("Invitation sent to %(email)s.", email=new_email), "success")
                form = InviteForm(formdata=None)
        else:
            status = 422
    invitations = organisations.list_invitations(actor=user, organisation_id=org.id) if manage else []
    return render_template(template, org=org, members=organisations.sorted_members(org), invitations=invitations,
                           form=form, new_link=new_link, new_email=new_email, can_manage=manage,
                           my_role=org.member_role(user), invitation_status=organisations.invitation_status), status


def _act(org: Organisation, action, success: str, done_url: str | None = None):
    try:
        action()
    except AppError as error:
        flash(error.message, "error")
        return redirect(org_members_url(org))
    flash(success, "success")
    return redirect(done_url or org_members_url(org))


@bp.route("/organisations/<int:organisation_id>/invitations/<int:invitation_id>/revoke", methods=["POST"])
@login_required
def revoke_invitation(organisation_id: int, invitation_id: int):
    org = organisations.get_organisation(organisation_id)
    return _act(org, lambda: organisations.revoke_invitation(actor=current_user._get_current_object(),
                                                             invitation_id=invitation_id),
                _("Invitation withdrawn."))


@bp.route("/organisations/<int:organisation_id>/members/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_member(organisation_id: int, user_id: int):
    org = organisations.get_organisation(organisation_id)
    return _act(org, lambda: organisations.remove_member(actor=current_user._get_current_object(),
                                                         organisation_id=org.id, user_id=user_id),
                _("Member removed."))


@bp.route("/organisations/<int:organisation_id>/members/<int:user_id>/transfer", methods=["POST"])
@login_required
def transfer_ownership(organisation_id: int, user_id: int):
    org = organisations.get_organisation(organisation_id)
    return _act(org, lambda: organisations.transfer_ownership(actor=current_user._get_current_object(),
                                                              organisation_id=org.id, user_id=user_id),
                _("Ownership transferred."))


@bp.route("/organisations/<int:organisation_id>/leave", methods=["POST"])
@login_required
def leave(organisation_id: int):
    org = organisations.get_organisation(organisation_id)
    return _act(org, lambda: organisations.leave(user=current_user._get_current_object(), organisation_id=org.id),
                _("You left %(org)s.", org=org.name), done_url=_mine_url(org))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """The link in an invitation email: shows the organisation and an Accept button."""
    invitation = organisations.find_invitation(token)
    org = invitation.organisation
    user = current_user._get_current_object() if current_user.is_authenticated else None
    status = 200
    if request.method == "POST":
        if user is None:
            return current_app.login_manager.unauthorized()
        try:
            organisations.accept_invitation(user=user, token=token)
        except AppError as error:
            problem, status = error, error.status_code
        else:
            flash(_("Welcome to %(org)s!", org=org.name), "success")
            return redirect(org_url(org))
    else:
        problem = organisations.invitation_problem(invitation, user)
    return render_template("organisations/invitation.html", invitation=invitation, org=org, problem=problem,
                           token=token, required_role=organisations.ROLE_FOR_KIND[org.kind]), status

"""JSON API for organisations' members and invitations (startups and provider organisations alike)."""
from flask_login import current_user, login_required
from flask_smorest import Blueprint

from app.accounts import organisation_schemas as schemas
from app.accounts import organisations

blp = Blueprint("organisations_api", __name__, url_prefix="/api",
                description="Members and invitations of startups and provider organisations")


def _me():
    return current_user._get_current_object()


@blp.route("/organisations/<int:organisation_id>/members", methods=["GET"])
@blp.response(200, schemas.MemberSchema(many=True))
@blp.alt_response(404, response="DEFAULT_ERROR")
def list_members(organisation_id):
    """The members of an organisation, owner first (public)."""
    return organisations.list_members(organisation_id=organisation_id)


@blp.route("/organisations/<int:organisation_id>/invitations", methods=["POST"])
@blp.arguments(schemas.CreateInvitationSchema)
@blp.response(201, schemas.NewInvitationSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@blp.alt_response(409, response="DEFAULT_ERROR")
@login_required
def create_invitation(data, organisation_id):
    """Invite someone by email (owner only). The link in `url` is shown only in this response."""
    invitation, token = organisations.invite(actor=_me(), organisation_id=organisation_id, email=data["email"])
    invitation.url = organisations.invitation_url(token)  # not a column: the only time the link leaves the server
    return invitation


@blp.route("/organisations/<int:organisation_id>/invitations", methods=["GET"])
@blp.response(200, schemas.InvitationSchema(many=True))
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@login_required
def list_invitations(organisation_id):
    """Open invitations of an organisation, newest first (owner only)."""
    return organisations.list_invitations(actor=_me(), organisation_id=organisation_id)


@blp.route("/invitations/<int:invitation_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@blp.alt_response(409, response="DEFAULT_ERROR")
@login_required
def revoke_invitation(invitation_id):
    """Withdraw an invitation so its link stops working (owner only)."""
    organisations.revoke_invitation(actor=_me(), invitation_id=invitation_id)


@blp.route("/invitations/accept", methods=["POST"])
@blp.arguments(schemas.AcceptInvitationSchema)
@blp.response(200, schemas.MembershipResultSchema)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@blp.alt_response(409, response="DEFAULT_ERROR")
@login_required
def accept_invitation(data):
    """Join the organisation an invitation is for; your email must be the invited one."""
    return organisations.accept_invitation(user=_me(), token=data["token"])


@blp.route("/organisations/<int:organisation_id>/leave", methods=["POST"])
@blp.response(204)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@blp.alt_response(409, response="DEFAULT_ERROR")
@login_required
def leave_organisation(organisation_id):
    """Leave an organisation (the owner transfers ownership first)."""
    organisations.leave(user=_me(), organisation_id=organisation_id)


@blp.route("/organisations/<int:organisation_id>/members/<int:user_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@blp.alt_response(409, response="DEFAULT_ERROR")
@login_required
def remove_member(organisation_id, user_id):
    """Remove a member (owner only)."""
    organisations.remove_member(actor=_me(), organisation_id=organisation_id, user_id=user_id)


@blp.route("/organisations/<int:organisation_id>/transfer", methods=["POST"])
@blp.arguments(schemas.TransferSchema)
@blp.response(200, schemas.MemberSchema(many=True))
@blp.alt_response(401, response="DEFAULT_ERROR")
@blp.alt_response(403, response="DEFAULT_ERROR")
@blp.alt_response(404, response="DEFAULT_ERROR")
@blp.alt_response(409, response="DEFAULT_ERROR")
@login_required
def transfer_ownership(data, organisation_id):
    """Make another member the owner (owner only); you stay on as a member. Returns the members."""
    organisations.transfer_ownership(actor=_me(), organisation_id=organisation_id, user_id=data["user_id"])
    return organisations.list_members(organisation_id=organisation_id)

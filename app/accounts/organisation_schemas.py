"""Input and output schemas for organisations' members and invitations (shared by startups and providers)."""
from marshmallow import Schema, fields, pre_load, validate

from app.accounts.organisations import MAX_ID, invitation_status, sorted_members


class MemberSchema(Schema):
    """One member of an organisation (dumped from a Membership)."""

    id = fields.Integer(required=True, attribute="user_id", metadata={"description": "The user's id"})
    name = fields.String(required=True, attribute="user.name")
    role = fields.String(required=True, metadata={"description": "owner or member"})
    initials = fields.String(required=True, attribute="user.initials")
    joined_at = fields.DateTime(required=True, attribute="created_at")


class MembersField(fields.List):
    """An organisation's members, owner first (use with attribute="memberships")."""

    def __init__(self, **kwargs):
        super().__init__(fields.Nested(MemberSchema), attribute="memberships", **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(sorted_members(obj), attr, obj, **kwargs)


class CreateInvitationSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))

    @pre_load
    def strip(self, data, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("email"), str):
            return {**data, "email": data["email"].strip()}
        return data


class InvitationSchema(Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    status = fields.Function(invitation_status, required=True,
                             metadata={"type": "string", "enum": ["pending", "accepted", "revoked", "expired"]})
    invited_by = fields.Function(lambda inv: inv.invited_by.name if inv.invited_by else None, required=True,
                                 allow_none=True, metadata={"type": "string", "description": "The inviter's name"})
    created_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(required=True)


class NewInvitationSchema(InvitationSchema):
    url = fields.String(required=True, metadata={"description": "The invitation link. Shown only in this response."})


class AcceptInvitationSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class MembershipResultSchema(Schema):
    """The organisation the user joined, and their role in it."""

    id = fields.Integer(required=True, attribute="organisation.id")
    kind = fields.String(required=True, attribute="organisation.kind")
    name = fields.String(required=True, attribute="organisation.name")
    role = fields.String(required=True)


class TransferSchema(Schema):
    user_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID))


members_schema = MemberSchema(many=True)
invitation_schema = InvitationSchema()

"""Query and output schemas for the admin API."""
from marshmallow import Schema, fields, pre_load, validate

from app.accounts.models import Role
from app.core.pagination import PageArgsSchema

USER_ROLE_FILTERS = [r.value for r in Role] + ["admin"]


def _drop_empty(data):
    """`?role=` from a cleared form field means "no filter", not an invalid role."""
    if hasattr(data, "items"):
        return {k: v for k, v in data.items() if v != ""}
    return data


class AdminUserListArgsSchema(PageArgsSchema):
    q = fields.String(load_default=None, validate=validate.Length(max=200),
                      metadata={"description": "Part of the name or email"})
    role = fields.String(load_default=None, validate=validate.OneOf(USER_ROLE_FILTERS),
                         metadata={"description": "A role, or `admin` for the admin flag"})
    status = fields.String(load_default=None, validate=validate.OneOf(["active", "inactive"]))
    verified = fields.Boolean(load_default=None, allow_none=True)

    @pre_load
    def drop_empty(self, data, **kwargs):
        return _drop_empty(data)


class AdminOrganisationListArgsSchema(PageArgsSchema):
    q = fields.String(load_default=None, validate=validate.Length(max=200),
                      metadata={"description": "Part of the name or city"})
    kind = fields.String(load_default=None, validate=validate.OneOf(["startup", "provider"]))
    verified = fields.Boolean(load_default=None, allow_none=True)

    @pre_load
    def drop_empty(self, data, **kwargs):
        return _drop_empty(data)


class AdminUserSchema(Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)
    is_admin = fields.Boolean(required=True)
    is_verified = fields.Boolean(required=True)
    is_active = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
    last_login_at = fields.DateTime(required=True, allow_none=True)


class AdminOwnerSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)


class AdminOrganisationSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "startup or provider"})
    name = fields.String(required=True)
    city = fields.String(required=True, allow_none=True)
    is_verified = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
    members_count = fields.Method("dump_members_count", required=True,
                                  metadata={"type": "integer"})
    owner = fields.Nested(AdminOwnerSchema, required=True, allow_none=True)

    def dump_members_count(self, org) -> int:
        return len(org.memberships)


class AdminRoleCountsSchema(Schema):
    founder = fields.Integer(required=True)
    mentor = fields.Integer(required=True)
    provider = fields.Integer(required=True)
    investor = fields.Integer(required=True)


class AdminOverviewSchema(Schema):
    users_total = fields.Integer(required=True)
    users_by_role = fields.Nested(AdminRoleCountsSchema, required=True)
    admins = fields.Integer(required=True)
    deactivated = fields.Integer(required=True)
    unverified_mentors = fields.Integer(required=True)
    new_users_7d = fields.Integer(required=True, metadata={"description": "Accounts created in the last 7 days"})
    startups = fields.Integer(required=True)
    unverified_startups = fields.Integer(required=True)
    providers = fields.Integer(required=True)
    unverified_providers = fields.Integer(required=True)


admin_user_schema = AdminUserSchema()
admin_organisation_schema = AdminOrganisationSchema()
overview_schema = AdminOverviewSchema()

"""Input and output schemas for accounts and API tokens."""
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates

from app.accounts.devices import describe_device
from app.accounts.models import Role
from app.accounts.passwords import MIN_LENGTH
from app.core.i18n import is_valid_timezone

MIN_PASSWORD = MIN_LENGTH  # the shape; app.accounts.passwords has the whole rule
ROLES = [r.value for r in Role]


def _strip(data):
    if isinstance(data, dict):
        return {k: v.strip() if isinstance(v, str) and k not in ("password", "new_password", "current_password")
                else v for k, v in data.items()}
    return data


class RegisterSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=MIN_PASSWORD, max=200))
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    locale = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(["en", "zh"]))
    timezone = fields.String(load_default=None, allow_none=True)

    @pre_load
    def strip(self, data, **kwargs):
        return _strip(data)

    @validates("timezone")
    def check_timezone(self, value, **kwargs):
        if value is not None and not is_valid_timezone(value):
            raise ValidationError("Unknown time zone.")


class LoginSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))
    remember = fields.Boolean(load_default=False)

    @pre_load
    def strip(self, data, **kwargs):
        return _strip(data)


class UpdateProfileSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=120))
    locale = fields.String(allow_none=True, validate=validate.OneOf(["en", "zh"]))
    timezone = fields.String()

    @pre_load
    def strip(self, data, **kwargs):
        return _strip(data)

    @validates("timezone")
    def check_timezone(self, value, **kwargs):
        if not is_valid_timezone(value):
            raise ValidationError("Unknown time zone.")


class ChangePasswordSchema(Schema):
    current_password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))
    new_password = fields.String(required=True, load_only=True, validate=validate.Length(min=MIN_PASSWORD, max=200))


class PasswordResetRequestSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))

    @pre_load
    def strip(self, data, **kwargs):
        return _strip(data)


class PasswordResetRequestedSchema(Schema):
    message = fields.String(required=True)


class PasswordResetSchema(Schema):
    token = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=MIN_PASSWORD, max=200))


class OrganisationRefSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True, metadata={"description": "owner or member"})


class UserSchema(Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)
    is_admin = fields.Boolean(required=True)
    is_verified = fields.Boolean(required=True)
    is_active = fields.Boolean(required=True)
    locale = fields.String(allow_none=True)
    timezone = fields.String(required=True)
    initials = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    organisations = fields.Method("dump_organisations")

    def dump_organisations(self, user):
        return [{"id": m.organisation.id, "kind": m.organisation.kind, "name": m.organisation.name, "role": m.role}
                for m in user.memberships]


class PublicUserSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)
    initials = fields.String(required=True)
    is_verified = fields.Boolean(required=True)


class AuthResultSchema(Schema):
    user = fields.Nested(UserSchema, required=True)
    csrf_token = fields.String(required=True)


class CsrfSchema(Schema):
    csrf_token = fields.String(required=True)


class CreateTokenSchema(Schema):
    name = fields.String(load_default="API token", validate=validate.Length(min=1, max=100))


class TokenSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    prefix = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    last_used_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class NewTokenSchema(TokenSchema):
    token = fields.String(required=True, attribute="secret",
                          metadata={"description": "Shown once; send as `Authorization: Bearer`"})


class SessionSchema(Schema):
    id = fields.Integer(required=True)
    device = fields.Function(lambda row: describe_device(row.user_agent), required=True)
    user_agent = fields.String(required=True)
    ip_address = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)
    last_seen_at = fields.DateTime(required=True)
    is_current = fields.Boolean(load_default=False, dump_default=False,
                                metadata={"description": "the session this request came with"})


user_schema = UserSchema()
public_user_schema = PublicUserSchema()
token_schema = TokenSchema()
tokens_schema = TokenSchema(many=True)
new_token_schema = NewTokenSchema()
